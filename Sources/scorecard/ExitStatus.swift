import Analysis
import ArgumentParser
import Ingest
import Rendering
import SampleData

/// The exit codes METHODS.md lists (sysexits.h), the whole table in one place: every error
/// type says which kind of failure it is, and only this file turns kinds into numbers.
///
/// - 0 done (notes allowed);
/// - 64 usage, a flag or request that does not fit: ArgumentParser's `ValidationError` (its own
///   code, the same number), `InputError.Kind.usage`, `SelectionError`, `AnalysisError` (through
///   the message it becomes), `GeneratorError.Kind.invalidSpec`;
/// - 65 bad data, or a limit exceeded: `InputError.Kind.badData` and `.limit`;
/// - 66 an input missing: `InputError.Kind.missingInput`;
/// - 73 an output that cannot be created: `OutputError.Kind.cannotCreate`, `GeneratorError.Kind.cannotCreate`;
/// - 74 other I/O: `InputError.Kind.inputOutput`, `OutputError.Kind.inputOutput`, `GeneratorError.Kind.io`.
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74

    static func code(_ kind: InputError.Kind) -> Int32 {
        switch kind {
        case .usage: usage
        case .badData, .limit: dataError
        case .missingInput: noInput
        case .inputOutput: ioError
        }
    }

    static func code(_ kind: OutputError.Kind) -> Int32 {
        switch kind {
        case .cannotCreate: cannotCreate
        case .inputOutput: ioError
        }
    }

    static func code(_ kind: GeneratorError.Kind) -> Int32 {
        switch kind {
        case .invalidSpec: usage
        case .cannotCreate: cannotCreate
        case .io: ioError
        }
    }

    /// Several input problems: the most severe code among them (65 when there are none).
    static func code(_ errors: InputErrors) -> Int32 { errors.errors.map { code($0.kind) }.max() ?? dataError }

    /// Prints `error` on standard error and returns its exit code; nil for an error that is
    /// not ours (ArgumentParser's own, which it reports itself).
    static func report(_ error: Error) -> Int32? {
        switch error {
        case let e as InputErrors:
            for error in e.errors { printError("\(error)") }
            if e.errors.count > 1 { printError("\(e.errors.count) problems") }
            return code(e)
        case let e as InputError:
            printError("\(e)")
            return code(e.kind)
        case let e as AnalysisError:
            return report(e.message)
        case let e as SelectionError:
            return report(e.message())
        case let e as OutputError:
            printError("scorecard: \(e)")
            return code(e.kind)
        case let e as GeneratorError:
            printError("scorecard: \(e)")
            return code(e.kind)
        default:
            return nil
        }
    }
}

extension AnalysisError {
    /// The message for the flag the user typed (Analysis names none).
    var message: InputError {
        switch why {
        case .needsScorecard(let analysis):
            return usage("\(analysis) needs a scorecard", "a dataset folder with scorecard.yml, or --scorecard FILE")
        case .periodNotInData(let period, let frequency, let first, let last):
            return usage("--period \(period) is not a period of the data", "a \(frequency.rawValue) from \(first) to \(last)")
        case .teamNotInData(let teamCount, let hint):
            return SelectionError.teamNotInData(team ?? "", teamCount: teamCount, hint: hint).message()
        case .noROI(let scorecard):
            return InputError(
                .usage, file: scorecard ?? "command line", problem: "the scorecard defines no roi",
                expected: "roi: {return: <measure>, cost: <measure>} in scorecard.yml")
        case .roiMeasureNotSelected(let returnMeasure, let costMeasure):
            return usage(
                "the roi measure \"\(measure ?? "")\" is not in the selected data",
                "a --measure selection that keeps \(returnMeasure) and \(costMeasure)")
        case .holdoutNeedsTwoPeriods(let periods):
            return usage("--holdout needs a window of at least 2 periods (it has \(periods))", "a longer window")
        case .periodEffectsTooLarge(let file, let cells, let systems, let periods, let first, let last, let limit):
            return InputError(
                .limit, file: file,
                problem: "the lead-lag's period effects would take \(cells.map(String.init) ?? "more than 2^63") cells"
                    + " (\(systems) systems of \(periods) × \(periods) periods with data, \(first) to \(last))",
                expected: "at most \(limit) cells (raise the limit with --max-cells, cut the periods with --from/--to/--last,"
                    + " or lower --max-lag)")
        case .noForecastTarget:
            return usage("no target measure", "--target MEASURE, or an roi in the scorecard")
        case .targetNotInData(let measures, let hint):
            return usage("--target \"\(measure ?? "")\" is not a measure of the data", "one of \(measures.joined(separator: ", "))\(hint)")
        case .driverRepeated:
            return usage("--drivers names \"\(measure ?? "")\" twice", "each driver once")
        case .backtestTooLong(let origins, let periods):
            return usage(
                "--backtest \(origins) needs more than \(origins + 1) periods (the window has \(periods))",
                "fewer origins or a longer window")
        case .logOfNonPositive(let file, let period, let value):
            return InputError(
                file: file,
                problem: "--transform log: team \"\(team ?? "")\", period \(period), measure \"\(measure ?? "")\" is \(value);"
                    + " the log needs values > 0",
                expected: "--transform none or auto for data with zero or negative values")
        case .forecastUnfit(let file, let problem, let remedy):
            let expected =
                switch remedy {
                case .noSeasonsOrLongerHistory: "--seasonal none, or a longer history"
                case .dropDriverOrNoTeamTrends: "drivers that vary within teams; drop it with --drivers, or --team-trends off"
                case .moreHistory(let lags, let horizon):
                    "more history than --lags \(lags) and --horizon \(horizon) need, or fewer drivers or lags, or --team-trends off"
                case .longerHistoryOrFewerLags: "a longer history, or smaller --lags/--horizon"
                }
            return InputError(file: file, problem: problem, expected: expected)
        case .driverNotInData(let hint):
            return usage("driver \"\(measure ?? "")\" is not a measure of the data", "measures of the data\(hint)")
        case .driverIsTarget:
            return usage(
                "driver \"\(measure ?? "")\" is the target", "drivers other than the target (its own lags are always in the model)")
        case .pairMeasureNotInData(let leader, let lagger, let hint):
            return usage(
                "measure \"\(measure ?? "")\" of the pair \(leader) → \(lagger) is not in the selected data", "measures of the data\(hint)")
        case .scenarioUnreadable(let spec, let problem):
            let form = "MEASURE=+N or =-N (add), =+N% or =-N% (a relative change), or =N (set), e.g. customer_satisfaction=+2"
            let (what, expected) =
                switch problem {
                case .noEquals: ("no \"=\" between the measure and its change", form)
                case .noMeasure: ("no measure before \"=\"", form)
                case .noChange: ("no change after \"=\"", form)
                case .percentWithoutSign(let text):
                    ("\"\(text)\" is a percentage without a sign", "=+N% or =-N% for a relative change (=N sets the value)")
                case .notANumber(let text): ("\"\(text)\" is not a number", form)
                case .changedTwice(let measure): ("\"\(measure)\" is changed twice", "each driver once in the scenario")
                }
            return usage("--scenario \"\(spec)\": \(what)", expected)
        case .scenarioTeamRepeated:
            return usage("--scenario-team names \"\(team ?? "")\" twice", "each team once")
        case .scenarioNotAMeasure(let change, let target, let drivers, let hint):
            return usage(
                "--scenario \"\(measure ?? "")=\(change)\": \"\(measure ?? "")\" is not a measure of the data",
                "a driver of \"\(target)\" (\(Self.driverList(drivers)))\(hint)")
        case .scenarioNotADriver(let change, let target, let drivers):
            let m = measure ?? ""
            return usage(
                "--scenario \"\(m)=\(change)\": "
                    + (m == target
                        ? "\"\(target)\" is the target, not a driver"
                        : "\"\(m)\" is not a driver of \"\(target)\" (\(Self.driverList(drivers)))"),
                "a driver of the forecast; add it with --drivers")
        case .scenarioTeamNotInData(let hint):
            return usage("--scenario-team \"\(team ?? "")\" is not a team of the data", "a team of the data\(hint)")
        case .scenarioLeavesLogNonPositive(let change, let period, let value, let before):
            let m = measure ?? ""
            return usage(
                "--scenario \"\(m)=\(change)\": team \"\(team ?? "")\", period \(period), measure \"\(m)\" would be \(value) "
                    + "(from \(before)); the model takes its log (its values are all > 0), which needs a value > 0",
                "a change that leaves it above 0 for every team of the scenario, or --transform none")
        }
    }

    /// `the model has none` or `its drivers are a, b`, for the scenario's messages.
    private static func driverList(_ drivers: [String]) -> String {
        drivers.isEmpty ? "the model has none" : "its drivers are \(drivers.joined(separator: ", "))"
    }
}

extension SelectionError {
    /// The message for the flags the user typed: `--data`, `--scorecard`, `--from`, `--to`
    /// (`toFlag`: `status --period` is the window's last period), `--last`, `--team`, `--measure`
    /// (Ingest names none).
    func message(toFlag: String = "--to") -> InputError {
        switch self {
        case .notAPeriodOfTheData(let bound, let text, let frequency, let first, let last):
            return usage(
                "\(bound == .from ? "--from" : toFlag) \(text) is not a \(frequency.rawValue)",
                "a period like the data's, e.g. \(frequency.example) (the data runs \(first) to \(last))")
        case .lastWithFrom:
            return usage("--last with --from", "--last N (optionally with --to), or --from/--to")
        case .lastNotPositive(let count):
            return usage("--last \(count)", "a whole number of periods, 1 or more")
        case .fromAfterData(let from, let first, let last):
            return usage(
                "--from \(from) is after the data's last period, \(last)",
                "a window that overlaps the data's periods, \(first) to \(last)")
        case .toBeforeData(let to, let first, let last):
            return usage(
                "\(toFlag) \(to) is before the data's first period, \(first)",
                "a window that overlaps the data's periods, \(first) to \(last)")
        case .emptyWindow(let from, let to):
            return usage("the window \(from) to \(to) is empty", "--from at or before --to")
        case .windowHoldsNoData(let from, let to, let first, let last):
            return usage("the window \(from) to \(to) holds no data", "a window that overlaps the data's periods, \(first) to \(last)")
        case .windowHoldsNoValues(let from, let to, let first, let last):
            return usage("the window \(from) to \(to) holds no values", "a window with data (the data runs \(first) to \(last))")
        case .teamNotInData(let team, let teamCount, let hint):
            return usage("--team \"\(team)\" is not a team in the data", "one of the \(teamCount) teams\(hint)")
        case .measureNotInData(let measure, let measures, let hint):
            return usage("--measure \"\(measure)\" is not a measure in the data", "one of \(measures.joined(separator: ", "))\(hint)")
        case .measurementsNamedTwice(nil):
            return usage("both - and --data name the measurements", "one of them")
        case .measurementsNamedTwice(let argument?):
            return InputError(
                .usage, file: argument, problem: "both a dataset argument and --data name the measurements", expected: "one of them")
        case .folderHasNoScorecard(let candidate):
            return InputError(
                .missingInput, file: candidate, problem: "the dataset folder has no scorecard.yml",
                expected: "scorecard.yml beside measurements.csv, or --scorecard FILE")
        case .noDataset:
            return usage("no dataset given", "a dataset folder (scorecard trend datasets/b2b-73) or --data FILE [--scorecard FILE]")
        case .needsScorecard:
            return usage("this analysis needs a scorecard", "a dataset folder with scorecard.yml, or --scorecard FILE")
        }
    }
}

extension ExitStatus {
    /// An error as one line for a report's list of problems: an `AnalysisError` in the words
    /// of the flags, anything else as it describes itself.
    static func describe(_ error: Error) -> String {
        if let e = error as? AnalysisError { return e.message.description }
        if let e = error as? SelectionError { return e.message().description }
        return "\(error)"
    }
}

/// A request on the command line that does not fit: `command line: problem; expected …` (exit 64).
private func usage(_ problem: String, _ expected: String) -> InputError {
    InputError(.usage, file: "command line", problem: problem, expected: expected)
}
