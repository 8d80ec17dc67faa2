import Analysis
import ArgumentParser
import Ingest
import Rendering

#if canImport(Glibc)
import Glibc
#endif

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export results in forms other tools check or present.",
        subcommands: [ExportNotebook.self])
}

struct ExportNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "A Jupyter notebook that recomputes an analysis with pandas, statsmodels and scipy and checks Scorecard's numbers.",
        discussion: """
            The notebook (nbformat 4.5, no outputs) embeds Scorecard's result tables and every \
            setting, reads the same measurements with pandas (paths relative to the notebook's \
            folder), recomputes the analysis by METHODS.md, shows both side by side with plots, and \
            ends with a cell asserting agreement within METHODS.md's tolerances. Window and \
            team/measure flags carry into the notebook. The same inputs give the same bytes.
            Run it in Jupyter from its folder, or: jupyter nbconvert --to notebook --execute F.ipynb
            """)

    enum Choice: String, ExpressibleByArgument, CaseIterable { case trend, leadlag, rank, quartiles, forecast, all }

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "Analysis to recompute.")
    var analysis: Choice = .all

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Notebook file (default: ANALYSIS.ipynb); - for standard output (data paths then relative to the current folder).",
            valueName: "file"))
    var output: String?

    @OptionGroup(title: "Lead-lag") var leadLagOptions: LeadLagOptions
    var maxLag: Int? { leadLagOptions.maxLag }

    @OptionGroup(title: "Forecast model (--analysis forecast or all; the same flags as `scorecard forecast`)") var model:
        ForecastModelOptions

    @Option(help: "forecast: backtest origins to recompute as well (0 for none).")
    var backtest: Int = 6

    func validate() throws {
        if backtest < 0 || backtest > 1000 { throw ValidationError("--backtest \(backtest): expected 0 to 1000 origins") }
    }

    func run() throws {
        try execute {
            let choices: [Choice] = analysis == .all ? [.trend, .leadlag, .rank, .quartiles, .forecast] : [analysis]
            let needsCard = choices.contains { $0 != .trend }
            let path = output ?? "\(analysis.rawValue).ipynb"
            let data = try dataset.load(scorecardRequired: needsCard, writing: [path]).selecting(selection.selection)
            var sections: [NotebookExport.Section] = []
            var leadLag: NotebookExport.LeadLagSettings?
            var forecast: NotebookExport.ForecastSettings?
            let progress = Progress.start("export", quiet: dataset.quiet)
            defer { progress?.finish() }
            for choice in choices {
                progress?.begin("export: \(choice.rawValue)")
                switch choice {
                case .trend:
                    sections.append(.trend(ResultTable(trend: TrendAnalysis.run(data))))
                case .leadlag:
                    let specs = LeadLagAnalysis.links(of: data)
                    if specs.isEmpty {
                        throw InputError(
                            .usage, file: data.location.scorecard ?? "command line", problem: "the scorecard has no links to test",
                            expected: "links: in scorecard.yml, or an --analysis other than leadlag")
                    }
                    let result = try LeadLagAnalysis.run(data, pairs: specs, maxLag: maxLag)
                    sections.append(.leadLag(summary: ResultTable(leadLag: result), lags: ResultTable(leadLagLags: result)))
                    leadLag = .init(
                        maxLag: result.maxLag, maxLagOption: maxLag,
                        pairs: specs.map { .init(leader: $0.leader, lagger: $0.lagger, sign: $0.sign?.rawValue) })
                case .rank:
                    sections.append(.rank(ResultTable(rank: try RankAnalysis.run(data))))
                case .quartiles:
                    sections.append(.quartiles(ResultTable(quartiles: try QuartileAnalysis.run(data), forPeople: false)))
                case .forecast:
                    let options = model.analysisOptions(backtest: backtest)
                    let result = try ForecastAnalysis.run(data, options: options)
                    sections.append(
                        .forecast(
                            ResultTable(forecast: result, withTotal: false), backtest: backtest > 0 ? ResultTable(backtest: result) : nil))
                    forecast = .init(target: result.target, drivers: result.drivers, options: options)
                case .all:
                    break
                }
            }
            progress?.finish()
            let base = path == "-" ? "." : directory(of: path)
            guard let folder = realPath(base) else {
                throw OutputError(path: path, action: "cannot create", code: errno, kind: .cannotCreate)
            }
            func relative(_ file: String) throws -> String {
                guard let resolved = realPath(file) else {
                    throw InputError(.missingInput, file: file, problem: "cannot resolve the path", expected: "an existing file")
                }
                return RelativePath.from(folder, to: resolved)
            }
            let export = NotebookExport(
                dataset: data, selection: selection.selection,
                measurementsPath: try relative(data.location.measurements),
                moreMeasurementsPaths: try data.location.moreMeasurements.map(relative),
                scorecardPath: try data.location.scorecard.map(relative),
                engineVersion: ScorecardCommand.configuration.version, sections: sections, leadLag: leadLag, forecast: forecast)
            let bytes = export.render()
            if path == "-" {
                try AtomicFileWriter.writeToStandardOutput(bytes)
            } else {
                try AtomicFileWriter.write(bytes, to: path)
            }
        }
    }
}

/// The absolute path with symbolic links, `.` and `..` resolved, or nil (errno set).
private func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// The folder part of a file path (`.` for a bare name).
private func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
