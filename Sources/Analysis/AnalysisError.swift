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
        /// The scorecard (file `scorecard`, nil when there is none) defines no roi.
        case noROI(scorecard: String?)
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
        /// A driver asked for (`measure`) is not a measure of the data; `hint` follows the list.
        case driverNotInData(hint: String)
        /// A driver asked for (`measure`) is the forecast's target.
        case driverIsTarget
        /// `measure`, one of the pair `leader` → `lagger` asked for, is not in the selected data.
        case pairMeasureNotInData(leader: String, lagger: String, hint: String)
        /// A scenario's change as written (`spec`, e.g. `customer_satisfaction=5%`) cannot be read.
        case scenarioUnreadable(spec: String, ScenarioProblem)
        /// The scenario's teams name `team` twice.
        case scenarioTeamRepeated
        /// The scenario changes `measure`, which is not a measure of the data (`change` as
        /// written, e.g. `+2`); `hint` follows the expected list.
        case scenarioNotAMeasure(change: String, target: String, drivers: [String], hint: String)
        /// The scenario changes `measure`, a measure of the data but not a driver of `target`.
        case scenarioNotADriver(change: String, target: String, drivers: [String])
        /// The scenario's team `team` is not a team of the data; `hint` follows.
        case scenarioTeamNotInData(hint: String)
        /// The change `change` of the logged driver `measure` leaves `team`'s value in `period`
        /// at `value` (from `before`), where its log needs a value above 0.
        case scenarioLeavesLogNonPositive(change: String, period: Period, value: Double, before: Double)
    }

    /// Why a scenario's change as written cannot be read.
    public enum ScenarioProblem: Sendable, Equatable {
        /// No `=` between the measure and its change.
        case noEquals
        /// Nothing before `=`.
        case noMeasure
        /// Nothing after `=`.
        case noChange
        /// `text` ends in `%` without a sign (`5%`): a relative change needs one.
        case percentWithoutSign(String)
        /// `text` is not a number.
        case notANumber(String)
        /// The measure `measure` is changed twice in the scenario.
        case changedTwice(String)
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
