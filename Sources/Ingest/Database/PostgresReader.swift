import CLibPQ

/// Reads measurements from PostgreSQL: `COPY (…) TO STDOUT WITH (FORMAT csv, HEADER)` in a
/// read-only transaction, streamed row by row into the CSV reader's own parser, so a table
/// or query follows exactly the rules of a CSV file (tidy or wide by its column names,
/// missing values, periods) and memory stays with the panel. Problems are located in the
/// source's terms: `postgres://…?query=…: query row 1,204, column value: value "abc" is not a number`.
enum PostgresReader {
    static func segment(_ location: PostgresLocation, limits: ReadLimits, options: ReadOptions = ReadOptions()) throws -> SegmentParser {
        let label = location.label
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(location)
        } catch {
            throw error.inputError(label, doing: "cannot connect to PostgreSQL")
        }
        let sql: String
        do throws(PostgresError) {
            try connection.execute(
                "BEGIN TRANSACTION READ ONLY; SET LOCAL client_encoding = 'UTF8'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL "
                    + "extra_float_digits = 1; SET LOCAL IntervalStyle = 'iso_8601'"
            )
            if let table = location.table {
                var name = try connection.identifier(table)
                if let schema = location.schema { name = try connection.identifier(schema) + "." + name }
                sql = "COPY \(name) TO STDOUT WITH (FORMAT csv, HEADER)"
            } else {
                var query = Substring(location.query ?? "")
                while let last = query.last, last == ";" || last.isWhitespace { query = query.dropLast() }
                sql = "COPY (\(query)\n) TO STDOUT WITH (FORMAT csv, HEADER)"
            }
            try connection.beginCopyOut(sql)
        } catch {
            throw error.inputError(label, doing: location.table != nil ? "cannot read the table" : "the server refused the query")
        }
        var stream = PostgresCopyStream(connection: connection)
        var parser: SegmentParser
        do {
            parser = try MeasurementsReader.segment(stream: &stream, file: label, limits: limits, options: options)
        } catch let e as PostgresError {
            let rows = Swift.max(stream.rows - 1, 0)
            throw e.inputError(label, doing: "the read stopped after \(rows.formatted) \(rows == 1 ? "row" : "rows")")
        } catch let e as InputErrors {
            throw InputErrors(
                e.errors.map { MeasurementsReader.relocate($0, label: label, rowWord: location.rowWord, header: stream.header) },
                measuresSeen: e.measuresSeen)
        }
        parser.errors = parser.errors.map {
            MeasurementsReader.relocate($0, label: label, rowWord: location.rowWord, header: stream.header)
        }
        // Leave the server idle: end the read-only transaction (nothing to keep).
        if !parser.stopped { try? connection.execute("COMMIT") }
        return parser
    }

    static func read(
        _ location: PostgresLocation, limits: ReadLimits, options: ReadOptions = ReadOptions()
    ) throws -> MeasurementsReader.Result {
        try MeasurementsReader.mergeOne(
            segment(location, limits: limits, options: options), label: location.label, rowWord: location.rowWord, limits: limits,
            options: options)
    }
}

extension SegmentParser {
    /// The layout's column names, for sources that locate problems by column.
    var headerNames: [String] {
        switch layout {
        case .tidy: ["team", "period", "measure", "value"]
        case .wide(let names): ["team", "period"] + names.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

extension Int {
    /// `1,204`: a count as people read it.
    var formatted: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return self < 0 ? "-" + out : out
    }
}

/// The rows of a COPY out, one libpq buffer at a time, copied into the parser's block.
struct PostgresCopyStream: ByteStream {
    let connection: PostgresConnection
    /// A row that did not fit the last block: its buffer, length and how much was copied.
    var pending: (UnsafeMutablePointer<CChar>, Int, Int)?
    var ended = false
    /// Rows received, the header included.
    var rows = 0
    /// The header's column names, as the server sent them.
    var header: [String] = []

    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        var filled = 0
        while filled < capacity {
            if let (row, length, done) = pending {
                let n = Swift.min(length - done, capacity - filled)
                UnsafeMutableRawPointer(buffer + filled).copyMemory(from: row + done, byteCount: n)
                filled += n
                if done + n == length {
                    PQfreemem(row)
                    pending = nil
                } else {
                    pending = (row, length, done + n)
                }
                continue
            }
            if ended { break }
            guard let (row, length) = try connection.copyOutRow() else {
                ended = true
                break
            }
            if rows == 0 { header = Self.names(row, length) }
            rows += 1
            pending = (row, length, 0)
        }
        return filled
    }

    /// The header row split as CSV (PostgreSQL quotes a name holding a comma or a quote).
    static func names(_ row: UnsafeMutablePointer<CChar>, _ length: Int) -> [String] {
        let bytes = UnsafeRawBufferPointer(start: row, count: length)
        var names: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 {
                        field.append(34)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == 34 {
                quoted = true
            } else if c == 44 {
                names.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if c != 10 && c != 13 {
                field.append(c)
            }
            i += 1
        }
        names.append(String(decoding: field, as: UTF8.self))
        return names
    }
}
