import Foundation
import Ingest
import SampleData

/// The dataset a test reads from CSV and scorecard text, named `m.csv` and `s.yml` in messages:
/// the one way the analysis suites assemble a `Dataset` without files.
func testDataset(csv: String, yaml: String?) throws -> Dataset {
    let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
    return Dataset(
        panel: panel, scorecard: try yaml.map { try ScorecardLoader.load(yaml: $0, file: "s.yml") },
        location: DatasetLocation(measurements: "m.csv", scorecard: yaml == nil ? nil : "s.yml"), notes: [])
}

/// A generated sales organisation (14 teams × 24 months × 10 measures) as CSV text and its
/// scorecard: the data the property suites (`PropertyTests`, `ScaleInvarianceTests`) perturb
/// and compare with the original.
struct GeneratedOrganisation {
    let csv: String
    let yaml: String

    init(seed: UInt64) {
        let spec = SalesOrganisationSpec(teams: 14, periods: 24, measures: 10, seed: seed)
        csv = String(decoding: SalesOrganisationGenerator.measurementsCSV(spec), as: UTF8.self)
        yaml = SalesOrganisationGenerator.scorecardYAML(spec)
    }

    /// The header line and the data lines of `csv` (tidy: team, period, measure, value).
    var lines: (header: Substring, rows: [Substring]) {
        let all = csv.split(separator: "\n")
        return (all[0], Array(all.dropFirst()))
    }

    /// `csv` with each value of the measures `measure` accepts replaced by `f(value)`.
    func transformingValues(of measure: (Substring) -> Bool = { _ in true }, _ f: (Double) -> Double) -> String {
        var out = String(lines.header) + "\n"
        for row in lines.rows {
            var fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if measure(Substring(fields[fields.count - 2])), let v = Double(fields[fields.count - 1]) {
                fields[fields.count - 1] = String(f(v))
            }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// The dataset read from `csv` (the organisation's own by default) with the organisation's scorecard.
    func dataset(_ csv: String? = nil) throws -> Dataset {
        try testDataset(csv: csv ?? self.csv, yaml: yaml)
    }
}
