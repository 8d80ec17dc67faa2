import Ingest

/// Data, or a request, that cannot support an analysis: which team or measure, and why.
///
/// Analysis never names a command-line flag: the command line turns each reason into the
/// message for the flag the user typed, with the exit code METHODS.md assigns (see
/// `Sources/scorecard/ExitStatus.swift`).
public struct AnalysisError: Error, Sendable, Equatable {
    /// The reason, with the numbers the command line needs to word its message.
    public enum Why: Sendable, Equatable {
        /// The analysis (e.g. "status") needs a scorecard and the dataset has none.
        case needsScorecard(analysis: String)
        /// The period asked for is not in the data, or of another frequency.
        case periodNotInData(String, frequency: Frequency, first: Period, last: Period)
        /// The team asked for is not in the data; `hint` follows the count (may be empty).
        case teamNotInData(teamCount: Int, hint: String)
        /// The measure selection left out `measure`, which the scorecard's roi needs.
        case roiMeasureNotSelected(returnMeasure: String, costMeasure: String)
        /// A holdout split needs a window of at least two periods.
        case holdoutNeedsTwoPeriods(periods: Int)
        /// The lead-lag's period-effects systems would take more cells than `limit`
        /// (`cells` nil: more than 2^63).
        case periodEffectsTooLarge(
            file: String, cells: Int?, systems: Int, periods: Int, first: Period, last: Period, limit: Int)
        /// No forecast target was asked for and the scorecard has no roi to take it from.
        case noForecastTarget
        /// The forecast's target `measure` is not a measure of the data; `hint` follows the list.
        case targetNotInData(measures: [String], hint: String)
        /// The drivers asked for name `measure` twice.
        case driverRepeated
        /// A backtest of `origins` origins needs more than `origins + 1` periods; the window has `periods`.
        case backtestTooLong(origins: Int, periods: Int)
        /// The log scale was asked for, but `team`'s `measure` is `value` (not above 0) in `period`.
        case logOfNonPositive(file: String, period: Period, value: Double)
        /// The forecast's regression cannot be fitted: `problem` says why, `remedy` what would help.
        case forecastUnfit(file: String, problem: String, remedy: ForecastRemedy)
    }

    /// What would let a forecast that cannot be fitted be fitted (the command line names the
    /// flags that do it).
    public enum ForecastRemedy: Sendable, Equatable {
        /// No season dummies, or a longer history.
        case noSeasonsOrLongerHistory
        /// Drivers that vary within teams: drop the one named, or no team trends.
        case dropDriverOrNoTeamTrends
        /// More history than `lags` lags and horizon `horizon` need, fewer drivers or lags, or
        /// no team trends.
        case moreHistory(lags: Int, horizon: Int)
        /// A longer history, or fewer lags or a shorter horizon.
        case longerHistoryOrFewerLags
    }

    /// The team concerned, when there is one.
    public let team: String?
    /// The measure concerned, when there is one.
    public let measure: String?
    /// What is wrong, with the figures for the message (periods in the data, cell counts, limits).
    public let why: Why

    /// An error about `team` and/or `measure` (both optional) for the given reason.
    public init(team: String? = nil, measure: String? = nil, _ why: Why) {
        self.team = team
        self.measure = measure
        self.why = why
    }
}
