/// A selection (the dataset's files; teams, measures, window) that does not fit the data or
/// each other: which team or measure, and why.
///
/// Ingest never names a command-line flag: the command line turns each reason into the
/// message for the flag the user typed (`--from`, `--to`, `status --period`, `--team`,
/// `--measure`), with the exit code METHODS.md assigns (see
/// `Sources/scorecard/ExitStatus.swift`).
public enum SelectionError: Error, Sendable, Equatable {
    /// Which end of the window a period was given for.
    public enum Bound: Sendable, Equatable {
        /// The window's first period.
        case from
        /// The window's last period.
        case to
    }

    /// `text`, given for `bound`, is not a period of the data's frequency.
    case notAPeriodOfTheData(Bound, text: String, frequency: Frequency, first: Period, last: Period)
    /// Both a count of last periods and a first period were given.
    case lastWithFrom
    /// The count of last periods is below 1.
    case lastNotPositive(Int)
    /// The first period (no last one given) is after the data's last period.
    case fromAfterData(Period, first: Period, last: Period)
    /// The last period (no first one given) is before the data's first period.
    case toBeforeData(Period, first: Period, last: Period)
    /// The window's first period is after its last.
    case emptyWindow(from: Period, to: Period)
    /// The window holds none of the data's periods.
    case windowHoldsNoData(from: Period, to: Period, first: Period, last: Period)
    /// The window holds periods of the data, but no values.
    case windowHoldsNoValues(from: Period, to: Period, first: Period, last: Period)
    /// `team` is not one of the data's `teamCount` teams; `hint` follows the count (may be empty).
    case teamNotInData(String, teamCount: Int, hint: String)
    /// `measure` is not one of the data's `measures`; `hint` follows the list (may be empty).
    case measureNotInData(String, measures: [String], hint: String)
    /// Both the dataset argument (`argument`; nil: standard input) and the measurements file
    /// name the measurements.
    case measurementsNamedTwice(argument: String?)
    /// The dataset folder has no scorecard (`candidate`, where it was looked for) and the
    /// analysis needs one.
    case folderHasNoScorecard(candidate: String)
    /// Neither a dataset nor a measurements file was given.
    case noDataset
    /// The analysis needs a scorecard and none was given.
    case needsScorecard
}
