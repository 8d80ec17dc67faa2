/// How to read a measurements file that is not in Scorecard's own layout: which columns hold
/// the team, the period and (tidy files) the measure and value; how dates become periods;
/// whether numbers may be written as exports write them (`$107,581.16`, `16.4%`).
///
/// A plain value, so every source (CSV files, standard input, and the database and
/// spreadsheet sources that stream into the same parser) applies the same rules. It comes
/// from the command line (`--team-column` …) and from the scorecard's `data:` section; the
/// command line wins key by key (`merged(over:)`).
public struct ReadOptions: Sendable, Equatable {
    /// Header names (matched exactly, else case-insensitively after trimming, when that is
    /// unambiguous); nil means the default name (`team`, `period`, `measure`, `value`).
    public var teamColumn: String?
    /// The header of the period (or date) column; nil: `period`.
    public var periodColumn: String?
    /// The header of the measure column of a tidy file; nil: `measure` (a wide file has none: one column per measure).
    public var measureColumn: String?
    /// The header of the value column of a tidy file; nil: `value`.
    public var valueColumn: String?
    /// Every period label (or date) is mapped into a period of this frequency; a date that
    /// falls twice into one period is a duplicate key. nil: labels as written, and dates with
    /// at most one a month (or quarter, or year) are detected as that frequency.
    public var frequency: Frequency?
    /// Order of day and month in slashed dates such as `31/01/2024`.
    public var dateOrder: DateOrder?
    /// Currency symbols and codes, thousands separators, a trailing `%`, parentheses for
    /// negatives (`--lenient-numbers`, `data: {numbers: lenient}`).
    public var lenientNumbers: Bool?
    /// `1,5` is one and a half (`--decimal-comma`); with lenient numbers `.` and spaces then
    /// separate thousands.
    public var decimalComma: Bool?
    /// Excel workbooks: the sheet to read (`--sheet`); nil reads the first.
    public var sheet: String?

    /// Options with the keys given; a key left nil is unset, and `merged(over:)` takes it from the other options.
    public init(
        teamColumn: String? = nil, periodColumn: String? = nil, measureColumn: String? = nil, valueColumn: String? = nil,
        frequency: Frequency? = nil, dateOrder: DateOrder? = nil, lenientNumbers: Bool? = nil, decimalComma: Bool? = nil,
        sheet: String? = nil
    ) {
        self.sheet = sheet
        self.teamColumn = teamColumn
        self.periodColumn = periodColumn
        self.measureColumn = measureColumn
        self.valueColumn = valueColumn
        self.frequency = frequency
        self.dateOrder = dateOrder
        self.lenientNumbers = lenientNumbers
        self.decimalComma = decimalComma
    }

    /// These options, with every option `self` leaves unset taken from `base` (the scorecard's).
    public func merged(over base: ReadOptions) -> ReadOptions {
        ReadOptions(
            teamColumn: teamColumn ?? base.teamColumn, periodColumn: periodColumn ?? base.periodColumn,
            measureColumn: measureColumn ?? base.measureColumn, valueColumn: valueColumn ?? base.valueColumn,
            frequency: frequency ?? base.frequency, dateOrder: dateOrder ?? base.dateOrder,
            lenientNumbers: lenientNumbers ?? base.lenientNumbers, decimalComma: decimalComma ?? base.decimalComma,
            sheet: sheet ?? base.sheet)
    }

    var lenient: Bool { lenientNumbers ?? false }
    var comma: Bool { decimalComma ?? false }

    /// True when values and periods are read exactly as METHODS.md writes them (the reader's
    /// fast path); column names only move columns.
    var strictValues: Bool { !lenient && !comma && frequency == nil && dateOrder == nil }
}

/// Order of the day and month in a slashed date (`--date-order`).
public enum DateOrder: String, Sendable, CaseIterable {
    /// `2024/01/31` (the default for dates that start with the year).
    case ymd
    /// `31/01/2024`.
    case dmy
    /// `01/31/2024`.
    case mdy
}
