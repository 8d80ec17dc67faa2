import Foundation
import Ingest
import SampleData
import Testing

@testable import Analysis

/// Issue #16, class 5: every value multiplied by c (1e-300 … 1e300) must scale what has units
/// by c and leave every ratio, statistic and label alone — over the whole normal double range,
/// not only where squares happen to stay representable. Where a result is not representable
/// it is undefined with a note, never a confident number. (The forecast is issue #13's.)
@Suite("Scale invariance over the double range")
struct ScaleInvarianceTests {
    static let organisation = GeneratedOrganisation(seed: 16)
    static let scales: [Double] = [1e-300, 1e-150, 1e150, 1e300]

    /// The organisation with every value multiplied by `c`.
    static func dataset(scaledBy c: Double) throws -> Dataset {
        try organisation.dataset(organisation.transformingValues { $0 * c })
    }

    /// |a − b| ≤ tol·max(|a|, |b|), both undefined counting as equal.
    func close(_ a: Double?, _ b: Double?, _ tol: Double = 1e-9) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?):
            if x.isNaN && y.isNaN { return true }
            return Swift.abs(x - y) <= tol * Swift.max(Swift.abs(x), Swift.abs(y)) || Swift.abs(x - y) < 1e-300
        default: return false
        }
    }

    @Test(arguments: scales)
    func trendScales(_ c: Double) throws {
        let base = TrendAnalysis.run(try Self.dataset(scaledBy: 1))
        let scaled = TrendAnalysis.run(try Self.dataset(scaledBy: c))
        #expect(base.rows == scaled.rows)
        #expect(base.directions == scaled.directions)
        let a = base.fits
        let b = scaled.fits
        for s in base.rows {
            #expect(a.outcome[s] == b.outcome[s], "series \(s) at \(c)")
            #expect(close(a.slope[s] * c, b.slope[s]), "slope \(s) at \(c): \(a.slope[s]) vs \(b.slope[s])")
            #expect(close(a.intercept[s] * c, b.intercept[s]), "intercept \(s) at \(c)")
            #expect(close(a.slopeStandardError[s] * c, b.slopeStandardError[s]), "se \(s) at \(c)")
            #expect(close(a.tValue[s], b.tValue[s], 1e-8), "t \(s) at \(c)")
            #expect(close(a.rSquared[s], b.rSquared[s], 1e-8), "r2 \(s) at \(c)")
            #expect(Swift.abs(a.pValue[s] - b.pValue[s]) <= 1e-10 || (a.pValue[s].isNaN && b.pValue[s].isNaN), "p \(s) at \(c)")
        }
        #expect(scaled.notes.map(\.description) == base.notes.map(\.description))
    }

    @Test(arguments: scales)
    func leadLagIsScaleFree(_ c: Double) throws {
        let a = try Self.dataset(scaledBy: 1)
        let b = try Self.dataset(scaledBy: c)
        let ra = try LeadLagAnalysis.run(a, pairs: LeadLagAnalysis.links(of: a))
        let rb = try LeadLagAnalysis.run(b, pairs: LeadLagAnalysis.links(of: b))
        #expect(ra.pairs.count == rb.pairs.count)
        for (x, y) in zip(ra.pairs, rb.pairs) {
            #expect(x.verdict == y.verdict, "\(x.leader) → \(x.lagger) at \(c)")
            #expect(x.bestLag == y.bestLag)
            #expect(close(x.r, y.r, 1e-8), "r \(x.leader) → \(x.lagger) at \(c)")
            #expect(close(x.granger?.f, y.granger?.f, 1e-8), "F \(x.leader) → \(x.lagger) at \(c)")
            #expect(close(x.reverse?.f, y.reverse?.f, 1e-8))
            #expect(x.granger?.lags == y.granger?.lags)
        }
    }

    @Test(arguments: scales)
    func rankAndQuartilesAreScaleFree(_ c: Double) throws {
        let a = try Self.dataset(scaledBy: 1)
        let b = try Self.dataset(scaledBy: c)
        let ra = try RankAnalysis.run(a)
        let rb = try RankAnalysis.run(b)
        #expect(ra.rows.map(\.team) == rb.rows.map(\.team))
        #expect(ra.rows.map(\.rank) == rb.rows.map(\.rank))
        #expect(ra.rows.map(\.quartile) == rb.rows.map(\.quartile))
        for (x, y) in zip(ra.rows, rb.rows) {
            #expect(close(x.roi, y.roi, 1e-12), "\(x.team) at \(c)")
            #expect(close(x.returnTotal.map { $0 * c }, y.returnTotal), "\(x.team) at \(c)")
        }
        let qa = try QuartileAnalysis.run(a)
        let qb = try QuartileAnalysis.run(b)
        for (x, y) in zip(qa.rows, qb.rows) {
            #expect(x.measure == y.measure)
            if y.topMean == nil && x.topMean != nil {
                #expect(
                    qb.notes.contains { $0.measure == x.measure && $0.message.contains("beyond double precision") }, "\(x.measure) at \(c)")
                #expect(y.ratio == nil && y.welch == nil && y.cohensD == nil)
                continue
            }
            #expect(close(x.cohensD, y.cohensD, 1e-8), "\(x.measure) d at \(c)")
            #expect(close(x.welch?.t, y.welch?.t, 1e-8), "\(x.measure) t at \(c)")
            #expect(close(x.welch?.degreesOfFreedom, y.welch?.degreesOfFreedom, 1e-8))
            #expect(close(x.mannWhitney?.u, y.mannWhitney?.u, 0))
            #expect(close(x.qValue, y.qValue, 1e-8), "\(x.measure) q at \(c)")
            #expect(close(x.ratio, y.ratio, 1e-8), "\(x.measure) ratio at \(c)")
            if x.measure != "roi" { #expect(close(x.topMean.map { $0 * c }, y.topMean), "\(x.measure) top mean at \(c)") }
        }
    }

    /// Totals past 1.8e308 are not representable: no ROI, no rank, a note — never rank 1.
    @Test func overflowingTotalsAreUndefinedWithANote() throws {
        // Only the return measure scaled, its largest value to 1e308: values representable, totals not.
        let a = try Self.dataset(scaledBy: 1)
        let ret = a.panel.measureIndex(a.scorecard!.roi!.returnMeasure)!
        var largest = 0.0
        for t in 0..<a.panel.teamCount {
            for v in a.panel.series(team: t, measure: ret) where !v.isNaN { largest = Swift.max(largest, Swift.abs(v)) }
        }
        var b = a
        for t in 0..<a.panel.teamCount {
            let o = a.panel.offset(team: t, measure: ret)
            for i in 0..<a.panel.periodCount { b.panel.values[o + i] *= 1e308 / largest }
        }
        let ranking = try RankAnalysis.run(b)
        let overflowing = ranking.rows.filter { row in
            guard let t = b.panel.teamIndex(row.team), let r = b.panel.measureIndex(ranking.returnMeasure) else { return false }
            return !b.panel.series(team: t, measure: r).filter { !$0.isNaN }.reduce(0, +).isFinite
        }
        #expect(!overflowing.isEmpty, "the test needs totals past the double range")
        for row in overflowing {
            #expect(row.rank == nil && row.roi == nil && row.quartile == .excluded, "\(row.team)")
            #expect(row.note == "total beyond double precision")
        }
        #expect(ranking.notes.count >= overflowing.count)
    }

    /// Roll-ups depend on the weights' ratios only: 1e308 and 1e-300 weigh like 1.
    @Test func weightedRollUpsAreScaleFree() {
        let rule = ScoringRule()
        let items: [(score: Double?, weight: Double)] = [(0.5, 1), (1.0, 1.5), (nil, 1.25), (0.8, 0)]
        let reference = rule.weightedMean(items)!
        #expect(Swift.abs(reference - 0.8) < 1e-15)
        for w in [1e308, 1e300, 1e-300, 1e-308] {
            let scaled = items.map { ($0.score, $0.weight * w) }
            let mean = rule.weightedMean(scaled)
            #expect(mean != nil && Swift.abs(mean! - reference) < 1e-15, "weights × \(w)")
        }
        // Two weights of 1e308 sum past the double range unscaled: still the plain mean.
        #expect(rule.weightedMean([(0.2, 1e308), (0.6, 1e308)]).map { Swift.abs($0 - 0.4) < 1e-15 } == true)
        // An undefined score has no colour (it was labelled red).
        #expect(rule.colour(.nan, Thresholds(green: 1, amber: 0.9)) == nil)
    }
}
