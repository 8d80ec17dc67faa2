import Analysis
import ArgumentParser
import Ingest
import Rendering
import SampleData

/// The exit codes METHODS.md lists (sysexits.h), and the one place an error becomes one.
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74

    /// Prints `error` on standard error and returns its exit code; nil for an error that is
    /// not ours (ArgumentParser's own, which it reports itself).
    static func report(_ error: Error) -> Int32? {
        switch error {
        case let e as InputErrors:
            for error in e.errors { printError("\(error)") }
            if e.errors.count > 1 { printError("\(e.errors.count) problems") }
            return e.exitCode
        case let e as InputError:
            printError("\(e)")
            return e.exitCode
        case let e as AnalysisError:
            let message = e.message
            printError("\(message)")
            return message.exitCode
        case let e as OutputError:
            printError("scorecard: \(e)")
            return e.exitCode
        case let e as GeneratorError:
            printError("scorecard: \(e)")
            switch e.kind {
            case .invalidSpec: return usage
            case .cannotCreate: return cannotCreate
            case .io: return ioError
            }
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
            return InputError(
                .usage, file: "command line", problem: "\(analysis) needs a scorecard",
                expected: "a dataset folder with scorecard.yml, or --scorecard FILE")
        case .periodNotInData(let period, let frequency, let first, let last):
            return InputError(
                .usage, file: "command line", problem: "--period \(period) is not a period of the data",
                expected: "a \(frequency.rawValue) from \(first) to \(last)")
        case .teamNotInData(let teamCount, let hint):
            return InputError(
                .usage, file: "command line", problem: "--team \"\(team ?? "")\" is not a team in the data",
                expected: "one of the \(teamCount) teams\(hint)")
        case .roiMeasureNotSelected(let returnMeasure, let costMeasure):
            return InputError(
                .usage, file: "command line", problem: "the roi measure \"\(measure ?? "")\" is not in the selected data",
                expected: "a --measure selection that keeps \(returnMeasure) and \(costMeasure)")
        case .holdoutNeedsTwoPeriods(let periods):
            return InputError(
                .usage, file: "command line", problem: "--holdout needs a window of at least 2 periods (it has \(periods))",
                expected: "a longer window")
        case .periodEffectsTooLarge(let file, let cells, let systems, let periods, let first, let last, let limit):
            return InputError(
                .limit, file: file,
                problem:
                    "the lead-lag's period effects would take \(cells.map(String.init) ?? "more than 2^63") cells (\(systems) systems of \(periods) × \(periods) periods with data, \(first) to \(last))",
                expected:
                    "at most \(limit) cells (raise the limit with --max-cells, cut the periods with --from/--to/--last, or lower --max-lag)"
            )
        }
    }
}

extension ExitStatus {
    /// An error as one line for a report's list of problems: an `AnalysisError` in the words
    /// of the flags, anything else as it describes itself.
    static func describe(_ error: Error) -> String {
        if let e = error as? AnalysisError { return e.message.description }
        return "\(error)"
    }
}
