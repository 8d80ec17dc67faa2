import Foundation
import Testing

/// Issue #14, item 10: a progress line on a terminal's standard error, none when piped, with
/// `--quiet` or with `TERM=dumb`. The terminal is a pseudo-terminal from util-linux `script`;
/// `SCORECARD_PROGRESS_AFTER=0` shows the line at once instead of after a second.
@Suite("progress on a terminal (issue #14)")
struct ProgressTests {
    let cli = CLITests()

    /// Runs the binary with `arguments` under `script` (stdin, stdout and stderr on one
    /// pseudo-terminal) and returns what the terminal received.
    func onATerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, text: String) {
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", ([CLITests.binary.path] + arguments).map(quoted).joined(separator: " "), "/dev/null"]
        p.currentDirectoryURL = CLITests.root
        var env = ProcessInfo.processInfo.environment
        env["SCORECARD_PROGRESS_AFTER"] = "0"
        env["TERM"] = "xterm"
        env["NO_COLOR"] = ""  // unset for colour: empty means unset (no-color.org)
        env.merge(environment) { _, new in new }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func aTerminalSeesTheLineAndItIsCleared() throws {
        let dir = try cli.scratch()
        let r = try onATerminal(["leadlag", "datasets/b2b-73", "--all-cross", "--output", dir + "/ll.csv"])
        #expect(r.status == 0, "\(r.text)")
        #expect(r.text.contains("\rreading datasets/b2b-73/measurements.csv"), "\(r.text.debugDescription)")
        #expect(r.text.contains("\rlead-lag: ") && r.text.contains(" of 37 pairs"), "\(r.text.debugDescription)")
        // The last thing on the line is blanks and a carriage return: nothing left behind.
        let tail = r.text.split(separator: "\r", omittingEmptySubsequences: false).last { !$0.isEmpty }
        #expect(tail.map { $0.allSatisfy { $0 == " " } } == true, "\(r.text.debugDescription)")
        let report = try onATerminal(["report", "datasets/b2b-73", "--output", dir + "/r.html"])
        #expect(report.status == 0)
        #expect(report.text.contains("\rreport: lead-lag") && report.text.contains("\rreport: forecast"), "\(report.text.debugDescription)")
        #expect(report.text.contains("wrote \(dir)/r.html"))
    }

    @Test func noLineWhenPipedQuietOrDumb() throws {
        let dir = try cli.scratch()
        let quiet = try onATerminal(["leadlag", "datasets/b2b-73", "--all-cross", "--quiet", "--output", dir + "/a.csv"])
        #expect(quiet.status == 0 && !quiet.text.contains("\r"), "\(quiet.text.debugDescription)")
        let dumb = try onATerminal(
            ["leadlag", "datasets/b2b-73", "--all-cross", "--output", dir + "/b.csv"], environment: ["TERM": "dumb"])
        #expect(dumb.status == 0 && !dumb.text.contains("lead-lag"), "\(dumb.text.debugDescription)")
        // Standard error a pipe: no progress, whatever the delay.
        for args in [
            ["leadlag", "datasets/b2b-73", "--all-cross", "--output", dir + "/c.csv"],
            ["generate", "--teams", "5", "--periods", "12", "--output", dir + "/gen"],
        ] {
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = args
            p.currentDirectoryURL = CLITests.root
            p.environment = ProcessInfo.processInfo.environment.merging(["SCORECARD_PROGRESS_AFTER": "0", "TERM": "xterm"]) { _, new in new
            }
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0 && text.isEmpty, "\(args[0]): \(text.debugDescription)")
        }
    }

    @Test func colourFollowsTERM() throws {
        let coloured = try onATerminal(["leadlag", "datasets/b2b-73", "--quiet"])
        #expect(coloured.text.contains("\u{1B}["), "\(coloured.text.prefix(200).debugDescription)")
        let dumb = try onATerminal(["leadlag", "datasets/b2b-73"], environment: ["TERM": "dumb"])
        #expect(
            dumb.status == 0 && !dumb.text.contains("\u{1B}[") && !dumb.text.contains("\rreading"),
            "\(dumb.text.prefix(200).debugDescription)")
    }
}
