import Analysis
import ArgumentParser
import Ingest
import Rendering

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Teams ranked by sales ROI over the window, with quartiles.",
        discussion: """
            ROI = (Σ return − Σ cost) / Σ cost over the window, return and cost from the scorecard's \
            roi entry. Rank 1 is the best; ties share the better rank. Quartiles split at the 25th, \
            50th and 75th percentiles (linear); Q1 is the top. Teams without an ROI (no data, \
            cost <= 0) are listed after the ranked ones with the reason.
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try execute {
            let data = try dataset.load(scorecardRequired: true, writing: output.paths).selecting(selection.selection)
            try output.emit(
                ResultTable(rank: try RankAnalysis.run(data), measures: data.scorecard?.measures ?? []),
                definitions: Definitions(analysis: "rank", dataset: data))
        }
    }
}

struct Quartiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What separates top-quartile from bottom-quartile teams by ROI.",
        discussion: """
            The ROI row first, then every scorecard measure (each team's window reduced by the \
            measure's aggregation): group means, ratio, difference, Cohen's d, Welch t-test, \
            Mann-Whitney U and Benjamini-Hochberg q-values over the measures. --bootstrap N adds a \
            95% percentile interval for the top/bottom ROI ratio (teams resampled, seeded); \
            --holdout forms quartiles on the first half of the window and compares them on the \
            second, showing how much of the gap persists.
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Row order after the ROI row: scorecard, or effect (by |Cohen's d|).")
    var sort: SortChoice = .scorecard

    @Option(help: "Bootstrap resamples for the ROI-ratio interval (0 for none).")
    var bootstrap: Int = 0

    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 1

    @Flag(help: "Form quartiles on the first half of the window, compare on the second.")
    var holdout = false

    enum SortChoice: String, ExpressibleByArgument, CaseIterable { case scorecard, effect }

    func validate() throws {
        if bootstrap < 0 || bootstrap > 1_000_000 { throw ValidationError("--bootstrap \(bootstrap): expected 0 to 1000000 resamples") }
    }

    func run() throws {
        try execute {
            let data = try dataset.load(scorecardRequired: true, writing: output.paths).selecting(selection.selection)
            let result = try QuartileAnalysis.run(
                data, sort: sort == .effect ? .effect : .scorecard, bootstrap: bootstrap, seed: seed, holdout: holdout)
            try output.emit(
                ResultTable(quartiles: result, forPeople: output.format == .table, measures: data.scorecard?.measures ?? []),
                definitions: Definitions(
                    analysis: "quartiles", dataset: data,
                    parameters: [
                        ("sort", sort.rawValue), ("bootstrap", String(bootstrap)), ("seed", String(seed)),
                        ("holdout", holdout ? "yes" : "no"),
                    ]))
        }
    }
}
