import Analysis
import ArgumentParser
import Ingest
import Rendering

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The scorecard: each measure against its target, red/amber/green, rolled up by weight.",
        discussion: """
            Shows the organisation (default) or one team (--team) at the latest period (or --period): \
            actual, target, achievement, score, status, change since the previous period and trend, \
            with objective, perspective and overall scores and the initiatives (overdue ones flagged). \
            --explain prints the scoring rule.
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The period to show (default: the latest).", valueName: "period"))
    var period: String?

    @Option(help: ArgumentHelp("One team's scorecard, with its ROI rank and quartile.", valueName: "name"))
    var team: String?

    @Flag(help: "The organisation's scorecard (the default).")
    var org = false

    @Option(help: "Cap on a measure's achievement in the roll-up (1.2 = 120%).")
    var cap: Double = 1.2

    @Option(help: ArgumentHelp("Window: first period considered for trends.", valueName: "period"))
    var from: String?

    @Flag(help: "Print how scores are computed and exit.")
    var explain = false

    @Flag(help: "Output the initiatives table instead of the measures (CSV/JSON).")
    var initiatives = false

    func validate() throws {
        if org && team != nil { throw ValidationError("--org and --team cannot be combined") }
        if !(cap >= 1) || !cap.isFinite { throw ValidationError("--cap \(cap): expected a number ≥ 1 (1.2 = 120%)") }
    }

    func run() throws {
        if explain {
            print(ScoringRule(cap: cap).explanation)
            return
        }
        try execute {
            var data = try dataset.load(scorecardRequired: true, writing: output.paths)
            var window = PanelSelection(from: from, to: period)
            window.toFlag = "--period"
            data = try data.selecting(window)
            let report = try StatusAnalysis.run(data, period: period, team: team, rule: ScoringRule(cap: cap))
            if output.format == .table && !initiatives {
                try output.emit([ResultTable(status: report, forPeople: true), ResultTable(initiatives: report)])
            } else {
                try output.emit(initiatives ? ResultTable(initiatives: report) : ResultTable(status: report),
                                definitions: Definitions(analysis: "status", dataset: data, parameters: [
                                    ("period", report.period.description), ("level", team.map { "team \($0)" } ?? "organisation"), ("cap", String(cap)),
                                ]))
            }
        }
    }
}
