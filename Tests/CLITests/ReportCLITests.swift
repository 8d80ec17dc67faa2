import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `scorecard report`: one self-contained, well-formed page whose numbers are the other
/// commands' numbers, written atomically, the same bytes every run.
extension CLITests {
    /// Whether the page parses as XML (the report is written as XHTML-compatible markup).
    func parses(_ html: String) -> (ok: Bool, error: String) {
        let parser = XMLParser(data: Data(html.utf8))
        let ok = parser.parse()
        return (ok, parser.parserError.map { "\($0) at line \(parser.lineNumber), column \(parser.columnNumber)" } ?? "")
    }

    func selfContained(_ html: String) {
        for forbidden in ["<script", "http://", "https://", "src=", "@import", "url(http", "<link", "NaN", "nan<", ">nan", "Infinity"] {
            #expect(!html.contains(forbidden), "the report holds \(forbidden)")
        }
    }

    @Test func reportOnTheSample() throws {
        let dir = try scratch()
        let r = try run(["report", "datasets/b2b-73", "--output", dir + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        let parsed = parses(html)
        #expect(parsed.ok, "\(parsed.error)")
        selfContained(html)
        for id in ["status", "quartiles", "leadlag", "map", "forecast", "notes"] {
            #expect(html.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        #expect(
            html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 8,
            "quartiles, heatmap, map, the total's and 4 teams' fan charts")
        #expect(html.components(separatedBy: "<svg class=\"sparkline\"").count - 1 == 10, "a sparkline per measure")

        // The verdicts are `leadlag`'s on the links, the quartile ratio is `quartiles`', the total forecast is `forecast`'s.
        let links = try run(["leadlag", "datasets/b2b-73", "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
        #expect(links.count == 5)
        let supported = links.filter { $0.split(separator: ",").last == "supported" }.count
        #expect(
            html.contains("<p class=\"headline\">\(supported) of \(links.count) links of the strategy map are supported by the data.</p>"))
        for line in links {
            let verdict = String(line.split(separator: ",").last!)
            #expect(html.contains(">\(verdict)</span>"), "verdict \(verdict)")
        }
        let quartiles = try run(["quartiles", "datasets/b2b-73", "--format", "csv"]).stdout.split(separator: "\n")
        let roi = quartiles[1].split(separator: ",", omittingEmptySubsequences: false)
        let ratio = try #require(Double(roi[5]))
        let rounded = (ratio * 100).rounded() / 100
        #expect(html.contains(": \(String(format: "%.2f", rounded))× as much"), "ROI ratio \(ratio)")
        let forecast = try run(["forecast", "datasets/b2b-73", "--with-total", "--format", "csv"]).stdout.split(separator: "\n")
        let total = try #require(forecast.first { $0.hasPrefix("(total),") }).split(separator: ",")
        let value = try #require(Double(total[4]))
        #expect(html.contains("organisation total for \(total[2]): \(String(format: "%.1f", value / 1e6))M USD"), "total \(value)")
    }

    /// `report --output F.xlsx`: a workbook (a zip) with a sheet per analysis, written alone;
    /// `--format html` into a file named .xlsx is refused before anything is read or written.
    /// (The sheets' cells against each command's CSV: Tests/Spreadsheet/xlsx_check.py, in CI.)
    @Test func reportAsWorkbook() throws {
        let dir = try scratch()
        let r = try run(["report", "datasets/b2b-73", "--output", dir + "/r.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote \(dir)/r.xlsx") && r.stderr.contains("open it in a spreadsheet"), "\(r.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: dir + "/r.xlsx"))
        #expect(Array(bytes.prefix(4)) == [0x50, 0x4B, 0x03, 0x04], "a zip")
        let refused = try run(["report", "datasets/b2b-73", "--format", "html", "--output", dir + "/x.xlsx"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--format html with --output \(dir)/x.xlsx"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["r.xlsx"], "nothing else written")
    }

    @Test func reportIsDeterministicAndAtomic() throws {
        let dir = try scratch()
        #expect(try run(["report", "datasets/b2b-73", "--output", dir + "/a.html", "--last", "24"]).status == 0)
        #expect(try run(["report", "datasets/b2b-73", "--output", dir + "/b.html", "--last", "24"]).status == 0)
        #expect(FileManager.default.contents(atPath: dir + "/a.html") == FileManager.default.contents(atPath: dir + "/b.html"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.html", "b.html"], "no temporary file left")
        let missing = try run(["report", "datasets/b2b-73", "--output", dir + "/no/such/dir/r.html"])
        #expect(missing.status == 73, "\(missing.stderr)")
        #expect(try run(["report", "/nonexistent/dataset"]).status == 66)
        #expect(try run(["report", "datasets/b2b-73", "--horizon", "0"]).status == 64)
    }

    /// One team selected: its own scorecard (team targets), and a quartile section that says
    /// why there is nothing to compare.
    @Test func reportForOneTeam() throws {
        let dir = try scratch()
        let r = try run(["report", "datasets/b2b-73", "--team", "NA SMB 09", "--output", dir + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(parses(html).ok)
        #expect(html.contains("<h2>1. Scorecard status, 2025-12 — team NA SMB 09</h2>"))
        #expect(html.contains("Not available: fewer than 4 teams with an ROI"))
        // Team targets: revenue's team_target is 1010000 (1.01M USD).
        #expect(html.contains("<td class=\"num\">1.01M USD</td>"))
    }

    /// A dataset whose names are markup, quotes and non-ASCII, with gaps, and no roi:
    /// the page stays well-formed, shows the names as text, and says what it cannot show.
    @Test func reportWithHostileNamesAndNoROI() throws {
        let dir = try scratch()
        let teams = ["<script>alert(1)</script>", "R&D \"North\"", "Zürich 東京", "O'Brien & Sons", "</svg>", "Plain"]
        var csv = "team,period,measure,value\n"
        var state: UInt64 = 42
        func noise() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for (i, team) in teams.enumerated() {
            var calls: [Double] = []
            for t in 0..<24 {
                let period = String(format: "%04d-%02d", 2024 + t / 12, t % 12 + 1)
                calls.append(50 + 10 * sin(Double(t + i)) + 5 * noise())
                let revenue = 200 + 3 * (t > 0 ? calls[t - 1] : 50) + 20 * noise() + Double(i) * 10
                let callsCell = (i == 2 && t == 5) ? "NA" : String(calls[t])
                csv += "\(quoted(team)),\(period),\(quoted("calls <&> 'x'")),\(callsCell)\n"
                csv += "\(quoted(team)),\(period),revenue,\(t == 23 && i == 3 ? "" : String(revenue))\n"
            }
        }
        try csv.write(toFile: dir + "/measurements.csv", atomically: true, encoding: .utf8)
        let yaml = """
            name: "Hostile <b>&amp; \\"quoted\\"</b> scorecard"
            perspectives:
              learning:
                objectives:
                  - name: "Train <em>everyone</em> & more"
                    measures:
                      - {id: "calls <&> 'x'", name: "Calls <&> \\"y\\"", unit: "<u>", direction: higher, aggregation: sum, target: 300}
              financial:
                objectives:
                  - name: Grow
                    measures:
                      - {id: revenue, name: "Revenue €", unit: "€", direction: higher, aggregation: sum, target: 2000}
            links:
              - {from: "calls <&> 'x'", to: revenue, sign: positive}

            """
        try yaml.write(toFile: dir + "/scorecard.yml", atomically: true, encoding: .utf8)
        let r = try run(["report", dir, "--output", dir + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("note: quartiles:"), "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        let parsed = parses(html)
        #expect(parsed.ok, "\(parsed.error)")
        selfContained(html)
        #expect(!html.contains("<script>") && !html.contains("<b>&amp;") && !html.contains("<em>everyone"))
        #expect(html.contains("Hostile &lt;b&gt;&amp;amp; &quot;quoted&quot;&lt;/b&gt; scorecard"))
        #expect(html.contains("Calls &lt;&amp;&gt; &quot;y&quot;"))
        #expect(html.contains("<p class=\"missing\">Not available: quartiles:"), "the quartile section says why it is empty")
        #expect(html.contains("<section id=\"forecast\">"))
    }
}
