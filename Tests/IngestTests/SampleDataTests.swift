import Foundation
import SampleData
import Testing

/// The synthetic organisation must be byte-for-byte reproducible (the shipped dataset and
/// every test that reads it depend on that) and must plant what truth.json says it does.
@Suite("SampleData generator")
struct SampleDataTests {
    /// `datasets/b2b-73`, found from this file: Tests/IngestTests/ → ../../datasets.
    static let datasetFolder: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()  // IngestTests
        url.deleteLastPathComponent()  // Tests
        url.deleteLastPathComponent()  // package root
        return url.appendingPathComponent("datasets/b2b-73").path
    }()

    static let b2b73 = SalesOrganisationSpec(teams: 73, periods: 36, measures: 10, seed: 73)

    /// FNV-1a 64 of the shipped `datasets/b2b-73/measurements.csv`. Changing the generator's
    /// output is a deliberate act: regenerate the dataset, its README and this constant.
    static let b2b73Checksum: UInt64 = 0x000E_CAC9_55D4_1BE1

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    static func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: datasetFolder + "/" + name)))
    }

    /// Splits CSV text into records of fields (RFC 4180; the generator writes no newline
    /// inside a field, but quotes are honoured).
    static func parseCSV(_ bytes: [UInt8]) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
            } else if b == UInt8(ascii: "\n") {
                fields.append(String(decoding: field, as: UTF8.self))
                records.append(fields)
                fields.removeAll()
                field.removeAll()
            } else {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(String(decoding: field, as: UTF8.self))
            records.append(fields)
        }
        return records
    }

    static func truth(_ spec: SalesOrganisationSpec) throws -> [String: Any] {
        let text = SalesOrganisationGenerator.truthJSON(spec)
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: - Reproducibility

    @Test func regeneratingB2B73GivesTheShippedBytes() throws {
        let generated = SalesOrganisationGenerator.measurementsCSV(Self.b2b73)
        let shipped = try Self.read("measurements.csv")
        #expect(generated.count == shipped.count)
        #expect(generated == shipped, "datasets/b2b-73/measurements.csv differs from the generator's output")
        #expect(
            Self.fnv1a64(generated) == Self.b2b73Checksum,
            "FNV-1a 64 is 0x\(String(Self.fnv1a64(generated), radix: 16))")
    }

    @Test func shippedScorecardAndTruthMatchTheGenerator() throws {
        #expect(try Self.read("scorecard.yml") == Array(SalesOrganisationGenerator.scorecardYAML(Self.b2b73).utf8))
        #expect(try Self.read("truth.json") == Array(SalesOrganisationGenerator.truthJSON(Self.b2b73).utf8))
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() {
        let spec = SalesOrganisationSpec(teams: 9, periods: 14, measures: 13, seed: 12345)
        let a = SalesOrganisationGenerator.measurementsCSV(spec)
        let b = SalesOrganisationGenerator.measurementsCSV(spec)
        #expect(a == b)
        var other = spec
        other.seed = 12346
        #expect(SalesOrganisationGenerator.measurementsCSV(other) != a)
        #expect(SalesOrganisationGenerator.truthJSON(spec) == SalesOrganisationGenerator.truthJSON(spec))
        #expect(SalesOrganisationGenerator.scorecardYAML(spec) == SalesOrganisationGenerator.scorecardYAML(spec))
    }

    /// A team's core series depend on (seed, team) only, not on how many filler measures
    /// or teams there are.
    @Test func coreRowsDoNotDependOnFillersOrTeamCount() {
        let core = Self.parseCSV(
            SalesOrganisationGenerator.measurementsCSV(
                SalesOrganisationSpec(teams: 5, periods: 6, measures: 10, seed: 7)))
        let wide = Self.parseCSV(
            SalesOrganisationGenerator.measurementsCSV(
                SalesOrganisationSpec(teams: 5, periods: 6, measures: 17, seed: 7)))
        #expect(wide.filter { !$0[2].hasPrefix("extra_") } == core)
        let fewer = Self.parseCSV(
            SalesOrganisationGenerator.measurementsCSV(
                SalesOrganisationSpec(teams: 2, periods: 6, measures: 10, seed: 7)))
        // Same values for the first teams (names may differ: quirks sit at teams/3, 2·teams/3).
        #expect(fewer.dropFirst().map { $0.dropFirst() } == core.dropFirst().prefix(fewer.count - 1).map { $0.dropFirst() })
    }

    // MARK: - Shape of the CSV

    @Test func rowCountIsTheFullGridLessLateStarts() throws {
        let spec = Self.b2b73
        let records = Self.parseCSV(SalesOrganisationGenerator.measurementsCSV(spec))
        #expect(records.first == ["team", "period", "measure", "value"])
        let truth = try Self.truth(spec)
        let late = try #require(truth["late_start_teams"] as? [[String: Any]])
        #expect(late.count == 2)
        var lateRows = 0
        for team in late {
            let first = try #require(team["first_period"] as? String)  // "YYYY-MM", data from 2023-01
            let year = Int(first.prefix(4))!
            let month = Int(first.suffix(2))!
            lateRows += ((year - 2023) * 12 + month - 1) * spec.measures
        }
        #expect(lateRows > 0)
        #expect(records.count - 1 == spec.teams * spec.periods * spec.measures - lateRows)
        #expect(truth["rows"] as? Int == records.count - 1)
        #expect(records.allSatisfy { $0.count == 4 })
        // Unique keys.
        #expect(Set(records.dropFirst().map { $0[0] + "\u{1}" + $0[1] + "\u{1}" + $0[2] }).count == records.count - 1)
    }

    @Test func valuesPrintAsShortestRoundTripWithoutExponentOrNegativeZero() {
        let bytes = SalesOrganisationGenerator.measurementsCSV(
            SalesOrganisationSpec(teams: 20, periods: 24, measures: 14, seed: 99))
        #expect(!bytes.contains(UInt8(ascii: "\r")))
        #expect(bytes.last == UInt8(ascii: "\n"))
        var empty = 0
        for record in Self.parseCSV(bytes).dropFirst() {
            let text = record[3]
            if text.isEmpty {
                empty += 1
                continue
            }
            guard let value = Double(text) else {
                Issue.record("not a number: \(text)")
                continue
            }
            var expected = value.description
            if expected.hasSuffix(".0") { expected.removeLast(2) }
            #expect(text == expected)
            #expect(!text.contains("e") && text != "-0")
        }
        #expect(empty > 0, "some values should be missing")
    }

    @Test func teamNamesAreUniqueAndSomeNeedQuoting() throws {
        let bytes = SalesOrganisationGenerator.measurementsCSV(Self.b2b73)
        let teams = Self.parseCSV(bytes).dropFirst().map { $0[0] }
        var names: [String] = []
        for name in teams where names.last != name { names.append(name) }
        #expect(names.count == 73)
        #expect(Set(names).count == 73)
        #expect(names.contains { $0.contains(",") })
        #expect(names.contains { $0.contains("\"") })
        let text = String(decoding: bytes, as: UTF8.self)
        let quotedName = try #require(names.first { $0.contains("\"") })
        #expect(text.contains("\"" + quotedName.replacingOccurrences(of: "\"", with: "\"\"") + "\","))
    }

    // MARK: - What is planted

    /// ROI = (Σ revenue − Σ cost) / Σ cost per team; the mean ROI of the top quartile is
    /// about twice that of the bottom one (METHODS.md quartile bins, numpy percentiles).
    @Test(arguments: [UInt64(73), 1, 2, 3])
    func roiTopQuartileIsAboutTwiceTheBottom(seed: UInt64) throws {
        let spec = SalesOrganisationSpec(teams: 73, periods: 36, measures: 10, seed: seed)
        var revenue: [String: Double] = [:]
        var cost: [String: Double] = [:]
        for record in Self.parseCSV(SalesOrganisationGenerator.measurementsCSV(spec)).dropFirst() {
            guard let value = Double(record[3]) else { continue }
            if record[2] == "revenue" { revenue[record[0], default: 0] += value }
            if record[2] == "sales_cost" {
                #expect(value > 0)
                cost[record[0], default: 0] += value
            }
        }
        let roi = revenue.keys.compactMap { team -> Double? in
            guard let c = cost[team], c > 0 else { return nil }
            return (revenue[team]! - c) / c
        }.sorted()
        #expect(roi.count == 73)
        func percentile(_ q: Double) -> Double {
            let position = q * Double(roi.count - 1)
            let lower = Int(position)
            let upper = min(lower + 1, roi.count - 1)
            return roi[lower] + (roi[upper] - roi[lower]) * (position - Double(lower))
        }
        let top = roi.filter { $0 > percentile(0.75) }
        let bottom = roi.filter { $0 <= percentile(0.25) }
        let ratio = (top.reduce(0, +) / Double(top.count)) / (bottom.reduce(0, +) / Double(bottom.count))
        #expect((1.6...2.6).contains(ratio), "ratio \(ratio)")
    }

    @Test func scorecardStatesTheLinksAndTargetsColourTheLastPeriod() throws {
        let yaml = SalesOrganisationGenerator.scorecardYAML(Self.b2b73)
        for link in [
            "{from: training_hours, to: win_rate, sign: positive}",
            "{from: win_rate, to: customer_satisfaction, sign: positive}",
            "{from: customer_satisfaction, to: revenue, sign: positive}",
            "{from: employee_retention, to: customer_retention, sign: positive}",
            "{from: sales_cycle_days, to: pipeline_value, sign: negative}",
            "roi: {return: revenue, cost: sales_cost}",
        ] {
            #expect(yaml.contains(link), "missing \(link)")
        }
        #expect(yaml.contains("status: done"))
        #expect(yaml.contains("due: 2025-10, status: in progress"))  // overdue at 2025-12
        let truth = try Self.truth(Self.b2b73)
        let status = try #require(truth["status_at_last_period"] as? [String: Any])
        let colours = try #require(status["measures"] as? [[String: Any]]).compactMap { $0["status"] as? String }
        #expect(colours.count == 10)
        #expect(Set(colours) == ["green", "amber", "red"])
        let links = try #require(truth["links"] as? [[String: Any]]).compactMap { $0["truth"] as? String }
        #expect(links == ["planted", "planted", "planted", "null", "reversed"])
    }

    @Test func fillerMeasuresJoinTheScorecardCyclically() {
        let yaml = SalesOrganisationGenerator.scorecardYAML(
            SalesOrganisationSpec(teams: 3, periods: 5, measures: 15, seed: 1))
        for k in 1...5 { #expect(yaml.contains("- id: extra_0\(k)\n")) }
        #expect(!yaml.contains("extra_06"))
    }

    // MARK: - Writing and errors

    @Test func writeCreatesTheFolderAndLeavesNoTemporaryFiles() throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("sampledata-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let spec = SalesOrganisationSpec(teams: 4, periods: 5, measures: 11, seed: 3)
        var reports: [Double] = []
        try SalesOrganisationGenerator.write(spec, to: base + "/a/b") { reports.append($0) }
        let files = try FileManager.default.contentsOfDirectory(atPath: base + "/a/b").sorted()
        #expect(files == ["measurements.csv", "scorecard.yml", "truth.json"])
        let csv = [UInt8](try Data(contentsOf: URL(fileURLWithPath: base + "/a/b/measurements.csv")))
        #expect(csv == SalesOrganisationGenerator.measurementsCSV(spec))
        let yaml = try String(contentsOfFile: base + "/a/b/scorecard.yml", encoding: .utf8)
        #expect(yaml == SalesOrganisationGenerator.scorecardYAML(spec))
        #expect(reports.first == 0 && reports.last == 1)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0 <= $1 })
        // Writing again replaces the files in place.
        try SalesOrganisationGenerator.write(spec, to: base + "/a/b")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/a/b").count == 3)
    }

    @Test func aFileInTheWayIsAClearError() throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("sampledata-file-\(UInt64.random(in: 0...UInt64.max))").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let error = #expect(throws: GeneratorError.self) {
            try SalesOrganisationGenerator.write(SalesOrganisationSpec(teams: 1, periods: 3), to: file + "/out")
        }
        #expect(error?.kind == .cannotCreate)
        #expect(error?.description.contains(file) == true)
    }

    @Test(arguments: [
        SalesOrganisationSpec(teams: 0), SalesOrganisationSpec(periods: 2), SalesOrganisationSpec(measures: 9),
        SalesOrganisationSpec(teams: 100_000, periods: 1000, measures: 30),
        SalesOrganisationSpec(firstPeriod: (2023, 13)),
    ])
    func invalidSpecsAreRefused(spec: SalesOrganisationSpec) {
        let error = #expect(throws: GeneratorError.self) { try spec.validate() }
        #expect(error?.kind == .invalidSpec)
        #expect(throws: GeneratorError.self) { try SalesOrganisationGenerator.write(spec, to: "/nonexistent/never") }
    }
}
