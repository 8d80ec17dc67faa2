import Analysis
import ArgumentParser
import Ingest
import Rendering

struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The strategy map with the data's verdict on every link (--format dot for Graphviz).",
        discussion: """
            Perspectives as layers, objectives, and each scorecard link with its lead-lag verdict \
            (supported, contradicted, reversed, not supported, insufficient data), best lag and r. \
            Render the DOT with: scorecard map DATASET --format dot | dot -Tsvg > map.svg
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output format: table, csv, json or dot.")
    var format: MapFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically); - for standard output.", valueName: "file"))
    var output: String?

    @OptionGroup(title: "Lead-lag") var leadLagOptions: LeadLagOptions
    var maxLag: Int? { leadLagOptions.maxLag }

    @Flag(name: .customLong("no-color"), help: "No colours in the table.")
    var noColor = false

    enum MapFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json, dot }

    func run() throws {
        try execute {
            let data = try dataset.load(scorecardRequired: true, writing: output.map { [$0] } ?? []).selecting(selection.selection)
            let scorecard = data.scorecard!
            let result = try LeadLagAnalysis.run(data, pairs: LeadLagAnalysis.links(of: data), maxLag: maxLag)
            if format == .dot {
                let bytes = Array(StrategyMap.dot(scorecard: scorecard, leadLag: result).utf8)
                if let output, output != "-" {
                    try AtomicFileWriter.write(bytes, to: output)
                } else {
                    try AtomicFileWriter.writeToStandardOutput(bytes)
                }
                return
            }
            // Parsed, not constructed: ArgumentParser's property wrappers hold no value until parsed.
            var arguments = ["--format", format.rawValue]
            if let output { arguments += ["--output", output] }
            if noColor { arguments.append("--no-color") }
            let options = try OutputOptions.parse(arguments)
            try options.emit(StrategyMap.table(scorecard: scorecard, leadLag: result))
        }
    }
}
