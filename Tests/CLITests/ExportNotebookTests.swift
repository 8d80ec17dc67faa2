import Foundation
import Testing

/// `scorecard export notebook` end to end. (That the notebooks run and agree is checked by
/// notebooks-export/check.py in .ci/run, which needs Jupyter.)
extension CLITests {
    func notebook(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func cells(_ nb: [String: Any]) throws -> [[String: Any]] {
        try #require(nb["cells"] as? [[String: Any]])
    }

    func source(_ cell: [String: Any]) -> String {
        (cell["source"] as? [String] ?? []).joined()
    }

    /// The text of the first `'''…'''` literal after `marker` in `text`, unescaped.
    func pythonLiteral(after marker: String, in text: String) throws -> String {
        let start = try #require(text.range(of: marker)).upperBound
        let open = try #require(text.range(of: "'''", range: start..<text.endIndex)).upperBound
        var out = ""
        var i = open
        while text[i...].hasPrefix("'''") == false {
            if text[i] == "\\" {
                let next = text.index(after: i)
                out.append(text[next])
                i = text.index(after: next)
            } else {
                out.append(text[i])
                i = text.index(after: i)
            }
        }
        return out
    }

    @Test func exportNotebookIsDeterministicValidAndEmbedsTheEngineTable() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try run(["export", "notebook", "datasets/b2b-73", "--analysis", "rank", "--output", dir + "/a.ipynb"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try run(["export", "notebook", "datasets/b2b-73", "--analysis", "rank", "--output", dir + "/b.ipynb"])
        #expect(second.status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.ipynb"))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir + "/b.ipynb"))))

        let nb = try notebook(dir + "/a.ipynb")
        #expect(nb["nbformat"] as? Int == 4 && nb["nbformat_minor"] as? Int == 5)
        let cells = try cells(nb)
        let ids = cells.compactMap { $0["id"] as? String }
        #expect(ids.count == cells.count && Set(ids).count == ids.count)
        #expect(ids.first == "title" && ids.last == "agreement")
        #expect(ids.contains("rank-scorecard") && ids.contains("roi-recompute") && !ids.contains("trend-recompute"))
        for cell in cells where cell["cell_type"] as? String == "code" {
            #expect((cell["outputs"] as? [Any])?.isEmpty == true)
            #expect(cell["execution_count"] is NSNull)
        }

        // Scorecard's table, exactly as `rank --format json` prints it.
        let engine = try #require(cells.first { $0["id"] as? String == "rank-scorecard" })
        let json = try run(["rank", "datasets/b2b-73", "--format", "json"])
        #expect(try pythonLiteral(after: "engine_table(", in: source(engine)) == json.stdout)

        // The data path is relative to the notebook's folder and leads to the data.
        let parameters = try #require(cells.first { $0["id"] as? String == "parameters" })
        let params = try #require(
            try JSONSerialization.jsonObject(with: Data(pythonLiteral(after: "json.loads(", in: source(parameters)).utf8)) as? [String: Any]
        )
        let relative = try #require(params["measurements"] as? String)
        #expect(!relative.hasPrefix("/"))
        let resolved = URL(fileURLWithPath: dir).appendingPathComponent(relative).resolvingSymlinksInPath().path
        #expect(resolved == Self.root.appendingPathComponent("datasets/b2b-73/measurements.csv").resolvingSymlinksInPath().path)
        #expect((params["roi"] as? [String: String]) == ["return": "revenue", "cost": "sales_cost"])
        #expect((params["teams"] as? [String])?.count == 73)
        let window = try #require(params["window"] as? [String: Any])
        #expect(window["from"] as? String == "2023-01" && window["to"] as? String == "2025-12" && window["periods"] as? Int == 36)
    }

    @Test func exportNotebookCarriesTheSelectionAndSettings() throws {
        let r = try run([
            "export", "notebook", "datasets/b2b-73", "--analysis", "all", "--last", "12", "--max-lag", "4",
            "--horizon", "2", "--backtest", "3", "--output", "-",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        // Standard output: paths relative to the working directory (the repository root here).
        #expect(r.stdout.contains(#"\"measurements\": \"datasets/b2b-73/measurements.csv\""#))
        #expect(r.stdout.contains(#"\"last\": 12}"#))
        #expect(r.stdout.contains(#"\"from\": \"2025-01\", \"to\": \"2025-12\", \"periods\": 12, \"values\": "#))
        #expect(r.stdout.contains(#"\"max_lag\": 4, \"max_lag_option\": 4"#))
        #expect(
            r.stdout.contains(
                #"\"horizon\": 2, \"lags\": 2, \"confidence\": 0.95, \"backtest\": 3, "#
                    + #"\"transform\": \"auto\", \"seasonal\": \"auto\", \"team_trends\": \"auto\", \"calibration\": \"auto\"}"#))
        for id in ["trend-recompute", "leadlag-recompute", "rank-compare", "quartiles-recompute", "forecast-recompute", "agreement"] {
            #expect(r.stdout.contains("\"id\": \"\(id)\""), "\(id)")
        }
        #expect(r.stdout.components(separatedBy: "\"id\": \"roi-recompute\"").count == 2)
    }

    /// The forecast's model flags are `scorecard forecast`'s (one option group): the notebook embeds the
    /// forecast they ask for (the same rows as `forecast --format json` with them) and carries them in PARAMS;
    /// a bad value is refused as `forecast` refuses it, with nothing written.
    @Test func exportNotebookTakesTheForecastModelFlags() throws {
        let flags = [
            "--transform", "none", "--seasonal", "none", "--team-trends", "on", "--calibration", "none",
            "--confidence", "0.9", "--horizon", "2", "--lags", "1", "--drivers", "customer_satisfaction",
        ]
        let r = try run(["export", "notebook", "datasets/b2b-73", "--analysis", "forecast", "--backtest", "2", "--output", "-"] + flags)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains(
                #"\"drivers_option\": [\"customer_satisfaction\"], \"horizon\": 2, \"lags\": 1, \"confidence\": 0.9, "#
                    + #"\"backtest\": 2, \"transform\": \"none\", \"seasonal\": \"none\", "#
                    + #"\"team_trends\": \"on\", \"calibration\": \"none\"}"#
            ))
        let nb = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let cell = try #require(try cells(nb).first { ($0["id"] as? String) == "forecast-scorecard" })
        let embedded = try pythonLiteral(after: "ENGINE['''forecast'''] = engine_table(", in: source(cell))
        let direct = try run(["forecast", "datasets/b2b-73", "--format", "json"] + flags)
        #expect(direct.status == 0, "\(direct.stderr)")
        let rows = { (text: String) throws -> [[String: Any]] in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try #require(object["rows"] as? [[String: Any]])
        }
        let a = try rows(embedded)
        let b = try rows(direct.stdout)
        #expect(a.count == b.count && a.count > 0)
        #expect(NSArray(array: a).isEqual(to: b))
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (flag, value) in [("--transform", "sqrt"), ("--team-trends", "maybe"), ("--calibration", "t"), ("--confidence", "1.5")] {
            let bad = try run([
                "export", "notebook", "datasets/b2b-73", "--analysis", "forecast", flag, value, "--output", dir + "/x.ipynb",
            ])
            #expect(bad.status == 64, "\(flag) \(value): \(bad.stderr)")
            #expect(bad.stderr.contains(flag), "\(bad.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// Issue #16 class 8: data Scorecard accepts must export a notebook that reads it the same way.
    /// Running the notebooks needs Jupyter: notebooks-export/leniencies.py does that for every
    /// leniency of docs/DECISIONS.md. Here: the export succeeds, names every file, carries the
    /// count of values the engine read, and its Python has no reader that would diverge.
    @Test func exportNotebookOfLenientDataNamesEveryFileAndTheValueCount() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A trailing blank, header names in capitals, lower-case quarters, a measure `no`.
        var tidy = "TEAM,Period,MEASURE,Value\n"
        for q in 1...8 {
            for t in ["a", "b", "c"] {
                let period = "\(2021 + (q - 1) / 4)-q\((q - 1) % 4 + 1)"
                tidy +=
                    "\(t),\(period),revenue,\(q * 10 + q % 3 + (t == "c" ? 7 : 0)) \n\(t),\(period),no,\t\(q * q + (t == "b" ? 3 : 0))\n"
            }
        }
        try Data(tidy.utf8).write(to: URL(fileURLWithPath: dir + "/a.csv"))
        // A second file, wide, with a measure named `period` (pandas would call it `period.1`).
        try Data("Team,PERIOD,period\na,2021-Q1,1\nb,2021-Q1,NA\nc,2021-Q1,\na,2021-Q2,4\n".utf8)
            .write(to: URL(fileURLWithPath: dir + "/b.csv"))
        try Data(
            """
            perspectives:
              financial:
                objectives:
                  - name: Grow
                    measures:
                      - {id: revenue, direction: higher, aggregation: sum}
                      - {id: no, direction: lower, aggregation: mean}
            links:
              - {from: no, to: revenue, sign: negative}

            """.utf8
        ).write(to: URL(fileURLWithPath: dir + "/s.yml"))
        let r = try run([
            "export", "notebook", "--data", dir + "/a.csv", "--data", dir + "/b.csv", "--scorecard", dir + "/s.yml",
            "--analysis", "trend", "--output", dir + "/n.ipynb",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let cells = try cells(try notebook(dir + "/n.ipynb"))
        let parameters = try #require(cells.first { $0["id"] as? String == "parameters" })
        let params = try #require(
            try JSONSerialization.jsonObject(with: Data(pythonLiteral(after: "json.loads(", in: source(parameters)).utf8)) as? [String: Any]
        )
        #expect(params["measurements"] as? String == "a.csv")
        #expect(params["more_measurements"] as? [String] == ["b.csv"])
        let window = try #require(params["window"] as? [String: Any])
        // 8 quarters × 3 teams × 2 measures, plus the two numbers of b.csv; its NA and empty cell are missing.
        #expect(window["frequency"] as? String == "quarter" && window["periods"] as? Int == 8 && window["values"] as? Int == 50)
        #expect(params["measures"] as? [String] == ["no", "period", "revenue"])  // byte order (Panel)
        let title = source(try #require(cells.first { $0["id"] as? String == "title" }))
        #expect(title.contains("`a.csv`, `b.csv`"))
        // The notebook reads the header itself and keeps YAML scalars as text.
        let data = source(try #require(cells.first { $0["id"] as? String == "data" }))
        #expect(!data.contains("read_csv") && data.contains("csv.reader") && data.contains("[Qq]") && data.contains(#"strip(" \t")"#))
        #expect(data.contains(#"PARAMS["window"]["values"]"#))
        let card = source(try #require(cells.first { $0["id"] as? String == "scorecard" }))
        #expect(!card.contains("yaml.safe_load(") && card.contains("Loader=TextLoader"))
    }

    @Test func exportNotebookErrors() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missingFolder = try run(["export", "notebook", "datasets/b2b-73", "--analysis", "rank", "--output", dir + "/no/such/x.ipynb"])
        #expect(missingFolder.status == 73, "\(missingFolder.stderr)")
        #expect(missingFolder.stderr.contains("no/such/x.ipynb"))
        #expect(try run(["export", "notebook", "/nonexistent/dataset", "--output", dir + "/x.ipynb"]).status == 66)
        let bad = try run(["export", "notebook", "datasets/b2b-73", "--analysis", "status", "--output", dir + "/x.ipynb"])
        #expect(bad.status == 64)
        #expect(try run(["export", "notebook", "datasets/b2b-73", "--from", "2030-01", "--output", dir + "/x.ipynb"]).status == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
