import Analysis
import Ingest

extension ResultTable {
    /// METHODS.md's rank columns: rank, team, roi, return, cost, quartile, note.
    public init(rank r: Ranking, measures: [MeasureDefinition] = []) {
        var rows: [[Cell]] = []
        var colors: [[ANSIColor?]] = []
        let unitOf = { (id: String) in measures.first { $0.id == id }?.unit }
        let rowStyle: [PeopleStyle?] = [
            nil, nil, .percent, .amount(unit: unitOf(r.returnMeasure)), .amount(unit: unitOf(r.costMeasure)), nil, nil,
        ]
        for row in r.rows {
            rows.append([
                row.rank.map { .integer($0) } ?? .missing, .text(row.team), row.roi.map { .number($0) } ?? .missing,
                row.returnTotal.map { .number($0) } ?? .missing, row.costTotal.map { .number($0) } ?? .missing,
                .text(row.quartile.rawValue), row.note.map { .text($0) } ?? .missing,
            ])
            var c = [ANSIColor?](repeating: nil, count: 7)
            c[5] = row.quartile == .q1 ? .green : row.quartile == .q4 ? .red : nil
            colors.append(c)
        }
        var headline = "No team has an ROI"
        if let top = r.meanROI(.q1), let bottom = r.meanROI(.q4) {
            let nt = r.teams(in: .q1).count
            let nb = r.teams(in: .q4).count
            let stable = QuartileAnalysis.ratioIsStable(r.teams(in: .q4).compactMap(\.roi))
            headline = PeopleStyle.quartileHeadline(topN: nt, top: top, bottomN: nb, bottom: bottom, stable: stable)
        }
        headline += " — ROI = (Σ \(r.returnMeasure) − Σ \(r.costMeasure)) / Σ \(r.costMeasure)"
        self.init(
            analysis: "rank",
            columns: [
                Column("rank"), Column("team", alignment: .left), Column("roi"), Column("return"), Column("cost"),
                Column("quartile", alignment: .left), Column("note", alignment: .left),
            ],
            rows: rows, notes: r.notes.map(\.description), headline: headline, colors: colors)
        styles = rows.map { _ in rowStyle }
    }
}
