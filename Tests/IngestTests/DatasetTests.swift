import Foundation
import Testing

@testable import Ingest

/// Dataset folders, cross-checks between scorecard and data, windows and filters.
@Suite("Datasets")
struct DatasetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = root.appendingPathComponent("datasets/b2b-73").path

    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scorecard-dataset-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func sampleValidates() throws {
        let d = try Dataset.load(DatasetLocation.resolve(folder: Self.sample, data: nil, scorecard: nil))
        #expect(d.panel.teamCount == 73)
        #expect(d.panel.periodCount == 36)
        #expect(d.panel.firstPeriod.description == "2023-01")
        #expect(d.scorecard?.measures.count == 10)
        #expect(d.notes.isEmpty)
    }

    /// A corrupted copy of the sample lists each problem, in the data and in the scorecard, at once.
    @Test func corruptedCopyListsEveryProblem() throws {
        let dir = try scratch()
        var csv = try String(contentsOfFile: Self.sample + "/measurements.csv", encoding: .utf8)
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[4] = lines[4].replacingOccurrences(of: "2023-01", with: "2023-13")  // line 5: a bad period
        lines[9] = lines[9] + ",extra"  // line 10: a field too many
        lines[14] = lines[14].split(separator: ",").dropLast().joined(separator: ",") + ",1,5"  // line 15: decimal comma
        lines.append(lines[20])  // a duplicate of line 21
        csv = lines.joined(separator: "\n") + "\n"
        try csv.write(toFile: dir + "/measurements.csv", atomically: true, encoding: .utf8)
        var yml = try String(contentsOfFile: Self.sample + "/scorecard.yml", encoding: .utf8)
        yml = yml.replacingOccurrences(of: "{from: win_rate, to: customer_satisfaction", with: "{from: win_rate, to: no_such_measure")
        try yml.write(toFile: dir + "/scorecard.yml", atomically: true, encoding: .utf8)
        do {
            _ = try Dataset.load(DatasetLocation.resolve(folder: dir, data: nil, scorecard: nil))
            Issue.record("a corrupted dataset validated")
        } catch let e as InputErrors {
            let text = e.errors.map(\.description)
            #expect(text.contains { $0.hasPrefix(dir + "/measurements.csv:5:") && $0.contains("is not a period") }, "\(text)")
            #expect(text.contains { $0.hasPrefix(dir + "/measurements.csv:10:") && $0.contains("5 fields") }, "\(text)")
            #expect(text.contains { $0.hasPrefix(dir + "/measurements.csv:15:") && $0.contains("5 fields") }, "\(text)")
            #expect(text.contains { $0.contains("duplicate row") && $0.contains("(first on line 21)") }, "\(text)")
            #expect(text.contains { $0.hasPrefix(dir + "/scorecard.yml:116:") && $0.contains("no_such_measure") }, "\(text)")
            #expect(e.errors.allSatisfy { $0.kind == .badData })  // exit 65
        }
    }

    @Test func scorecardMeasureMissingFromDataAndExtraMeasureNote() throws {
        let dir = try scratch()
        try "team,period,measure,value\nA,2024-01,revenue,1\nA,2024-01,cost,1\nA,2024-01,visits,3\n".write(
            toFile: dir + "/measurements.csv", atomically: true, encoding: .utf8)
        try """
        perspectives:
          financial:
            objectives:
              - name: Grow
                measures:
                  - {id: revenue, direction: higher, aggregation: sum}
                  - {id: margin, direction: higher, aggregation: mean}
                initiatives:
                  - {name: Launch, due: 2024-Q5}
        roi: {return: revenue, cost: cost}
        """.write(toFile: dir + "/scorecard.yml", atomically: true, encoding: .utf8)
        do {
            _ = try Dataset.load(DatasetLocation.resolve(folder: dir, data: nil, scorecard: nil))
            Issue.record("accepted")
        } catch let e as InputErrors {
            #expect(
                e.errors.map(\.description) == [
                    "\(dir)/scorecard.yml:7: measure \"margin\" is not in the data (3 measures there);"
                        + " expected a measure id that appears in the measurements file",
                    "\(dir)/scorecard.yml:9: initiative \"Launch\" is due \"2024-Q5\", which is not a period;"
                        + " expected a period label such as 2024-01, 2025-Q2, 2025 or 2025-06-30",
                ])
        }
        let oneMeasure = "          - {id: revenue, direction: higher, aggregation: sum}\n"
        try ("perspectives:\n  financial:\n    objectives:\n      - name: Grow\n        measures:\n" + oneMeasure)
            .write(toFile: dir + "/scorecard.yml", atomically: true, encoding: .utf8)
        let d = try Dataset.load(DatasetLocation.resolve(folder: dir, data: nil, scorecard: nil))
        #expect(
            d.notes.map(\.message) == [
                "2 measures in the data but not in the scorecard"
                    + " (analysed as direction higher, aggregation mean, no perspective): \"cost\", \"visits\""
            ])
    }

    @Test func windowsAndFilters() throws {
        let d = try Dataset.load(DatasetLocation.resolve(folder: Self.sample, data: nil, scorecard: nil))
        let last = try d.selecting(PanelSelection(last: 12))
        #expect(last.panel.firstPeriod.description == "2025-01" && last.panel.periodCount == 12)
        let to = try d.selecting(PanelSelection(to: "2024-06", last: 6))
        #expect(to.panel.firstPeriod.description == "2024-01" && to.panel.lastPeriod.description == "2024-06")
        let range = try d.selecting(PanelSelection(from: "2023-07", to: "2023-09"))
        #expect(range.panel.periodCount == 3)
        let comma = try #require(d.panel.teams.first { $0.contains(",") })
        let one = try d.selecting(PanelSelection(teams: [comma], measures: ["revenue", "sales_cost"]))
        #expect(one.panel.teams == [comma] && one.panel.measures == ["revenue", "sales_cost"])
        #expect(
            one.panel.series(team: 0, measure: 0).elementsEqual(
                d.panel.series(team: d.panel.teamIndex(comma)!, measure: d.panel.measureIndex("revenue")!)
            ) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // Ingest says which selection and why; the command line words it for the flag typed.
        let (start, end) = (d.panel.firstPeriod, d.panel.lastPeriod)
        let refusals: [(PanelSelection, SelectionError)] = [
            (PanelSelection(last: 0), .lastNotPositive(0)),
            (PanelSelection(from: "2030-01"), .fromAfterData(Period("2030-01")!, first: start, last: end)),
            (PanelSelection(from: "2024-Q1"), .notAPeriodOfTheData(.from, text: "2024-Q1", frequency: .month, first: start, last: end)),
            (
                PanelSelection(teams: ["Nobody"]),
                .teamNotInData("Nobody", teamCount: d.panel.teamCount, hint: Dataset.suggestion("Nobody", among: d.panel.teams))
            ),
            (
                PanelSelection(measures: ["revenu"]),
                .measureNotInData("revenu", measures: d.panel.measures, hint: " (did you mean \"revenue\"?)")
            ),
            (PanelSelection(from: "2024-05", to: "2024-01"), .emptyWindow(from: Period("2024-05")!, to: Period("2024-01")!)),
        ]
        for (bad, why) in refusals {
            #expect(throws: why, "\(bad)") { _ = try d.selecting(bad) }
        }
    }

    @Test func missingFolderAndFiles() throws {
        #expect(throws: InputError.self) { _ = try DatasetLocation.resolve(folder: "/nonexistent/folder", data: nil, scorecard: nil) }
        let dir = try scratch()
        do {
            _ = try Dataset.load(DatasetLocation.resolve(folder: dir, data: nil, scorecard: nil))
        } catch let e as InputErrors {
            #expect(e.errors.map(\.kind).contains(.missingInput))  // exit 66
        }
    }
}
