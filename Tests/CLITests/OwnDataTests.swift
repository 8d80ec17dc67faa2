import Foundation
import TestSupport
import Testing

/// Issue #14: a user's own CRM export to a report with no hand edits, tables people read,
/// and machine outputs that did not move.
@Suite("own data (issue #14)")
struct OwnDataTests {
    let cli = CLITests()
    static let fixtures = CLITests.root.appendingPathComponent("Tests/Fixtures").path

    @Test func crmExportFromInitToReport() throws {
        let dir = try cli.scratch()
        let data = dir + "/crm.csv"
        try FileManager.default.copyItem(atPath: Self.fixtures + "/crm-export/crm.csv", toPath: data)
        let card = dir + "/scorecard.yml"
        var stderr = ""
        let steps: [[String]] = [
            ["init", data, "--output", card],
            ["validate", data, "--scorecard", card],
            ["status", data, "--scorecard", card],
            ["forecast", data, "--scorecard", card],
            ["report", data, "--scorecard", card, "--output", dir + "/report.html"],
        ]
        for step in steps {
            let r = try cli.run(step)
            #expect(r.status == 0, "\(step[0]): \(r.stderr)")
            stderr += r.stderr
        }
        // The detected frequency is said once, by init, and written down for the others.
        let said = stderr.components(separatedBy: "month-end dates read as months").count - 1
        #expect(said == 1, "\(stderr)")
        let yaml = try String(contentsOfFile: card, encoding: .utf8)
        for line in [
            "team_column: \"Sales Rep\"", "period_column: \"Close Month\"", "frequency: month", "numbers: lenient",
            "roi: {return: \"Revenue\", cost: \"Sales Cost\"}", "- id: \"Customer Satisfaction\"",
        ] {
            #expect(yaml.contains(line), "\(line)\n\(yaml)")
        }
        // Cost is lower-is-better, summed; win rate a mean, in %; no target is invented.
        #expect(yaml.contains("- id: \"Sales Cost\"   # CHECK: financial by its name; lower is better (its name); sum"))
        #expect(yaml.contains("- id: \"Win Rate\"   # CHECK: process by its name; higher is better; mean"))
        #expect(
            !yaml.split(separator: "\n").contains {
                $0.drop { $0 == " " }.hasPrefix("target:") || $0.drop { $0 == " " }.hasPrefix("team_target:")
            })
        let validate = try cli.run(["validate", data, "--scorecard", card])
        #expect(validate.stdout.contains("12 teams × 6 measures × 18 months (2024-01 to 2025-06)"), "\(validate.stdout)")
        #expect(try String(contentsOfFile: dir + "/report.html", encoding: .utf8).contains("</html>"))
        // init refuses to overwrite its output.
        let again = try cli.run(["init", data, "--output", card])
        #expect(again.status == 64 && again.stderr.contains("the file exists"), "\(again.stderr)")
    }

    /// The same export written with decimal commas (`"78.976,48 €"`, `263.000`, `"11,4%"`, `"78,8"`):
    /// init guesses the decimal comma and lenient numbers, and every analysis reads the numbers
    /// the point-written file gives, byte for byte in the machine outputs.
    @Test func decimalCommaExportReadsAsTheSameNumbers() throws {
        let dir = try cli.scratch()
        var outputs: [String: [String]] = [:]
        for fixture in ["crm-export", "crm-export-decimal-comma"] {
            let data = dir + "/\(fixture).csv"
            try FileManager.default.copyItem(atPath: Self.fixtures + "/\(fixture)/crm.csv", toPath: data)
            let card = dir + "/\(fixture).yml"
            let initialised = try cli.run(["init", data, "--output", card])
            #expect(initialised.status == 0, "\(fixture): \(initialised.stderr)")
            let yaml = try String(contentsOfFile: card, encoding: .utf8)
            #expect(yaml.contains("numbers: lenient"), "\(yaml)")
            #expect(yaml.contains("decimal: comma") == (fixture == "crm-export-decimal-comma"), "\(yaml)")
            #expect(
                initialised.stderr.contains("a comma is the decimal mark") == (fixture == "crm-export-decimal-comma"),
                "\(initialised.stderr)")
            for analysis in ["trend", "rank", "quartiles", "forecast"] {
                let r = try cli.run([analysis, data, "--scorecard", card, "--format", "csv"])
                #expect(r.status == 0, "\(fixture) \(analysis): \(r.stderr)")
                outputs[fixture, default: []].append(r.stdout)
            }
        }
        #expect(outputs["crm-export"] == outputs["crm-export-decimal-comma"])
        #expect(outputs["crm-export"]?.first?.contains("Ana Ruiz,Revenue,18,") == true)
    }

    @Test func optionsOnTheCommandLineReadTheSameAsInit() throws {
        let data = Self.fixtures + "/crm-export/crm.csv"
        let r = try cli.run([
            "trend", data, "--team-column", "sales rep", "--period-column", " CLOSE MONTH ", "--lenient-numbers",
            "--frequency", "month", "--measure", "Revenue", "--format", "csv",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("team,measure,n,slope"))
        #expect(r.stdout.contains("Ana Ruiz,Revenue,18,"), "\(r.stdout.prefix(300))")
        // Without --lenient-numbers: one summary per column with the true count.
        let strict = try cli.run(["validate", data, "--team-column", "Sales Rep", "--period-column", "Close Month"])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("crm.csv:1:52: column \"Win Rate\": 202 values"))
        #expect(
            strict.stderr.contains(
                """
                crm.csv:1:23: column "Revenue": 216 values are not plain numbers, like "$78,976.48" (line 2); expected plain decimal \
                numbers; for numbers as exports write them (currency, thousands separators, %), use --lenient-numbers
                """
            ), "\(strict.stderr)")
    }

    @Test func machineOutputsAreByteIdenticalToMain() throws {
        let expected = Self.fixtures + "/b2b-73-outputs"
        for name in try FileManager.default.contentsOfDirectory(atPath: expected) where !name.hasSuffix(".md") {
            let stem = name.split(separator: ".")[0]
            let format = String(name.split(separator: ".")[1])
            var args = [String(stem.split(separator: "-")[0]), "datasets/b2b-73", "--format", format]
            if stem.hasSuffix("-org") { args.append("--org") }
            if stem.hasSuffix("-excel") { args.append("--excel") }
            let r = try cli.run(args)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let want = try Data(contentsOf: URL(fileURLWithPath: expected + "/" + name))
            #expect(Data(r.stdout.utf8) == want, "\(name) differs from main's")
        }
    }

    @Test(arguments: ["status", "rank", "quartiles", "forecast"])
    func peopleTablesMatchTheirGolden(_ analysis: String) throws {
        let r = try cli.run([analysis, "datasets/b2b-73"])
        #expect(r.status == 0, "\(r.stderr)")
        let golden = try String(contentsOfFile: Self.fixtures + "/people-tables/\(analysis).txt", encoding: .utf8)
        #expect(r.stdout == golden)
    }

    /// Issue #14, item 11: a national index (no variation between teams) and `--max-lag 16` on
    /// 17 years, as people read them.
    @Test func leadLagOnAShortYearlyPanelMatchesItsGolden() throws {
        let r = try cli.run(["leadlag", "Tests/Fixtures/yearly-panel", "--max-lag", "16"])
        #expect(r.status == 0, "\(r.stderr)")
        let golden = try String(contentsOfFile: Self.fixtures + "/people-tables/leadlag-yearly.txt", encoding: .utf8)
        #expect(r.stdout == golden)
        #expect(r.stdout.contains("note: hires → visits: lags 9–15 not considered for the best lag"))
        #expect(r.stdout.contains("note: visits → price_index: price_index: no variation between teams"))
    }

    @Test func peopleTablesReadAsPeopleExpect() throws {
        let status = try cli.run(["status", "datasets/b2b-73"]).stdout
        #expect(status.hasPrefix("Organisation, 2025-12: overall score 95.9% (amber)"))
        #expect(status.contains("148.9M USD"))
        #expect(status.contains("improving (+29.6k USD/month)"))
        #expect(!status.contains("e+0") && !status.contains("e-0"))
        let exact = try cli.run(["rank", "datasets/b2b-73", "--exact"]).stdout
        #expect(exact.contains("10,691,236.91 USD"))
    }

    @Test func standardInputIsADataFile() throws {
        let dir = try cli.scratch()
        let text = "team,period,measure,value\nA,2024-01,x,1\nA,2024-02,x,2\nA,2024-03,x,4\n"
        try text.write(toFile: dir + "/m.csv", atomically: true, encoding: .utf8)
        let r = try ProcessRunner.run(
            [CLITests.binary.path, "trend", "-", "--format", "csv"], in: CLITests.root.path,
            standardInput: dir + "/m.csv")
        #expect(r.status == 0)
        #expect(r.stdout == (try cli.run(["trend", "--data", dir + "/m.csv", "--format", "csv"])).stdout)
    }

    @Test func statusForEveryTeamWorstFirst() throws {
        let r = try cli.run(["status", "datasets/b2b-73", "--teams", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == """
                team,overall_score,overall_status,training_hours,employee_retention,win_rate,sales_cycle_days,pipeline_value,\
                customer_satisfaction,customer_retention,revenue,gross_margin,sales_cost
                """
        )
        let json = try cli.run(["status", "datasets/b2b-73", "--teams", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let rows = object["rows"] as! [[String: Any]]
        let scores = rows.compactMap { $0["overall_score"] as? Double }
        #expect(rows.count == 73 && scores.count == 73 && scores == scores.sorted())
        // Each row's overall score is that team's own status.
        let first = rows[0]["team"] as! String
        let one = try cli.run(["status", "datasets/b2b-73", "--team", first, "--format", "json"])
        let own = (try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as! [String: Any])["rows"] as! [[String: Any]]
        #expect(own.last?["level"] as? String == "overall" && own.last?["score"] as? Double == scores[0])
        let two = try cli.run(["status", "datasets/b2b-73", "--teams", "--team", "NA SMB 09", "--team", "NA SMB 10", "--format", "csv"])
        #expect(two.stdout.split(separator: "\n").count == 3)
        let repeated = try cli.run(["status", "datasets/b2b-73", "--team", "NA SMB 09", "--team", "NA SMB 10"])
        #expect(repeated.status == 64 && repeated.stderr.contains("--team given 2 times"), "\(repeated.stderr)")
    }

    @Test func outputFormatFollowsTheExtension() throws {
        let dir = try cli.scratch()
        #expect(try cli.run(["rank", "datasets/b2b-73", "--output", dir + "/r.json"]).status == 0)
        #expect(try String(contentsOfFile: dir + "/r.json", encoding: .utf8).hasPrefix("{\"analysis\": \"rank\""))
        #expect(try cli.run(["rank", "datasets/b2b-73", "--output", dir + "/r.CSV"]).status == 0)
        #expect(try String(contentsOfFile: dir + "/r.CSV", encoding: .utf8).hasPrefix("rank,team,roi"))
        #expect(try cli.run(["rank", "datasets/b2b-73", "--output", dir + "/r.csv", "--format", "table"]).status == 0)
        #expect(try String(contentsOfFile: dir + "/r.csv", encoding: .utf8).hasPrefix("Top-quartile"))
        let excel = try cli.run(["rank", "datasets/b2b-73", "--output", dir + "/x.json", "--excel"])
        #expect(excel.status == 64 && excel.stderr.contains("--excel makes CSV for Excel, but the output is json"), "\(excel.stderr)")
        let html = try cli.run(["rank", "datasets/b2b-73", "--output", dir + "/x.html"])
        #expect(html.status == 64 && html.stderr.contains("scorecard report"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.json") && !FileManager.default.fileExists(atPath: dir + "/x.html"))
        let report = try cli.run(["report", "datasets/b2b-73", "--output", dir + "/r.html"])
        #expect(report.status == 0 && report.stderr.contains("wrote \(dir)/r.html"), "\(report.stderr)")
    }
}
