import Foundation
import Testing

@testable import Rendering

@Suite struct CSVWriterTests {
    static func csv(_ cells: [Cell], columns: [String]? = nil, excel: Bool = false) -> String {
        let names = columns ?? cells.indices.map { "c\($0)" }
        let table = ResultTable(analysis: "test", columns: names.map { Column($0) }, rows: [cells])
        return String(decoding: CSVWriter.render(table, excel: excel), as: UTF8.self)
    }

    /// The data line of a one-row CSV, without its line end.
    static func line(_ cells: [Cell]) -> String {
        let text = csv(cells)
        let header = cells.indices.map { "c\($0)" }.joined(separator: ",") + "\n"
        #expect(text.hasPrefix(header) && text.hasSuffix("\n"))
        return String(text.dropFirst(header.count).dropLast())
    }

    @Test func headerFirstThenRowsWithLF() {
        let table = ResultTable(
            analysis: "rank", columns: [Column("rank"), Column("team"), Column("roi")],
            rows: [[.integer(1), .text("North"), .number(0.25)], [.integer(2), .text("South"), .missing]])
        #expect(String(decoding: CSVWriter.render(table), as: UTF8.self) == "rank,team,roi\n1,North,0.25\n2,South,\n")
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("carriage\rreturn", "\"carriage\rreturn\""),
        (" leading", "\" leading\""),
        ("trailing ", "\"trailing \""),
        ("inner space", "inner space"),
        ("Zürich 東京", "Zürich 東京"),
        ("", ""),
    ])
    func quoting(text: String, expected: String) {
        #expect(Self.line([.text(text), .integer(1)]) == expected + ",1")
    }

    @Test(arguments: [
        "=SUM(A1:A9)", "+1", "-2+3", "@cmd", "\tTab", "\rCR", "＝1+1", "＋1", "－1", "＠x",
    ])
    func formulaTriggersAreNeutralised(text: String) {
        let field = Self.line([.text(text), .integer(1)]).dropLast(2)  // drop ",1"
        let unquoted = field.hasPrefix("\"") ? field.dropFirst().dropLast() : field
        #expect(unquoted == "'" + text, "field was \(field)")
    }

    @Test func neutralisedFieldsAreStillQuotedWhenNeeded() {
        #expect(Self.line([.text("=a,b"), .integer(1)]) == "\"'=a,b\",1")
        #expect(Self.line([.text("\rCR"), .integer(1)]) == "\"'\rCR\",1")
        #expect(Self.line([.text("-\"x\""), .integer(1)]) == "\"'-\"\"x\"\"\",1")
        // The apostrophe, not a space, now leads: no quoting for a tab trigger alone.
        #expect(Self.line([.text("\tx"), .integer(1)]) == "'\tx,1")
    }

    @Test func harmlessTextIsNotNeutralised() {
        #expect(
            Self.line([.text("North-East"), .text("a=b"), .text("x@y"), .text("'quoted")])
                == "North-East,a=b,x@y,'quoted")
        // Other full-width letters and characters sharing the EF BC lead bytes.
        #expect(Self.line([.text("Ａ"), .text("（x）")]) == "Ａ,（x）")
    }

    @Test func numbersAreNeverNeutralised() {
        #expect(
            Self.line([.number(-2.5), .integer(-3), .probability(-0.5), .text("-2+3")])
                == "-2.5,-3,-0.5,'-2+3")
    }

    @Test func numberNotation() {
        #expect(
            Self.line([.number(-0.0), .number(3.0), .number(1e-5), .number(1e16), .number(0.1)])
                == "0,3,1e-05,1e+16,0.1")
        #expect(
            Self.line([.number(123456789012345.0), .number(-1e300), .probability(2.2e-16)])
                == "123456789012345,-1e+300,2.2e-16")
        #expect(Self.line([.integer(0), .integer(-42), .integer(Int.max)]) == "0,-42,\(Int.max)")
    }

    @Test func undefinedIsEmpty() {
        #expect(
            Self.line([.number(.nan), .number(.infinity), .probability(-.infinity), .missing, .integer(1)])
                == ",,,,1")
    }

    @Test func singleColumnEmptyFieldIsNotABlankLine() {
        let table = ResultTable(analysis: "x", columns: [Column("v")], rows: [[.missing], [.text("")], [.number(1)]])
        #expect(String(decoding: CSVWriter.render(table), as: UTF8.self) == "v\n\"\"\n\"\"\n1\n")
    }

    @Test func excelHasBOMAndCRLF() {
        let table = ResultTable(
            analysis: "x", columns: [Column("a"), Column("b")], rows: [[.text("x\ny"), .number(1.5)]])
        let bytes = CSVWriter.render(table, excel: true)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self) == "a,b\r\n\"x\ny\",1.5\r\n")
    }

    @Test func incrementalWriterMatchesRender() throws {
        let columns = [Column("team"), Column("n"), Column("slope")]
        let rows: [[Cell]] = (0..<1000).map { [.text("team \($0)"), .integer($0), .number(Double($0) / 7)] }
        let table = ResultTable(analysis: "trend", columns: columns, rows: rows)
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/trend.csv"

        let output = try AtomicFileWriter(path: path)
        var writer = CSVWriter(columns: columns)
        for (index, row) in rows.enumerated() {
            writer.append(row: row)
            if index % 100 == 99 { try writer.flush(to: output) }
        }
        try writer.flush(to: output)
        #expect(writer.bytes.isEmpty)
        try output.commit()
        #expect(TestSupport.read(path) == CSVWriter.render(table))
    }

    /// Python's csv module reads back every field as written, and `float()` of each number
    /// gives the same bits; `repr` agrees with our digits.
    @Test(.enabled(if: TestSupport.python3 != nil, "python3 is not on PATH; the cross-check is skipped"))
    func pythonReadsWhatWeWrite() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.1, 1e-5, 3, -2.5, 1e16, .leastNonzeroMagnitude, 1.7976931348623157e308, 123_456_789_012_345]
        for _ in 0..<2_000 { values.append(Double(bitPattern: generator.next())) }
        values = values.filter(\.isFinite)
        let texts = ["=1+1", "a,b", "quote \"x\"", "line\nbreak", " pad ", "Zürich", "東京", "", "-2+3", "＠x"]
        var rows: [[Cell]] = []
        for (index, value) in values.enumerated() {
            rows.append([.text(texts[index % texts.count]), .integer(index - 5), .number(value), .missing])
        }
        let table = ResultTable(
            analysis: "check", columns: ["name", "n", "value", "empty"].map { Column($0) }, rows: rows)
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/check.csv"
        try AtomicFileWriter.write(CSVWriter.render(table), to: path)

        let script = """
            import csv, json, struct, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            out = {"header": rows[0], "names": [], "ints": [], "bits": [], "repr": [], "empty": []}
            for r in rows[1:]:
                out["names"].append(r[0])
                out["ints"].append(int(r[1]))
                v = float(r[2])
                out["bits"].append(struct.unpack("<Q", struct.pack("<d", v))[0])
                out["repr"].append(repr(v) == r[2] or repr(v) == r[2] + ".0")
                out["empty"].append(r[3])
            print(json.dumps(out))
            """
        let (output, status) = try TestSupport.runPython(script, arguments: [path])
        try #require(status == 0)
        struct Decoded: Decodable {
            var header: [String]
            var names: [String]
            var ints: [Int]
            var bits: [UInt64]
            var repr: [Bool]
            var empty: [String]
        }
        let decoded = try JSONDecoder().decode(Decoded.self, from: Data(output.utf8))
        #expect(decoded.header == ["name", "n", "value", "empty"])
        #expect(decoded.bits == values.map(\.bitPattern))
        #expect(decoded.repr.allSatisfy { $0 })
        #expect(decoded.ints == values.indices.map { $0 - 5 })
        #expect(decoded.empty.allSatisfy { $0.isEmpty })
        let expectedNames = values.indices.map { index -> String in
            let text = texts[index % texts.count]
            return ["=1+1", "-2+3", "＠x"].contains(text) ? "'" + text : text
        }
        #expect(decoded.names == expectedNames)
    }
}
