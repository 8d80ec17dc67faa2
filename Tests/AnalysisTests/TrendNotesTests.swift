import Ingest
import Testing

@testable import Analysis

/// A series exactly on a line has a zero standard error: t is infinite (printed empty) and p is
/// 0, as statsmodels gives. The table must say why t is empty rather than leave it unexplained.
@Suite struct TrendNotesTests {
    @Test func aPerfectLineIsExplained() throws {
        let csv = """
            team,period,measure,value
            A,2024-01,x,1
            A,2024-02,x,2
            A,2024-03,x,3
            A,2024-04,x,4
            B,2024-01,x,2
            B,2024-02,x,2.5
            B,2024-03,x,2.9
            B,2024-04,x,3.6

            """
        let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
        let data = Dataset(panel: panel, scorecard: nil, location: DatasetLocation(measurements: "m.csv", scorecard: nil), notes: [])
        let result = TrendAnalysis.run(data)
        let notes = result.notes.map { "\($0)" }
        #expect(notes.count == 1)
        #expect(notes.first?.contains("exactly on a line") == true, "\(notes)")
        #expect(notes.first?.contains("\"A\"") == true, "\(notes)")
    }
}
