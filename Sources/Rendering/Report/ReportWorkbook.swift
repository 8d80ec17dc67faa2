import Analysis

extension ReportInput {
    /// The workbook's sheets: the machine tables of the analyses the HTML report shows (the
    /// values of `status`, `status --initiatives`, `trend --org`, `rank`, `quartiles`, `leadlag`, the
    /// all-cross heatmap's lags, and `forecast --with-total`, as their CSV has them); the
    /// report's problems go to the Notes sheet with the tables' own notes.
    public var workbookTables: [ResultTable] {
        let c = contents
        let measures = c.dataset.scorecard?.measures ?? []
        var tables = [ResultTable(status: c.status), ResultTable(initiatives: c.status), ResultTable(trend: c.trend)]
        if let ranking = c.ranking { tables.append(ResultTable(rank: ranking, measures: measures)) }
        if let q = c.quartiles { tables.append(ResultTable(quartiles: q, forPeople: false, measures: measures)) }
        if let l = c.leadLag { tables.append(ResultTable(leadLag: l)) }
        if let h = c.heatmap ?? c.leadLag { tables.append(ResultTable(leadLagLags: h)) }
        if let f = c.forecast { tables.append(ResultTable(forecast: f, withTotal: true, measures: measures)) }
        tables[0].notes += c.problems.map { "report: \($0)" }
        return tables
    }
}
