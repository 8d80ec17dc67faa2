import Analysis
import ArgumentParser
import Ingest
import Rendering

struct LeadLag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadlag",
        abstract: "Do leading measures lead? Lag correlations, panel Granger tests and a verdict per strategy-map link.",
        discussion: """
            For each pair leader → lagger: pooled lag correlations (lags 0..K) with team and period \
            fixed effects; a panel Granger test (lag order by BIC, up to 6) and its reverse; \
            Benjamini-Hochberg q-values over all the tests; and a verdict: supported, contradicted, \
            reversed, not supported, insufficient data. Pairs: the scorecard's links by default, \
            --pair LEADER LAGGER (repeatable), or --all-cross (every measure of an earlier \
            perspective against every measure of a later one).
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup(title: "Lead-lag") var leadLagOptions: LeadLagOptions
    var maxLag: Int? { leadLagOptions.maxLag }

    @Option(
        name: .customLong("pair"), parsing: .upToNextOption,
        help: ArgumentHelp("A pair to test: --pair LEADER LAGGER (repeatable).", valueName: "measure"))
    var pairs: [String] = []

    @Flag(name: .customLong("all-cross"), help: "Test every measure of an earlier perspective against every measure of a later one.")
    var allCross = false

    @Flag(name: .customLong("per-lag"), help: "Print the per-lag table (leadlag_lags) instead of the summary.")
    var perLag = false

    @Flag(name: .customLong("per-team"), help: "Print per-team statistics (team column first) instead of the summary.")
    var perTeam = false

    func validate() throws {
        if pairs.count % 2 != 0 { throw ValidationError("--pair takes two measures: --pair LEADER LAGGER") }
        if !pairs.isEmpty && allCross { throw ValidationError("--pair and --all-cross cannot be combined") }
        if perLag && perTeam { throw ValidationError("--per-lag and --per-team cannot be combined") }
    }

    func run() throws {
        try execute {
            let data = try dataset.load(writing: output.paths).selecting(selection.selection)
            var specs: [LeadLagAnalysis.PairSpec]
            if allCross {
                specs = LeadLagAnalysis.allCross(of: data)
            } else if !pairs.isEmpty {
                let links = LeadLagAnalysis.links(of: data)
                specs = stride(from: 0, to: pairs.count, by: 2).map { i in
                    let link = links.first { $0.leader == pairs[i] && $0.lagger == pairs[i + 1] }
                    return LeadLagAnalysis.PairSpec(leader: pairs[i], lagger: pairs[i + 1], sign: link?.sign, isLink: link != nil)
                }
            } else {
                specs = LeadLagAnalysis.links(of: data)
                if specs.isEmpty {
                    throw InputError(
                        .usage, file: data.location.scorecard ?? "command line", problem: "the scorecard has no links to test",
                        expected: "links: in scorecard.yml, or --pair LEADER LAGGER, or --all-cross")
                }
            }
            for s in specs where s.leader == s.lagger {
                throw InputError(
                    .usage, file: "command line", problem: "--pair \(s.leader) \(s.lagger) pairs a measure with itself",
                    expected: "two different measures")
            }
            let result = try withProgress("lead-lag", quiet: dataset.quiet) { progress in
                try LeadLagAnalysis.run(
                    data, pairs: specs, maxLag: maxLag, perTeam: perTeam, progress: progress?.counter(perTeam ? "fits" : "pairs"))
            }
            let definitions = Definitions(
                analysis: "leadlag", dataset: data,
                parameters: [
                    ("max_lag", String(result.maxLag)), ("pairs", specs.map { "\($0.leader) -> \($0.lagger)" }.joined(separator: "; ")),
                    ("table", perLag ? "per-lag" : perTeam ? "per-team" : "summary"),
                ])
            if perLag {
                try output.emit(ResultTable(leadLagLags: result), definitions: definitions)
            } else if perTeam {
                try output.emit(ResultTable(leadLagTeams: result), definitions: definitions)
            } else {
                try output.emit(ResultTable(leadLag: result), definitions: definitions)
            }
        }
    }
}
