import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server the database tests use: the one `.ci/run` started (its PG*
/// variables and SCORECARD_TEST_PG_DIR in the environment), or else a throwaway cluster
/// started here with `Tests/Postgres/cluster.sh` and stopped when the test process exits.
/// `nil` only when no PostgreSQL server binaries exist (the tests then skip, saying so);
/// a cluster that exists but fails to start is a failure, not a skip.
enum PostgreSQLServer {
    struct Server: Sendable {
        /// PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
        var environment: [String: String]
        var url: String { "postgres://\(environment["PGHOST"]!):\(environment["PGPORT"]!)/\(environment["PGDATABASE"]!)" }
    }

    enum Outcome: Sendable {
        case running(Server)
        case noServerBinaries
        case failedToStart(String)
    }

    nonisolated(unsafe) static var startedDirectory: String?

    static let outcome: Outcome = {
        let env = ProcessInfo.processInfo.environment
        let keys = ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"]
        if env["SCORECARD_TEST_PG_DIR"] != nil, keys.allSatisfy({ env[$0] != nil }) {
            return .running(Server(environment: env.filter { keys.contains($0.key) }))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-pg-\(getpid())").path
        let script = CLITests.root.appendingPathComponent("Tests/Postgres/cluster.sh").path
        let started: CLITests.Run
        do { started = try run(["/bin/bash", script, "start", dir], environment: [:]) } catch { return .failedToStart("\(error)") }
        if started.status == 77 { return .noServerBinaries }
        guard started.status == 0 else { return .failedToStart(started.stderr) }
        let o = Data(started.stdout.utf8)
        startedDirectory = dir
        atexit {
            guard let dir = PostgreSQLServer.startedDirectory else { return }
            _ = try? PostgreSQLServer.run(
                ["/bin/bash", CLITests.root.appendingPathComponent("Tests/Postgres/cluster.sh").path, "stop", dir], environment: [:])
        }
        // One line: export PGHOST=… PGPORT=… …
        var environment: [String: String] = [:]
        for word in String(decoding: o, as: UTF8.self).split(whereSeparator: \.isWhitespace) {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2, keys.contains(String(parts[0])) { environment[String(parts[0])] = String(parts[1]) }
        }
        return .running(Server(environment: environment))
    }()

    /// True unless the machine has no PostgreSQL server at all (the only reason to skip):
    /// a server named by the environment, or initdb where cluster.sh looks for it. Cheap on
    /// purpose — trait conditions are evaluated while tests are planned, where starting a
    /// process and waiting for it can deadlock.
    static var hasServerBinaries: Bool {
        let env = ProcessInfo.processInfo.environment
        if env["SCORECARD_TEST_PG_DIR"] != nil && env["PGHOST"] != nil { return true }
        let fm = FileManager.default
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        if versions.contains(where: { fm.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) { return true }
        if let bin = env["PG_BINDIR"], fm.isExecutableFile(atPath: bin + "/initdb") { return true }
        return false
    }

    /// The running server; throws (failing the test) when it could not be started.
    static func server() throws -> Server {
        switch outcome {
        case .running(let s): return s
        case .noServerBinaries: throw Failure("no PostgreSQL server binaries")
        case .failedToStart(let why): throw Failure("the test PostgreSQL cluster did not start: \(why)")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Runs SQL through psql (ON_ERROR_STOP) against the test server; returns its output.
    @discardableResult
    static func psql(_ sql: String) throws -> String {
        let s = try server()
        let r = try run(["/usr/bin/env", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], environment: s.environment)
        guard r.status == 0 else { throw Failure("psql: \(r.stderr)") }
        return r.stdout
    }

    /// A process with extra environment, in the package root (see `ProcessRunner`).
    static func run(_ command: [String], environment extra: [String: String]) throws -> CLITests.Run {
        try ProcessRunner.run(command, in: CLITests.root.path, environment: extra)
    }

    /// Starts a process (see `run`); `finish` waits for it and collects its output.
    static func spawn(_ command: [String], environment extra: [String: String]) throws -> ProcessRunner.Spawned {
        try ProcessRunner.spawn(command, in: CLITests.root.path, environment: extra)
    }

    static func finish(_ p: ProcessRunner.Spawned) throws -> CLITests.Run { try ProcessRunner.finish(p) }

    /// The sample dataset in three shapes, loaded once per test process: `b2b_tidy`
    /// (team, period, measure, value), `b2b_wide` (team, period, one column per measure)
    /// and, for a join, `b2b_teams` (id, name) with `b2b_facts` (team_id, period, measure, value).
    static let sample: Result<Void, Failure> = {
        do {
            let csv = CLITests.root.appendingPathComponent("datasets/b2b-73/measurements.csv").path
            try psql(
                """
                DROP TABLE IF EXISTS b2b_tidy, b2b_wide, b2b_teams, b2b_facts;
                CREATE TABLE b2b_tidy (team text, period text, measure text, value double precision);
                """)
            let s = try server()
            let load = try run(
                [
                    "/usr/bin/env", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    "\\copy b2b_tidy FROM '\(csv)' WITH (FORMAT csv, HEADER)",
                ], environment: s.environment)
            guard load.status == 0 else { throw Failure("psql \\copy: \(load.stderr)") }
            let measures = try psql("SELECT DISTINCT measure FROM b2b_tidy ORDER BY 1").split(separator: "\n").map(String.init)
            let columns = measures.map { "max(value) FILTER (WHERE measure = '\($0)') AS \"\($0)\"" }.joined(separator: ", ")
            try psql(
                """
                CREATE TABLE b2b_wide AS SELECT team, period, \(columns) FROM b2b_tidy GROUP BY team, period ORDER BY period DESC, team;
                CREATE TABLE b2b_teams AS SELECT row_number() OVER (ORDER BY team) AS id, team AS name FROM (SELECT DISTINCT team \
                FROM b2b_tidy) t;
                CREATE TABLE b2b_facts AS SELECT k.id AS team_id, f.period::date AS period_start, f.measure, f.value::numeric AS value
                    FROM (SELECT team, (period || '-01') AS period, measure, value FROM b2b_tidy) f JOIN b2b_teams k ON k.name = f.team;
                """)
            return .success(())
        } catch let e as Failure {
            return .failure(e)
        } catch {
            return .failure(Failure("\(error)"))
        }
    }()
}
