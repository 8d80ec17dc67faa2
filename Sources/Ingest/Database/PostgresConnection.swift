import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

/// A failure reported by libpq or the server, with secrets scrubbed from its text.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The server's or libpq's message on one line (the password, if libpq ever echoed
    /// one, replaced by `***`).
    public let message: String
    /// SQLSTATE when the server sent one (`57014` statement timeout, `42P01` no such table …).
    public let sqlState: String?
    /// The connection itself failed (refused, authentication, lost).
    public let connectionFailed: Bool
    /// The message, with its SQLSTATE when there is one.
    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

    /// As an input problem: exit 74 for the connection and the server's own failures
    /// (cancelled, shut down), 66 for a table or column that does not exist, 64 for a
    /// query the server cannot parse, 65 for data the server refuses.
    func inputError(_ label: String, doing action: String) -> InputError {
        let kind: InputError.Kind
        var expected: String
        switch sqlState?.prefix(2) {
        case "42" where sqlState == "42P01" || sqlState == "42703" || sqlState == "3F000":
            kind = .missingInput
            expected = "an existing table (and schema) the user may read"
        case "42":
            kind = .usage
            expected = "a query the server accepts"
        case "22", "23":
            kind = .badData
            expected = "data the query can read"
        case "28":
            kind = .inputOutput
            expected = "credentials in PGPASSWORD or ~/.pgpass for a user allowed to connect"
        default:
            kind = .inputOutput
            expected =
                connectionFailed
                ? "a reachable PostgreSQL server (check the host and port, PGHOST and PGPORT) and credentials in PGPASSWORD or ~/.pgpass"
                : ""
        }
        if message.contains("password authentication failed") || message.contains("no password supplied") {
            expected = "the right password in PGPASSWORD or ~/.pgpass"
        }
        return InputError(kind, file: label, problem: "\(action): \(description)", expected: expected)
    }
}

/// One libpq connection, closed on deinit. Only what Scorecard needs: simple statements,
/// COPY out (reading) and COPY in (writing).
public final class PostgresConnection {
    let connection: OpaquePointer

    /// Connects with the URL's parts; everything else (password, SSL, options such as
    /// `statement_timeout` in PGOPTIONS) comes from libpq's environment and files.
    public init(_ location: PostgresLocation) throws(PostgresError) {
        var keywords: [String] = ["fallback_application_name"]
        var values: [String] = ["scorecard"]
        for case (let keyword, let value?) in [
            ("host", location.host), ("port", location.port), ("user", location.user), ("dbname", location.database),
        ] {
            keywords.append(keyword)
            values.append(value)
        }
        if getenv("PGCONNECT_TIMEOUT") == nil {
            keywords.append("connect_timeout")
            values.append("10")
        }
        let k = keywords.map { strdup($0) }
        let v = values.map { strdup($0) }
        defer {
            for item in k { free(item) }
            for item in v { free(item) }
        }
        var kp: [UnsafePointer<CChar>?] = k.map { UnsafePointer($0) } + [nil]
        var vp: [UnsafePointer<CChar>?] = v.map { UnsafePointer($0) } + [nil]
        guard let c = PQconnectdbParams(&kp, &vp, 0) else {
            throw PostgresError(message: "out of memory", sqlState: nil, connectionFailed: true)
        }
        connection = c
        if PQstatus(c) != CONNECTION_OK {
            // deinit (which runs once every stored property is set) closes it.
            throw PostgresError(message: Self.scrub(String(cString: PQerrorMessage(c))), sqlState: nil, connectionFailed: true)
        }
        silenceNotices()
    }

    deinit { PQfinish(connection) }

    /// Notices (`relation … already exists, skipping`) are the server chatting, not
    /// problems: libpq would print them on standard error, so they are dropped.
    private func silenceNotices() {
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    /// Where the connection went, for messages: `host:port/database`.
    public var endpoint: String {
        let host = PQhost(connection).map { String(cString: $0) } ?? ""
        let port = PQport(connection).map { String(cString: $0) } ?? ""
        let db = PQdb(connection).map { String(cString: $0) } ?? ""
        return "\(host):\(port)/\(db)"
    }

    /// Runs statements that return no rows we need (BEGIN, SET, CREATE …).
    public func execute(_ sql: String) throws(PostgresError) {
        guard let r = PQexec(connection, sql) else { throw lastError() }
        defer { PQclear(r) }
        let status = PQresultStatus(r)
        if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK { throw error(of: r) }
    }

    /// The first column of each row of a query, as text (NULL as nil).
    public func column(_ sql: String, parameters: [String] = []) throws(PostgresError) -> [String?] {
        let copies = parameters.map { strdup($0) }
        defer { for item in copies { free(item) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        guard let r = PQexecParams(connection, sql, Int32(parameters.count), nil, &pointers, nil, nil, 0) else { throw lastError() }
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_TUPLES_OK else { throw error(of: r) }
        return (0..<PQntuples(r)).map { i in PQgetisnull(r, i, 0) != 0 ? nil : String(cString: PQgetvalue(r, i, 0)) }
    }

    /// `"name"`, quoted for SQL by libpq.
    public func identifier(_ name: String) throws(PostgresError) -> String {
        guard let q = PQescapeIdentifier(connection, name, name.utf8.count) else { throw lastError() }
        defer { PQfreemem(q) }
        return String(cString: q)
    }

    /// `'text'`, quoted for SQL by libpq.
    public func literal(_ text: String) throws(PostgresError) -> String {
        guard let q = PQescapeLiteral(connection, text, text.utf8.count) else { throw lastError() }
        defer { PQfreemem(q) }
        return String(cString: q)
    }

    // MARK: COPY

    /// Starts `COPY … TO STDOUT`; then `copyOutRow` until nil.
    public func beginCopyOut(_ sql: String) throws(PostgresError) {
        guard let r = PQexec(connection, sql) else { throw lastError() }
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_COPY_OUT else { throw error(of: r) }
    }

    /// The next row of a COPY out (a buffer to release with `PQfreemem`), or nil at its
    /// successful end. - Throws: the server's error, or the lost connection's.
    func copyOutRow() throws(PostgresError) -> (UnsafeMutablePointer<CChar>, Int)? {
        var buffer: UnsafeMutablePointer<CChar>?
        let n = PQgetCopyData(connection, &buffer, 0)
        if n > 0, let buffer { return (buffer, Int(n)) }
        if n == -2 { throw lastError() }
        // -1: the COPY is over; its outcome is in the next result.
        var failure: PostgresError?
        while let r = PQgetResult(connection) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && failure == nil { failure = error(of: r) }
            PQclear(r)
        }
        if let failure { throw failure }
        if PQstatus(connection) != CONNECTION_OK { throw lastError() }
        return nil
    }

    /// Starts `COPY … FROM STDIN`; then `copyIn` and `endCopyIn`.
    public func beginCopyIn(_ sql: String) throws(PostgresError) {
        guard let r = PQexec(connection, sql) else { throw lastError() }
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_COPY_IN else { throw error(of: r) }
    }

    /// Sends rows of a `COPY … FROM STDIN` (CSV text, whole or in pieces).
    public func copyIn(_ bytes: UnsafeBufferPointer<UInt8>) throws(PostgresError) {
        guard bytes.count > 0 else { return }
        let ok = bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
        if ok != 1 { throw lastError() }
    }

    /// Ends a `COPY … FROM STDIN`; throws the server's error when it refused the rows.
    public func endCopyIn() throws(PostgresError) {
        if PQputCopyEnd(connection, nil) != 1 { throw lastError() }
        var failure: PostgresError?
        while let r = PQgetResult(connection) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && failure == nil { failure = error(of: r) }
            PQclear(r)
        }
        if let failure { throw failure }
    }

    // MARK: Errors

    func lastError() -> PostgresError {
        let lost = PQstatus(connection) != CONNECTION_OK
        var text = Self.scrub(String(cString: PQerrorMessage(connection)))
        if text.isEmpty { text = lost ? "the connection was lost" : "unknown libpq error" }
        return PostgresError(message: text, sqlState: nil, connectionFailed: lost)
    }

    func error(of r: OpaquePointer) -> PostgresError {
        let state = PQresultErrorField(r, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        var text = PQresultErrorField(r, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? String(cString: PQresultErrorMessage(r))
        if text.isEmpty { text = String(cString: PQerrorMessage(connection)) }
        let lost = PQstatus(connection) != CONNECTION_OK
        return PostgresError(message: Self.scrub(text), sqlState: state, connectionFailed: lost)
    }

    /// libpq's text on one line, with the password (should any path ever echo it) masked.
    static func scrub(_ text: String) -> String {
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map {
            $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        }
        lines = lines.filter { !$0.isEmpty }
        var out = lines.joined(separator: "; ")
        if let secret = getenv("PGPASSWORD").map({ String(cString: $0) }), secret.count >= 1 {
            out = out.replacingAll(secret, with: "***")
        }
        return out
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
