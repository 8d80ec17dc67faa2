import Foundation
import TestSupport
import Testing

/// The bad-input corpus (Tests/Corpus, issue #9): every case runs the built binary in a
/// scratch copy of its folder and must give exactly the recorded exit code and standard
/// error, leave no file it should not (no output, no temporary file), and, when it
/// succeeds, write exactly the recorded output.
@Suite("bad-input corpus")
struct CorpusTests {
    static let corpus = CLITests.root.appendingPathComponent("Tests/Corpus")
    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: corpus.appendingPathComponent("\($0)/args.txt").path) }.sorted()
    }()

    @Test func corpusIsLargeEnough() {
        #expect(Self.cases.count >= 60, "\(Self.cases.count) cases")
        for prefix in ["csv-", "yaml-", "args-", "ok-"] {
            #expect(Self.cases.filter { $0.hasPrefix(prefix) }.count >= 8, "\(prefix)")
        }
    }

    /// Every file and folder under `dir`, relative, sorted.
    static func listing(_ dir: String) -> [String] {
        (FileManager.default.subpaths(atPath: dir) ?? []).sorted()
    }

    @Test(arguments: cases)
    func corpusCase(_ name: String) throws {
        let source = Self.corpus.appendingPathComponent(name).path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-corpus-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let control: Set = ["args.txt", "expected.txt", "expected-out.csv"]
        for item in try FileManager.default.contentsOfDirectory(atPath: source) where !control.contains(item) {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: scratch + "/" + item)
        }
        if FileManager.default.fileExists(atPath: scratch + "/generate.sh") {
            let gen = try shell(["/bin/sh", "generate.sh"], in: scratch)
            #expect(gen.status == 0, "generate.sh: \(gen.stderr)")
            try FileManager.default.removeItem(atPath: scratch + "/generate.sh")
        }
        let before = Self.listing(scratch)
        let arguments = try String(contentsOfFile: source + "/args.txt", encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false
        ).dropLast().map(String.init)
        // 1 GiB of address space: past it the case fails instead of the machine.
        let run = try shell(["/bin/sh", "-c", "ulimit -v 1048576 && exec \"$0\" \"$@\"", CLITests.binary.path] + arguments, in: scratch)

        let expected = try String(contentsOfFile: source + "/expected.txt", encoding: .utf8)
        let firstLine = expected.prefix { $0 != "\n" }
        let expectedStatus = Int32(firstLine.dropFirst("exit ".count))
        let expectedStderr = String(expected.dropFirst(firstLine.count + 1))
        #expect(run.status == expectedStatus, "\(name): exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr == expectedStderr, "\(name)")
        #expect(run.stdout.isEmpty, "\(name): \(run.stdout.prefix(500))")

        let expectedOutput = source + "/expected-out.csv"
        if FileManager.default.fileExists(atPath: expectedOutput) {
            #expect(Self.listing(scratch) == (before + ["out.csv"]).sorted(), "\(name)")
            let written = try Data(contentsOf: URL(fileURLWithPath: scratch + "/out.csv"))
            #expect(written == (try Data(contentsOf: URL(fileURLWithPath: expectedOutput))), "\(name): out.csv differs")
            // Never a NaN or an infinity printed as a result (METHODS.md, Output).
            let text = String(decoding: written, as: UTF8.self).lowercased()
            #expect(
                !text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r" }).contains {
                    ["nan", "inf", "-inf", "infinity"].contains($0)
                }, "\(name)")
        } else {
            #expect(Self.listing(scratch) == before, "\(name): files appeared")
        }
    }

    typealias Result = ProcessResult

    func shell(_ command: [String], in dir: String) throws -> Result { try Self.shell(command, in: dir) }

    static func shell(_ command: [String], in dir: String) throws -> Result {
        try ProcessRunner.run(command, in: dir)
    }
}
