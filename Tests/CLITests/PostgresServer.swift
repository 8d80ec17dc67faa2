import Foundation
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
            _ = try? PostgreSQLServer.run(["/bin/bash", CLITests.root.appendingPathComponent("Tests/Postgres/cluster.sh").path, "stop", dir], environment: [:])
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

    /// A process with extra environment, its output through temporary files, waited for
    /// with waitpid: no Foundation `Process`, whose exit monitoring needs a free Dispatch
    /// thread — and test threads blocked on a lazy static's first use can take them all.
    static func run(_ command: [String], environment extra: [String: String]) throws -> CLITests.Run {
        try finish(spawn(command, environment: extra))
    }

    struct Spawned { var pid: pid_t; var base: String }

    /// Starts a process (see `run`); `finish` waits for it and collects its output.
    static func spawn(_ command: [String], environment extra: [String: String]) throws -> Spawned {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-run-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // In the package root (relative dataset paths), by way of sh: no addchdir in Glibc's Swift view.
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", CLITests.root.path] + command
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        // Default signal dispositions: a test runner started in the background ignores SIGINT,
        // and the child would inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // And no blocked signals: Dispatch's worker threads (where tests run) block them,
        // and a child inherits the spawning thread's mask.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Failure("cannot start \(command[0]): \(String(cString: strerror(rc)))") }
        return Spawned(pid: pid, base: base)
    }

    static func finish(_ p: Spawned) throws -> CLITests.Run {
        defer { unlink(p.base + ".out"); unlink(p.base + ".err") }
        var status: Int32 = 0
        while waitpid(p.pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? Data(contentsOf: URL(fileURLWithPath: p.base + ".out"))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: p.base + ".err"))) ?? Data()
        return CLITests.Run(status: exit, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// The sample dataset in three shapes, loaded once per test process: `b2b_tidy`
    /// (team, period, measure, value), `b2b_wide` (team, period, one column per measure)
    /// and, for a join, `b2b_teams` (id, name) with `b2b_facts` (team_id, period, measure, value).
    static let sample: Result<Void, Failure> = {
        do {
            let csv = CLITests.root.appendingPathComponent("datasets/b2b-73/measurements.csv").path
            try psql("""
                DROP TABLE IF EXISTS b2b_tidy, b2b_wide, b2b_teams, b2b_facts;
                CREATE TABLE b2b_tidy (team text, period text, measure text, value double precision);
                """)
            let s = try server()
            let load = try run(["/usr/bin/env", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "\\copy b2b_tidy FROM '\(csv)' WITH (FORMAT csv, HEADER)"], environment: s.environment)
            guard load.status == 0 else { throw Failure("psql \\copy: \(load.stderr)") }
            let measures = try psql("SELECT DISTINCT measure FROM b2b_tidy ORDER BY 1").split(separator: "\n").map(String.init)
            let columns = measures.map { "max(value) FILTER (WHERE measure = '\($0)') AS \"\($0)\"" }.joined(separator: ", ")
            try psql("""
                CREATE TABLE b2b_wide AS SELECT team, period, \(columns) FROM b2b_tidy GROUP BY team, period ORDER BY period DESC, team;
                CREATE TABLE b2b_teams AS SELECT row_number() OVER (ORDER BY team) AS id, team AS name FROM (SELECT DISTINCT team FROM b2b_tidy) t;
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
