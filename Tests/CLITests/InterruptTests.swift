import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every file Scorecard writes appears whole or not at all (issue #9): a large export is
/// interrupted mid-write by SIGINT, SIGTERM and SIGKILL. The old files must be intact
/// byte for byte; after SIGINT/SIGTERM no temporary file may remain. SIGKILL cannot be
/// caught, so its temporary file (`.<name>.tmp-<pid>-<n>`, a dot-file beside the target,
/// documented in the README) may remain, but never in place of the target.
@Suite("interrupted writes", .serialized)
struct InterruptTests {
    static let old: [String: String] = [
        "measurements.csv": "team,period,measure,value\nold,2024-01,x,1\n",
        "scorecard.yml": "name: old\n",
        "truth.json": "{\"old\": true}\n",
    ]

    /// The test runner may start us with SIGINT/SIGTERM ignored or blocked, which a child
    /// inherits: `env --default-signal` (GNU coreutils) gives the binary default handling.
    static func command(_ arguments: [String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["--default-signal=INT,TERM,HUP", CLITests.binary.path] + arguments
        return p
    }

    struct Outcome {
        var directory: String
        var pid: Int32
        var reason: Process.TerminationReason
        var status: Int32
    }

    /// Starts `scorecard generate` over a folder holding the old files (about 50 MB of CSV,
    /// a second or more of writing), waits until the temporary CSV has bytes in it, then
    /// sends `signal`.
    func interruptGenerate(with signal: Int32) throws -> Outcome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-interrupt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in Self.old { try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8) }
        let p = Self.command(["generate", "--teams", "1500", "--periods", "60", "--measures", "20", "--output", dir, "--quiet"])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        var seen = false
        while !seen && p.isRunning && Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            if let temp = names.first(where: { $0.hasPrefix(".measurements.csv.tmp-") }),
                let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + temp))?[.size] as? Int, size > 0
            {
                seen = true
            } else {
                usleep(2_000)
            }
        }
        #expect(seen, "the temporary CSV never appeared while generate ran")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        return Outcome(directory: dir, pid: p.processIdentifier, reason: p.terminationReason, status: p.terminationStatus)
    }

    func expectOldFilesIntact(_ dir: String) throws {
        for (name, text) in Self.old {
            #expect(try String(contentsOfFile: dir + "/" + name, encoding: .utf8) == text, "\(name) was replaced")
        }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func catchableSignalLeavesOldFilesAndNoTemporary(_ signal: Int32) throws {
        let r = try interruptGenerate(with: signal)
        defer { try? FileManager.default.removeItem(atPath: r.directory) }
        // The handler removes the temporary files, then the signal ends the program as usual.
        #expect(r.reason == .uncaughtSignal && r.status == signal, "\(r.reason) \(r.status)")
        try expectOldFilesIntact(r.directory)
        #expect(try FileManager.default.contentsOfDirectory(atPath: r.directory).sorted() == Self.old.keys.sorted())
    }

    @Test func sigkillLeavesOldFilesIntact() throws {
        let r = try interruptGenerate(with: SIGKILL)
        defer { try? FileManager.default.removeItem(atPath: r.directory) }
        #expect(r.reason == .uncaughtSignal && r.status == SIGKILL)
        try expectOldFilesIntact(r.directory)
        // Whatever is left is a recognisable dot-file of the killed process.
        let extra = try FileManager.default.contentsOfDirectory(atPath: r.directory).filter { Self.old[$0] == nil }
        #expect(extra.allSatisfy { $0.hasPrefix(".measurements.csv.tmp-\(r.pid)-") }, "\(extra)")
    }

    /// The same for the writer every analysis export goes through (AtomicFileWriter), in a
    /// helper process that streams a 64 MiB file and pauses half-way: the signal arrives
    /// while the temporary file is open and half-written, every time.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP, SIGKILL])
    func interruptedAtomicWriteKeepsTheOldFile(_ signal: Int32) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/trend.csv"
        let oldBytes = Data("team,measure,n\nold,x,3\n".utf8)
        try oldBytes.write(to: URL(fileURLWithPath: target))
        let probe = CLITests.binary.deletingLastPathComponent().appendingPathComponent("atomic-write-probe")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["--default-signal=INT,TERM,HUP", probe.path, target, "64"]
        let toProbe = Pipe()
        let fromProbe = Pipe()
        p.standardInput = toProbe
        p.standardOutput = fromProbe
        try p.run()
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let more = fromProbe.fileHandleForReading.availableData
            if more.isEmpty { break }
            said += more
        }
        #expect(String(decoding: said, as: UTF8.self) == "ready\n")
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: dir).filter {
            $0.hasPrefix(".trend.csv.tmp-\(p.processIdentifier)-")
        }
        #expect(temporaries.count == 1, "the half-written temporary file is there before the signal")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == signal)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == oldBytes)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        if signal == SIGKILL {
            #expect(left == (["trend.csv"] + temporaries).sorted())
        } else {
            #expect(left == ["trend.csv"])
        }
    }
}
