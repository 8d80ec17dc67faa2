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

    @Option(
        name: .customLong("team"),
        help: ArgumentHelp("One team's scorecard, with its ROI rank and quartile (repeat with --teams for several).", valueName: "name"))
    var teamNames: [String] = []

    @Flag(help: "Every team (or the --team ones) as a team × measure red/amber/green matrix with overall scores, worst first.")
    var teams = false

    var team: String? { teamNames.first }

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
        if org && (team != nil || teams) { throw ValidationError("--org cannot be combined with --team or --teams") }
        if teamNames.count > 1 && !teams {
            throw ValidationError(
                "--team given \(teamNames.count) times; one team's scorecard takes one --team (add --teams for a matrix of several)")
        }
        if !(cap >= 1) || !cap.isFinite { throw ValidationError("--cap \(cap): expected a number ≥ 1 (1.2 = 120%)") }
    }

    func run() throws {
        if explain {
            print(ScoringRule(cap: cap).explanation)
            return
        }
        try execute {
            var data = try dataset.load(scorecardRequired: true, writing: output.paths)
            do {
                data = try data.selecting(PanelSelection(from: from, to: period))
            } catch let e as SelectionError {
                throw e.message(toFlag: "--period")  // status's last period is --period
            }
            if teams {
                for name in teamNames where data.panel.teamIndex(name) == nil {
                    let hint = Dataset.suggestion(name, among: data.panel.teams)
                    throw SelectionError.teamNotInData(name, teamCount: data.panel.teamCount, hint: hint)
                }
                let chosen = teamNames.isEmpty ? data.panel.teams : Array(Set(teamNames)).sorted()
                let reports = try chosen.map { try StatusAnalysis.run(data, period: period, team: $0, rule: ScoringRule(cap: cap)) }
                try output.emit(
                    ResultTable(teamStatus: reports),
                    definitions: Definitions(analysis: "status_teams", dataset: data, parameters: [("cap", String(cap))]))
                return
            }
            let report = try StatusAnalysis.run(data, period: period, team: team, rule: ScoringRule(cap: cap))
            if output.format == .table && !initiatives && !output.isDatabase {
                try output.emit([ResultTable(status: report, forPeople: true), ResultTable(initiatives: report)])
            } else {
                try output.emit(
                    initiatives ? ResultTable(initiatives: report) : ResultTable(status: report),
                    definitions: Definitions(
                        analysis: "status", dataset: data,
                        parameters: [
                            ("period", report.period.description), ("level", team.map { "team \($0)" } ?? "organisation"),
                            ("cap", String(cap)),
                        ]))
            }
        }
    }
}
