import Foundation
import GRDB

/// Reads measurements from a SQLite file (`sqlite:path.db?table=T` or `?query=SELECT …`),
/// opened read-only, its rows rendered as CSV records into the CSV reader's own parser, so
/// a table or query follows exactly the rules of a CSV file (tidy or wide by its column
/// names, missing values, periods): text as it is (quoted when it holds a comma, a quote or
/// a line break), integers in decimal, reals in their shortest round-trip form, NULL as an
/// empty field. Problems are located in the source's terms:
/// `sqlite:b2b.db?query=…: query row 2, column team: an empty team name …`.
enum SQLiteReader {
    static func segment(_ location: SQLiteLocation, limits: ReadLimits, options: ReadOptions = ReadOptions()) throws -> SegmentParser {
        let label = location.label
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw InputError(
                .missingInput, file: label,
                problem: isFolder.boolValue ? "\(location.path) is a folder" : "no such database file \(location.path)",
                expected: "an existing SQLite database file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "scorecard-read"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: location.path, configuration: configuration)
        } catch let e as DatabaseError {
            throw inputError(e, label, doing: "cannot open the database")
        }
        var parsed: SegmentParser?
        var header: [String] = []
        do {
            try queue.read { db in
                let sql = location.table.map { "SELECT * FROM \($0.quotedDatabaseIdentifier)" } ?? location.query!
                let cursor: RowCursor
                do {
                    cursor = try Row.fetchCursor(db, sql: sql)
                } catch let e as DatabaseError {
                    throw inputError(e, label, doing: location.table != nil ? "cannot read the table" : "SQLite refused the query")
                }
                header = cursor.columnNames
                var stream = SQLiteRowStream(cursor: cursor, header: header)
                do {
                    parsed = try MeasurementsReader.segment(stream: &stream, file: label, limits: limits, options: options)
                } catch let e as DatabaseError {
                    let rows = stream.rows
                    throw inputError(e, label, doing: "the read stopped after \(rows.formatted) \(rows == 1 ? "row" : "rows")")
                }
            }
        } catch let e as InputErrors {
            throw InputErrors(
                e.errors.map { MeasurementsReader.relocate($0, label: label, rowWord: location.rowWord, header: header) },
                measuresSeen: e.measuresSeen)
        } catch let e as DatabaseError {
            throw inputError(e, label, doing: "cannot read the database")
        }
        var parser = parsed!
        parser.errors = parser.errors.map { MeasurementsReader.relocate($0, label: label, rowWord: location.rowWord, header: header) }
        return parser
    }

    static func read(
        _ location: SQLiteLocation, limits: ReadLimits, options: ReadOptions = ReadOptions()
    ) throws -> MeasurementsReader.Result {
        try MeasurementsReader.mergeOne(
            segment(location, limits: limits, options: options), label: location.label, rowWord: location.rowWord, limits: limits,
            options: options)
    }

    /// SQLite's message with the exit code its kind calls for.
    static func inputError(_ e: DatabaseError, _ label: String, doing action: String) -> InputError {
        let message = e.message ?? "\(e.resultCode)"
        let kind: InputError.Kind
        let expected: String
        switch e.resultCode {
        case .SQLITE_CANTOPEN:
            kind = .missingInput
            expected = "a SQLite database file the user may read"
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            kind = .badData
            expected = "a SQLite database file"
        case .SQLITE_ERROR where message.hasPrefix("no such table") || message.hasPrefix("no such column"):
            kind = .missingInput
            expected = "an existing table and columns"
        case .SQLITE_ERROR, .SQLITE_RANGE, .SQLITE_MISUSE:
            kind = .usage
            expected = "a query SQLite accepts"
        default:
            kind = .inputOutput
            expected = ""
        }
        return InputError(kind, file: label, problem: "\(action): \(message)", expected: expected)
    }
}

/// The rows of a SQLite cursor as CSV records (the header first), copied into the parser's block.
struct SQLiteRowStream: ByteStream {
    let cursor: RowCursor
    /// Bytes rendered but not yet handed over, and how many of them were.
    var pending: [UInt8] = []
    var done = 0
    var ended = false
    /// Data rows rendered so far.
    var rows = 0

    init(cursor: RowCursor, header: [String]) {
        self.cursor = cursor
        for (i, name) in header.enumerated() {
            if i > 0 { pending.append(44) }
            Self.append(text: Array(name.utf8), to: &pending)
        }
        pending.append(10)
    }

    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        var filled = 0
        while filled < capacity {
            if done < pending.count {
                let n = Swift.min(pending.count - done, capacity - filled)
                pending.withUnsafeBufferPointer {
                    UnsafeMutableRawPointer(buffer + filled).copyMemory(from: $0.baseAddress! + done, byteCount: n)
                }
                filled += n
                done += n
                continue
            }
            if ended { break }
            pending.removeAll(keepingCapacity: true)
            done = 0
            guard let row = try cursor.next() else {
                ended = true
                break
            }
            rows += 1
            for i in 0..<row.count {
                if i > 0 { pending.append(44) }
                let value: DatabaseValue = row[i]
                switch value.storage {
                case .null: break
                case .int64(let v): pending.append(contentsOf: String(v).utf8)
                // Swift's description is the shortest text that reads back to the same double.
                case .double(let v): pending.append(contentsOf: v.description.utf8)
                case .string(let s): Self.append(text: Array(s.utf8), to: &pending)
                case .blob(let d): Self.append(text: Array(d), to: &pending)
                }
            }
            pending.append(10)
        }
        return filled
    }

    /// A field, quoted (quotes doubled) only when it holds a comma, a quote or a line break,
    /// as PostgreSQL's CSV does, so leading and trailing spaces reach the parser's rules.
    static func append(text: [UInt8], to out: inout [UInt8]) {
        if text.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            out.append(34)
            for b in text {
                out.append(b)
                if b == 34 { out.append(34) }
            }
            out.append(34)
        } else {
            out.append(contentsOf: text)
        }
    }
}
