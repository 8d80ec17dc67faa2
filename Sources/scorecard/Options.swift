import ArgumentParser
import Ingest
import Rendering
#if canImport(Glibc)
import Glibc
#endif

/// Where the data is, and the limits that guard against hostile input.
struct DatasetOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Dataset folder holding measurements.csv and scorecard.yml, or a measurements CSV file.", valueName: "dataset"))
    var dataset: String?

    @Option(name: .long, help: ArgumentHelp("Measurements CSV (tidy team,period,measure,value or wide team,period,<measure>…); repeat to read several files as one panel.", valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("Scorecard YAML file.", valueName: "file"))
    var scorecard: String?

    @Option(name: .customLong("max-cells"), help: "Largest panel (teams × measures × periods) to build.")
    var maxCells: Int = ReadLimits().maxPanelCells

    @Option(name: .customLong("max-field-bytes"), help: "Longest CSV field, in bytes.")
    var maxFieldBytes: Int = ReadLimits().maxFieldBytes

    @Option(name: .customLong("max-line-bytes"), help: "Longest CSV line, in bytes.")
    var maxLineBytes: Int = ReadLimits().maxRecordBytes

    @Option(name: .customLong("max-scorecard-bytes"), help: "Largest scorecard YAML file, in bytes.")
    var maxScorecardBytes: Int = ReadLimits().maxScorecardBytes

    @Option(name: .customLong("max-scorecard-depth"), help: "Deepest nesting of YAML mappings and lists in the scorecard (at most 1000).")
    var maxScorecardDepth: Int = ReadLimits().maxScorecardDepth

    var limits: ReadLimits {
        ReadLimits(maxFieldBytes: maxFieldBytes, maxRecordBytes: maxLineBytes, maxPanelCells: maxCells,
                   maxScorecardBytes: maxScorecardBytes, maxScorecardDepth: maxScorecardDepth)
    }

    func validate() throws {
        if maxCells < 1 || maxFieldBytes < 1 || maxLineBytes < 16 {
            throw ValidationError("--max-cells, --max-field-bytes and --max-line-bytes must be positive (--max-line-bytes at least 16)")
        }
        if maxScorecardBytes < 1 || !(8...1000).contains(maxScorecardDepth) {
            throw ValidationError("--max-scorecard-bytes must be positive and --max-scorecard-depth between 8 (what a scorecard needs) and 1000 (libyaml's own limit)")
        }
    }

    func location(scorecardRequired: Bool = false) throws -> DatasetLocation {
        var location = try DatasetLocation.resolve(folder: dataset, data: data.first, scorecard: scorecard, scorecardRequired: scorecardRequired)
        location.moreMeasurements = Array(data.dropFirst())
        return location
    }

    func load(scorecardRequired: Bool = false) throws -> Dataset {
        try Dataset.load(location(scorecardRequired: scorecardRequired), limits: limits)
    }
}

/// Which part of the panel to analyse.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("team"), help: ArgumentHelp("Only this team (repeat for several; names may hold commas).", valueName: "name"))
    var teams: [String] = []

    @Option(name: .customLong("measure"), help: ArgumentHelp("Only this measure (repeatable).", valueName: "name"))
    var measures: [String] = []

    @Option(help: ArgumentHelp("First period of the window, e.g. 2024-01.", valueName: "period"))
    var from: String?

    @Option(help: ArgumentHelp("Last period of the window.", valueName: "period"))
    var to: String?

    @Option(help: ArgumentHelp("The last N calendar periods (ending at --to when given).", valueName: "n"))
    var last: Int?

    var selection: PanelSelection {
        PanelSelection(teams: teams, measures: measures, from: from, to: to, last: last)
    }

    func validate() throws {
        if last != nil && from != nil { throw ValidationError("--last cannot be combined with --from (use --from/--to, or --last N with --to)") }
        if let last, last < 1 { throw ValidationError("--last \(last): expected a whole number of periods, 1 or more") }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// How results leave: a table for people, or CSV/JSON for machines, to a file or stdout.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically: whole or not at all); - for standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("if-exists"), help: ArgumentHelp("With --output postgres://…?table=T: fail (default), replace or append when the table exists.", valueName: "fail|replace|append"))
    var ifExists: IfExistsOption = .fail

    @Flag(help: "CSV for Excel: UTF-8 byte-order mark and CRLF line ends.")
    var excel = false

    @Flag(name: .customLong("no-color"), help: "No colours in tables, even on a terminal.")
    var noColor = false

    @Flag(name: .customLong("with-definitions"), help: "Also write FILE.definitions.json: data, window, ROI definition and method versions (needs --output).")
    var withDefinitions = false

    func validate() throws {
        if withDefinitions && (output == nil || output == "-") {
            throw ValidationError("--with-definitions needs --output FILE (the sidecar is written beside it)")
        }
    }

    /// Renders and writes a table; notes go to standard error as well when the output is
    /// for machines, so they are never lost.
    func emit(_ table: ResultTable, definitions: Definitions? = nil) throws { try emit([table], definitions: definitions) }

    /// Several tables: people's tables one after another; CSV and JSON take the first.
    func emit(_ tables: [ResultTable], definitions: Definitions? = nil) throws {
        let table = tables[0]
        if try emitToDatabase(table, definitions: definitions) { return }
        let bytes: [UInt8]
        switch format {
        case .csv: bytes = CSVWriter.render(table, excel: excel)
        case .json: bytes = JSONWriter.render(table)
        case .table:
            let toTerminal = output == nil || output == "-"
            let color = toTerminal && !noColor && isatty(1) != 0 && getenv("NO_COLOR") == nil
            bytes = Array(tables.map { PeopleTable.render($0, color: color) }.joined(separator: "\n").utf8)
        }
        if let output, output != "-" {
            try AtomicFileWriter.write(bytes, to: output)
            if withDefinitions, let definitions {
                try AtomicFileWriter.write(definitions.json(engineVersion: ScorecardCommand.configuration.version), to: output + ".definitions.json")
            }
        } else {
            try AtomicFileWriter.writeToStandardOutput(bytes)
        }
        if format != .table || (output != nil && output != "-") {
            for note in table.notes { printError("note: \(note)") }
        }
    }
}

func printError(_ message: String, newline: Bool = true) {
    var line = message
    if newline && !line.hasSuffix("\n") { line += "\n" }
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// Runs a command body, turning our errors into messages and sysexits codes.
func execute(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as InputErrors {
        for error in e.errors { printError("\(error)") }
        if e.errors.count > 1 { printError("\(e.errors.count) problems") }
        throw ExitCode(e.exitCode)
    } catch let e as InputError {
        printError("\(e)")
        throw ExitCode(e.exitCode)
    } catch let e as OutputError {
        printError("scorecard: \(e)")
        throw ExitCode(e.exitCode)
    }
}
