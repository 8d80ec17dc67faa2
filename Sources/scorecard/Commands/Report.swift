import Analysis
import ArgumentParser
import Ingest
import Rendering

#if canImport(Glibc)
import Glibc
#endif

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One self-contained HTML page: status, trends, quartiles, lead-lag heatmap, strategy map, forecast.",
        discussion: """
            Runs status, trend --org, quartiles, leadlag on the scorecard's links (verdicts), and \
            forecast, and writes one HTML file with inline CSS and SVG charts: no scripts, no fonts \
            or links to anything outside it, so it opens offline and prints cleanly (a section per \
            page). The same data gives the same bytes. A section whose analysis cannot run (e.g. no \
            roi in the scorecard) says why instead, and the rest of the report is still written. \
            --all-cross widens the heatmap to every earlier-perspective → later-perspective pair \
            (verdicts still come from the links alone, as in `map`).
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "The file to write (atomically): HTML, or an Excel workbook when it ends in .xlsx; - for standard output.", valueName: "file"))
    var output: String = "report.html"

    enum Format: String, ExpressibleByArgument, CaseIterable { case html, xlsx }

    @Option(
        help:
            "html (one page with charts) or xlsx (a workbook, a sheet per analysis, notes on a Notes sheet); default: from --output's extension, else html."
    )
    var format: Format?

    /// The format asked for, else the one `--output`'s extension names.
    var resolvedFormat: Format { format ?? (output.lowercased().hasSuffix(".xlsx") ? .xlsx : .html) }

    func validate() throws {
        if resolvedFormat == .xlsx && output == "-" && isatty(1) != 0 {
            throw ValidationError("--format xlsx writes a binary workbook: name it with --output F.xlsx (or redirect standard output)")
        }
        if format == .html && output.lowercased().hasSuffix(".xlsx") {
            throw ValidationError(
                "--format html with --output \(output): an HTML page in a file named .xlsx would not open in a spreadsheet; name it .html or use --format xlsx"
            )
        }
    }

    @OptionGroup var maxLagOption: MaxLagOption
    var maxLag: Int? { maxLagOption.maxLag }

    @OptionGroup var horizonOption: HorizonOption
    var horizon: Int { horizonOption.horizon }

    @Flag(name: .customLong("all-cross"), help: "Heatmap of every cross-perspective pair, not only the links (slower).")
    var allCross = false

    func run() throws {
        try execute {
            let loaded = try dataset.load(scorecardRequired: true, writing: [output])
            let data = try loaded.selecting(selection.selection)
            // One line through the sections; cleared before the notes and "wrote" below.
            let progress = Progress.start("report: status and trends", quiet: dataset.quiet)
            defer { progress?.finish() }
            let info = data.measureInfo
            let organisation = data.panel.organisation(aggregations: info.map(\.aggregation))
            // One team selected: its own scorecard against team_target, as `status --team` shows it.
            let status = try StatusAnalysis.run(
                data, team: data.panel.teamCount == 1 && !selection.teams.isEmpty ? data.panel.teams[0] : nil)
            let trend = TrendAnalysis.run(data, organisation: true)
            var problems: [String] = []

            progress?.begin("report: quartiles")
            var quartiles: QuartileComparison?
            do { quartiles = try QuartileAnalysis.run(data) } catch { problems.append("quartiles: \(ExitStatus.describe(error))") }

            var leadLag: LeadLagResult?
            var heatmap: LeadLagResult?
            let links = LeadLagAnalysis.links(of: data)
            let present = links.filter { data.panel.measureIndex($0.leader) != nil && data.panel.measureIndex($0.lagger) != nil }
            if present.count < links.count {
                problems.append(
                    "lead-lag: \(links.count - present.count) of \(links.count) links name a measure not in the selected data and are left out"
                )
            }
            if links.isEmpty {
                problems.append("lead-lag: no strategy-map links to test (add links: to the scorecard)")
            } else if !present.isEmpty {
                progress?.begin("report: lead-lag")
                do { leadLag = try LeadLagAnalysis.run(data, pairs: present, maxLag: maxLag, progress: progress?.counter("links")) } catch {
                    problems.append("lead-lag: \(ExitStatus.describe(error))")
                }
            }
            if allCross {
                progress?.begin("report: lead-lag heatmap")
                do {
                    heatmap = try LeadLagAnalysis.run(
                        data, pairs: LeadLagAnalysis.allCross(of: data), maxLag: maxLag, progress: progress?.counter("pairs"))
                } catch {
                    problems.append("lead-lag heatmap (all cross pairs): \(ExitStatus.describe(error))")
                }
            }

            progress?.begin("report: forecast")
            var forecast: ForecastResult?
            var totalHistory: [Double?] = []
            do {
                // The roi's return measure, as `forecast` takes by default; without an roi, the
                // scorecard's first financial measure in the data.
                let card = data.scorecard
                let target =
                    card?.roi?.returnMeasure
                    ?? card?.measures.first { $0.perspective == .financial && data.panel.measureIndex($0.id) != nil }?.id
                // Drivers as `forecast` takes them (the links into the target), less those a
                // --measure selection left out.
                let linked = (card?.links ?? []).filter { $0.to == target && $0.from != target }.map(\.from)
                let drivers = linked.filter { data.panel.measureIndex($0) != nil }
                if drivers.count < linked.count {
                    problems.append(
                        "forecast: drivers not in the selected data are left out: \(linked.filter { data.panel.measureIndex($0) == nil }.joined(separator: ", "))"
                    )
                }
                let f = try ForecastAnalysis.run(data, options: .init(target: target, drivers: drivers, horizon: horizon))
                forecast = f
                // History of the organisation total over the same teams as the total's forecast.
                if let first = f.totals.first, let y = data.panel.measureIndex(f.target) {
                    let names = Set(f.rows.filter { $0.horizon == first.horizon && $0.period == first.period }.map(\.team))
                    let teams = data.panel.teams.indices.filter { names.contains(data.panel.teams[$0]) }
                    // The organisation figure's own aggregation: the total for sum targets, the mean otherwise.
                    let sums = data.panel.selecting(teams: teams).organisation(
                        aggregations: [Aggregation](repeating: f.aggregation == .sum ? .sum : .mean, count: data.panel.measureCount))
                    totalHistory = sums.series(team: 0, measure: y).map { $0.isNaN ? nil : $0 }
                }
            } catch {
                problems.append("forecast: \(error)")
            }

            let input = ReportInput(
                dataset: data, organisation: organisation, status: status, trend: trend, quartiles: quartiles,
                leadLag: leadLag, heatmap: heatmap, forecast: forecast, forecastTotalHistory: totalHistory,
                problems: problems, engineVersion: ScorecardCommand.configuration.version,
                teamsInData: loaded.panel.teamCount)
            progress?.begin("report: writing \(output == "-" ? "standard output" : output)")
            let bytes: [UInt8]
            switch resolvedFormat {
            case .html: bytes = Array(HTMLReport.render(input).utf8)
            case .xlsx: bytes = try XLSXWriter.render(Self.workbookTables(input))
            }
            progress?.finish()
            if output == "-" { try AtomicFileWriter.writeToStandardOutput(bytes) } else { try AtomicFileWriter.write(bytes, to: output) }
            for p in problems { printError("note: \(p)") }
            if output != "-" {
                printError(
                    "wrote \(output) (\(bytes.count / 1024 + 1) kB); open it in \(resolvedFormat == .html ? "a browser" : "a spreadsheet")")
            }
        }
    }

    /// The workbook's sheets: the machine tables of the analyses the HTML report shows (the
    /// values of `status`, `status --initiatives`, `trend --org`, `rank`, `quartiles`, `leadlag`, the
    /// all-cross heatmap's lags, and `forecast --with-total`, as their CSV has them); the
    /// report's problems go to the Notes sheet with the tables' own notes.
    static func workbookTables(_ input: ReportInput) -> [ResultTable] {
        let measures = input.dataset.scorecard?.measures ?? []
        var tables = [ResultTable(status: input.status), ResultTable(initiatives: input.status), ResultTable(trend: input.trend)]
        // The ranking the quartiles split (its problem, e.g. no roi, is the quartiles' note already).
        if let rank = try? RankAnalysis.run(input.dataset) { tables.append(ResultTable(rank: rank, measures: measures)) }
        if let q = input.quartiles { tables.append(ResultTable(quartiles: q, forPeople: false, measures: measures)) }
        if let l = input.leadLag { tables.append(ResultTable(leadLag: l)) }
        if let h = input.heatmap ?? input.leadLag { tables.append(ResultTable(leadLagLags: h)) }
        if let f = input.forecast { tables.append(ResultTable(forecast: f, withTotal: true, measures: measures)) }
        tables[0].notes += input.problems.map { "report: \($0)" }
        return tables
    }
}
