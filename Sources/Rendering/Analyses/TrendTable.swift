import Analysis

extension ResultTable {
    /// METHODS.md's trend columns: team, measure, n, slope, intercept, slope_se, t, p_value,
    /// ci_low, ci_high, r2, direction.
    public init(trend r: TrendResult) {
        let f = r.fits
        var rows: [[Cell]] = []
        rows.reserveCapacity(r.rows.count)
        var colors: [[ANSIColor?]] = []
        for s in r.rows {
            let m = r.measure(ofSeries: s)
            let dir = r.directions[s]
            rows.append([
                .text(r.team(ofSeries: s)), .text(m.id), .integer(Int(f.count[s])),
                .number(f.slope[s]), .number(f.intercept[s]), .number(f.slopeStandardError[s]),
                .number(f.tValue[s]), .probability(f.pValue[s]), .number(f.confidenceLower[s]),
                .number(f.confidenceUpper[s]), .number(f.rSquared[s]), .text(dir.rawValue),
            ])
            var c = [ANSIColor?](repeating: nil, count: 12)
            c[11] = dir == .improving ? .green : dir == .declining ? .red : nil
            colors.append(c)
        }
        let counts = r.directionCounts
        let total = r.rows.count
        let scope = r.organisation ? "organisation-level measures" : "team × measure trends"
        let headline =
            """
            \(total) \(scope): \(counts[.improving, default: 0]) improving, \(counts[.declining, default: 0]) declining, \
            \(counts[.flat, default: 0]) flat (p < 0.05)
            """
        self.init(
            analysis: "trend",
            columns: [
                Column("team", alignment: .left), Column("measure", alignment: .left), Column("n"), Column("slope"),
                Column("intercept"), Column("slope_se"), Column("t"), Column("p_value"), Column("ci_low"),
                Column("ci_high"), Column("r2"), Column("direction", alignment: .left),
            ],
            rows: rows, notes: r.notes.map(\.description), headline: headline, colors: colors)
    }
}
