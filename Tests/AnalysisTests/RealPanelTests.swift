import Foundation
import Ingest
import Testing

@testable import Analysis

/// Issue #14, item 11: what real public panels (state-level, yearly) showed.
@Suite("Real panels")
struct RealPanelTests {
    /// 8 teams × 3 years: revenue and cost vary by team; `price_index` is the same for all.
    static func dataset(bottomNearZero: Bool = false) throws -> Dataset {
        var csv = "team,period,revenue,cost,price_index,visits\n"
        for t in 0..<8 {
            for (k, year) in [2021, 2022, 2023].enumerated() {
                let cost = 100.0
                // ROI (revenue − cost)/cost from 0.5 to 2.25, or near 0 for the bottom teams.
                let roi = bottomNearZero && t < 2 ? (t == 0 ? 0.01 : -0.005) : 0.5 + 0.25 * Double(t)
                let revenue = cost * (1 + roi) + Double(k)
                csv += "T\(t),\(year),\(revenue),\(cost),\(100 + k * 3),\(10 + t * 2 + k)\n"
            }
        }
        let yaml = ScorecardYAML.scorecard(
            [
                .init("financial", "Grow", [ScorecardYAML.measure("revenue"), ScorecardYAML.measure("price_index", "higher", "mean")]),
                .init("process", "Work", [ScorecardYAML.measure("visits")]),
            ], roi: ("revenue", "cost"))
        return try testDataset(csv: csv, yaml: yaml)
    }

    @Test func aMeasureIdenticalAcrossTeamsIsUndefinedAndOutOfTheFamily() throws {
        let q = try QuartileAnalysis.run(Self.dataset())
        let index = try #require(q.rows.first { $0.measure == "price_index" })
        #expect(index.welch == nil && index.mannWhitney == nil && index.cohensD == nil && index.qValue == nil)
        #expect(index.undefinedReason == "no variation between teams")
        #expect(q.notes.contains { $0.description.contains("price_index") && $0.description.contains("no variation between teams") })
        // The family is the other two measures: BH over their two p-values, by hand.
        let others = q.rows.dropFirst().filter { $0.measure != "price_index" }
        let p = others.map { $0.welch!.pValue }
        let sorted = p.sorted()
        let expected = p.map { $0 == sorted[1] ? sorted[1] : min(sorted[0] * 2, sorted[1]) }
        for (row, want) in zip(others, expected) { #expect(abs(row.qValue! - want) <= 1e-15) }
        let panel = try Self.dataset().panel
        #expect(TeamVariation.variesBetweenTeams(panel, measure: panel.measureIndex("visits")!))
        #expect(!TeamVariation.variesBetweenTeams(panel, measure: panel.measureIndex("price_index")!))
    }

    @Test func theROIRatioOnlyWhereStable() throws {
        let stable = try QuartileAnalysis.run(Self.dataset())
        #expect(stable.rows[0].ratioIsStable)
        let near = try QuartileAnalysis.run(Self.dataset(bottomNearZero: true))
        // Bottom quartile T0, T1: ROIs ≈ 0.01 and −0.005 → mean below 3 standard errors.
        #expect(!near.rows[0].ratioIsStable)
        #expect(QuartileAnalysis.ratioIsStable([1.0, 1.1, 0.9]))
        #expect(!QuartileAnalysis.ratioIsStable([0.01, 0.5]))  // mean 0.255, SE 0.245
        #expect(!QuartileAnalysis.ratioIsStable([2.0]))  // one team: no standard error
    }

    /// Tests/Fixtures/yearly-panel: 9 states × 17 years; `price_index` the same for every state.
    static func yearlyPanel() throws -> Dataset {
        let folder = GoldenTests.root.appendingPathComponent("Tests/Fixtures/yearly-panel").path
        return try Dataset.load(DatasetLocation.resolve(folder: folder, data: nil, scorecard: nil))
    }

    @Test func aLeaderOrLaggerIdenticalAcrossTeamsIsUndefinedAndOutOfTheFamily() throws {
        let data = try Self.yearlyPanel()
        let specs = LeadLagAnalysis.links(of: data)
        let r = try LeadLagAnalysis.run(data, pairs: specs, maxLag: 6)
        for pair in r.pairs where [pair.leader, pair.lagger].contains("price_index") {
            #expect(pair.bestLag == nil && pair.r == nil && pair.pValue == nil)
            #expect(pair.granger == nil && pair.reverse == nil && pair.grangerQ == nil && pair.reverseQ == nil)
            #expect(pair.verdict == .insufficientData)
            #expect(pair.notes.count == 1 && pair.notes[0].hasPrefix("price_index: no variation between teams"), "\(pair.notes)")
            let rows = r.lags.filter { $0.leader == pair.leader && $0.lagger == pair.lagger }
            #expect(
                rows.count == 7
                    && rows.allSatisfy { $0.r == nil && $0.t == nil && $0.pValue == nil && $0.reason == "no variation between teams" })
            #expect(rows[0].n == 153)  // the samples are still counted
        }
        // The family is the other pairs' forward and reverse p-values alone: BH over them equals
        // the run without the flat pairs.
        let others = specs.filter { $0.leader != "price_index" && $0.lagger != "price_index" }
        let alone = try LeadLagAnalysis.run(data, pairs: others, maxLag: 6)
        for p in alone.pairs {
            let same = try #require(r.pairs.first { $0.leader == p.leader && $0.lagger == p.lagger })
            #expect(same.grangerQ == p.grangerQ && same.reverseQ == p.reverseQ && same.bestLag == p.bestLag)
        }
        // One team alone has no period effects: its series is not absorbed, so it is tested.
        let one = try data.selecting(PanelSelection(teams: ["State A"]))
        let single = try LeadLagAnalysis.run(one, pairs: [.init(leader: "visits", lagger: "price_index")], maxLag: 3)
        #expect(single.lags.contains { $0.r != nil })
    }

    @Test func theBestLagNeedsEnoughSample() throws {
        // 17 years, --max-lag 16: lag k's sample spans 17 − k years; k ≤ 8 spans at least half of 17.
        let data = try Self.yearlyPanel()
        let r = try LeadLagAnalysis.run(data, pairs: [.init(leader: "hires", lagger: "visits")], maxLag: 16)
        let rows = r.lags
        #expect(rows.count == 17)  // every lag keeps its row
        #expect(rows[13].r != nil && rows[13].n == 36)
        // Before the rule, lag 13 (4 years, 36 rows) had the largest |r|; now the largest |r| over 1…8.
        let largest = rows.dropFirst().filter { $0.r != nil }.max { abs($0.r!) < abs($1.r!) }!
        #expect(largest.lag == 13)
        let eligible = rows[1...8].max { abs($0.r!) < abs($1.r!) }!
        #expect(r.pairs[0].bestLag == eligible.lag && r.pairs[0].r == eligible.r)
        #expect(rows[16].r == nil)  // 9 rows: no r, so not named below
        #expect(
            r.pairs[0].notes == [
                """
                lags 9–15 not considered for the best lag: each sample spans fewer than half of the 17 years of lag 0's, or leaves fewer \
                than 10 residual df
                """
            ])
        // The default K (3 for years) leaves every lag eligible: no note.
        #expect(try LeadLagAnalysis.run(data, pairs: [.init(leader: "hires", lagger: "visits")]).pairs[0].notes.isEmpty)
    }

    @Test func eligibilityFollowsSpanAndDF() {
        func lag(_ k: Int, periods: Int, df: Int) -> PairComputation.Lag {
            var l = PairComputation.Lag(lag: k, n: 0)
            l.periods = periods
            l.df = df
            return l
        }
        // Spans 10, 9, 5, 4: half of 10 is 5, so the last is out; df 9 is out too.
        let lags = [lag(0, periods: 10, df: 50), lag(1, periods: 9, df: 9), lag(2, periods: 5, df: 10), lag(3, periods: 4, df: 30)]
        #expect(PairComputation.eligibleForBestLag(lags) == [true, false, true, false])
        #expect(PairComputation.describe(lags: [3]) == "lag 3")
        #expect(PairComputation.describe(lags: [1, 2, 5, 6, 7, 9]) == "lags 1, 2, 5–7, 9")
    }
}
