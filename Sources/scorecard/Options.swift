import ArgumentParser
import Ingest
import Rendering

#if canImport(Glibc)
import Glibc
#endif

/// Where the data is, and the limits that guard against hostile input.
struct DatasetOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp("Dataset folder holding measurements.csv and scorecard.yml, or a measurements CSV file.", valueName: "dataset"))
    var dataset: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Measurements CSV (tidy team,period,measure,value or wide team,period,<measure>…);"
                + " repeat to read several files as one panel.",
            valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: ArgumentHelp("Scorecard YAML file.", valueName: "file"))
    var scorecard: String?

    @OptionGroup(title: "Reading exports") var reading: ReadingOptions

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

    @Flag(help: "No progress line on standard error (there is one only on a terminal, for work over about a second).")
    var quiet = false

    var limits: ReadLimits {
        ReadLimits(
            maxFieldBytes: maxFieldBytes, maxRecordBytes: maxLineBytes, maxPanelCells: maxCells,
            maxScorecardBytes: maxScorecardBytes, maxScorecardDepth: maxScorecardDepth)
    }

    func validate() throws {
        // One message per flag, naming it and the value given.
        if maxCells < 1 { throw ValidationError("--max-cells \(maxCells): expected a positive number of panel cells") }
        if maxFieldBytes < 1 { throw ValidationError("--max-field-bytes \(maxFieldBytes): expected a positive number of bytes") }
        if maxLineBytes < 16 { throw ValidationError("--max-line-bytes \(maxLineBytes): expected 16 bytes or more") }
        if maxScorecardBytes < 1 {
            throw ValidationError("--max-scorecard-bytes \(maxScorecardBytes): expected a positive number of bytes")
        }
        if !(8...1000).contains(maxScorecardDepth) {
            throw ValidationError(
                "--max-scorecard-depth \(maxScorecardDepth): expected 8 (what a scorecard needs) to 1000 (libyaml's own limit)")
        }
    }

    func location(scorecardRequired: Bool = false) throws -> DatasetLocation {
        var location = try DatasetLocation.resolve(
            folder: dataset, data: data.first, scorecard: scorecard, scorecardRequired: scorecardRequired)
        location.moreMeasurements = Array(data.dropFirst())
        return location
    }

    /// The dataset; then each of `outputs` that is one of the files just read is refused
    /// (exit 73) before any analysis runs.
    func load(scorecardRequired: Bool = false, writing outputs: [String] = []) throws -> Dataset {
        let place = try location(scorecardRequired: scorecardRequired)
        let dataset = try withProgress(Progress.reading(place), quiet: quiet) { _ in
            try Dataset.load(place, limits: limits, options: reading.options)
        }
        for path in outputs { try AtomicFileWriter.refuseInput(path) }
        // Said once, whatever the output format.
        for note in dataset.readingNotes { printError("\(note)") }
        return dataset
    }
}

/// Which part of the panel to analyse: teams, measures and the window.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("team"), help: ArgumentHelp("Only this team (repeat for several; names may hold commas).", valueName: "name"))
    var teams: [String] = []

    @Option(name: .customLong("measure"), help: ArgumentHelp("Only this measure (repeatable).", valueName: "name"))
    var measures: [String] = []

    @OptionGroup(title: "Window") var window: WindowOptions

    var selection: PanelSelection {
        PanelSelection(teams: teams, measures: measures, from: window.from, to: window.to, last: window.last)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, xlsx
}

/// How results leave: a table for people, or CSV/JSON for machines, to a file or stdout.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "Output format (default: from --output's extension, .csv, .json or .xlsx; else table).")
    var formatOption: OutputFormat?

    /// `--format`, else what `--output`'s extension says (`.csv`, `.json`), else a table.
    var format: OutputFormat { formatOption ?? OutputOptions.format(ofPath: output) ?? .table }

    static func format(ofPath path: String?) -> OutputFormat? {
        guard let path, path != "-" else { return nil }
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".xlsx") { return .xlsx }
        return nil
    }

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write to this file (atomically: whole or not at all); - for standard output.", valueName: "file"))
    var output: String?

    @Option(
        name: .customLong("if-exists"),
        help: ArgumentHelp(
            "With --output postgres://…?table=T: fail (default), replace or append when the table exists.",
            valueName: "fail|replace|append"))
    var ifExists: IfExistsOption = .fail

    @Flag(help: "CSV for Excel: UTF-8 byte-order mark and CRLF line ends.")
    var excel = false

    @Flag(name: .customLong("no-color"), help: "No colours in tables, even on a terminal.")
    var noColor = false

    @Flag(help: "In tables for people, money and counts with every digit (148,912,345.67 USD, not 148.9M USD).")
    var exact = false

    @Flag(
        name: .customLong("with-definitions"),
        help: "Also write FILE.definitions.json: data, window, ROI definition and method versions (needs --output).")
    var withDefinitions = false

    /// The files this command will write: the output and its sidecar (none for standard output).
    var paths: [String] {
        guard let output, output != "-" else { return [] }
        return withDefinitions ? [output, output + ".definitions.json"] : [output]
    }

    func validate() throws {
        if let output, formatOption == nil {
            let lower = output.lowercased()
            if lower.hasSuffix(".html") || lower.hasSuffix(".htm") {
                throw ValidationError(
                    "--output \(output): an HTML page is what `scorecard report` writes;"
                        + " here, write .csv, .json or a table (--format table)"
                )
            }
            if lower.hasSuffix(".ipynb") {
                throw ValidationError(
                    "--output \(output): a notebook is what `scorecard export notebook` writes;"
                        + " here, write .csv, .json or a table (--format table)"
                )
            }
        }
        if excel && format != .csv {
            let implied = formatOption == nil && output != nil ? " (from --output's extension)" : ""
            throw ValidationError(
                "--excel makes CSV for Excel, but the output is \(format.rawValue)\(implied);"
                    + " use --format csv or an --output ending in .csv")
        }
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
        case .xlsx:
            // An Excel workbook: one sheet per table and a Notes sheet; binary, so never onto a terminal.
            if (output == nil || output == "-") && isatty(1) != 0 {
                throw ValidationError("--format xlsx writes a binary workbook: name it with --output F.xlsx (or redirect standard output)")
            }
            bytes = try XLSXWriter.render(tables)
        case .table:
            let toTerminal = output == nil || output == "-"
            let color = toTerminal && !noColor && PeopleTable.prefersColor()  // a terminal, no NO_COLOR, TERM not dumb
            bytes = Array(tables.map { PeopleTable.render($0, color: color, exact: exact) }.joined(separator: "\n").utf8)
        }
        if let output, output != "-" {
            // Both or neither: both temporary files are created and written before either is
            // renamed into place, so a sidecar that cannot be created (a folder in the way, an
            // input at its path) leaves the main output unwritten too.
            let main = try AtomicFileWriter(path: output)
            var sidecar: (writer: AtomicFileWriter, bytes: [UInt8])?
            if withDefinitions, let definitions {
                sidecar = (
                    try AtomicFileWriter(path: output + ".definitions.json"),
                    definitions.json(engineVersion: ScorecardCommand.configuration.version)
                )
            }
            try main.write(bytes)
            if let sidecar { try sidecar.writer.write(sidecar.bytes) }
            try main.commit()
            try sidecar?.writer.commit()
        } else {
            try AtomicFileWriter.writeToStandardOutput(bytes)
        }
        if format != .table || (output != nil && output != "-") {
            for note in table.notes { printError("note: \(note)") }
        }
    }
}

/// Writes a message to standard error, every byte of it: control characters (a NUL from a
/// UTF-16 file, an ESC) are escaped line by line, so none cuts the message short or reaches
/// the terminal.
func printError(_ message: String, newline: Bool = true) {
    var line = ControlEscaping.escapeLines(message)
    if newline && !line.hasSuffix("\n") { line += "\n" }
    writeToStandardError(line)
}

/// Every byte of `text` to standard error, as it is (retrying on EINTR).
func writeToStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(2, $0.baseAddress! + done, $0.count - done) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        done += n
    }
}

/// Runs a command body, turning our errors into messages and sysexits codes.
func execute(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        guard let code = ExitStatus.report(error) else { throw error }
        throw ExitCode(code)
    }
}
