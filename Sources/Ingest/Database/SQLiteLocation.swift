/// A table or query in a SQLite database file: `sqlite:path.db?table=T` or
/// `sqlite:path.db?query=SELECT …` (the path relative to the working folder; `%XX`
/// escapes decoded as in a PostgreSQL URL).
public struct SQLiteLocation: Sendable, Equatable {
    /// The database file's path.
    public let path: String
    /// Exactly one of `table` and `query` is set.
    public let table: String?
    /// `?query=`: a SELECT whose rows are the measurements.
    public let query: String?
    /// The argument as given, for messages and provenance.
    public let label: String

    /// Whether the argument names a SQLite database (`sqlite:`).
    public static func isURL(_ text: String) -> Bool { text.hasPrefix("sqlite:") }

    /// - Throws: `InputError` (.usage) naming the part that is wrong.
    public init(parsing text: String, tableRequired: Bool = false) throws {
        label = text
        let expected = "sqlite:path.db?table=NAME or sqlite:path.db?query=SELECT …"
        func fail(_ problem: String) -> InputError { InputError(.usage, file: "command line", problem: problem, expected: expected) }
        var rest = Substring(text.dropFirst("sqlite:".count))
        var queryString: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            queryString = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        path = try PostgresLocation.decode(rest, fail)
        if path.isEmpty { throw fail("no database file before the ?") }
        (table, query, _) = try PostgresLocation.tableOrQuery(queryString, more: [], tableRequired: tableRequired, fail)
    }

    /// The words the location uses in messages: "query row" or "row".
    var rowWord: String { query != nil ? "query row" : "row" }
}
