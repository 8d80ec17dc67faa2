import Analysis
import Ingest

extension ResultTable {
    /// METHODS.md's quartiles columns; the people's table adds the perspective.
    public init(quartiles q: QuartileComparison, forPeople: Bool = false, measures: [MeasureDefinition] = []) {
        var rows: [[Cell]] = []
        var styles: [[PeopleStyle?]] = []
        var notes = q.notes.map(\.description)
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        func prob(_ v: Double?) -> Cell { v.map { .probability($0) } ?? .missing }
        for r in q.rows {
            var row: [Cell] = [
                .text(r.measure), .integer(r.topN), .integer(r.bottomN), num(r.topMean), num(r.bottomMean), num(r.ratio),
                num(r.difference), num(r.cohensD), num(r.welch?.t), num(r.welch?.degreesOfFreedom), prob(r.welch?.pValue),
                num(r.mannWhitney?.u), prob(r.mannWhitney?.pValue), prob(r.qValue),
            ]
            // People read the ROI row as percentages, a measure's means in its unit, the ratio as ×.
            let definition = measures.first { $0.id == r.measure }
            let isROI = r.measure == "roi" && rows.isEmpty
            let amount: PeopleStyle = isROI ? .percent : .amount(unit: definition?.unit)
            var st: [PeopleStyle?] = [
                definition.map { .text($0.name) }, nil, nil, amount, amount, .times,
                isROI ? .percent : .change(unit: definition?.unit, per: nil),
                .statistic, .statistic, .statistic, nil, .statistic, nil, nil,
            ]
            if forPeople {
                row.insert(.text(r.perspective?.title ?? (r.measure == "roi" ? "Financial (ROI)" : "–")), at: 1)
                st.insert(nil, at: 1)
            }
            rows.append(row)
            styles.append(st)
        }
        var columns = [
            "measure", "top_n", "bottom_n", "top_mean", "bottom_mean", "ratio", "difference", "cohens_d", "welch_t",
            "welch_df", "p_value", "mw_u", "mw_p", "q_value",
        ].map { Column($0, alignment: $0 == "measure" ? .left : nil) }
        if forPeople { columns.insert(Column("perspective", alignment: .left), at: 1) }
        var headline = "No top and bottom quartile to compare"
        if let roi = q.rows.first, let t = roi.topMean, let b = roi.bottomMean {
            headline = PeopleStyle.quartileHeadline(topN: roi.topN, top: t, bottomN: roi.bottomN, bottom: b, stable: roi.ratioIsStable)
            let significant = q.rows.dropFirst().filter { ($0.qValue ?? 1) < 0.05 }.count
            headline += "; \(significant) of \(q.rows.count - 1) measures differ at q < 0.05"
        }
        if let b = q.bootstrap {
            if let lo = b.lower, let hi = b.upper {
                notes.insert(
                    """
                    bootstrap 95% interval of the top/bottom ROI ratio: \(PeopleTable.formatNumber(lo)) to \(PeopleTable.formatNumber(hi)) \
                    (\(b.defined) of \(b.replicates) resamples of teams, seed \(b.seed))
                    """,
                    at: 0)
            } else {
                notes.insert(
                    """
                    bootstrap: no interval — the ratio is defined in only \(b.defined) of \(b.replicates) resamples (at least 95% needed: \
                    the bottom quartile's mean ROI comes near 0)
                    """,
                    at: 0)
            }
        }
        if let h = q.holdout {
            var s = "holdout: quartiles formed on \(h.formedOn.0)…\(h.formedOn.1)"
            if let r1 = h.formationRatio { s += " (ratio \(PeopleTable.formatNumber(r1)))" }
            s += ", compared on \(h.comparedOn.0)…\(h.comparedOn.1): "
            if let r2 = h.ratio {
                s += "the same top (\(h.topN)) and bottom (\(h.bottomN)) teams show a ratio of \(PeopleTable.formatNumber(r2))"
                if let p = h.persistence {
                    s += " — \(PeopleTable.formatNumber(p * 100))% of the gap persisted, the rest regressed to the mean"
                }
            } else {
                s += "ratio undefined (bottom mean <= 0 or no data)"
            }
            notes.insert(s, at: 0)
        }
        self.init(analysis: "quartiles", columns: columns, rows: rows, notes: notes, headline: headline, groupColumn: nil)
        self.styles = styles
    }
}
