import Analysis
import ArgumentParser
import Ingest
import Rendering

struct Trend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trend lines per team and measure, with slope, standard error, p-value and 95% CI.",
        discussion: """
            OLS of each series on t, the period's index from the window's first period; series \
            with fewer than 3 values get no row; a constant series has slope 0 and no t, p or R². \
            direction is improving/declining when p < 0.05 and the slope is good/bad for the \
            measure, else flat. --org fits the organisation's series (sum measures summed over \
            teams, mean and last measures averaged).
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Fit the organisation's series instead of each team's.")
    var org = false

    func run() throws {
        try execute {
            let data = try dataset.load(writing: output.paths).selecting(selection.selection)
            let result = TrendAnalysis.run(data, organisation: org)
            try output.emit(
                ResultTable(trend: result),
                definitions: Definitions(analysis: "trend", dataset: data, parameters: [("level", org ? "organisation" : "team")]))
        }
    }
}
