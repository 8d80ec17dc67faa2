import ArgumentParser
import Ingest
import Rendering

#if canImport(Glibc)
import Glibc
#endif

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a starter scorecard.yml from a measurements file.",
        discussion: """
            Guesses the team and period columns, how dates and numbers are written (saved under \
            data: so every later command reads the file the same way), and for each measure its \
            perspective, direction, aggregation and unit from its name and values; adds an roi when \
            a return and a cost are found. No targets are invented. The result validates and runs \
            every analysis as written; comments mark what to check.
            """)

    @Argument(help: ArgumentHelp("The measurements CSV file.", valueName: "data"))
    var data: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the scorecard (- for standard output).", valueName: "file"))
    var output: String = "scorecard.yml"

    @Flag(help: "Replace the output file when it exists.")
    var force = false

    @OptionGroup(title: "Reading exports") var reading: ReadingOptions

    func run() throws {
        try execute {
            if output != "-" && !force && access(output, F_OK) == 0 {
                throw InputError(.usage, file: output, problem: "the file exists", expected: "another --output, or --force to replace it")
            }
            let sample = try MeasurementsSample.read(path: data)
            let guessed = try StarterScorecard.guessReading(sample, given: reading.options, file: data)
            var options = guessed.options
            var said = guessed.said
            let read = try MeasurementsReader.read(path: data, options: options)
            // A detected frequency is written down, so later commands need not detect it again.
            if options.frequency == nil && !read.notes.isEmpty && read.panel.frequency != .day {
                options.frequency = read.panel.frequency
            }
            for note in read.notes { said.append(note.message) }
            let yaml = StarterScorecard.yaml(panel: read.panel, sample: sample, options: options, dataFile: data, said: said)
            // The starter must load and fit the data as written.
            let card = try ScorecardLoader.load(yaml: yaml, file: output)
            _ = card
            for line in said { printError("\(data): \(line)") }
            if output == "-" {
                try AtomicFileWriter.writeToStandardOutput(Array(yaml.utf8))
            } else {
                try AtomicFileWriter.write(Array(yaml.utf8), to: output)
                let panel = read.panel
                printError(
                    "wrote \(output): \(panel.measureCount) measures, \(panel.teamCount) teams, \(panel.periodCount)"
                        + " \(panel.frequency.rawValue)s; next: scorecard validate \(data) --scorecard \(output)")
            }
        }
    }
}
