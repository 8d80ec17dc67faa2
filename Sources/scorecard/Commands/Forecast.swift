import Analysis
import ArgumentParser
import Ingest
import Rendering

struct Forecast: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forecast a financial measure from its own lags and leading drivers, with prediction intervals and a backtest.",
        discussion: """
            Direct multi-horizon pooled ARX (METHODS.md, Forecast): for each horizon h, \
            z[t+h] ~ team + team trend + season + z[t..t-p+1] + driver[t..t-p+1], z the log of the \
            target when its variability grows with team size (--transform), team trends where they \
            forecast better (--team-trends), intervals calibrated on the errors of the 6 earlier \
            origins (--calibration). Every team forecasts from the last period. The people's table \
            adds the organisation figure (total or mean, by the target's aggregation) with its \
            interval. --backtest B refits at each of the last B origins and compares MAPE, MASE \
            and coverage with the naive and seasonal naive forecasts. \
            Defaults: target = the scorecard's roi return measure; drivers = the measures linked \
            directly into it; --horizon 3, --lags 2.
            """)

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup(title: "Forecast model") var model: ForecastModelOptions

    @Option(help: "Backtest over this many rolling origins instead of forecasting.")
    var backtest: Int?

    @Flag(
        name: .customLong("with-total"),
        help: "Add the organisation figure (total or mean, by the target's aggregation) as a (total) row in CSV/JSON.")
    var withTotal = false

    @Flag(name: .customLong("driver-report"), help: "Print the coefficients and each driver's partial F-test.")
    var driverReport = false

    @Option(
        help: ArgumentHelp(
            "What if a driver were different at the origin: MEASURE=+N or =-N (add), =+N% or =-N% (relative), =N (set);"
                + " repeat for several drivers. Prints baseline, scenario and difference with its interval.",
            valueName: "measure=change"))
    var scenario: [String] = []

    @Option(
        name: .customLong("scenario-team"),
        help: ArgumentHelp(
            "Change the drivers of this team only (repeatable; default every team)."
                + " The fit is the same: unlike --team, it does not cut the panel.",
            valueName: "name"))
    var scenarioTeams: [String] = []

    func validate() throws {
        if let backtest, backtest < 1 || backtest > 1000 { throw ValidationError("--backtest \(backtest): expected 1 to 1000 origins") }
        if !scenarioTeams.isEmpty && scenario.isEmpty { throw ValidationError("--scenario-team needs a --scenario (MEASURE=+N, =-N%, =N)") }
        if !scenario.isEmpty && backtest != nil {
            throw ValidationError("--scenario changes the forecast from the last period; it cannot be combined with --backtest")
        }
        if !scenario.isEmpty && driverReport {
            throw ValidationError("--scenario cannot be combined with --driver-report (the coefficients do not depend on it)")
        }
    }

    func run() throws {
        try execute {
            let data = try dataset.load(writing: output.paths).selecting(selection.selection)
            var options = model.analysisOptions(backtest: backtest ?? 0)
            if !scenario.isEmpty {
                options.scenario = try ForecastScenario.parse(scenario, teams: scenarioTeams.isEmpty ? nil : scenarioTeams)
            }
            let result = try ForecastAnalysis.run(data, options: options)
            let definitions = Definitions(
                analysis: "forecast", dataset: data,
                parameters: [
                    ("target", result.target), ("drivers", result.drivers.joined(separator: ", ")), ("horizon", String(model.horizon)),
                    ("lags", String(model.lags)), ("confidence", String(model.confidence)),
                    ("backtest", backtest.map(String.init) ?? "none"),
                    ("transform", "\(model.transform.rawValue) (\(result.transform))"), ("seasonal", model.seasonal.rawValue),
                    ("team-trends", model.teamTrends.rawValue), ("calibration", model.calibration.rawValue),
                ]
                    + (scenario.isEmpty
                        ? []
                        : [
                            ("scenario", scenario.joined(separator: " ")),
                            ("scenario-team", scenarioTeams.isEmpty ? "all" : scenarioTeams.joined(separator: ", ")),
                        ]))
            if backtest != nil {
                try output.emit(ResultTable(backtest: result), definitions: definitions)
            } else if !scenario.isEmpty {
                try output.emit(
                    ResultTable(
                        scenario: result, withTotal: withTotal || (output.format == .table && !output.isDatabase),
                        measures: data.scorecard?.measures ?? []), definitions: definitions)
            } else if driverReport {
                try output.emit(ResultTable(drivers: result), definitions: definitions)
            } else {
                try output.emit(
                    ResultTable(
                        forecast: result, withTotal: withTotal || (output.format == .table && !output.isDatabase),
                        measures: data.scorecard?.measures ?? []), definitions: definitions)
            }
        }
    }
}
