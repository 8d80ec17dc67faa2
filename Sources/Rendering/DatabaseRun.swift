#if canImport(Glibc)
import Glibc
#endif

/// The provenance of one run written to a database (PostgreSQL or SQLite): which analysis,
/// on what data, with which settings; one row of `scorecard_runs`, which each result row
/// references by `run_id`.
public struct DatabaseRun: Sendable {
    public let analysis: String
    public let source: String
    public let contentSHA256: String
    public let windowFrom: String
    public let windowTo: String
    public let frequency: String
    /// The settings as JSON (the `--with-definitions` sidecar's text).
    public let options: String
    public let methodsVersion: String
    public let engine: String

    public init(definitions: Definitions, engineVersion: String) {
        analysis = definitions.analysis
        let p = definitions.dataset.panel
        source = ([definitions.dataset.location.measurements] + definitions.dataset.location.moreMeasurements).joined(separator: " ")
        contentSHA256 = p.contentSHA256
        windowFrom = p.firstPeriod.description
        windowTo = p.lastPeriod.description
        frequency = p.frequency.rawValue
        options = String(decoding: definitions.json(engineVersion: engineVersion), as: UTF8.self)
        let base = definitions.analysis.split(separator: "_").first.map(String.init) ?? definitions.analysis
        methodsVersion = Definitions.methodVersions.first { $0.0 == base }.map { "\($0.0) \($0.1)" } ?? "METHODS.md"
        engine = "scorecard \(engineVersion)"
    }

    /// `scorecard_runs`' columns that a run fills (run_id and created_at are the database's).
    public static let columns = [
        "analysis", "result_table", "source", "content_sha256", "frequency", "window_from", "window_to", "options", "methods_version",
        "engine",
    ]

    /// The values for `columns`, in order, for a run writing into `resultTable`.
    public func values(resultTable: String) -> [String] {
        [analysis, resultTable, source, contentSHA256, frequency, windowFrom, windowTo, options, methodsVersion, engine]
    }
}

/// What a result column holds, for typed database columns.
enum ColumnKind: Sendable {
    case integer, real, text
}

extension ResultTable {
    /// Each column's kind from its cells: all integers → integer, numbers (with or without
    /// integers) → real, anything with text → text; no defined cell → text.
    var columnKinds: [ColumnKind] {
        columns.indices.map { j in
            var integer = false
            var number = false
            var text = false
            for row in rows {
                switch row[j] {
                case .integer: integer = true
                case .number, .probability: number = true
                case .text: text = true
                case .missing: break
                }
            }
            if text { return .text }
            if number { return .real }
            return integer ? .integer : .text
        }
    }
}

/// Tests only: `SCORECARD_TEST_PAUSE_COPY_AFTER_ROWS=N` holds a database write open after
/// N rows, so a signal can arrive mid-write.
enum WritePause {
    static var afterRows: Int? { getenv("SCORECARD_TEST_PAUSE_COPY_AFTER_ROWS").flatMap { Int(String(cString: $0)) } }

    static func hold(after rows: Int, _ what: String) {
        let s = "scorecard: paused mid-\(what) after \(rows) rows\n"
        _ = s.withCString { Glibc.write(2, $0, strlen($0)) }
        sleep(60)
    }
}
