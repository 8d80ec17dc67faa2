import Analysis

extension ReportInput {
    /// The report's contents as Analysis assembled them, with the engine's version and the
    /// count of teams before a `--team` selection.
    public init(_ contents: ReportContents, engineVersion: String, teamsInData: Int?) {
        self.init(
            dataset: contents.dataset, organisation: contents.organisation, status: contents.status, trend: contents.trend,
            quartiles: contents.quartiles, leadLag: contents.leadLag, heatmap: contents.heatmap, forecast: contents.forecast,
            forecastTotalHistory: contents.forecastTotalHistory, problems: contents.problems, engineVersion: engineVersion,
            teamsInData: teamsInData, ranking: contents.ranking)
    }

    /// The workbook's sheets: the machine tables of the analyses the HTML report shows (the
    /// values of `status`, `status --initiatives`, `trend --org`, `rank`, `quartiles`, `leadlag`, the
    /// all-cross heatmap's lags, and `forecast --with-total`, as their CSV has them); the
    /// report's problems go to the Notes sheet with the tables' own notes.
    public var workbookTables: [ResultTable] {
        let measures = dataset.scorecard?.measures ?? []
        var tables = [ResultTable(status: status), ResultTable(initiatives: status), ResultTable(trend: trend)]
        if let ranking { tables.append(ResultTable(rank: ranking, measures: measures)) }
        if let q = quartiles { tables.append(ResultTable(quartiles: q, forPeople: false, measures: measures)) }
        if let l = leadLag { tables.append(ResultTable(leadLag: l)) }
        if let h = heatmap ?? leadLag { tables.append(ResultTable(leadLagLags: h)) }
        if let f = forecast { tables.append(ResultTable(forecast: f, withTotal: true, measures: measures)) }
        tables[0].notes += problems.map { "report: \($0)" }
        return tables
    }
}
