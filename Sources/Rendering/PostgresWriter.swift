import Ingest

#if canImport(Glibc)
import Glibc
#endif

/// What to do when the output table already exists.
public enum IfExists: String, Sendable, CaseIterable {
    /// Refuse (exit 73), the default: results never overwrite a table by accident.
    case fail
    /// Drop and recreate it, in the same transaction as the new rows.
    case replace
    /// Add this run's rows (the table's columns must be the analysis' columns).
    case append
}

/// Writes a result table into PostgreSQL: typed columns (`double precision` for numbers
/// and probabilities, `bigint` for integers, `text`; NULL for an undefined value), then
/// `run_id` (referencing the run's row in `scorecard_runs`) and `row_number` (the CSV
/// output's row order). Everything — the run row, the table (re)creation and the rows, sent
/// with `COPY … FROM STDIN` — is one transaction: a failure, an interrupt or a killed
/// process leaves the database as it was, since the server rolls back a transaction whose
/// client goes away before COMMIT.
public enum PostgresWriter {
    /// The provenance of one run, shared with the SQLite writer.
    public typealias Run = DatabaseRun

    /// - Throws: `OutputError` (`.cannotCreate`: the table exists with `fail`, or has other
    ///   columns for `append`; `.inputOutput`: the server cannot be reached or refuses the write).
    public static func write(_ table: ResultTable, to location: PostgresLocation, ifExists: IfExists, run: Run) throws(OutputError) {
        table.checkShape()
        let label = location.label
        func failure(_ e: PostgresError, _ action: String, kind: OutputError.Kind = .inputOutput) -> OutputError {
            OutputError(path: label, action: action, reason: e.description, kind: kind)
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(location)
        } catch {
            throw failure(error, "cannot connect to PostgreSQL for")
        }
        let types = columnTypes(table)
        do {
            let schema = try location.schema.map { try connection.identifier($0) + "." } ?? ""
            let name = try schema + connection.identifier(location.table!)
            let runs = schema + "scorecard_runs"
            // scorecard_runs first, on its own: two writers creating it at once in their
            // transactions would collide (IF NOT EXISTS is not atomic); the loser's error says
            // the winner made it. An empty scorecard_runs left behind is harmless.
            do {
                try connection.execute(
                    """
                    CREATE TABLE IF NOT EXISTS \(runs) (
                        run_id bigserial PRIMARY KEY, analysis text NOT NULL, result_table text NOT NULL, source text NOT NULL, \
                        content_sha256 text NOT NULL,
                        frequency text, window_from text, window_to text, options jsonb, methods_version text, engine text,
                        created_at timestamptz NOT NULL DEFAULT now())
                    """)
            } catch {
                if error.sqlState != "23505" && error.sqlState != "42P07" { throw error }
            }
            try connection.execute(
                "BEGIN; SET LOCAL client_encoding = 'UTF8'; SET LOCAL extra_float_digits = 1; SET LOCAL client_min_messages = warning")
            let regclass = try connection.literal(
                (location.schema.map { try connection.identifier($0) + "." } ?? "") + connection.identifier(location.table!))
            let exists = try connection.column("SELECT to_regclass(\(regclass)) IS NOT NULL")[0] == "t"
            let wanted = table.columns.map(\.name) + ["run_id", "row_number"]
            if !exists || ifExists == .replace {
                // Creating (or dropping) a table whose foreign key references scorecard_runs
                // takes SHARE ROW EXCLUSIVE on it; taken after the run row's INSERT, two writers
                // deadlock upgrading their locks. Taken first, they run one after the other.
                try connection.execute("LOCK TABLE \(runs) IN SHARE ROW EXCLUSIVE MODE")
            }
            if exists {
                switch ifExists {
                case .fail:
                    try? connection.execute("ROLLBACK")
                    throw OutputErrorBox.tableExists(label)
                case .replace:
                    try connection.execute("DROP TABLE \(name)")
                case .append:
                    let have = try connection.column(
                        "SELECT attname FROM pg_attribute WHERE attrelid = \(regclass)::regclass AND attnum > 0 AND NOT attisdropped "
                            + "ORDER BY attnum"
                    ).compactMap { $0 }
                    if have != wanted {
                        try? connection.execute("ROLLBACK")
                        throw OutputErrorBox.columnsDiffer(label, have: have, wanted: wanted)
                    }
                }
            }
            let values = run.values(resultTable: (location.schema.map { $0 + "." } ?? "") + location.table!)
            let runID = try connection.column(
                """
                INSERT INTO \(runs) (\(DatabaseRun.columns.joined(separator: ", ")))
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10) RETURNING run_id
                """, parameters: values)[0]!
            if !exists || ifExists == .replace {
                var columns: [String] = []
                for (column, type) in zip(table.columns, types) { columns.append("\(try connection.identifier(column.name)) \(type)") }
                columns.append("run_id bigint NOT NULL REFERENCES \(runs) (run_id)")
                columns.append("row_number integer NOT NULL")
                try connection.execute("CREATE TABLE \(name) (\(columns.joined(separator: ", ")))")
            }
            let list = try wanted.map { try connection.identifier($0) }.joined(separator: ", ")
            try connection.beginCopyIn("COPY \(name) (\(list)) FROM STDIN WITH (FORMAT csv)")
            var buffer = OutputBuffer(capacity: 1 << 20)
            let pauseAfter = WritePause.afterRows
            for (index, row) in table.rows.enumerated() {
                appendCSV(row, runID: runID, rowNumber: index + 1, to: &buffer)
                if buffer.count >= 1 << 20 || pauseAfter == index + 1 {
                    try buffer.withBytes { (bytes) throws(PostgresError) in try connection.copyIn(bytes.bindMemory(to: UInt8.self)) }
                    buffer.removeAll()
                }
                if pauseAfter == index + 1 { WritePause.hold(after: index + 1, "COPY") }
            }
            try buffer.withBytes { (bytes) throws(PostgresError) in try connection.copyIn(bytes.bindMemory(to: UInt8.self)) }
            try connection.endCopyIn()
            try connection.execute("COMMIT")
        } catch let box as OutputErrorBox {
            throw box.error
        } catch let e as PostgresError {
            try? connection.execute("ROLLBACK")
            throw failure(e, "cannot write")
        } catch {
            try? connection.execute("ROLLBACK")
            throw OutputError(path: label, action: "cannot write", reason: "\(error)", kind: .inputOutput)
        }
    }

    /// A column's SQL type from its cells (`ResultTable.columnKinds`).
    static func columnTypes(_ table: ResultTable) -> [String] {
        table.columnKinds.map {
            switch $0 {
            case .integer: "bigint"
            case .real: "double precision"
            case .text: "text"
            }
        }
    }

    /// One row in PostgreSQL's CSV: text always quoted (so an empty name stays an empty
    /// string), an undefined value unquoted and empty (NULL), numbers in shortest form.
    static func appendCSV(_ row: [Cell], runID: String, rowNumber: Int, to buffer: inout OutputBuffer) {
        var line = ""
        for cell in row {
            switch cell {
            case .text(let s):
                line += "\"" + s.replacingAll("\"", with: "\"\"") + "\""
            case .integer(let v):
                line += String(v)
            case .number(let v), .probability(let v):
                if let s = ShortestDecimal.string(v) { line += s }
            case .missing:
                break
            }
            line += ","
        }
        line += runID + "," + String(rowNumber) + "\n"
        buffer.append(Array(line.utf8))
    }
}

/// Carries an `OutputError` out of a `do throws(PostgresError)` block.
struct OutputErrorBox: Error {
    var error: OutputError
    init(_ e: OutputError) { error = e }

    /// `--if-exists fail` (the default) on a table that exists: the same words for every database.
    static func tableExists(_ label: String) -> OutputErrorBox {
        OutputErrorBox(
            OutputError(
                path: label, action: "will not overwrite", reason: "the table exists (use --if-exists replace or --if-exists append)",
                kind: .cannotCreate))
    }

    /// `--if-exists append` to a table whose columns are not the analysis' own.
    static func columnsDiffer(_ label: String, have: [String], wanted: [String]) -> OutputErrorBox {
        OutputErrorBox(
            OutputError(
                path: label, action: "cannot append to",
                reason: "the table's columns (\(have.joined(separator: ", "))) are not this analysis' (\(wanted.joined(separator: ", ")))",
                kind: .cannotCreate))
    }
}

extension OutputError {
    /// A failure described by its own text (a database's message) rather than an errno.
    public init(path: String, action: String, reason: String, kind: Kind) {
        self.init(path: path, action: action, code: 0, kind: kind)
        self.reason = reason
    }
}
