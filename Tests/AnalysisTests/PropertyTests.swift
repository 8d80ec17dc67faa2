import Distributions
import Foundation
import Ingest
import SampleData
import Testing

@testable import Analysis

/// Properties that must hold whatever the data (issue #9): row order, team names and the
/// units of a measure change no statistic that should not depend on them.
@Suite("Invariance properties")
struct PropertyTests {
    static let organisation = GeneratedOrganisation(seed: 11)
    static let csv = organisation.csv

    func dataset(_ csv: String) throws -> Dataset { try Self.organisation.dataset(csv) }

    var lines: (header: Substring, rows: [Substring]) { Self.organisation.lines }

    /// A CSV with the value column of one measure transformed.
    func transforming(_ measure: String, _ f: (Double) -> Double) -> String {
        Self.organisation.transformingValues(of: { $0 == measure }, f)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func shufflingRowsChangesNothing(_ seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let shuffled = String(lines.header) + "\n" + lines.rows.shuffled(using: &rng).joined(separator: "\n") + "\n"
        let a = try dataset(Self.csv)
        let b = try dataset(shuffled)
        #expect(a.panel == b.panel)
        let la = try LeadLagAnalysis.run(a, pairs: LeadLagAnalysis.links(of: a))
        let lb = try LeadLagAnalysis.run(b, pairs: LeadLagAnalysis.links(of: b))
        #expect(la.pairs == lb.pairs)
        #expect(try RankAnalysis.run(a).rows == RankAnalysis.run(b).rows)
    }

    @Test func renamingTeamsChangesNoStatistic() throws {
        var renamed = String(lines.header) + "\n"
        for row in lines.rows {
            // Team names in this file are quoted when they hold a comma or quote; prefix inside the field.
            renamed += (row.hasPrefix("\"") ? "\"Zz " + row.dropFirst() : "Zz " + row) + "\n"
        }
        let a = try dataset(Self.csv)
        let b = try dataset(renamed)
        let ra = try RankAnalysis.run(a)
        let rb = try RankAnalysis.run(b)
        for row in ra.rows {
            let other = try #require(rb.rows.first { $0.team == "Zz " + row.team })
            #expect(other.roi == row.roi && other.rank == row.rank && other.quartile == row.quartile)
        }
        let la = try LeadLagAnalysis.run(a, pairs: LeadLagAnalysis.links(of: a))
        let lb = try LeadLagAnalysis.run(b, pairs: LeadLagAnalysis.links(of: b))
        for (x, y) in zip(la.pairs, lb.pairs) {
            #expect(x.verdict == y.verdict && x.bestLag == y.bestLag)
            #expect(closeEnough(x.r, y.r) && closeEnough(x.granger?.f, y.granger?.f))
        }
    }

    @Test func addingAConstantChangesNoSlopeOrCorrelation() throws {
        let a = try dataset(Self.csv)
        let b = try dataset(transforming("win_rate") { $0 + 1000 })
        let ta = TrendAnalysis.run(a)
        let tb = TrendAnalysis.run(b)
        let m = try #require(a.panel.measureIndex("win_rate"))
        for team in 0..<a.panel.teamCount {
            let s = team * a.panel.measureCount + m
            #expect(closeEnough(ta.fits.slope[s], tb.fits.slope[s], 1e-9) && closeEnough(ta.fits.tValue[s], tb.fits.tValue[s], 1e-7))
        }
        let pairs = [
            LeadLagAnalysis.PairSpec(leader: "training_hours", lagger: "win_rate"),
            LeadLagAnalysis.PairSpec(leader: "win_rate", lagger: "customer_satisfaction"),
        ]
        let la = try LeadLagAnalysis.run(a, pairs: pairs)
        let lb = try LeadLagAnalysis.run(b, pairs: pairs)
        for (x, y) in zip(la.lags, lb.lags) { #expect(closeEnough(x.r, y.r, 1e-7) && closeEnough(x.t, y.t, 1e-7)) }
    }

    @Test func scalingAMeasureScalesItsSlopeOnly() throws {
        let a = try dataset(Self.csv)
        let b = try dataset(transforming("revenue") { $0 * 0.001 })
        let ta = TrendAnalysis.run(a)
        let tb = TrendAnalysis.run(b)
        let m = try #require(a.panel.measureIndex("revenue"))
        for team in 0..<a.panel.teamCount {
            let s = team * a.panel.measureCount + m
            #expect(closeEnough(ta.fits.slope[s] * 0.001, tb.fits.slope[s], 1e-9))
            #expect(closeEnough(ta.fits.tValue[s], tb.fits.tValue[s], 1e-9))
            #expect(closeEnough(ta.fits.pValue[s], tb.fits.pValue[s], 1e-8))
            #expect(closeEnough(ta.fits.rSquared[s], tb.fits.rSquared[s], 1e-9))
        }
        let pairs = [LeadLagAnalysis.PairSpec(leader: "customer_satisfaction", lagger: "revenue")]
        let la = try LeadLagAnalysis.run(a, pairs: pairs)
        let lb = try LeadLagAnalysis.run(b, pairs: pairs)
        for (x, y) in zip(la.lags, lb.lags) { #expect(closeEnough(x.r, y.r, 1e-8) && closeEnough(x.pValue, y.pValue, 1e-6)) }
        #expect(closeEnough(la.pairs[0].granger?.f, lb.pairs[0].granger?.f, 1e-8))
    }

    /// Splitting the rows between two files (`--data a.csv --data b.csv`) and reading both
    /// gives the panel of the single file; a key in both files is a duplicate naming both.
    @Test(arguments: [4, 5, 6] as [UInt64])
    func splittingAFileInTwoGivesTheSamePanel(_ seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-split-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var first = String(lines.header) + "\n"
        var second = String(lines.header) + "\r\n"  // the other file with CRLF line ends
        var inSecond: [Substring] = []
        for row in lines.rows.shuffled(using: &rng) {
            if Bool.random(using: &rng) {
                first += row + "\n"
            } else {
                second += row + "\r\n"
                inSecond.append(row)
            }
        }
        try first.write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        try second.write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
        let whole = try MeasurementsReader.read(text: Self.csv, file: "m.csv").panel
        let split = try MeasurementsReader.read(paths: [dir + "/a.csv", dir + "/b.csv"]).panel
        #expect(split == whole)
        let reversed = try MeasurementsReader.read(paths: [dir + "/b.csv", dir + "/a.csv"]).panel
        #expect(reversed == whole)

        // One row of b.csv copied into a.csv: a duplicate across the files, with both places.
        let row = try #require(inSecond.first)
        try (first + row + "\n").write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        let error = try #require(throws: InputErrors.self) { try MeasurementsReader.read(paths: [dir + "/a.csv", dir + "/b.csv"]) }
        #expect(error.errors.count == 1)
        let message = error.errors.first?.description ?? ""
        #expect(
            message.hasPrefix(dir + "/b.csv:")
                && message.contains("(first in \(dir)/a.csv, on line \(first.split(separator: "\n").count + 1))"), "\(message)")
    }

    func closeEnough(_ a: Double?, _ b: Double?, _ rel: Double = 1e-10) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?):
            if x.isNaN && y.isNaN { return true }
            return abs(x - y) <= max(1e-12, rel * max(abs(x), abs(y)))
        default: return false
        }
    }
}
