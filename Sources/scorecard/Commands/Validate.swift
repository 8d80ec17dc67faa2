import ArgumentParser
import Ingest

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a dataset and its scorecard, reporting every problem at once.",
        discussion: """
            Each problem is printed as file:line:column: what is wrong; what was expected. \
            Exits 65 when the data is bad, 66 when a file is missing, 0 when all is well \
            (notes, such as measures in the data that the scorecard does not name, are allowed).
            """)

    @OptionGroup var dataset: DatasetOptions

    func run() throws {
        try execute {
            let d = try dataset.load()
            let p = d.panel
            let present = p.presentCount
            let cells = p.values.count
            print(
                "\(d.location.measurements): \(p.teamCount) teams × \(p.measureCount) measures × \(p.periodCount)"
                    + " \(p.frequency.rawValue)s (\(p.firstPeriod) to \(p.lastPeriod)); \(present) values, \(cells - present) missing")
            if let s = d.scorecard {
                let objectives = s.perspectives.reduce(0) { $0 + $1.objectives.count }
                let initiatives = s.perspectives.reduce(0) { $0 + $1.objectives.reduce(0) { $0 + $1.initiatives.count } }
                let roi = s.roi.map { ", roi = (\($0.returnMeasure) − \($0.costMeasure)) / \($0.costMeasure)" } ?? ", no roi"
                print(
                    "\(s.file): \(s.perspectives.count) perspectives, \(objectives) objectives, \(s.measures.count) measures,"
                        + " \(initiatives) initiatives, \(s.links.count) links\(roi)")
            } else {
                print("no scorecard: measures are analysed as direction higher, aggregation mean")
            }
            for note in d.notes { print(note) }
            print("ok")
        }
    }
}
