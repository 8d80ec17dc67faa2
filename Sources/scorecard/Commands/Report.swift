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
        help: ArgumentHelp(
            "html (one page with charts) or xlsx (a workbook, a sheet per analysis, notes on a Notes sheet);"
                + " default: from --output's extension, else html."))
    var format: Format?

    /// The format asked for, else the one `--output`'s extension names.
    var resolvedFormat: Format { format ?? (output.lowercased().hasSuffix(".xlsx") ? .xlsx : .html) }

    func validate() throws {
        if resolvedFormat == .xlsx && output == "-" && isatty(1) != 0 {
            throw ValidationError("--format xlsx writes a binary workbook: name it with --output F.xlsx (or redirect standard output)")
        }
        if format == .html && output.lowercased().hasSuffix(".xlsx") {
            throw ValidationError(
                "--format html with --output \(output): an HTML page in a file named .xlsx would not open in a spreadsheet;"
                    + " name it .html or use --format xlsx"
            )
        }
    }

    @OptionGroup(title: "Lead-lag") var leadLagOptions: LeadLagOptions
    var maxLag: Int? { leadLagOptions.maxLag }

    @OptionGroup(title: "Forecast") var horizonOption: HorizonOption
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
            let contents = try ReportAnalysis.run(
                data, options: .init(maxLag: maxLag, horizon: horizon, allCross: allCross, teamsSelected: !selection.teams.isEmpty),
                describe: ExitStatus.describe, steps: progress.map { .init(begin: $0.begin, counter: $0.counter) })
            let input = ReportInput(contents, engineVersion: ScorecardCommand.configuration.version, teamsInData: loaded.panel.teamCount)
            progress?.begin("report: writing \(output == "-" ? "standard output" : output)")
            let bytes: [UInt8]
            switch resolvedFormat {
            case .html: bytes = Array(HTMLReport.render(input).utf8)
            case .xlsx: bytes = try XLSXWriter.render(input.workbookTables)
            }
            progress?.finish()
            if output == "-" { try AtomicFileWriter.writeToStandardOutput(bytes) } else { try AtomicFileWriter.write(bytes, to: output) }
            for p in contents.problems { printError("note: \(p)") }
            if output != "-" {
                let opener = resolvedFormat == .html ? "a browser" : "a spreadsheet"
                printError("wrote \(output) (\(bytes.count / 1024 + 1) kB); open it in \(opener)")
            }
        }
    }
}
