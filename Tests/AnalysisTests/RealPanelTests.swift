import Foundation
import Testing
@testable import Analysis
import Ingest

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
        let yaml = """
            perspectives:
              financial:
                objectives:
                  - name: Grow
                    measures:
                      - {id: revenue, direction: higher, aggregation: sum}
                      - {id: price_index, direction: higher, aggregation: mean}
              process:
                objectives:
                  - name: Work
                    measures:
                      - {id: visits, direction: higher, aggregation: sum}
            roi: {return: revenue, cost: cost}
            """
        let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
        let card = try ScorecardLoader.load(yaml: yaml, file: "s.yml")
        return Dataset(panel: panel, scorecard: card, location: DatasetLocation(measurements: "m.csv", scorecard: "s.yml"), notes: [])
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
        #expect(QuartileAnalysis.variesBetweenTeams(panel, measure: panel.measureIndex("visits")!))
        #expect(!QuartileAnalysis.variesBetweenTeams(panel, measure: panel.measureIndex("price_index")!))
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
}
