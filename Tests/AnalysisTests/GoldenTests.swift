import Foundation
import Ingest
import Rendering
import Testing

@testable import Analysis

/// Every column of every analysis against an independent pandas/statsmodels/scipy computation
/// (Tests/Reference/make_analysis_reference.py DATASET OUT.json), on the sample organisation
/// and on a small awkward dataset (gaps, a late starter, a constant measure, zero-cost and
/// no-cost teams, quoted names), and on a short yearly panel with a measure the same for every
/// team and `--max-lag 16` on 17 years (issue #14: lags with too little sample, no variation).
@Suite("Analyses against pandas/statsmodels/scipy")
struct GoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let datasets: [(name: String, folder: String)] = [
        ("awkward", "Tests/Fixtures/awkward"), ("b2b-73", "datasets/b2b-73"), ("yearly-panel", "Tests/Fixtures/yearly-panel"),
    ]

    /// METHODS.md's columns, in order.
    static let contract: [String: [String]] = [
        "trend": ["team", "measure", "n", "slope", "intercept", "slope_se", "t", "p_value", "ci_low", "ci_high", "r2", "direction"],
        "leadlag_lags": ["leader", "lagger", "lag", "n", "r", "t", "p_value"],
        "leadlag": [
            "leader", "lagger", "best_lag", "r", "p_value", "granger_lags", "granger_f", "granger_p", "granger_q",
            "reverse_f", "reverse_p", "reverse_q", "verdict",
        ],
        "rank": ["rank", "team", "roi", "return", "cost", "quartile", "note"],
        "quartiles": [
            "measure", "top_n", "bottom_n", "top_mean", "bottom_mean", "ratio", "difference", "cohens_d", "welch_t",
            "welch_df", "p_value", "mw_u", "mw_p", "q_value",
        ],
    ]
    static let probabilityColumns: Set<String> = ["p_value", "granger_p", "granger_q", "reverse_p", "reverse_q", "mw_p", "q_value"]

    func load(_ folder: String, _ selection: PanelSelection = PanelSelection()) throws -> Dataset {
        let base = Self.root.appendingPathComponent(folder).path
        return try Dataset.load(DatasetLocation.resolve(folder: base, data: nil, scorecard: nil)).selecting(selection)
    }

    func reference(_ name: String) throws -> [String: Any] {
        try #require(try loadReference(name) as? [String: Any])
    }

    /// Compares our table with the reference rows, matched on `keys`.
    func compare(
        _ table: ResultTable, _ reference: [[String: Any]], keys: [String], _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(table.columnNames == Self.contract[table.analysis], "\(what): columns", sourceLocation: sourceLocation)
        #expect(
            table.rows.count == reference.count, "\(what): \(table.rows.count) rows, reference \(reference.count)",
            sourceLocation: sourceLocation)
        let names = table.columnNames
        func key(_ row: [Cell]) -> String { keys.map { k in describe(row[names.firstIndex(of: k)!]) }.joined(separator: "|") }
        var ours: [String: [Cell]] = [:]
        for row in table.rows { ours[key(row)] = row }
        var worst = 0.0
        for ref in reference {
            let k = keys.map { k in ref[k].map { describeAny($0) } ?? "" }.joined(separator: "|")
            guard let row = ours[k] else {
                Issue.record("\(what): no row for \(k)", sourceLocation: sourceLocation)
                continue
            }
            for (j, column) in names.enumerated() {
                let want = ref[column]
                let got = row[j]
                if let w = want as? String {
                    #expect(describe(got) == w, "\(what) \(k) \(column): \(describe(got)) vs \(w)", sourceLocation: sourceLocation)
                } else if let w = (want as? NSNumber)?.doubleValue {
                    guard let g = number(got) else {
                        Issue.record("\(what) \(k) \(column): undefined vs \(w)", sourceLocation: sourceLocation)
                        continue
                    }
                    let ok = Self.probabilityColumns.contains(column) ? closeP(g, w) : close(g, w)
                    if !ok { Issue.record("\(what) \(k) \(column): \(g) vs \(w)", sourceLocation: sourceLocation) }
                    if w != 0 { worst = max(worst, abs(g - w) / abs(w)) }
                } else {
                    #expect(
                        number(got) == nil && (describe(got) == ""), "\(what) \(k) \(column): \(describe(got)) vs null",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }

    func number(_ c: Cell) -> Double? {
        switch c {
        case .integer(let i): return Double(i)
        case .number(let d), .probability(let d): return d.isFinite ? d : nil
        default: return nil
        }
    }

    func describe(_ c: Cell) -> String {
        switch c {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .number(let d), .probability(let d): return d.isFinite ? String(d) : ""
        case .missing: return ""
        }
    }

    func describeAny(_ v: Any) -> String {
        if let s = v as? String { return s }
        if let n = v as? NSNumber {
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        }
        return ""
    }

    @Test(arguments: datasets.map(\.name))
    func trend(_ name: String) throws {
        let folder = try #require(Self.datasets.first { $0.name == name }).folder
        let ref = try reference(name)
        let data = try load(folder)
        compare(
            ResultTable(trend: TrendAnalysis.run(data)), try #require(ref["trend"] as? [[String: Any]]), keys: ["team", "measure"],
            "\(name) trend")
        compare(
            ResultTable(trend: TrendAnalysis.run(data, organisation: true)), try #require(ref["trend_org"] as? [[String: Any]]),
            keys: ["team", "measure"], "\(name) trend --org")
    }

    @Test(arguments: datasets.map(\.name))
    func leadLag(_ name: String) throws {
        let folder = try #require(Self.datasets.first { $0.name == name }).folder
        let ref = try reference(name)
        let data = try load(folder)
        let maxLag = (ref["meta"] as? [String: Any])?.double("max_lag").map { Int($0) }
        let result = try LeadLagAnalysis.run(data, pairs: LeadLagAnalysis.links(of: data), maxLag: maxLag)
        compare(
            ResultTable(leadLagLags: result), try #require(ref["leadlag_lags"] as? [[String: Any]]), keys: ["leader", "lagger", "lag"],
            "\(name) leadlag --per-lag")
        compare(
            ResultTable(leadLag: result), try #require(ref["leadlag"] as? [[String: Any]]), keys: ["leader", "lagger"], "\(name) leadlag")
    }

    @Test(arguments: datasets.map(\.name))
    func rankAndQuartiles(_ name: String) throws {
        let folder = try #require(Self.datasets.first { $0.name == name }).folder
        let ref = try reference(name)
        let data = try load(folder)
        compare(
            ResultTable(rank: try RankAnalysis.run(data)), try #require(ref["rank"] as? [[String: Any]]), keys: ["team"], "\(name) rank")
        compare(
            ResultTable(quartiles: try QuartileAnalysis.run(data)), try #require(ref["quartiles"] as? [[String: Any]]), keys: ["measure"],
            "\(name) quartiles")
        let windowed = try #require(ref["windowed"] as? [String: Any])
        let last = Int(try #require(windowed.double("last")))
        let cut = try load(folder, PanelSelection(last: last))
        compare(
            ResultTable(rank: try RankAnalysis.run(cut)), try #require(windowed["rank"] as? [[String: Any]]), keys: ["team"],
            "\(name) rank --last \(last)")
        compare(
            ResultTable(quartiles: try QuartileAnalysis.run(cut)), try #require(windowed["quartiles"] as? [[String: Any]]),
            keys: ["measure"], "\(name) quartiles --last \(last)")
    }
}
