import Foundation
import Testing

/// PostgreSQL as a source, against a real server (PostgreSQLServer): the sample dataset
/// in a table, a wide table and a join gives every analysis byte for byte what the CSV
/// file gives; and each failure a database can have ends with an exact, located message,
/// the right exit code, no secret, and nothing written.
@Suite(
    "PostgreSQL source",
    .enabled(
        if: PostgreSQLServer.hasServerBinaries, "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql to run these"))
struct PostgresSourceTests {
    static let card = "datasets/b2b-73/scorecard.yml"

    func scorecard(_ arguments: [String], environment: [String: String] = [:]) throws -> CLITests.Run {
        var env = try PostgreSQLServer.server().environment
        for (k, v) in environment { env[k] = v }
        return try PostgreSQLServer.run([CLITests.binary.path] + arguments, environment: env)
    }

    static let analyses: [[String]] = [
        ["trend"], ["trend", "--org"], ["leadlag"], ["leadlag", "--per-lag"], ["rank"], ["quartiles"], ["forecast"],
        ["forecast", "--backtest", "6"], ["status"], ["status", "--initiatives"],
    ]

    @Test(arguments: [
        "table=b2b_tidy", "table=b2b_wide",
        "query=SELECT k.name AS team, to_char(f.period_start, 'YYYY-MM') AS period, f.measure, f.value FROM b2b_facts f JOIN b2b_teams k "
            + "ON k.id = f.team_id",
    ])
    func everyAnalysisEqualsTheCSVPath(_ source: String) throws {
        try PostgreSQLServer.sample.get()
        let url = try PostgreSQLServer.server().url + "?" + source
        for analysis in Self.analyses {
            let fromCSV = try scorecard(analysis + ["datasets/b2b-73", "--format", "csv"])
            let fromDB = try scorecard(analysis + [url, "--scorecard", Self.card, "--format", "csv"])
            #expect(fromCSV.status == 0 && fromDB.status == 0, "\(analysis): \(fromDB.stderr)")
            #expect(fromDB.stdout == fromCSV.stdout, "\(analysis) from \(source)")
            #expect(fromDB.stdout.count > 100)
        }
    }

    @Test func serverDownExits74AndWritesNothing() throws {
        let dir = try CLITests().scratch()
        // Port 1 on the loopback: nothing listens there.
        let r = try scorecard(["trend", "postgres://127.0.0.1:1/postgres?table=b2b_tidy", "--format", "csv", "--output", dir + "/out.csv"])
        #expect(r.status == 74)
        #expect(
            r.stderr == """
                postgres://127.0.0.1:1/postgres?table=b2b_tidy: cannot connect to PostgreSQL: connection to server at \
                "127.0.0.1", port 1 failed: Connection refused; Is the server running on that host and accepting TCP/IP \
                connections?; expected a reachable PostgreSQL server (check the host and port, PGHOST and PGPORT) and credentials \
                in PGPASSWORD or ~/.pgpass

                """)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func wrongPasswordNamesNoSecret() throws {
        let server = try PostgreSQLServer.server()
        let url = server.url + "?table=b2b_tidy"
        let secret = "wrong-Secret-\(UUID().uuidString)"
        let r = try scorecard(["trend", url], environment: ["PGPASSWORD": secret])
        #expect(r.status == 74)
        #expect(
            r.stderr == """
                \(url): cannot connect to PostgreSQL: connection to server at "\(server.environment["PGHOST"]!)", port \
                \(server.environment["PGPORT"]!) failed: FATAL: password authentication failed for user "scorecard"; expected the \
                right password in PGPASSWORD or ~/.pgpass

                """)
        for text in [r.stderr, r.stdout] {
            #expect(!text.contains(secret))
            #expect(!text.contains(server.environment["PGPASSWORD"]!))
        }
        // A password in the URL is refused without echoing it.
        let inURL = try scorecard(["trend", "postgres://scorecard:\(secret)@127.0.0.1:1/postgres?table=t"])
        #expect(inURL.status == 64)
        #expect(
            inURL.stderr
                == "command line: the PostgreSQL URL holds a password (user:password@); expected the password in PGPASSWORD or "
                + "~/.pgpass, never on the command line\n"
        )
    }

    @Test func nullTeamIsLocatedByRowAndColumn() throws {
        let server = try PostgreSQLServer.server()
        try PostgreSQLServer.psql(
            """
            DROP TABLE IF EXISTS null_team;
            CREATE TABLE null_team (team text, period text, measure text, value double precision);
            INSERT INTO null_team VALUES ('North', '2024-01', 'revenue', 1), (NULL, '2024-02', 'revenue', 2), ('North', \
            '2024-03', 'revenue', 3);
            """)
        let url = server.url + "?query=SELECT * FROM null_team ORDER BY period"
        let r = try scorecard(["trend", url])
        #expect(r.status == 65)
        #expect(
            r.stderr
                == "\(url): query row 2, column team: an empty team name in the team column; expected a non-empty team name in UTF-8 text\n"
        )
    }

    @Test func textInTheValueColumnIsLocated() throws {
        let server = try PostgreSQLServer.server()
        try PostgreSQLServer.psql(
            """
            DROP TABLE IF EXISTS text_value;
            CREATE TABLE text_value (team text, period text, measure text, value text);
            INSERT INTO text_value SELECT 'T' || (i % 3), '2024-' || lpad((1 + i / 3)::text, 2, '0'), 'revenue', i::text FROM \
            generate_series(0, 29) i;
            UPDATE text_value SET value = 'abc' WHERE team = 'T1' AND period = '2024-05';
            """)
        let url = server.url + "?table=text_value"
        let r = try scorecard(["trend", url])
        #expect(r.status == 65)
        // The UPDATE moved the row to the end of the table.
        #expect(
            r.stderr
                == "\(url): row 30, column value: value \"abc\" is not a number; expected a decimal number such as -12, 3.5 or 1e-3, or "
                + "empty/NA/NaN/null for a missing value\n"
        )
    }

    @Test func connectionKilledMidRead() throws {
        try PostgreSQLServer.sample.get()
        let url =
            try PostgreSQLServer.server().url + "?query=SELECT * FROM b2b_tidy UNION ALL SELECT NULL, NULL, NULL, NULL FROM pg_sleep(60)"
        let app = "scorecard-kill-\(UUID().uuidString.prefix(8))"
        nonisolated(unsafe) var killed = ""
        // The killer's psql returns after the backend is gone, so scorecard may exit before
        // `killed` is set: wait for the thread to finish before reading it.
        let killerDone = DispatchSemaphore(value: 0)
        let killer = Thread {
            defer { killerDone.signal() }
            for _ in 0..<200 {
                Thread.sleep(forTimeInterval: 0.05)
                if let out = try? PostgreSQLServer.psql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(app)' AND query LIKE 'COPY%'"),
                    out.contains("t")
                {
                    killed = out
                    return
                }
            }
        }
        killer.start()
        let dir = try CLITests().scratch()
        let started = Date()
        let r = try scorecard(["trend", url, "--format", "csv", "--output", dir + "/out.csv"], environment: ["PGAPPNAME": app])
        #expect(Date().timeIntervalSince(started) < 30, "the read waited for the query instead of failing")
        #expect(killerDone.wait(timeout: .now() + 20) == .success)
        #expect(killed.contains("t"))
        #expect(r.status == 74)
        let rows = #/after [0-9,]+ rows?/#
        #expect(
            r.stderr.replacing(rows, with: "after N rows")
                == "\(url): the read stopped after N rows: terminating connection due to administrator command (SQLSTATE 57P01)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func statementTimeout() throws {
        try PostgreSQLServer.sample.get()
        let url = try PostgreSQLServer.server().url + "?query=SELECT * FROM b2b_tidy, pg_sleep(2)"
        let r = try scorecard(["trend", url], environment: ["PGOPTIONS": "-c statement_timeout=200"])
        #expect(r.status == 74)
        #expect(r.stderr == "\(url): the read stopped after 0 rows: canceling statement due to statement timeout (SQLSTATE 57014)\n")
    }

    @Test func missingTableAndBadQuery() throws {
        let server = try PostgreSQLServer.server()
        let missing = try scorecard(["trend", server.url + "?table=no_such_table"])
        #expect(missing.status == 66)
        #expect(
            missing.stderr
                == "\(server.url)?table=no_such_table: cannot read the table: relation \"no_such_table\" does not exist (SQLSTATE "
                + "42P01); expected an existing table (and schema) the user may read\n"
        )
        let bad = try scorecard(["trend", server.url + "?query=SELEC 1"])
        #expect(bad.status == 64)
        #expect(
            bad.stderr
                == "\(server.url)?query=SELEC 1: the server refused the query: syntax error at or near \"SELEC\" (SQLSTATE 42601); "
                + "expected a query the server accepts\n"
        )
        // A query cannot change data: the read runs in a read-only transaction.
        try PostgreSQLServer.psql(
            "DROP TABLE IF EXISTS keep_me; CREATE TABLE keep_me (team text, period text, measure text, value float8); INSERT INTO "
                + "keep_me VALUES ('A', '2024-01', 'x', 1)"
        )
        let writing = try scorecard(["trend", server.url + "?query=DELETE FROM keep_me RETURNING *"])
        #expect(writing.status == 74 || writing.status == 64)
        #expect(writing.stderr.contains("read-only transaction"), "\(writing.stderr)")
        #expect(try PostgreSQLServer.psql("SELECT count(*) FROM keep_me") == "1\n")
    }

    @Test func schemaParameter() throws {
        let server = try PostgreSQLServer.server()
        try PostgreSQLServer.psql(
            """
            CREATE SCHEMA IF NOT EXISTS sales; DROP TABLE IF EXISTS sales."Monthly Figures";
            CREATE TABLE sales."Monthly Figures" (team text, period text, revenue float8, cost float8);
            INSERT INTO sales."Monthly Figures" SELECT 'T' || (i % 2), '2024-' || lpad((1 + i / 2)::text, 2, '0'), i * 1.5, i \
            FROM generate_series(0, 11) i;
            """)
        let url = server.url + "?schema=sales&table=Monthly%20Figures"
        let r = try scorecard(["validate", url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 teams × 2 measures × 6 months (2024-01 to 2024-06)"), "\(r.stdout)")
    }
}
