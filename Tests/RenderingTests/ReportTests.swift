import Analysis
import Foundation
import Ingest
import Testing

@testable import Rendering

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads markup with Foundation's XML parser: whether it is well-formed, its text, and the
/// names of its elements.
final class MarkupReader: NSObject, XMLParserDelegate {
    var text = ""
    var elements: [String] = []
    var attributes: [String] = []

    static func read(_ markup: String) -> (ok: Bool, reader: MarkupReader, error: String) {
        let parser = XMLParser(data: Data(markup.utf8))
        let reader = MarkupReader()
        parser.delegate = reader
        let ok = parser.parse()
        return (ok, reader, parser.parserError.map { "\($0) at line \(parser.lineNumber), column \(parser.columnNumber)" } ?? "")
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(elementName)
        attributes.append(contentsOf: attributeDict.values)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

@Suite("Report builders")
struct ReportTests {
    /// Names a scorecard or a CSV can carry, none of which may turn into markup.
    static let hostile = [
        "<script>alert(1)</script>", "R&D \"North\" & 'South'", "]]> <!-- x --> &amp;", "Zürich 東京 👍🏽 Ünïcode",
        "</svg></body>", "a<b>c</b>&lt;", "tab\there",
    ]

    @Test func escapingCoversMarkupCharacters() {
        #expect(XML.escape("<b>R&D \"x\" 'y'</b>") == "&lt;b&gt;R&amp;D &quot;x&quot; &#39;y&#39;&lt;/b&gt;")
        #expect(XML.escape("Zürich 東京 👍🏽") == "Zürich 東京 👍🏽")
        #expect(XML.escape("&amp;") == "&amp;amp;")
    }

    @Test func controlCharactersAndBidiOverridesBecomeVisibleEscapes() {
        #expect(XML.escape("a\u{1B}[31mb\u{0}c") == "a\\u{1B}[31mb\\u{0}c")
        #expect(XML.escape("x\u{202E}y\u{FFFF}") == "x\\u{202E}y\\u{FFFF}")
        #expect(XML.escape("line\nnext\tcol") == "line\nnext\tcol")
        // Whatever the input, the result parses as XML text.
        let all = String(String.UnicodeScalarView((0..<0x250).compactMap(Unicode.Scalar.init)))
        let parsed = MarkupReader.read("<t>" + XML.escape(all) + "</t>")
        #expect(parsed.ok, "\(parsed.error)")
    }

    @Test func truncationKeepsWholeCharacters() {
        #expect(XML.truncate("Customer satisfaction", to: 10) == "Customer …")
        #expect(XML.truncate("👍🏽👍🏽👍🏽", to: 2) == "👍🏽…")
        #expect(XML.truncate("short", to: 10) == "short")
    }

    @Test(arguments: [
        (2.5, 0, "3"), (-2.5, 0, "-3"), (-0.04, 1, "0.0"), (0.0, 2, "0.00"), (1234.5678, 2, "1234.57"), (0.05, 3, "0.050"),
        (-12.0, 0, "-12"), (Double.nan, 1, "—"), (Double.infinity, 0, "—"),
    ])
    func fixedDecimals(value: Double, decimals: Int, expected: String) {
        #expect(ReportNumber.fixed(value, decimals: decimals) == expected)
    }

    @Test(arguments: [
        (73_400_000.0, "73.4M"), (8560.0, "8560"), (92.6, "92.6"), (0.3124, "0.312"), (9.996, "10.0"), (999_999.0, "1.00M"),
        (-1_178_000.0, "-1.18M"), (2_580_000.0, "2.58M"), (12_345.0, "12.3k"), (186_000_000.0, "186M"), (4.2e9, "4.20B"),
        (0.0, "0"), (1.0, "1.00"), (99.95, "100"),
    ])
    func compactNumbers(value: Double, expected: String) {
        #expect(ReportNumber.compact(value) == expected)
    }

    @Test func undefinedNumbersAreADash() {
        #expect(ReportNumber.compact(nil) == "—")
        #expect(ReportNumber.compact(.nan) == "—")
        #expect(ReportNumber.percent(nil) == "—")
        #expect(ReportNumber.probability(.nan) == "—")
        #expect(ReportNumber.withUnit(nil, "USD") == "—")
        #expect(ReportNumber.withUnit(92.6, "%") == "92.6%")
        #expect(ReportNumber.withUnit(54.1, "days") == "54.1 days")
        #expect(ReportNumber.plain(2) == "2")
        #expect(ReportNumber.plain(0.25) == "0.25")
    }

    /// Scale properties over seeded random ranges of every magnitude and sign.
    @Test func niceScalesCoverTheDataWithRoundSteps() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for trial in 0..<5000 {
            let magnitude = pow(10, uniform() * 24 - 12)
            let a = (uniform() * 2 - 1) * magnitude
            let b = trial % 10 == 0 ? a : a + uniform() * magnitude * (trial % 3 == 0 ? 1e-3 : 1)
            let maxTicks = 2 + trial % 9
            let s = NiceScale(minimum: a, maximum: b, maxTicks: maxTicks, includeZero: trial % 7 == 0)
            let tolerance = 1e-9 * max(abs(a), abs(b), s.step)
            #expect(s.lower <= min(a, b) + tolerance && s.upper >= max(a, b) - tolerance, "\(a)…\(b): \(s.ticks)")
            #expect(s.ticks.count >= 2 && s.ticks.count <= maxTicks + 2, "\(a)…\(b) with \(maxTicks): \(s.ticks.count) ticks")
            let exponent = (log10(s.step)).rounded(.down)
            let mantissa = s.step / pow(10, exponent)
            #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 }, "step \(s.step)")
            for (x, y) in zip(s.ticks, s.ticks.dropFirst()) {
                #expect(abs((y - x) - s.step) <= 1e-9 * max(abs(x), abs(y), s.step))
            }
            if trial % 7 == 0 { #expect(s.lower <= 0 && s.upper >= 0) }
            let labels = s.labels()
            #expect(Set(labels).count == labels.count, "labels repeat: \(labels)")
            #expect(!labels.contains { $0.contains("nan") || $0.contains("inf") || $0 == "-0" })
        }
    }

    @Test func scaleLabelsShareASuffix() {
        let s = NiceScale(minimum: 35e6, maximum: 68e6, maxTicks: 7)
        #expect(s.labels() == ["30M", "40M", "50M", "60M", "70M"])
        #expect(NiceScale(minimum: -0.5, maximum: 0.5, maxTicks: 5).labels() == ["-0.5", "0", "0.5"])
        #expect(NiceScale(minimum: 85, maximum: 95, maxTicks: 3).labels(unit: "%") == ["85%", "90%", "95%"])
        #expect(NiceScale(minimum: 0.002, maximum: 0.009, maxTicks: 4).labels() == ["0", "0.005", "0.010"])
        #expect(NiceScale(minimum: 7, maximum: 7).ticks.contains(7))
    }

    @Test func divergingColoursAreSymmetricAndClamped() {
        #expect(Palette.diverging(0, limit: 0.5) == "#f7f7f7")
        #expect(Palette.diverging(0.5, limit: 0.5) == "#2166ac")
        #expect(Palette.diverging(-0.5, limit: 0.5) == "#b2182b")
        #expect(Palette.diverging(3, limit: 0.5) == "#2166ac")
        #expect(Palette.diverging(-0.25, limit: 0.5) != Palette.diverging(0.25, limit: 0.5))
    }

    /// Every chart, fed hostile names and missing values, is well-formed XML whose text
    /// holds the names exactly and never a NaN.
    @Test func chartsAreWellFormedWithHostileNames() throws {
        let names = Self.hostile
        var charts: [(String, String)] = []
        charts.append(
            (
                "sparkline",
                Sparkline(
                    values: [1, nil, 3, .nan, 2, 5], firstPeriod: names[0], lastPeriod: names[1],
                    trend: (1, 0.5), target: 4, unit: names[2]
                ).svg(title: names[3])
            ))
        charts.append(("empty sparkline", Sparkline(values: [nil, nil], firstPeriod: "a", lastPeriod: "b").svg(title: names[4])))
        charts.append(
            (
                "quartiles",
                QuartileChart(
                    rows: names.enumerated().map { i, n in
                        QuartileChart.Row(
                            label: n, unit: names[(i + 1) % names.count], topMean: i == 2 ? nil : Double(i) + 1.5,
                            bottomMean: i == 3 ? -1 : Double(i) + 1, ratio: i == 3 || i == 2 ? nil : (Double(i) + 1.5) / (Double(i) + 1),
                            cohensD: i == 1 ? nil : 0.3, q: i == 4 ? nil : 0.001 * Double(i), lowerIsBetter: i % 2 == 0)
                    }, topLabel: names[5], bottomLabel: names[6]
                ).svg(title: names[0])
            ))
        charts.append(
            (
                "heatmap",
                Heatmap(
                    rows: names.enumerated().map { i, n in
                        Heatmap.Row(
                            label: n, isLink: i % 2 == 0, r: (0...6).map { k in k == i ? nil : sin(Double(i * 7 + k)) * 0.4 },
                            bestLag: i % 3 == 0 ? nil : 1 + i % 6)
                    }, maxLag: 6, periodName: "month"
                ).svg(title: names[1])
            ))
        charts.append(
            (
                "fan",
                FanChart(
                    history: names.enumerated().map { i, n in (period: n, value: i == 2 ? nil : Double(i * 10)) },
                    forecast: [
                        .init(period: names[0], forecast: 70, lower: 50, upper: 90),
                        .init(period: names[1], forecast: 75, lower: 40, upper: 110),
                    ],
                    unit: names[1], yTitle: names[2], levelPercent: "95%"
                ).svg(title: names[3])
            ))
        charts.append(
            (
                "fan without values",
                FanChart(history: [(period: "x", value: nil)], forecast: [], unit: nil, yTitle: "y", levelPercent: "95%").svg(title: "t")
            ))
        let perspectives: [Perspective] = [.learning, .process, .customer, .financial]
        let boxes = names.enumerated().map { i, n in
            StrategyMapDiagram.Box(
                id: "id " + n, label: n, perspective: perspectives[i % 4], status: [.green, .amber, .red, nil][i % 4], detail: n)
        }
        let verdicts = LeadLagResult.Verdict.allCases
        let arrows =
            (0..<names.count).map { i in
                StrategyMapDiagram.Arrow(
                    from: boxes[i].id, to: boxes[(i + 1) % names.count].id, verdict: verdicts[i % verdicts.count], label: names[i])
            } + [StrategyMapDiagram.Arrow(from: "not a box", to: boxes[0].id, verdict: .supported, label: "dropped")]
        charts.append(("strategy map", StrategyMapDiagram(boxes: boxes, arrows: arrows).svg(title: names[0])))

        for (kind, svg) in charts {
            let parsed = MarkupReader.read(svg)
            #expect(parsed.ok, "\(kind): \(parsed.error)")
            #expect(parsed.reader.elements.first == "svg", "\(kind)")
            #expect(!parsed.reader.elements.contains("script"), "\(kind)")
            for bad in ["NaN", "nan ", "inf", "Infinity"] { #expect(!svg.contains(bad), "\(kind) holds \(bad)") }
            #expect(!svg.contains("http"), "\(kind) refers outside the file")
        }
        // Names survive exactly (as text, not markup) where a chart shows them whole.
        let heatmapText = MarkupReader.read(charts[3].1).reader.text
        for n in names { #expect(heatmapText.contains(n), "heatmap lost \(n)") }
        let fanText = MarkupReader.read(charts[4].1).reader.text
        #expect(fanText.contains(names[0]) && fanText.contains(names[3]))
        let mapText = MarkupReader.read(charts[6].1).reader.text
        for n in names { #expect(mapText.contains(n), "map lost \(n)") }
    }

    @Test func sparklineDrawsGapsAsBreaks() {
        let svg = Sparkline(values: [1, 2, nil, 4, 5], firstPeriod: "2024-01", lastPeriod: "2024-05").svg(title: "t")
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2, "two segments around the gap")
    }
}
