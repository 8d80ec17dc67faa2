import ArgumentParser
import Ingest
import Rendering

/// `--if-exists` as the command line spells it.
enum IfExistsOption: String, ExpressibleByArgument, CaseIterable {
    case fail, replace, append
    var value: IfExists { IfExists(rawValue: rawValue)! }
}

extension OutputOptions {
    /// Whether `--output` names a database table rather than a file.
    var isDatabase: Bool { output.map { PostgresLocation.isURL($0) || SQLiteLocation.isURL($0) } ?? false }

    /// Writes the table to the database `--output` names; false when it names a file.
    func emitToDatabase(_ table: ResultTable, definitions: Definitions?) throws -> Bool {
        guard let output, isDatabase else {
            if ifExists != .fail {
                throw ValidationError("--if-exists applies to a database --output (postgres://…?table=T or sqlite:path.db?table=T)")
            }
            return false
        }
        if withDefinitions {
            throw ValidationError(
                "--with-definitions writes a file beside a file output; a database output records the same in scorecard_runs")
        }
        guard let definitions else {
            throw ValidationError("this output has no machine form to write to a database")
        }
        let run = DatabaseRun(definitions: definitions, engineVersion: ScorecardCommand.configuration.version)
        if SQLiteLocation.isURL(output) {
            try SQLiteWriter.write(table, to: SQLiteLocation(parsing: output, tableRequired: true), ifExists: ifExists.value, run: run)
        } else {
            try PostgresWriter.write(table, to: PostgresLocation(parsing: output, tableRequired: true), ifExists: ifExists.value, run: run)
        }
        for note in table.notes { printError("note: \(note)") }
        return true
    }
}
