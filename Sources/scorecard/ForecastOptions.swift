import Analysis
import ArgumentParser

/// The forecast model's options (METHODS.md "Forecast"), declared once for every command that
/// forecasts with them: `forecast` and `export notebook --analysis forecast`, so the notebook
/// reproduces the forecast with the same flags, values and checks (`--backtest` differs by command
/// and stays with each).
struct ForecastModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Measure to forecast (default: the scorecard's roi return).", valueName: "measure"))
    var target: String?

    @Option(help: ArgumentHelp("Comma-separated drivers (default: measures linked into the target).", valueName: "a,b"))
    var drivers: String?

    @OptionGroup var horizonOption: HorizonOption
    var horizon: Int { horizonOption.horizon }

    @Option(help: "Forecast: lags of the target and of each driver.")
    var lags: Int = 2
    static let lagsRange = 1...60

    @Option(help: "Prediction interval level.")
    var confidence: Double = 0.95

    @Option(help: ArgumentHelp("Model scale: auto (log when variability grows with team size), log or none.", valueName: "auto|log|none"))
    var transform: ForecastAnalysis.Transform = .auto

    @Option(
        help: ArgumentHelp("Season dummies by frequency (month, quarter, week's month, weekday): auto or none.", valueName: "auto|none"))
    var seasonal: ForecastAnalysis.Seasonal = .auto

    @Option(
        name: .customLong("team-trends"),
        help: ArgumentHelp(
            "A trend per team: auto (kept where it forecasts better over the calibration window), on or off.", valueName: "auto|on|off"))
    var teamTrends: ForecastAnalysis.TeamTrends = .auto

    @Option(
        help: ArgumentHelp(
            "Interval multiplier: auto (split-conformal on the errors of the 6 earlier origins) or none (Student t).",
            valueName: "auto|none"))
    var calibration: ForecastAnalysis.Calibration = .auto

    /// `--drivers` as a list (nil: the default drivers).
    var driverList: [String]? { drivers.map { $0.split(separator: ",", omittingEmptySubsequences: true).map(String.init) } }

    /// The analysis options these flags ask for, with `backtest` origins (0: forecast only).
    func analysisOptions(backtest: Int) -> ForecastAnalysis.Options {
        .init(
            target: target, drivers: driverList, horizon: horizon, lags: lags, confidence: confidence, backtest: backtest,
            transform: transform, seasonal: seasonal, teamTrends: teamTrends, calibration: calibration)
    }

    func validate() throws {
        try checkRange("--lags", lags, Self.lagsRange)
        if !(confidence > 0 && confidence < 1) {
            throw ValidationError("--confidence \(confidence): expected a level between 0 and 1, e.g. 0.95")
        }
        // The interval's quantile is at 1 − α/2: when that rounds to 1 in double precision the
        // bounds are infinite, so the level is refused rather than printed with empty bounds (issue #16).
        if !(1 - (1 - confidence) / 2 < 1) {
            throw ValidationError(
                "--confidence \(confidence): too close to 1 for a bounded interval (1 − α/2 rounds to 1 in double precision);"
                    + " expected at most 0.9999999999999998"
            )
        }
    }
}

extension ForecastAnalysis.Transform: ExpressibleByArgument {}
extension ForecastAnalysis.Seasonal: ExpressibleByArgument {}
extension ForecastAnalysis.TeamTrends: ExpressibleByArgument {}
extension ForecastAnalysis.Calibration: ExpressibleByArgument {}
