import Foundation
import Testing

/// Issue #16 (and #17's trap): numeric flags, outputs onto inputs, and memory on extreme period
/// spans, for every command that takes them.
@Suite("hostile input, round two")
struct HostileInputTests {
    static func run(_ arguments: [String], in dir: String, executable: String = CLITests.binary.path) throws -> CorpusTests.Result {
        try CorpusTests.shell([executable] + arguments, in: dir)
    }

    /// A scratch folder holding a small dataset every command accepts: 3 teams × 24 months of
    /// revenue and cost, with a link and an roi.
    static func smallDataset() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var csv = "team,period,measure,value\n"
        for (i, team) in ["A", "B", "C"].enumerated() {
            for m in 0..<24 {
                let period = String(format: "%04d-%02d", 2023 + m / 12, m % 12 + 1)
                let wiggle = Double((m * 7919 + i * 104_729) % 97) / 10
                csv += "\(team),\(period),revenue,\(Double(100 + 10 * i + 3 * m) + Double((m * 104_723 + i * 7907) % 89) / 10)\n"
                csv += "\(team),\(period),cost,\(50 + Double(i) + Double(m) / 2 + wiggle)\n"
            }
        }
        try csv.write(toFile: dir + "/measurements.csv", atomically: true, encoding: .utf8)
        let yaml = """
            name: Hostile
            perspectives:
              financial:
                objectives:
                  - name: Grow revenue
                    measures:
                      - {id: revenue, direction: higher, aggregation: sum, target: 300}
                      - {id: cost, direction: lower, aggregation: sum, target: 160}
            links:
              - {from: cost, to: revenue, sign: positive}
            roi: {return: revenue, cost: cost}

            """
        try yaml.write(toFile: dir + "/scorecard.yml", atomically: true, encoding: .utf8)
        return dir
    }

    static let dataFlags = ["--max-cells", "--max-field-bytes", "--max-line-bytes", "--max-scorecard-bytes", "--max-scorecard-depth"]
    /// Every subcommand with every numeric flag it takes.
    static let commands: [(command: [String], flags: [String])] = [
        (["validate", "."], dataFlags),
        (["trend", "."], dataFlags + ["--last"]),
        (["leadlag", "."], dataFlags + ["--last", "--max-lag"]),
        (["map", "."], dataFlags + ["--last", "--max-lag"]),
        (["rank", "."], dataFlags + ["--last"]),
        (["quartiles", "."], dataFlags + ["--last", "--bootstrap", "--seed"]),
        (["forecast", "."], dataFlags + ["--last", "--horizon", "--lags", "--confidence", "--backtest"]),
        (["status", "."], dataFlags + ["--cap"]),
        (["report", ".", "--output", "r.html"], dataFlags + ["--last", "--max-lag", "--horizon"]),
        (["export", "notebook", ".", "--output", "n.ipynb"], dataFlags + ["--last", "--max-lag", "--horizon", "--lags", "--backtest"]),
        (["generate", "--output", "generated"], ["--teams", "--periods", "--measures", "--seed"]),
    ]

    /// -1, a number past Int64 and a word are refused by every numeric flag with exit 64 and a
    /// message naming it; 0 and Int64.max are refused the same way or accepted — never a trap.
    @Test(arguments: commands.map { $0.command.joined(separator: " ") })
    func numericFlagsAreCheckedNeverTrap(_ name: String) throws {
        let entry = Self.commands.first { $0.command.joined(separator: " ") == name }!
        let dir = try Self.smallDataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for flag in entry.flags {
            for value in ["-1", "99999999999999999999", "many", "0", "9223372036854775807"] {
                // Int64.max work that a valid value would ask for (a huge panel limit is fine;
                // 2^63 generated teams are refused by generate itself).
                let r = try Self.run(entry.command + ["\(flag)=\(value)"], in: dir)
                #expect(!r.signalled && r.status < 128, "\(name) \(flag)=\(value) trapped: \(r.status)\n\(r.stderr.prefix(400))")
                // A huge number is a valid --cap (a Double, at least 1).
                let mustRefuse = ["-1", "many"].contains(value) || (value == "99999999999999999999" && flag != "--cap")
                if mustRefuse {
                    #expect(r.status == 64, "\(name) \(flag)=\(value): exit \(r.status)\n\(r.stderr.prefix(400))")
                }
                if r.status == 64 && (mustRefuse || r.stderr.hasPrefix("Error:")) {
                    #expect(r.stderr.contains(flag), "\(name) \(flag)=\(value): \(r.stderr.prefix(400))")
                }
            }
        }
    }

    /// Every command with --output refuses (exit 73) to write onto any of its inputs, by name,
    /// through a symbolic or a hard link, and leaves them byte for byte as they were.
    @Test(arguments: [
        ["trend", ".", "--format", "csv"], ["leadlag", ".", "--format", "csv"], ["map", ".", "--format", "dot"],
        ["map", ".", "--format", "csv"], ["rank", ".", "--format", "csv"], ["quartiles", ".", "--format", "json"],
        ["forecast", ".", "--format", "csv"], ["status", ".", "--format", "csv"], ["report", "."],
        ["export", "notebook", ".", "--analysis", "trend"],
        ["trend", "--data", "measurements.csv", "--data", "more.csv", "--scorecard", "scorecard.yml", "--format", "csv"],
    ])
    func noCommandWritesOntoItsInputs(_ command: [String]) throws {
        let dir = try Self.smallDataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        let more = try String(contentsOfFile: dir + "/measurements.csv", encoding: .utf8).replacingOccurrences(of: ",202", with: ",201")
        try more.write(toFile: dir + "/more.csv", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/soft.csv", withDestinationPath: "measurements.csv")
        try fm.linkItem(atPath: dir + "/scorecard.yml", toPath: dir + "/hard.yml")
        let inputs = ["measurements.csv", "scorecard.yml", "more.csv"]
        let before = try inputs.map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        let listing = try fm.contentsOfDirectory(atPath: dir).sorted()
        var targets = ["measurements.csv", "scorecard.yml", "soft.csv", "hard.yml", "./measurements.csv", dir + "/scorecard.yml"]
        if command.contains("more.csv") { targets.append("more.csv") }
        for target in targets {
            let r = try Self.run(command + ["--output", target], in: dir)
            #expect(r.status == 73, "\(command) --output \(target): exit \(r.status)\n\(r.stderr)")
            #expect(r.stderr.contains("it is an input of this command"), "\(command) --output \(target): \(r.stderr)")
            #expect(
                try inputs.map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) } == before, "\(command) --output \(target)")
            #expect(try fm.contentsOfDirectory(atPath: dir).sorted() == listing, "\(command) --output \(target): files appeared")
        }
        // Refused as soon as the inputs are read, before the selection and the analysis: a team
        // that does not exist (exit 64 if it got that far) is never looked for.
        let early = try Self.run(command + ["--team", "no such team", "--output", "measurements.csv"], in: dir)
        #expect(early.status == 73, "\(command) --team: exit \(early.status)\n\(early.stderr)")
        #expect(early.stderr.contains("it is an input of this command") && !early.stderr.contains("no such team"), "\(early.stderr)")
        // The sidecar too, and then neither file is written.
        if command.first != "report" && command.first != "export" {
            try fm.linkItem(atPath: dir + "/measurements.csv", toPath: dir + "/out.csv.definitions.json")
            let r = try Self.run(command + ["--output", "out.csv", "--with-definitions"], in: dir)
            if command.first != "map" {
                #expect(r.status == 73, "\(command) sidecar: exit \(r.status)\n\(r.stderr)")
                #expect(!fm.fileExists(atPath: dir + "/out.csv"), "\(command): the main output was written without its sidecar")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/measurements.csv")) == before[0])
        }
    }

    /// A stray row a century after daily data changes no lead-lag number (no pair reaches it),
    /// and costs memory by the data, not by the 36,525-day span.
    @Test func aStrayRowFarAwayChangesNothing() throws {
        let dir = try Self.smallDataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let corpus = CLITests.root.appendingPathComponent("Tests/Corpus/ok-daily-stray-row-a-century-later/measurements.csv").path
        let text = try String(contentsOfFile: corpus, encoding: .utf8)
        try text.write(toFile: dir + "/stray.csv", atomically: true, encoding: .utf8)
        try text.replacingOccurrences(of: "A,2124-01-01,revenue,5\n", with: "").write(
            toFile: dir + "/plain.csv", atomically: true, encoding: .utf8)
        let a = try Self.run(["leadlag", "--data", "plain.csv", "--pair", "cost", "revenue", "--format", "csv"], in: dir)
        let b = try Self.run(["leadlag", "--data", "stray.csv", "--pair", "cost", "revenue", "--format", "csv"], in: dir)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\n\(b.stderr)")
        // The same numbers to rounding (without the stray row every team is complete, a faster
        // path), the same labels.
        let x = a.stdout.split(separator: "\n").last!.split(separator: ",", omittingEmptySubsequences: false)
        let y = b.stdout.split(separator: "\n").last!.split(separator: ",", omittingEmptySubsequences: false)
        #expect(x.count == y.count)
        for (u, v) in zip(x, y) {
            if let p = Double(u), let q = Double(v) {
                #expect(Swift.abs(p - q) <= 1e-12 * Swift.max(Swift.abs(p), Swift.abs(q)), "\(u) vs \(v)")
            } else {
                #expect(u == v)
            }
        }
        #expect(a.stdout.contains("cost,revenue,1,"))
    }

    /// Every command under a 1 GiB address-space limit on a few hundred lines with extreme
    /// period spans: a result or a located refusal, never a trap or an abort.
    @Test(arguments: ["ok-daily-stray-row-a-century-later", "ok-yearly-0001-to-9999", "ok-two-rows-262144-days-apart"])
    func everyCommandFitsInOneGiB(_ corpusCase: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else {
            Issue.record("prlimit (util-linux) is needed")
            return
        }
        let dir = try Self.smallDataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = CLITests.root.appendingPathComponent("Tests/Corpus/\(corpusCase)/measurements.csv").path
        var csv = try String(contentsOfFile: source, encoding: .utf8)
        if corpusCase == "ok-two-rows-262144-days-apart" {
            // Two measures, so every analysis has something to work on.
            csv += "A,1900-01-01,y,3\nA,2617-09-18,y,5\nA,2617-09-19,y,6\nB,1900-01-01,x,1\nB,2617-09-19,x,2\n"
        }
        try csv.write(toFile: dir + "/measurements.csv", atomically: true, encoding: .utf8)
        let measures = Set(csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] })
        let pair = measures.contains("cost") ? ["cost", "revenue"] : ["x", "y"]
        let yaml = """
            name: Span
            perspectives:
              financial:
                objectives:
                  - name: Grow
                    measures:
                      - {id: \(pair[1]), direction: higher, aggregation: sum, target: 300}
                      - {id: \(pair[0]), direction: lower, aggregation: sum}
            links:
              - {from: \(pair[0]), to: \(pair[1]), sign: positive}
            roi: {return: \(pair[1]), cost: \(pair[0])}

            """
        try yaml.write(toFile: dir + "/scorecard.yml", atomically: true, encoding: .utf8)
        let commands: [[String]] = [
            ["validate", "."], ["trend", "."], ["trend", ".", "--org"], ["leadlag", "."], ["leadlag", ".", "--per-team"], ["map", "."],
            ["rank", "."], ["quartiles", "."], ["forecast", "."], ["status", "."], ["report", ".", "--output", "r.html"],
            ["export", "notebook", ".", "--output", "n.ipynb"],
        ]
        for command in commands {
            let r = try Self.run(
                ["--as=1073741824", "--", CLITests.binary.path] + command + (command.count == 2 ? ["--format", "csv"] : []),
                in: dir, executable: "/usr/bin/prlimit")
            #expect(!r.signalled && r.status < 128, "\(corpusCase) \(command): trapped (\(r.status))\n\(r.stderr.prefix(600))")
            if r.status != 0 {
                #expect([64, 65].contains(r.status), "\(corpusCase) \(command): exit \(r.status)\n\(r.stderr.prefix(600))")
                // Located: a file (with line where there is one) or the command line.
                let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
                #expect(
                    first.hasPrefix("measurements.csv") || first.hasPrefix("./") || first.hasPrefix("command line:")
                        || first.hasPrefix("scorecard.yml") || first.hasPrefix("Error:"),
                    "\(corpusCase) \(command): \(first)")
            }
        }
    }
}
