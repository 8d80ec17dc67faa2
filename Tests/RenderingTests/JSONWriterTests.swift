import Foundation
import Testing

@testable import Rendering

@Suite struct JSONWriterTests {
    static func json(_ table: ResultTable) -> String {
        String(decoding: JSONWriter.render(table), as: UTF8.self)
    }

    @Test func layoutAndKeyOrder() {
        let table = ResultTable(
            analysis: "rank", columns: [Column("rank"), Column("team"), Column("roi")],
            rows: [[.integer(1), .text("North"), .number(0.25)], [.integer(2), .text("South"), .number(.nan)]],
            notes: ["South has no cost data"])
        #expect(
            Self.json(table) == """
                {"analysis": "rank", "columns": ["rank", "team", "roi"], "rows": [
                {"rank": 1, "team": "North", "roi": 0.25},
                {"rank": 2, "team": "South", "roi": null}
                ], "notes": ["South has no cost data"]}

                """)
    }

    @Test func emptyTable() {
        let table = ResultTable(analysis: "trend", columns: [Column("team")])
        #expect(Self.json(table) == "{\"analysis\": \"trend\", \"columns\": [\"team\"], \"rows\": [], \"notes\": []}\n")
    }

    @Test func undefinedIsNullAndNumbersAreShortest() {
        let table = ResultTable(
            analysis: "x", columns: ["a", "b", "c", "d", "e", "f"].map { Column($0) },
            rows: [[.missing, .number(.infinity), .probability(.nan), .number(-0.0), .number(1e-5), .probability(3.0)]])
        #expect(Self.json(table).contains("{\"a\": null, \"b\": null, \"c\": null, \"d\": 0, \"e\": 1e-05, \"f\": 3}"))
    }

    @Test func stringEscaping() {
        let text = "q\"b\\s/\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é東\u{2028}\u{2029}😀"
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: JSONWriter.worstCaseLength(of: text)) {
            buffer in
            let end = JSONWriter.writeString(text, at: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: end - buffer.baseAddress!), as: UTF8.self)
        }
        #expect(
            written
                == "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\u{7F}é東\\u2028\\u2029😀\"")
    }

    @Test func parsesAsJSONWithTheSameValues() throws {
        let names = ["plain", "quote\"", "back\\slash", "nl\n", "ctl\u{01}", "sep\u{2028}", "Zürich"]
        let values: [Double] = [0.1, -2.5, 1e-300, .leastNonzeroMagnitude, 1.7976931348623157e308, 123_456_789]
        var rows: [[Cell]] = []
        for (index, name) in names.enumerated() {
            rows.append([.text(name), .number(values[index % values.count]), .integer(index)])
        }
        let table = ResultTable(
            analysis: "trend", columns: [Column("team"), Column("slope"), Column("n")], rows: rows, notes: ["a\tb"])
        let parsed = try JSONSerialization.jsonObject(with: Data(JSONWriter.render(table))) as? [String: Any]
        let parsedRows = try #require(parsed?["rows"] as? [[String: Any]])
        #expect(parsed?["analysis"] as? String == "trend")
        #expect(parsed?["columns"] as? [String] == ["team", "slope", "n"])
        #expect(parsed?["notes"] as? [String] == ["a\tb"])
        #expect(parsedRows.map { $0["team"] as? String } == names)
        for (index, row) in parsedRows.enumerated() {
            #expect((row["slope"] as? NSNumber)?.doubleValue.bitPattern == values[index % values.count].bitPattern)
        }
    }

    @Test(.enabled(if: TestSupport.python3 != nil, "python3 is not on PATH; the cross-check is skipped"))
    func pythonReadsKeysInOrder() throws {
        let table = ResultTable(
            analysis: "trend", columns: [Column("team"), Column("p_value")],
            rows: [[.text("東京\u{2028}"), .probability(2.5e-10)], [.text("x"), .missing]], notes: [])
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/trend.json"
        try AtomicFileWriter.write(JSONWriter.render(table), to: path)
        let script = """
            import json, sys
            d = json.load(open(sys.argv[1], encoding="utf-8"))
            assert list(d) == ["analysis", "columns", "rows", "notes"], list(d)
            assert d["rows"][0] == {"team": "東京\\u2028", "p_value": 2.5e-10}, d["rows"][0]
            assert d["rows"][1]["p_value"] is None
            print("ok")
            """
        let (output, status) = try TestSupport.runPython(script, arguments: [path])
        #expect(status == 0)
        #expect(output == "ok\n")
    }
}
