import ArgumentParser
import Ingest

extension Frequency: ExpressibleByArgument {}
extension DateOrder: ExpressibleByArgument {}

/// How to read a measurements file as it comes out of a CRM or spreadsheet: columns by
/// name, periods from dates, numbers as exports print them. The same can be written once in
/// the scorecard's `data:` section; a flag here wins over it.
struct ReadingOptions: ParsableArguments {
    @Option(
        name: .customLong("team-column"),
        help: ArgumentHelp("Header of the team column (default team; matched case-insensitively).", valueName: "name"))
    var teamColumn: String?

    @Option(
        name: .customLong("period-column"), help: ArgumentHelp("Header of the period or date column (default period).", valueName: "name"))
    var periodColumn: String?

    @Option(
        name: .customLong("measure-column"),
        help: ArgumentHelp("Tidy files: header of the measure-name column (default measure).", valueName: "name"))
    var measureColumn: String?

    @Option(
        name: .customLong("value-column"), help: ArgumentHelp("Tidy files: header of the value column (default value).", valueName: "name"))
    var valueColumn: String?

    @Option(
        help: ArgumentHelp(
            "Map every date into a period of this frequency: month, quarter, week, day or year"
                + " (default: as written; one date a month is monthly).",
            valueName: "frequency"))
    var frequency: Frequency?

    @Option(
        name: .customLong("date-order"),
        help: ArgumentHelp("Order in slashed dates: dmy (31/01/2024), mdy (01/31/2024) or ymd.", valueName: "order"))
    var dateOrder: DateOrder?

    @Flag(
        name: .customLong("lenient-numbers"),
        help: "Read numbers as exports write them: $107,581.16, 1 200 EUR, 16.4% (kept as 16.4), (1,234) for -1234.")
    var lenientNumbers = false

    @Flag(
        name: .customLong("decimal-comma"),
        help: "A comma is the decimal mark (1,5); with --lenient-numbers, . and spaces separate thousands.")
    var decimalComma = false

    @Option(help: ArgumentHelp("Excel workbooks (.xlsx): the sheet to read (default: the first).", valueName: "name"))
    var sheet: String?

    var options: ReadOptions {
        ReadOptions(
            teamColumn: teamColumn, periodColumn: periodColumn, measureColumn: measureColumn, valueColumn: valueColumn,
            frequency: frequency, dateOrder: dateOrder, lenientNumbers: lenientNumbers ? true : nil,
            decimalComma: decimalComma ? true : nil,
            sheet: sheet)
    }
}
