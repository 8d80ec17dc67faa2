// The one way the test targets run a program to its end: the scorecard binary, python3, psql, a shell.
// Three tests drive Foundation's `Process` themselves, for what a finished run cannot show:
// a signal sent mid-write (`InterruptTests`, talking to a probe over pipes) and standard error
// on a pseudo-terminal or a pipe (`ProgressTests`).
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished process left: its exit status (128 + the signal's number when a signal
/// ended it), its standard output and standard error.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Ended by a signal (a trap, an abort), not by exit.
    public var signalled = false

    public init(status: Int32, stdout: String, stderr: String, signalled: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.signalled = signalled
    }
}

/// Runs processes with `posix_spawn`, their output through temporary files, waited for with
/// `waitpid`: no Foundation `Process`, whose exit monitoring needs a free Dispatch thread —
/// and test threads blocked on a lazy static's first use can take them all. Standard output
/// and error of any size are collected without a reader thread.
public enum ProcessRunner {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ d: String) { description = d }
    }

    /// A started process; `finish` waits for it and collects its output.
    public struct Spawned: Sendable {
        public var pid: pid_t
        /// The output files' path without `.out` / `.err`: a test may watch standard error
        /// while the process runs.
        public var base: String
    }

    /// Runs `command` (its first element a path, or a name looked up on PATH) in
    /// `directory`, with `environment` added to this process's, reading `standardInput`.
    public static func run(
        _ command: [String], in directory: String, environment: [String: String] = [:],
        standardInput: String = "/dev/null"
    ) throws -> ProcessResult {
        try finish(spawn(command, in: directory, environment: environment, standardInput: standardInput))
    }

    /// Starts `command` as `run` does, without waiting.
    public static func spawn(
        _ command: [String], in directory: String, environment extra: [String: String] = [:],
        standardInput: String = "/dev/null"
    ) throws -> Spawned {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-run-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // In `directory`, by way of sh: no addchdir in Glibc's Swift view.
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + command
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for item in argv { free(item) }
            for item in envp { free(item) }
        }
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

    /// Waits for a process started by `spawn` and collects its output.
    public static func finish(_ p: Spawned) throws -> ProcessResult {
        defer {
            unlink(p.base + ".out")
            unlink(p.base + ".err")
        }
        var status: Int32 = 0
        while waitpid(p.pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        let exit = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        let out = (try? Data(contentsOf: URL(fileURLWithPath: p.base + ".out"))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: p.base + ".err"))) ?? Data()
        return ProcessResult(
            status: exit, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
            signalled: signal != 0)
    }
}
