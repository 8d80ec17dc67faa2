import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Results into PostgreSQL, against a real server: read back they equal the CSV output;
/// an existing table is refused unless --if-exists says otherwise; and a writer
/// interrupted or killed mid-COPY leaves the table and scorecard_runs as they were.
@Suite(
    "PostgreSQL output",
    .enabled(
        if: PostgreSQLServer.hasServerBinaries, "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql to run these"))
struct PostgresOutputTests {
    func scorecard(_ arguments: [String], environment: [String: String] = [:]) throws -> CLITests.Run {
        var env = try PostgreSQLServer.server().environment
        for (k, v) in environment { env[k] = v }
        return try PostgreSQLServer.run([CLITests.binary.path] + arguments, environment: env)
    }

    /// The table's contract columns in row order, as CSV from the server.
    func readBack(_ table: String, columns: String) throws -> String {
        try PostgreSQLServer.psql("COPY (SELECT \(columns) FROM \(table) ORDER BY row_number) TO STDOUT WITH (FORMAT csv, HEADER)")
    }

    @Test(arguments: [["trend"], ["leadlag"], ["rank"], ["quartiles"], ["forecast"], ["status"]])
    func readBackEqualsTheCSVOutput(_ analysis: [String]) throws {
        let table = "out_\(analysis[0])_\(UUID().uuidString.prefix(8).lowercased())"
        let url = try PostgreSQLServer.server().url + "?table=" + table
        let csv = try scorecard(analysis + ["datasets/b2b-73", "--format", "csv"])
        #expect(csv.status == 0)
        let written = try scorecard(analysis + ["datasets/b2b-73", "--output", url])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        let header = String(csv.stdout.prefix { $0 != "\n" })
        let columns = header.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ",")
        // The server's CSV quotes a text only when it must; Scorecard's neutralises formulas.
        // Neither happens in the sample, so the bytes must agree.
        #expect(try readBack(table, columns: columns) == csv.stdout, "\(analysis)")
        // Each row names its run, and the run its provenance.
        let run = try PostgreSQLServer.psql(
            "SELECT r.analysis, r.source, length(r.content_sha256), r.window_from, r.window_to, r.options->>'analysis' FROM "
                + "scorecard_runs r WHERE r.run_id = (SELECT DISTINCT run_id FROM \(table))"
        )
        #expect(run == "\(analysis[0])|datasets/b2b-73/measurements.csv|64|2023-01|2025-12|\(analysis[0])\n")
    }

    @Test func existingTableIsRefusedReplacedOrAppended() throws {
        let table = "out_exists_\(UUID().uuidString.prefix(8).lowercased())"
        let url = try PostgreSQLServer.server().url + "?table=" + table
        #expect(try scorecard(["rank", "datasets/b2b-73", "--output", url]).status == 0)
        let refused = try scorecard(["rank", "datasets/b2b-73", "--output", url])
        #expect(refused.status == 73)
        #expect(
            refused.stderr == "scorecard: will not overwrite '\(url)': the table exists (use --if-exists replace or --if-exists append)\n")
        #expect(try PostgreSQLServer.psql("SELECT count(*), count(DISTINCT run_id) FROM \(table)") == "73|1\n")
        #expect(try scorecard(["rank", "datasets/b2b-73", "--output", url, "--if-exists", "append"]).status == 0)
        #expect(try PostgreSQLServer.psql("SELECT count(*), count(DISTINCT run_id) FROM \(table)") == "146|2\n")
        #expect(try scorecard(["rank", "datasets/b2b-73", "--output", url, "--if-exists", "replace"]).status == 0)
        #expect(try PostgreSQLServer.psql("SELECT count(*), count(DISTINCT run_id) FROM \(table)") == "73|1\n")
        // Another analysis' rows do not fit the table.
        let other = try scorecard(["trend", "datasets/b2b-73", "--output", url, "--if-exists", "append"])
        #expect(other.status == 73)
        #expect(
            other.stderr.hasPrefix(
                "scorecard: cannot append to '\(url)': the table's columns (rank, team, roi, return, cost, quartile, note, run_id, "
                    + "row_number) are not this analysis' (team, measure, n,"
            ), "\(other.stderr)")
        // Server down: exit 74, nothing written anywhere.
        let down = try scorecard(["rank", "datasets/b2b-73", "--output", "postgres://127.0.0.1:1/postgres?table=x"])
        #expect(down.status == 74)
        #expect(
            down.stderr.hasPrefix(
                "scorecard: cannot connect to PostgreSQL for 'postgres://127.0.0.1:1/postgres?table=x': connection to server at "
                    + "\"127.0.0.1\", port 1 failed: Connection refused"
            ), "\(down.stderr)")
    }

    /// One signal after the other: a writer paused mid-COPY holds its lock on
    /// scorecard_runs (the new table's foreign key), so a second would wait behind it.
    @Test func signalMidCopyLeavesTheTableAsBefore() throws {
        for signal in [SIGINT, SIGKILL] { try signalMidCopy(signal) }
    }

    func signalMidCopy(_ signal: Int32) throws {
        let table = "out_signal_\(signal)_\(UUID().uuidString.prefix(8).lowercased())"
        let url = try PostgreSQLServer.server().url + "?table=" + table
        #expect(try scorecard(["trend", "datasets/b2b-73", "--output", url]).status == 0)
        let before = try PostgreSQLServer.psql(
            "SELECT count(*), min(run_id), (SELECT count(*) FROM scorecard_runs) >= 1, md5(string_agg(t::text, '' ORDER BY row_number)) "
                + "FROM \(table) t"
        )
        let runsBefore = try PostgreSQLServer.psql("SELECT count(*) FROM scorecard_runs WHERE result_table = '\(table)'")
        let app = "scorecard-signal-\(UUID().uuidString.prefix(8))"
        var env = try PostgreSQLServer.server().environment
        env["PGAPPNAME"] = app
        env["SCORECARD_TEST_PAUSE_COPY_AFTER_ROWS"] = "300"
        let writer = try PostgreSQLServer.spawn(
            [CLITests.binary.path, "trend", "datasets/b2b-73", "--output", url, "--if-exists", "replace"], environment: env)
        var midCopy = false
        for _ in 0..<400 where !midCopy {
            usleep(50_000)
            midCopy =
                try PostgreSQLServer.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(app)' AND query LIKE 'COPY%'")
                == "1\n"
        }
        #expect(midCopy, "the writer never reached its COPY")
        kill(writer.pid, signal)
        let r = try PostgreSQLServer.finish(writer)
        #expect(r.status == 128 + signal, "\(r.stderr)")
        // The server notices the client is gone and rolls the transaction back.
        var gone = false
        for _ in 0..<200 where !gone {
            usleep(50_000)
            gone = try PostgreSQLServer.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(app)'") == "0\n"
        }
        #expect(gone)
        #expect(
            try PostgreSQLServer.psql(
                "SELECT count(*), min(run_id), (SELECT count(*) FROM scorecard_runs) >= 1, md5(string_agg(t::text, '' ORDER BY "
                    + "row_number)) FROM \(table) t"
            ) == before)
        #expect(try PostgreSQLServer.psql("SELECT count(*) FROM scorecard_runs WHERE result_table = '\(table)'") == runsBefore)
        #expect(runsBefore == "1\n")
    }
}
