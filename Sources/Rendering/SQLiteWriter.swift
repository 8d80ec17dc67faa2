import Foundation
import GRDB
import Ingest

/// Writes a result table into a SQLite file (`sqlite:path.db?table=T`, created when
/// missing): typed columns (REAL for numbers and probabilities, INTEGER, TEXT; NULL for an
/// undefined value), then `run_id` (referencing the run's row in `scorecard_runs`, the
/// same table and columns as PostgreSQL's) and `row_number` (the CSV output's row order).
/// Everything — `scorecard_runs`, the run row, the table (re)creation and the rows — is one
/// immediate transaction: a failure, an interrupt or a killed process leaves the file as
/// it was (SQLite's journal rolls an unfinished transaction back).
public enum SQLiteWriter {
    /// - Throws: `OutputError` (73: the table exists with `fail`, or has other columns for
    ///   `append`; 74: the file cannot be opened or written).
    public static func write(_ table: ResultTable, to location: SQLiteLocation, ifExists: IfExists, run: DatabaseRun) throws(OutputError) {
        table.checkShape()
        let label = location.label
        let name = location.table!
        let queue: DatabaseQueue
        do {
            var configuration = Configuration()
            configuration.label = "scorecard-write"
            queue = try DatabaseQueue(path: location.path, configuration: configuration)
        } catch {
            throw OutputError(
                path: label, action: "cannot open the SQLite database", reason: reason(error), kind: .inputOutput)
        }
        let kinds = table.columnKinds
        let wanted = table.columns.map(\.name) + ["run_id", "row_number"]
        do {
            try queue.inTransaction(.immediate) { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS scorecard_runs (
                            run_id INTEGER PRIMARY KEY AUTOINCREMENT, analysis TEXT NOT NULL, result_table TEXT NOT NULL, source \
                            TEXT NOT NULL, content_sha256 TEXT NOT NULL,
                            frequency TEXT, window_from TEXT, window_to TEXT, options TEXT, methods_version TEXT, engine TEXT,
                            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
                        """)
                let exists = try db.tableExists(name)
                if exists {
                    switch ifExists {
                    case .fail:
                        throw OutputErrorBox.tableExists(label)
                    case .replace:
                        try db.execute(sql: "DROP TABLE \(name.quotedDatabaseIdentifier)")
                    case .append:
                        let have = try db.columns(in: name).map(\.name)
                        if have != wanted {
                            throw OutputErrorBox.columnsDiffer(label, have: have, wanted: wanted)
                        }
                    }
                }
                let placeholders = Array(repeating: "?", count: DatabaseRun.columns.count).joined(separator: ", ")
                try db.execute(
                    sql: "INSERT INTO scorecard_runs (\(DatabaseRun.columns.joined(separator: ", "))) VALUES (\(placeholders))",
                    arguments: StatementArguments(run.values(resultTable: name)))
                let runID = db.lastInsertedRowID
                if !exists || ifExists == .replace {
                    var columns: [String] = []
                    for (column, kind) in zip(table.columns, kinds) {
                        let type =
                            switch kind {
                            case .integer: "INTEGER"
                            case .real: "REAL"
                            case .text: "TEXT"
                            }
                        columns.append("\(column.name.quotedDatabaseIdentifier) \(type)")
                    }
                    columns.append("run_id INTEGER NOT NULL REFERENCES scorecard_runs (run_id)")
                    columns.append("row_number INTEGER NOT NULL")
                    try db.execute(sql: "CREATE TABLE \(name.quotedDatabaseIdentifier) (\(columns.joined(separator: ", ")))")
                }
                let list = wanted.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
                let insert = try db.makeStatement(
                    sql:
                        "INSERT INTO \(name.quotedDatabaseIdentifier) (\(list)) VALUES "
                        + "(\(Array(repeating: "?", count: wanted.count).joined(separator: ", ")))"
                )
                let pauseAfter = WritePause.afterRows
                for (index, row) in table.rows.enumerated() {
                    var values: [(any DatabaseValueConvertible)?] = row.map { cell in
                        switch cell {
                        case .text(let s): s
                        case .integer(let v): Int64(v)
                        // NaN is no value (SQLite would store NULL for it anyway).
                        case .number(let v), .probability(let v): v.isNaN ? nil : v
                        case .missing: nil
                        }
                    }
                    values.append(runID)
                    values.append(Int64(index + 1))
                    try insert.execute(arguments: StatementArguments(values))
                    if pauseAfter == index + 1 { WritePause.hold(after: index + 1, "write") }
                }
                return .commit
            }
        } catch let box as OutputErrorBox {
            throw box.error
        } catch {
            throw OutputError(path: label, action: "cannot write", reason: reason(error), kind: .inputOutput)
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? "\(error)"
    }
}
