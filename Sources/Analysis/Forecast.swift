import Distributions
import Foundation
import Ingest
import LinearAlgebra

/// Financial measures forecast from their own lags and leading drivers (METHODS.md,
/// Forecast): direct multi-horizon pooled ARX on a scale the data choose, with team effects,
/// team trends kept where they forecast better, season dummies, intervals calibrated on a
/// window of earlier origins, and the organisation figure by the target's aggregation.
/// The machinery is `ForecastEngine`; team effects and trends are taken out within each
/// team (`TeamTrendFit`), never as dummy columns.
public struct ForecastResult: Sendable {
    /// One team's forecast at one horizon, with its prediction interval, in the target's unit.
    public struct Row: Sendable, Equatable {
        /// The team's name.
        public let team: String
        /// The target period, origin + horizon.
        public let period: Period
        /// Periods ahead of the origin (1 ... H).
        public let horizon: Int
        /// The point forecast: ẑ on the level scale, the mean exp(ẑ + v/2) on the log scale.
        public let forecast: Double
        /// Lower end of the prediction interval (exp of the model-scale bound on the log scale).
        public let lower: Double
        /// Upper end of the prediction interval.
        public let upper: Double
    }

    /// The organisation figure: the total (`sum` targets) or the mean over teams (`mean`, `last`).
    public struct Total: Sendable, Equatable {
        /// Periods ahead of the origin.
        public let horizon: Int
        /// The target period, origin + horizon.
        public let period: Period
        /// The teams with a forecast at this horizon, which the figure covers.
        public let teams: Int
        /// T: the sum (or mean) of the teams' point forecasts.
        public let forecast: Double
        /// T − t(1 − α/2, df)·√(κ²V), df from `HorizonModel.totalDF`.
        public let lower: Double
        /// T + t(1 − α/2, df)·√(κ²V).
        public let upper: Double
    }

    /// One lag coefficient of the fit at a horizon (team effects, trends and seasons absorbed).
    public struct Coefficient: Sendable, Equatable {
        /// The fit's horizon.
        public let horizon: Int
        /// `<measure>_lag<k>`: the measure (logged on the log scale) k periods before the origin.
        public let term: String
        /// The OLS estimate on the model scale (logs where the target or the measure is logged).
        public let estimate: Double
        /// Its standard error.
        public let standardError: Double
    }

    /// Partial F-test of dropping all lags of one driver.
    public struct DriverTest: Sendable, Equatable {
        /// The fit's horizon.
        public let horizon: Int
        /// The driver whose lags are dropped.
        public let driver: String
        /// The F statistic (nil when the restricted model cannot be fitted).
        public var f: Double?
        /// P(F > f) under the null that the driver adds nothing.
        public var pValue: Double?
        /// The number of lags dropped (p).
        public let numeratorDF: Int
        /// The unrestricted fit's residual degrees of freedom.
        public let denominatorDF: Int
    }

    /// One model's backtest scores at one horizon, pooled over the origins.
    public struct BacktestRow: Sendable, Equatable {
        /// `arx`, `naive`, `snaive` or `total`.
        public let model: String
        /// Periods ahead of each origin.
        public let horizon: Int
        /// The rows scored (teams × origins; origins for `total`).
        public let n: Int
        /// Mean absolute percentage error over the rows whose actual is not 0.
        public let mape: Double?
        /// Mean absolute error scaled by each team's own mean one-step change up to the origin.
        public let mase: Double?
        /// Share of actuals inside the interval (`arx`, `total`).
        public let coverage: Double?
    }

    /// Why the target is on the scale it is (`transform`).
    public enum ScaleReason: Sendable, Equatable {
        /// The scale was asked for (`ForecastAnalysis.Transform.log` or `.none`).
        case asked
        /// Levels: `team` has `value` (not above 0) in `period`, and the log needs values > 0.
        case nonPositive(team: String, value: Double, period: Period)
        /// Levels: fewer than 5 teams with 3 changes to tell whether variability grows with team size.
        case tooFewTeams
        /// The elasticity test over `teams` teams: the log scale when the elasticity b >= 0.5.
        case elasticity(Double, teams: Int)
    }

    /// What was decided at a horizon of the forecast, and why.
    public struct HorizonModel: Sendable, Equatable {
        /// The horizon decided.
        public let horizon: Int
        /// Whether team trends are in the model.
        public let trends: Bool
        /// Why (or why not), in words.
        public let trendReason: String
        /// The interval's multiplier on the model scale, and whether it is the window's
        /// split-conformal quantile (else t(1 − α/2, df)).
        public let q: Double
        /// Whether q is the split-conformal quantile of the window's standardised errors.
        public let calibrated: Bool
        /// Standardised errors in the calibration window (of the trend setting chosen).
        public let windowRows: Int
        /// The fit's residual degrees of freedom.
        public let df: Double
        /// The residuals' mean cross-team correlation ρ, clamped to [0, 1].
        public let rho: Double
        /// The organisation figure's calibration multiplier κ² (>= 1; 1 without calibration).
        public let kappa2: Double
        /// The window origins behind κ² (0 when κ² was not calibrated).
        public let kappaOrigins: Int
        /// The degrees of freedom of the organisation figure's t multiplier (`ForecastAnalysis.organisationDF`).
        public var totalDF: Double { ForecastAnalysis.organisationDF(kappa2: kappa2, kappaOrigins: kappaOrigins, fitDF: df) }
    }

    /// The measure forecast.
    public let target: String
    /// The drivers whose lags are regressors.
    public let drivers: [String]
    /// Whether the drivers were asked for (`Options.drivers`), else taken from the scorecard's links.
    public let driversAsked: Bool
    /// p: the lags of the target and of each driver.
    public let lags: Int
    /// H: the longest horizon.
    public let horizon: Int
    /// The intervals' level (1 − α).
    public let confidence: Double
    /// `log` or `none`.
    public let transform: String
    /// Why that scale (Rendering words it).
    public let scaleReason: ScaleReason
    /// The scale elasticity b of `--transform auto` (nil when not computed).
    public var elasticity: Double? {
        if case .elasticity(let b, _) = scaleReason { b } else { nil }
    }
    /// Whether season dummies were used, and of what (`month of year` ...).
    public let seasonal: String?
    /// How teams combine into the organisation figure.
    public let aggregation: Aggregation
    /// What was decided at each horizon.
    public let models: [HorizonModel]
    /// The team forecasts, by team then horizon.
    public let rows: [Row]
    /// The organisation figure per horizon.
    public let totals: [Total]
    /// The lag coefficients per horizon.
    public let coefficients: [Coefficient]
    /// Each driver's partial F-test per horizon.
    public let driverTests: [DriverTest]
    /// `--backtest`: the scores of `arx`, `naive`, `snaive` and `total` per horizon.
    public let backtest: [BacktestRow]
    /// The backtest's origins.
    public let backtestOrigins: [Period]
    /// Teams left out and why, the scale's and season's caveats.
    public let notes: [AnalysisNote]
    /// `--scenario`: baseline, scenario and difference per team and for the organisation figure.
    public var scenario: ScenarioOutcome? = nil
}

/// `scorecard forecast`: the model of METHODS.md "Forecast" on a dataset (`run`).
public enum ForecastAnalysis {
    /// `--transform`: the scale of the target (auto: the elasticity test).
    public enum Transform: String, Sendable, CaseIterable { case auto, log, none }
    /// `--seasonal`: season dummies by the data's frequency, or none.
    public enum Seasonal: String, Sendable, CaseIterable { case auto, none }
    /// `--team-trends`: team trends where they forecast better (auto), always, or never.
    public enum TeamTrends: String, Sendable, CaseIterable { case auto, on, off }
    /// `--calibration`: the interval's q and κ² from the window of earlier origins (auto), or Student t.
    public enum Calibration: String, Sendable, CaseIterable { case auto, none }

    /// What to forecast, how, and how far.
    public struct Options: Sendable {
        /// The measure forecast (nil: the scorecard's roi return).
        public var target: String?
        /// The drivers (nil: the measures linked directly into the target).
        public var drivers: [String]?
        /// H: forecast 1 ... H periods ahead.
        public var horizon = 3
        /// p: lags of the target and of each driver.
        public var lags = 2
        /// The intervals' level (1 − α).
        public var confidence = 0.95
        /// Backtest origins (0: forecast only).
        public var backtest = 0
        /// The target's scale.
        public var transform = Transform.auto
        /// Season dummies or none.
        public var seasonal = Seasonal.auto
        /// Team trends: chosen, always or never.
        public var teamTrends = TeamTrends.auto
        /// Calibrated or Student t intervals.
        public var calibration = Calibration.auto
        /// Calibration-window origins (METHODS.md's K).
        public var window = 6
        /// A what-if on the drivers at the origin (forecast only, not the backtest).
        public var scenario: ForecastScenario?
        /// Options with METHODS.md's defaults for whatever is not given.
        public init(
            target: String? = nil, drivers: [String]? = nil, horizon: Int = 3, lags: Int = 2, confidence: Double = 0.95, backtest: Int = 0,
            transform: Transform = .auto, seasonal: Seasonal = .auto, teamTrends: TeamTrends = .auto, calibration: Calibration = .auto
        ) {
            self.target = target
            self.drivers = drivers
            self.horizon = horizon
            self.lags = lags
            self.confidence = confidence
            self.backtest = backtest
            self.transform = transform
            self.seasonal = seasonal
            self.teamTrends = teamTrends
            self.calibration = calibration
        }
    }

    /// - Throws: `AnalysisError` when there is no target, the target is unknown, a driver is
    ///   unknown, repeated or the target, the backtest is too long, the log scale meets a value
    ///   <= 0, no team has the history the lags and horizon need, the design is rank-deficient
    ///   (e.g. a constant driver), or a scenario's change does not fit the model.
    public static func run(_ dataset: Dataset, options o: Options) throws -> ForecastResult {
        let panel = dataset.panel
        let file = dataset.location.measurements
        guard let target = o.target ?? dataset.scorecard?.roi?.returnMeasure else {
            throw AnalysisError(.noForecastTarget)
        }
        guard let y = panel.measureIndex(target) else {
            throw AnalysisError(
                measure: target, .targetNotInData(measures: panel.measures, hint: Dataset.suggestion(target, among: panel.measures)))
        }
        var drivers: [String] = []
        for d in o.drivers ?? (dataset.scorecard?.links ?? []).filter({ $0.to == target && $0.from != target }).map(\.from) {
            if drivers.contains(d) {
                guard o.drivers == nil else {
                    throw AnalysisError(measure: d, .driverRepeated)
                }
                continue
            }
            drivers.append(d)
        }
        var driverIndices: [Int] = []
        for d in drivers {
            guard let i = panel.measureIndex(d) else {
                throw AnalysisError(measure: d, .driverNotInData(hint: Dataset.suggestion(d, among: panel.measures)))
            }
            if i == y { throw AnalysisError(measure: d, .driverIsTarget) }
            driverIndices.append(i)
        }
        if o.backtest > 0 && panel.periodCount - 1 - o.backtest < 1 {
            throw AnalysisError(.backtestTooLong(origins: o.backtest, periods: panel.periodCount))
        }
        let names = [target] + drivers
        let p = o.lags
        let last = panel.periodCount - 1
        let alpha = 1 - o.confidence
        let aggregation = MeasureInfo(target, scorecard: dataset.scorecard).aggregation
        var notes: [AnalysisNote] = []
        let engine = ForecastEngine(panel: panel, target: y, drivers: driverIndices, names: names, lags: p, seasonal: o.seasonal == .auto)
        let fy = engine.factor[0]

        // Scale at an origin: METHODS.md's elasticity test, or as asked.
        func decideScale(_ at: Int) -> (logTarget: Bool, reason: ForecastResult.ScaleReason) {
            switch o.transform {
            case .log: return (true, .asked)
            case .none: return (false, .asked)
            case .auto:
                if let (i, t) = engine.firstNonPositive(y, upTo: at) {
                    return (false, .nonPositive(team: panel.teams[i], value: panel[i, y, t], period: panel.period(at: t)))
                }
                guard let (b, n) = engine.elasticity(upTo: at) else { return (false, .tooFewTeams) }
                return (b >= 0.5, .elasticity(b, teams: n))
            }
        }
        if o.transform == .log, let (i, t) = engine.firstNonPositive(y, upTo: last) {
            throw AnalysisError(
                team: panel.teams[i], measure: target, .logOfNonPositive(file: file, period: panel.period(at: t), value: panel[i, y, t]))
        }

        // The calibration window of origin `at`, horizon h (METHODS.md).
        struct Window {
            var trends: Bool
            var reason: String
            var q: Double?
            var rows: Int
            var kappa2: Double
            var kappaOrigins: Int
        }
        var windows: [String: Window] = [:]
        func window(_ scale: ForecastEngine.Scale, _ at: Int, _ h: Int) -> Window {
            let memo = "\(scale.logs)|\(at)|\(h)"
            if let w = windows[memo] { return w }
            let origins = at - h < 0 ? [] : Array(Swift.max(0, at - h - o.window + 1)...(at - h))
            struct Tally {
                var std: [Double] = []
                var scaled: [Double] = []
                var ratios: [Double] = []
            }
            func tally(_ trends: Bool) -> Tally {
                var t = Tally()
                for c in origins {
                    guard let f = engine.fit(.init(scale: scale, cutoff: c, horizon: h, trends: trends)) else { continue }
                    let preds = engine.predict(f, origin: c, teams: (0..<panel.teamCount).filter { engine.target(scale, $0, c + h) != nil })
                    guard !preds.isEmpty else { continue }
                    var actual = 0.0
                    for pr in preds {
                        let z = engine.target(scale, pr.team, c + h)!
                        t.std.append(abs(z - pr.z) / pr.v.squareRoot())
                        let level = panel[pr.team, y, c + h] / fy
                        actual += level
                        if let s = engine.mase(team: pr.team, upTo: c) {
                            t.scaled.append(abs(level - engine.level(scale, z: pr.z, v: pr.v)) / s)
                        }
                    }
                    if aggregation != .sum { actual /= Double(preds.count) }
                    if let (total, sd) = engine.organisation(f, preds, aggregation: aggregation), sd > 0 {
                        t.ratios.append((actual - total) * (actual - total) / (sd * sd))
                    }
                }
                return t
            }
            var trends: Bool
            var reason: String
            var chosen: Tally
            switch o.teamTrends {
            case .on:
                trends = true
                reason = "team trends, as asked"
                chosen = tally(true)
            case .off:
                trends = false
                reason = "no team trends, as asked"
                chosen = tally(false)
            case .auto:
                let with = tally(true)
                let without = tally(false)
                if with.scaled.count < 20 || without.scaled.count < 20 {
                    trends = false
                    reason =
                        "no team trends: too few window rows to judge them (\(Swift.min(with.scaled.count, without.scaled.count)) of 20)"
                } else {
                    let a = with.scaled.reduce(0, +) / Double(with.scaled.count)
                    let b = without.scaled.reduce(0, +) / Double(without.scaled.count)
                    trends = a < b
                    let shown = { (v: Double) in String(format: "%.3f", v) }
                    reason =
                        trends
                        ? "team trends: they forecast better over the last \(origins.count) origins "
                            + "(scaled error \(shown(a)) vs \(shown(b)))"
                        : "no team trends: they do not forecast better over the last \(origins.count) origins "
                            + "(scaled error \(shown(a)) vs \(shown(b)) without)"
                }
                chosen = trends ? with : without
            }
            var q: Double?
            var kappa2 = 1.0
            if o.calibration == .auto {
                let n = chosen.std.count
                let rank = Int(((Double(n) + 1) * (1 - alpha)).rounded(.up))
                if n >= 20 && rank <= n { q = chosen.std.sorted()[rank - 1] }
                if chosen.ratios.count >= 3 { kappa2 = Swift.max(1, chosen.ratios.reduce(0, +) / Double(chosen.ratios.count)) }
            }
            let w = Window(
                trends: trends, reason: reason, q: q, rows: chosen.std.count, kappa2: kappa2,
                kappaOrigins: o.calibration == .auto && chosen.ratios.count >= 3 ? chosen.ratios.count : 0)
            windows[memo] = w
            return w
        }

        func refusal(_ h: Int, _ key: ForecastEngine.FitKey) -> Error {
            func unfit(_ problem: String, _ remedy: AnalysisError.ForecastRemedy) -> AnalysisError {
                AnalysisError(measure: target, .forecastUnfit(file: file, problem: problem, remedy: remedy))
            }
            if let e = engine.errors[key] as? LinearAlgebraError {
                let columns = engine.lagNames
                switch e {
                case .rankDeficient(_, _, let column):
                    guard column < columns.count else {
                        return unfit(
                            "forecast of \"\(target)\" at horizon \(h): the design is rank-deficient (the season dummies cannot be told"
                                + " apart from the team effects\(key.trends ? " and trends" : "") and lags on \(panel.periodCount) periods"
                                + " of history)",
                            .noSeasonsOrLongerHistory)
                    }
                    return unfit(
                        "forecast of \"\(target)\" at horizon \(h): the design is rank-deficient (\(columns[column]) (measure"
                            + " \"\(names[column / p])\") is constant within every team, linear in time within teams with trends,"
                            + " or collinear with the other regressors)",
                        .dropDriverOrNoTeamTrends)
                case .tooFewObservations(let n, let k):
                    return unfit(
                        "forecast of \"\(target)\" at horizon \(h): \(n) complete rows for \(k) parameters (team effects"
                            + "\(key.trends ? ", team trends" : ""), \(p) lags of \(names.joined(separator: ", ")), seasons)",
                        .moreHistory(lags: p, horizon: h))
                default: break
                }
            }
            if let e = engine.errors[key] {
                return InputError(
                    file: file, problem: "forecast of \"\(target)\" at horizon \(h): \(e)", expected: "data that supports the regression")
            }
            return unfit(
                "forecast of \"\(target)\" at horizon \(h): no team has \(p) consecutive periods of"
                    + " \(names.joined(separator: ", ")) followed \(h) period\(h == 1 ? "" : "s") later by a value",
                .longerHistoryOrFewerLags)
        }

        let decided = decideScale(last)
        let scale = engine.scale(logTarget: decided.logTarget, upTo: last)
        var rows: [ForecastResult.Row] = []
        var totals: [ForecastResult.Total] = []
        var coefficients: [ForecastResult.Coefficient] = []
        var driverTests: [ForecastResult.DriverTest] = []
        var models: [ForecastResult.HorizonModel] = []
        // Teams that cannot forecast from L: name the first regressor missing there.
        var row: [Double] = []
        var complete: [Int] = []
        for i in 0..<panel.teamCount {
            if let (k, t) = engine.lags(scale, i, last, into: &row) {
                let when = t >= 0 ? "\(panel.period(at: t))" : "before \(panel.firstPeriod)"
                notes.append(
                    AnalysisNote(
                        team: panel.teams[i], measure: target,
                        "no forecast: \(names[k]) is missing in \(when), which the lags from the last period \(panel.lastPeriod) need"
                            + (k > 0 ? " (a blank driver cell does not move the team's origin back)" : "")
                    ))
            } else {
                complete.append(i)
            }
        }
        let plan = try o.scenario.map { try ScenarioPlan($0, engine: engine, scale: scale, target: target, drivers: drivers, origin: last) }
        var scenario = plan.map {
            ForecastResult.ScenarioOutcome(
                shifts: $0.shifts.map(\.shift), origin: panel.period(at: last), teams: 0, forecastTeams: 0, rows: [], totals: [])
        }
        do {
            for h in 1...o.horizon {
                let w = window(scale, last, h)
                let key = ForecastEngine.FitKey(scale: scale, cutoff: last, horizon: h, trends: w.trends)
                guard let f = engine.fit(key) else { throw refusal(h, key) }
                let q = w.q ?? StudentT(degreesOfFreedom: f.df).quantile(1 - alpha / 2)
                models.append(
                    .init(
                        horizon: h, trends: w.trends, trendReason: w.reason, q: q, calibrated: w.q != nil, windowRows: w.rows,
                        df: f.df, rho: f.rho, kappa2: w.kappa2, kappaOrigins: w.kappaOrigins))
                let fyCoef = scale.logTarget ? 1 : fy
                for (j, name) in engine.lagNames.enumerated() {
                    let u = fyCoef / (scale.logs[j / p] ? 1 : engine.factor[j / p])
                    coefficients.append(
                        .init(horizon: h, term: name, estimate: f.fit.slopes[j] * u, standardError: f.fit.standardErrors[j] * u))
                }
                for (k, d) in drivers.enumerated() {
                    var test = ForecastResult.DriverTest(
                        horizon: h, driver: d, f: nil, pValue: nil, numeratorDF: p, denominatorDF: Int(f.df))
                    if let restricted = (try? engine.makeFit(key, dropping: k + 1)) ?? nil {
                        let a = restricted.fit.residuals
                        let b = f.fit.residuals
                        var diff = 0.0
                        for r in 0..<a.count { diff += (a[r] - b[r]) * (a[r] - b[r]) }
                        let F = (diff / Double(p)) / (f.fit.sumOfSquaredResiduals / f.df)
                        test.f = F
                        test.pValue = FDistribution(numeratorDegreesOfFreedom: Double(p), denominatorDegreesOfFreedom: f.df).survival(F)
                    }
                    driverTests.append(test)
                }
                let preds = engine.predict(f, origin: last, teams: complete)
                let predicted = Set(preds.map(\.team))
                for i in complete where !predicted.contains(i) {
                    notes.append(
                        AnalysisNote(
                            team: panel.teams[i], measure: target,
                            "no forecast at horizon \(h): the team has no training row "
                                + "(too little history for \(p) lags and \(h) period\(h == 1 ? "" : "s") ahead)"
                        ))
                }
                var crossing: [String] = []
                for pr in preds {
                    let half = q * pr.v.squareRoot()
                    let (point, lo, hi) =
                        scale.logTarget
                        ? (engine.level(scale, z: pr.z, v: pr.v) * fy, (pr.z - half).exp(), (pr.z + half).exp())
                        : (pr.z * fy, (pr.z - half) * fy, (pr.z + half) * fy)
                    if !(point.isFinite && lo.isFinite && hi.isFinite) {
                        notes.append(
                            AnalysisNote(
                                team: panel.teams[pr.team], measure: target,
                                "no forecast at horizon \(h): the forecast is beyond the range of a Double"))
                        continue
                    }
                    rows.append(
                        .init(
                            team: panel.teams[pr.team], period: panel.period(at: last + h), horizon: h, forecast: point, lower: lo,
                            upper: hi))
                    if lo < 0 && hi > 0 { crossing.append(panel.teams[pr.team]) }
                }
                if !crossing.isEmpty {
                    notes.append(
                        AnalysisNote(
                            measure: target,
                            "horizon \(h): the interval of \(crossing.count) team\(crossing.count == 1 ? "" : "s") crosses 0 "
                                + "on the level scale: \(crossing.joined(separator: ", "))"
                        ))
                }
                if let pr = preds.first, pr.unseenSlot {
                    notes.append(
                        AnalysisNote(
                            measure: target,
                            "horizon \(h): no training row falls in the season of \(panel.period(at: last + h)), "
                                + "so its forecasts have no seasonal term"
                        ))
                }
                if let (total, sd) = engine.organisation(f, preds, aggregation: aggregation) {
                    let df = organisationDF(kappa2: w.kappa2, kappaOrigins: w.kappaOrigins, fitDF: f.df)
                    let half = StudentT(degreesOfFreedom: df).quantile(1 - alpha / 2) * (w.kappa2.squareRoot() * sd)
                    totals.append(
                        .init(
                            horizon: h, period: panel.period(at: last + h), teams: preds.count, forecast: total * fy,
                            lower: (total - half) * fy, upper: (total + half) * fy))
                }
                if let plan {
                    let s = plan.rows(
                        engine, f, preds: preds, horizon: h, aggregation: aggregation,
                        t: StudentT(degreesOfFreedom: f.df).quantile(1 - alpha / 2))
                    scenario!.rows += s.rows
                    if let t = s.total { scenario!.totals.append(t) }
                    if h == 1 {
                        scenario!.teams = s.teams
                        scenario!.forecastTeams = preds.count
                    }
                }
            }
        }
        rows.sort { $0.team != $1.team ? $0.team.utf8.lexicographicallyPrecedes($1.team.utf8) : $0.horizon < $1.horizon }
        scenario?.rows.sort { $0.team != $1.team ? $0.team.utf8.lexicographicallyPrecedes($1.team.utf8) : $0.horizon < $1.horizon }
        if let t = totals.first, t.teams < panel.teamCount {
            notes.append(
                AnalysisNote(
                    measure: target,
                    "the organisation \(aggregation == .sum ? "total" : "mean") covers \(t.teams) of \(panel.teamCount) teams "
                        + "(the others are named above)"
                ))
        }

        var backtest: [ForecastResult.BacktestRow] = []
        var origins: [Period] = []
        if o.backtest > 0 {
            struct Acc {
                var n = 0
                var ape = 0.0
                var apeN = 0
                var scaled = 0.0
                var scaledN = 0
                var covered = 0
            }
            func add(_ acc: inout Acc, actual: Double, forecast: Double, scale s: Double?, inside: Bool?) {
                let e = abs(actual - forecast)
                acc.n += 1
                if actual != 0 {
                    acc.ape += e / abs(actual) * 100
                    acc.apeN += 1
                }
                if let s {
                    acc.scaled += e / s
                    acc.scaledN += 1
                }
                if inside == true { acc.covered += 1 }
            }
            var accs: [String: [Acc]] = [:]
            for m in ["arx", "naive", "snaive", "total"] { accs[m] = [Acc](repeating: Acc(), count: o.horizon + 1) }
            let season = engine.seasonal ? panel.frequency.seasonLength : nil
            for origin in (last - o.backtest)...(last - 1) {
                origins.append(panel.period(at: origin))
                let s = engine.scale(logTarget: decideScale(origin).logTarget, upTo: origin)
                for h in 1...o.horizon where origin + h <= last {
                    let w = window(s, origin, h)
                    guard let f = engine.fit(.init(scale: s, cutoff: origin, horizon: h, trends: w.trends)) else { continue }
                    let q = w.q ?? StudentT(degreesOfFreedom: f.df).quantile(1 - alpha / 2)
                    let preds = engine.predict(f, origin: origin, teams: Array(0..<panel.teamCount))
                    var all = !preds.isEmpty
                    var actualSum = 0.0
                    for pr in preds {
                        let actual = panel[pr.team, y, origin + h] / fy
                        guard !actual.isNaN else {
                            all = false
                            continue
                        }
                        actualSum += actual
                        let half = q * pr.v.squareRoot()
                        let (lo, hi) = s.logTarget ? ((pr.z - half).exp() / fy, (pr.z + half).exp() / fy) : (pr.z - half, pr.z + half)
                        let scaleI = engine.mase(team: pr.team, upTo: origin)
                        add(
                            &accs["arx"]![h], actual: actual, forecast: engine.level(s, z: pr.z, v: pr.v), scale: scaleI,
                            inside: actual >= lo && actual <= hi)
                        add(&accs["naive"]![h], actual: actual, forecast: panel[pr.team, y, origin] / fy, scale: scaleI, inside: nil)
                        if let S = season, origin + h - S >= 0, case let v = panel[pr.team, y, origin + h - S], !v.isNaN {
                            add(&accs["snaive"]![h], actual: actual, forecast: v / fy, scale: scaleI, inside: nil)
                        }
                    }
                    // The organisation figure, where every team with a forecast has an actual.
                    if all, let (total, sd) = engine.organisation(f, preds, aggregation: aggregation) {
                        let actual = aggregation == .sum ? actualSum : actualSum / Double(preds.count)
                        let df = organisationDF(kappa2: w.kappa2, kappaOrigins: w.kappaOrigins, fitDF: f.df)
                        let half = StudentT(degreesOfFreedom: df).quantile(1 - alpha / 2) * w.kappa2.squareRoot() * sd
                        // Its MASE scale: the same teams' aggregate, one-step changes up to the origin.
                        var changes = 0.0
                        var count = 0
                        var previous: Double?
                        for t in 0...origin {
                            var sum = 0.0
                            var complete = true
                            for pr in preds {
                                let v = panel[pr.team, y, t]
                                if v.isNaN {
                                    complete = false
                                    break
                                }
                                sum += v / fy
                            }
                            let value: Double? = complete ? (aggregation == .sum ? sum : sum / Double(preds.count)) : nil
                            if let value, let previous {
                                changes += abs(value - previous)
                                count += 1
                            }
                            previous = value
                        }
                        add(
                            &accs["total"]![h], actual: actual, forecast: total,
                            scale: count > 0 && changes > 0 ? changes / Double(count) : nil,
                            inside: actual >= total - half && actual <= total + half)
                    }
                }
            }
            for name in ["arx", "naive", "snaive", "total"] where name != "snaive" || season != nil {
                for h in 1...o.horizon {
                    let a = accs[name]![h]
                    backtest.append(
                        .init(
                            model: name, horizon: h, n: a.n, mape: a.apeN > 0 ? a.ape / Double(a.apeN) : nil,
                            mase: a.scaledN > 0 ? a.scaled / Double(a.scaledN) : nil,
                            coverage: (name == "arx" || name == "total") && a.n > 0 ? Double(a.covered) / Double(a.n) : nil))
                }
            }
        }
        return ForecastResult(
            target: target, drivers: drivers, driversAsked: o.drivers != nil, lags: p, horizon: o.horizon, confidence: o.confidence,
            transform: scale.logTarget ? "log" : "none", scaleReason: decided.reason,
            seasonal: engine.seasonal ? seasonName(panel.frequency) : nil, aggregation: aggregation, models: models,
            rows: rows, totals: totals, coefficients: coefficients, driverTests: driverTests,
            backtest: backtest, backtestOrigins: origins, notes: notes, scenario: scenario)
    }

    /// The degrees of freedom of the organisation figure's interval T ± t(1 − α/2, df)·√(κ²V): those of the
    /// variance actually used (docs/DECISIONS.md). Where the window's κ² > 1 binds, the variance κ²V is
    /// estimated from the k squared errors of the window origins behind κ², so df = k; where κ² = 1 (the floor,
    /// no calibration, fewer than 3 origins) it is s²-based and df is the fit's residual df.
    public static func organisationDF(kappa2: Double, kappaOrigins: Int, fitDF: Double) -> Double {
        kappa2 > 1 && kappaOrigins > 0 ? Double(kappaOrigins) : fitDF
    }

    static func seasonName(_ f: Frequency) -> String {
        switch f {
        case .month: "month of year"
        case .quarter: "quarter"
        case .week: "month of the week's Thursday"
        case .day: "weekday"
        case .year: "none"
        }
    }
}
