/// Where a table or query lives in PostgreSQL: `postgres://[user@]host[:port]/db?table=T`
/// or `…?query=SELECT …`, with `&schema=S` for a table outside the search path.
///
/// The URL never carries a password: credentials come from libpq's usual places
/// (PGPASSWORD, ~/.pgpass, a service file, PGSSLMODE and the rest of its environment), so
/// no secret is ever on a command line, in `ps`, or in a message. Parts the URL leaves out
/// (host, port, user, database) also fall back to libpq's environment (PGHOST, PGPORT …).
public struct PostgresLocation: Sendable, Equatable {
    /// Server host (or Unix socket folder); nil: libpq's default (PGHOST).
    public var host: String?
    /// Server port; nil: libpq's default (PGPORT).
    public var port: String?
    /// User name; nil: libpq's default (PGUSER).
    public var user: String?
    /// Database name; nil: libpq's default (PGDATABASE).
    public var database: String?
    /// `?schema=`: the schema of `table`; nil: the search path.
    public var schema: String?
    /// Exactly one of `table` and `query` is set.
    public var table: String?
    /// `?query=`: a SELECT whose rows are the measurements.
    public var query: String?
    /// The URL as given (it holds no secret), for messages and provenance.
    public var label: String

    /// Whether the argument is a PostgreSQL URL (`postgres://` or `postgresql://`).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses the URL; `role` says what it is for in messages ("data", "output").
    /// - Throws: `InputError` (.usage) naming the part that is wrong.
    public init(parsing text: String, tableRequired: Bool = false) throws {
        label = text
        let expected =
            "postgres://[user@]host[:port]/database?table=NAME or ?query=SELECT … (optionally &schema=NAME); the password comes from "
            + "PGPASSWORD or ~/.pgpass"
        func fail(_ problem: String) -> InputError { InputError(.usage, file: "command line", problem: problem, expected: expected) }
        guard let schemeEnd = text.range(of: "://") else { throw fail("\"\(text)\" is not a PostgreSQL URL") }
        var rest = Substring(text[schemeEnd.upperBound...])
        var queryString: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            queryString = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if userInfo.contains(":") {
                // Never echo it: the part after the colon is a password.
                label =
                    "postgres://…@" + authority[authority.index(after: at)...] + "/" + path + (queryString.isEmpty ? "" : "?" + queryString)
                throw InputError(
                    .usage, file: "command line", problem: "the PostgreSQL URL holds a password (user:password@)",
                    expected: "the password in PGPASSWORD or ~/.pgpass, never on the command line")
            }
            user = try Self.decode(userInfo, fail)
            authority = authority[authority.index(after: at)...]
        }
        var hostPart = authority
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an unclosed [ in the host") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            port = String(authority[authority.index(after: colon)...])
        }
        if !hostPart.isEmpty { host = try Self.decode(hostPart, fail) }
        if let port, port.isEmpty || !port.allSatisfy(\.isASCII) || Int(port).map({ !(1...65535).contains($0) }) ?? true {
            throw fail("port \"\(port)\" is not a port number")
        }
        if !path.isEmpty { database = try Self.decode(path, fail) }
        let parameters = try Self.tableOrQuery(queryString, more: ["schema"], tableRequired: tableRequired, fail) { table, _, more in
            if more["schema"] != nil && table == nil { throw fail("schema= without table=") }
        }
        (table, query, schema) = (parameters.table, parameters.query, parameters.more["schema"])
    }

    /// A database location's `table=…` or `query=…` (and the `more` parameters it allows),
    /// `%XX`-decoded, checked: exactly one of table and query, neither empty, a table when
    /// one is required. `check` adds the location's own rules before the last two checks.
    static func tableOrQuery(
        _ queryString: Substring, more allowed: [String], tableRequired: Bool, _ fail: (String) -> InputError,
        check: (String?, String?, [String: String]) throws -> Void = { _, _, _ in }
    ) throws -> (table: String?, query: String?, more: [String: String]) {
        var table: String?
        var query: String?
        var more: [String: String] = [:]
        for pair in queryString.split(separator: "&", omittingEmptySubsequences: true) {
            let eq = pair.firstIndex(of: "=") ?? pair.endIndex
            let key = String(pair[..<eq])
            let value = try decode(eq == pair.endIndex ? "" : pair[pair.index(after: eq)...], fail)
            switch key {
            case "table": table = value
            case "query": query = value
            case _ where allowed.contains(key): more[key] = value
            default: throw fail("unknown URL parameter \"\(key)\"")
            }
        }
        if table != nil && query != nil { throw fail("both table= and query=") }
        if let table, table.isEmpty { throw fail("an empty table name") }
        if let query, query.allSatisfy(\.isWhitespace) { throw fail("an empty query") }
        try check(table, query, more)
        if table == nil && query == nil { throw fail(tableRequired ? "no table= to write to" : "neither table= nor query=") }
        if tableRequired && query != nil { throw fail("query= names no table to write to") }
        return (table, query, more)
    }

    /// `%XX` escapes decoded (a `+` stays a plus: it is arithmetic in SQL more often than a space).
    static func decode(_ s: Substring, _ fail: (String) -> InputError) throws -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        var u = Array(s.utf8)[...]
        while let b = u.first {
            u = u.dropFirst()
            if b == UInt8(ascii: "%") {
                guard u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) else {
                    throw fail("a % in the URL that is not followed by two hex digits (write %25 for a percent sign)")
                }
                bytes.append(v)
                u = u.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("a %-escape that is not UTF-8") }
        return text
    }

    /// The words the location uses in messages: "query row" or "row".
    var rowWord: String { query != nil ? "query row" : "row" }
}
