import Foundation
import TestSupport
import Testing

/// The built `scorecard` binary end to end: exit codes, messages on standard error, and
/// outputs that appear whole or not at all.
@Suite("scorecard CLI")
struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary: URL = {
        // The test bundle sits beside the products: .build/<triple>/debug/.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("scorecard")
    }()

    typealias Run = ProcessResult

    /// Runs the binary in the package root (relative dataset paths), standard input empty.
    func run(_ arguments: [String]) throws -> Run {
        try ProcessRunner.run([Self.binary.path] + arguments, in: Self.root.path)
    }

    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func validatesTheSample() throws {
        let r = try run(["validate", "datasets/b2b-73"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("73 teams × 10 measures × 36 months (2023-01 to 2025-12)"))
    }

    @Test func csvHasTheContractColumns() throws {
        let expected = [
            "trend": "team,measure,n,slope,intercept,slope_se,t,p_value,ci_low,ci_high,r2,direction",
            "leadlag": "leader,lagger,best_lag,r,p_value,granger_lags,granger_f,granger_p,granger_q,reverse_f,reverse_p,reverse_q,verdict",
            "rank": "rank,team,roi,return,cost,quartile,note",
            "quartiles": "measure,top_n,bottom_n,top_mean,bottom_mean,ratio,difference,cohens_d,welch_t,welch_df,p_value,mw_u,mw_p,q_value",
            "forecast": "team,measure,period,horizon,forecast,lower,upper",
        ]
        for (analysis, header) in expected {
            let r = try run([analysis, "datasets/b2b-73", "--format", "csv"])
            #expect(r.status == 0, "\(analysis): \(r.stderr)")
            #expect(r.stdout.split(separator: "\n").first.map(String.init) == header, "\(analysis)")
            #expect(!r.stdout.contains("nan") && !r.stdout.contains("inf"))
        }
        let lags = try run(["leadlag", "datasets/b2b-73", "--per-lag", "--format", "json"])
        #expect(
            lags.stdout.hasPrefix(
                "{\"analysis\": \"leadlag_lags\", \"columns\": [\"leader\", \"lagger\", \"lag\", \"n\", \"r\", \"t\", \"p_value\"]"))
    }

    @Test func badDataExits65WithLocationAndWritesNothing() throws {
        let dir = try scratch()
        try "team,period,measure,value\nA,2024-01,x,1\nA,2024-02,x,1,5\n".write(toFile: dir + "/m.csv", atomically: true, encoding: .utf8)
        try "previous contents\n".write(toFile: dir + "/trend.csv", atomically: true, encoding: .utf8)
        let r = try run(["trend", "--data", dir + "/m.csv", "--format", "csv", "--output", dir + "/trend.csv"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(dir)/m.csv:3:15: 5 fields; expected 4 fields"), "\(r.stderr)")
        #expect(try String(contentsOfFile: dir + "/trend.csv", encoding: .utf8) == "previous contents\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["m.csv", "trend.csv"])
    }

    @Test func exitCodes() throws {
        #expect(try run(["trend", "/nonexistent/dataset"]).status == 66)
        #expect(try run(["trend", "datasets/b2b-73", "--last", "0"]).status == 64)
        #expect(try run(["trend", "datasets/b2b-73", "--from", "2030-01"]).status == 64)
        #expect(try run(["trend", "datasets/b2b-73", "--no-such-flag"]).status == 64)
        let r = try run(["trend", "datasets/b2b-73", "--output", "/nonexistent/dir/trend.csv"])
        #expect(r.status == 73, "\(r.stderr)")
    }

    @Test func outputIsReplacedWhole() throws {
        let dir = try scratch()
        try "old\n".write(toFile: dir + "/rank.csv", atomically: true, encoding: .utf8)
        let r = try run(["rank", "datasets/b2b-73", "--format", "csv", "--output", dir + "/rank.csv"])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: dir + "/rank.csv", encoding: .utf8)
        #expect(text.hasPrefix("rank,team,roi,return,cost,quartile,note\n"))
        #expect(text.split(separator: "\n").count == 74)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["rank.csv"])
    }

    /// The sidecar records what the numbers mean, so two exports of different windows differ there.
    @Test func definitionsSidecar() throws {
        let dir = try scratch()
        for (name, window) in [("all", [String]()), ("last12", ["--last", "12"])] {
            let r = try run(
                ["rank", "datasets/b2b-73", "--format", "csv", "--output", "\(dir)/\(name).csv", "--with-definitions"] + window)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let all =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/all.csv.definitions.json")))
            as? [String: Any]
        let last =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/last12.csv.definitions.json")))
            as? [String: Any]
        #expect((all?["window"] as? [String: Any])?["from"] as? String == "2023-01")
        #expect((last?["window"] as? [String: Any])?["from"] as? String == "2025-01")
        #expect((last?["roi"] as? [String: Any])?["cost"] as? String == "sales_cost")
        #expect(try run(["rank", "datasets/b2b-73", "--with-definitions"]).status == 64)
    }

    @Test func mapRendersAsDOT() throws {
        let r = try run(["map", "datasets/b2b-73", "--format", "dot"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("digraph strategy_map {"))
        #expect(r.stdout.contains("\"training_hours\" -> \"win_rate\" [color=\"#1a7f37\""))
        #expect(r.stdout.contains("\"sales_cycle_days\" -> \"pipeline_value\" [color=\"#8250df\""))
    }

    /// Every --format of `map`, not only dot: the other three once crashed (options built, not parsed).
    @Test(arguments: ["table", "csv", "json"])
    func mapRendersAsATable(_ format: String) throws {
        let r = try run(["map", "datasets/b2b-73", "--format", format, "--no-color"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("training_hours"))
        #expect(r.stdout.contains("supported"))
    }
}
