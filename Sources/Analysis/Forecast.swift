import Ingest
import LinearAlgebra

/// Financial measures forecast from their own lags and leading drivers: direct multi-horizon
/// pooled ARX with team fixed effects, one regression per horizon (METHODS.md, Forecast).
///
/// With team effects absorbed by demeaning (Frisch–Waugh–Lovell), a team's prediction is
/// ŷ = ȳᵢ + (x₀ − x̄ᵢ)'β̂ and, since ȳᵢ and β̂ are uncorrelated, its variance is
/// s²(1/nᵢ + d'(X̃'X̃)⁻¹d) with d = x₀ − x̄ᵢ — exactly statsmodels' `get_prediction` with team
/// dummies in X, without building the dummies. The organisation total Σŷᵢ has variance
/// s²(Σ1/nᵢ + D'(X̃'X̃)⁻¹D), D = Σdᵢ, which is s²·1'X₀(X'X)⁻¹X₀'1.
public struct ForecastResult: Sendable {
    public struct Row: Sendable, Equatable {
        public var team: String
        public var period: Period
        public var horizon: Int
        public var forecast: Double
        public var lower: Double
        public var upper: Double
    }

    public struct Total: Sendable, Equatable {
        public var horizon: Int
        public var period: Period
        public var teams: Int
        public var forecast: Double
        public var lower: Double
        public var upper: Double
    }

    public struct Coefficient: Sendable, Equatable {
        public var horizon: Int
        /// `<measure>_lag<k>`: the measure k periods before the origin.
        public var term: String
        public var estimate: Double
        public var standardError: Double
    }

    /// Partial F-test of dropping all lags of one driver.
    public struct DriverTest: Sendable, Equatable {
        public var horizon: Int
        public var driver: String
        public var f: Double?
        public var pValue: Double?
        public var numeratorDF: Int
        public var denominatorDF: Int
    }

    public struct BacktestRow: Sendable, Equatable {
        /// `arx` or `naive`.
        public var model: String
        public var horizon: Int
        public var n: Int
        public var mape: Double?
        public var mase: Double?
        /// Share of actuals inside the 95% interval (the model only).
        public var coverage: Double?
    }

    public var target: String
    public var drivers: [String]
    public var lags: Int
    public var horizon: Int
    public var confidence: Double
    public var rows: [Row]
    public var totals: [Total]
    public var coefficients: [Coefficient]
    public var driverTests: [DriverTest]
    public var backtest: [BacktestRow]
    public var backtestOrigins: [Period]
    public var notes: [AnalysisNote]
}

public enum ForecastAnalysis {
    public struct Options: Sendable {
        public var target: String?
        public var drivers: [String]?
        public var horizon = 3
        public var lags = 2
        public var confidence = 0.95
        /// Backtest origins (0: forecast only).
        public var backtest = 0
        public init(target: String? = nil, drivers: [String]? = nil, horizon: Int = 3, lags: Int = 2, confidence: Double = 0.95, backtest: Int = 0) {
            self.target = target
            self.drivers = drivers
            self.horizon = horizon
            self.lags = lags
            self.confidence = confidence
            self.backtest = backtest
        }
    }

    /// The regression for one horizon fitted on rows whose target period is at or before `cutoff`.
    struct HorizonModel {
        var fit: FixedEffectsFit
        /// Training rows per team, and the team's mean of each regressor.
        var teamRows: [Int: Int]
        var teamMeans: [Int: [Double]]
        var teamResponseMeans: [Int: Double]
    }

    /// - Throws: `InputError` when the target or a driver is unknown, or when no team has the
    ///   history the lags and horizon need, or the design is rank-deficient (e.g. a constant driver).
    public static func run(_ dataset: Dataset, options o: Options) throws -> ForecastResult {
        let panel = dataset.panel
        let file = dataset.location.measurements
        guard let target = o.target ?? dataset.scorecard?.roi?.returnMeasure else {
            throw InputError(.usage, file: "command line", problem: "no target measure", expected: "--target MEASURE, or an roi in the scorecard")
        }
        guard let y = panel.measureIndex(target) else {
            throw InputError(.usage, file: "command line", problem: "--target \"\(target)\" is not a measure of the data",
                             expected: "one of \(panel.measures.joined(separator: ", "))\(Dataset.suggestion(target, among: panel.measures))")
        }
        let drivers = o.drivers ?? (dataset.scorecard?.links ?? []).filter { $0.to == target && $0.from != target }.map(\.from)
        var driverIndices: [Int] = []
        for d in drivers {
            guard let i = panel.measureIndex(d) else {
                throw InputError(.usage, file: "command line", problem: "driver \"\(d)\" is not a measure of the data",
                                 expected: "measures of the data\(Dataset.suggestion(d, among: panel.measures))")
            }
            if i == y { throw InputError(.usage, file: "command line", problem: "driver \"\(d)\" is the target", expected: "drivers other than the target (its own lags are always in the model)") }
            driverIndices.append(i)
        }
        let measures = [y] + driverIndices
        let names = [target] + drivers
        let p = o.lags
        var notes: [AnalysisNote] = []
        if drivers.isEmpty { notes.append(AnalysisNote(measure: target, "no drivers: the model uses the target's own lags only (no scorecard link leads into it)")) }

        // Regressors at origin t: measure m at t − k, k = 0..p−1; nil when any is missing.
        func regressors(_ team: Int, _ t: Int) -> [Double]? {
            guard t - (p - 1) >= 0, t < panel.periodCount else { return nil }
            var out: [Double] = []
            out.reserveCapacity(measures.count * p)
            for m in measures {
                let base = panel.offset(team: team, measure: m)
                for k in 0..<p {
                    let v = panel.values[base + t - k]
                    if v.isNaN { return nil }
                    out.append(v)
                }
            }
            return out
        }
        let columnNames = names.flatMap { n in (0..<p).map { "\(n)_lag\($0)" } }

        func fitHorizon(_ h: Int, cutoff: Int, dropping dropped: Int? = nil) throws -> HorizonModel? {
            var team: [Int] = []
            var cols: [[Double]] = Array(repeating: [], count: columnNames.count)
            var ys: [Double] = []
            var teamRows: [Int: Int] = [:]
            var sums: [Int: [Double]] = [:]
            var ySums: [Int: Double] = [:]
            for i in 0..<panel.teamCount {
                let base = panel.offset(team: i, measure: y)
                for t in 0..<panel.periodCount where t + h <= cutoff {
                    let target = panel.values[base + t + h]
                    guard !target.isNaN, let x = regressors(i, t) else { continue }
                    team.append(i)
                    ys.append(target)
                    for (j, v) in x.enumerated() { cols[j].append(v) }
                    teamRows[i, default: 0] += 1
                    var s = sums[i] ?? [Double](repeating: 0, count: x.count)
                    for j in 0..<x.count { s[j] += x[j] }
                    sums[i] = s
                    ySums[i, default: 0] += target
                }
            }
            if ys.isEmpty { return nil }
            if let dropped { cols.removeSubrange((dropped * p)..<((dropped + 1) * p)) }
            let fit = try FixedEffectsFit(team: team, period: team, regressors: Matrix(columns: cols), response: ys, effects: .team)
            var means: [Int: [Double]] = [:]
            var yMeans: [Int: Double] = [:]
            for (i, n) in teamRows {
                means[i] = sums[i]!.map { $0 / Double(n) }
                yMeans[i] = ySums[i]! / Double(n)
            }
            return HorizonModel(fit: fit, teamRows: teamRows, teamMeans: means, teamResponseMeans: yMeans)
        }

        func refuse(_ h: Int, _ error: Error) -> InputError {
            if let e = error as? LinearAlgebraError {
                switch e {
                case .rankDeficient(_, _, let column):
                    let term = column < columnNames.count ? columnNames[column] : "a regressor"
                    return InputError(file: file, problem: "forecast of \"\(target)\" at horizon \(h): the design is rank-deficient (\(term) is constant within every team or collinear with the other regressors)",
                                      expected: "drivers that vary within teams; drop it with --drivers")
                case .tooFewObservations(let n, let k):
                    return InputError(file: file, problem: "forecast of \"\(target)\" at horizon \(h): \(n) complete rows for \(k) parameters",
                                      expected: "more history than --lags \(p) and --horizon \(h) need, or fewer drivers or lags")
                default: break
                }
            }
            return InputError(file: file, problem: "forecast of \"\(target)\" at horizon \(h): \(error)", expected: "data that supports the regression")
        }

        /// Predicts team i from origin t with the model; nil without training rows for the team.
        func predict(_ model: HorizonModel, team i: Int, origin t: Int, q: Double) -> (Double, Double, Double, [Double], Double)? {
            guard let n = model.teamRows[i], let x = regressors(i, t), let means = model.teamMeans[i], let yBar = model.teamResponseMeans[i] else { return nil }
            let d = zip(x, means).map { $0 - $1 }
            let beta = model.fit.slopes
            var yhat = yBar
            for j in 0..<d.count { yhat += d[j] * beta[j] }
            let quad = model.fit.transformedFit.unscaledQuadraticForms(Matrix(rows: 1, columns: d.count, columnMajor: d))[0]
            let s2 = model.fit.transformedFit.scale
            let half = q * (s2 * (1 + 1 / Double(n) + quad)).squareRoot()
            return (yhat, yhat - half, yhat + half, d, 1 / Double(n))
        }

        var rows: [ForecastResult.Row] = []
        var totals: [ForecastResult.Total] = []
        var coefficients: [ForecastResult.Coefficient] = []
        var driverTests: [ForecastResult.DriverTest] = []
        let last = panel.periodCount - 1
        for h in 1...o.horizon {
            let model: HorizonModel
            do {
                guard let m = try fitHorizon(h, cutoff: last) else {
                    throw InputError(file: file, problem: "forecast of \"\(target)\" at horizon \(h): no team has \(p) consecutive periods of \(names.joined(separator: ", ")) followed \(h) period\(h == 1 ? "" : "s") later by a value",
                                     expected: "a longer history, or smaller --lags/--horizon")
                }
                model = m
            } catch let e as InputError { throw e } catch { throw refuse(h, error) }
            let df = model.fit.residualDegreesOfFreedom
            let q = StudentT(degreesOfFreedom: df).quantile(0.5 + o.confidence / 2)
            for (j, name) in columnNames.enumerated() {
                coefficients.append(.init(horizon: h, term: name, estimate: model.fit.slopes[j], standardError: model.fit.standardErrors[j]))
            }
            for (k, d) in drivers.enumerated() {
                var test = ForecastResult.DriverTest(horizon: h, driver: d, f: nil, pValue: nil, numeratorDF: p, denominatorDF: Int(df))
                if let restricted = try? fitHorizon(h, cutoff: last, dropping: k + 1) {
                    let f = (restrictedMinusUnrestricted(restricted.fit, model.fit) / Double(p)) / (model.fit.sumOfSquaredResiduals / df)
                    test.f = f
                    test.pValue = FDistribution(numeratorDegreesOfFreedom: Double(p), denominatorDegreesOfFreedom: df).survival(f)
                }
                driverTests.append(test)
            }
            // Each team's origin: its last period with every regressor present.
            var byPeriod: [Int: (sum: Double, d: [Double], inv: Double, count: Int)] = [:]
            for i in 0..<panel.teamCount {
                guard let origin = (0...last).last(where: { regressors(i, $0) != nil }) else {
                    if h == 1 { notes.append(AnalysisNote(team: panel.teams[i], measure: target, "no forecast: no period with \(p) consecutive values of \(names.joined(separator: ", "))")) }
                    continue
                }
                guard let (yhat, lo, hi, d, inv) = predict(model, team: i, origin: origin, q: q) else {
                    notes.append(AnalysisNote(team: panel.teams[i], measure: target, "no forecast at horizon \(h): no training row for the team"))
                    continue
                }
                rows.append(.init(team: panel.teams[i], period: panel.period(at: origin + h), horizon: h, forecast: yhat, lower: lo, upper: hi))
                var acc = byPeriod[origin + h] ?? (0, [Double](repeating: 0, count: d.count), 0, 0)
                acc.sum += yhat
                for j in 0..<d.count { acc.d[j] += d[j] }
                acc.inv += inv
                acc.count += 1
                byPeriod[origin + h] = acc
            }
            // The organisation total for the period most teams forecast (ties: the later).
            if let (period, acc) = byPeriod.max(by: { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key < $1.key }) {
                let quad = model.fit.transformedFit.unscaledQuadraticForms(Matrix(rows: 1, columns: acc.d.count, columnMajor: acc.d))[0]
                let s2 = model.fit.transformedFit.scale
                let half = q * (s2 * (Double(acc.count) + acc.inv + quad)).squareRoot()
                totals.append(.init(horizon: h, period: panel.period(at: period), teams: acc.count, forecast: acc.sum, lower: acc.sum - half, upper: acc.sum + half))
            }
        }
        rows.sort { $0.team != $1.team ? $0.team.utf8.lexicographicallyPrecedes($1.team.utf8) : $0.horizon < $1.horizon }

        // Backtest: rolling origins, refit at each.
        var backtest: [ForecastResult.BacktestRow] = []
        var origins: [Period] = []
        if o.backtest > 0 {
            let first = last - o.backtest
            guard first >= 1 else {
                throw InputError(.usage, file: "command line", problem: "--backtest \(o.backtest) needs more than \(o.backtest + 1) periods (the window has \(panel.periodCount))",
                                 expected: "fewer origins or a longer window")
            }
            struct Acc { var n = 0; var ape = 0.0; var apeN = 0; var scaled = 0.0; var covered = 0 }
            var model = [Acc](repeating: Acc(), count: o.horizon + 1)
            var naive = [Acc](repeating: Acc(), count: o.horizon + 1)
            for origin in first...(last - 1) {
                origins.append(panel.period(at: origin))
                // s_o: mean absolute one-step change up to o, all teams pooled.
                var changes = 0.0
                var count = 0
                for i in 0..<panel.teamCount {
                    let base = panel.offset(team: i, measure: y)
                    if origin >= 1 {
                        for t in 1...origin {
                            let a = panel.values[base + t]
                            let b = panel.values[base + t - 1]
                            if !a.isNaN && !b.isNaN {
                                changes += abs(a - b)
                                count += 1
                            }
                        }
                    }
                }
                let scale = count > 0 ? changes / Double(count) : .nan
                for h in 1...o.horizon where origin + h <= last {
                    guard let m = (try? fitHorizon(h, cutoff: origin)) ?? nil else { continue }
                    let df = m.fit.residualDegreesOfFreedom
                    let q = StudentT(degreesOfFreedom: df).quantile(0.5 + o.confidence / 2)
                    for i in 0..<panel.teamCount {
                        let actual = panel[i, y, origin + h]
                        guard !actual.isNaN, let (yhat, lo, hi, _, _) = predict(m, team: i, origin: origin, q: q) else { continue }
                        let naiveForecast = panel[i, y, origin]
                        for (isModel, f) in [(true, yhat), (false, naiveForecast)] {
                            let e = abs(actual - f)
                            var acc = isModel ? model[h] : naive[h]
                            acc.n += 1
                            if actual != 0 { acc.ape += e / abs(actual) * 100; acc.apeN += 1 }
                            acc.scaled += e / scale
                            if isModel && actual >= lo && actual <= hi { acc.covered += 1 }
                            if isModel { model[h] = acc } else { naive[h] = acc }
                        }
                    }
                }
            }
            for (name, accs) in [("arx", model), ("naive", naive)] {
                for h in 1...o.horizon {
                    let a = accs[h]
                    backtest.append(.init(model: name, horizon: h, n: a.n, mape: a.apeN > 0 ? a.ape / Double(a.apeN) : nil,
                                          mase: a.n > 0 && a.scaled.isFinite ? a.scaled / Double(a.n) : nil,
                                          coverage: name == "arx" && a.n > 0 ? Double(a.covered) / Double(a.n) : nil))
                }
            }
        }
        return ForecastResult(target: target, drivers: drivers, lags: p, horizon: o.horizon, confidence: o.confidence, rows: rows,
                              totals: totals.sorted { $0.horizon < $1.horizon }, coefficients: coefficients, driverTests: driverTests,
                              backtest: backtest, backtestOrigins: origins, notes: notes)
    }
}

import Foundation

/// SSR_r − SSR_u as ‖e_r − e_u‖² (the two fits share rows and the restricted design is nested,
/// so the difference of residuals is the difference of fitted values): no cancellation when the
/// dropped terms add almost nothing and the two SSRs agree to many digits.
func restrictedMinusUnrestricted(_ r: FixedEffectsFit, _ u: FixedEffectsFit) -> Double {
    let a = r.transformedFit.residuals
    let b = u.transformedFit.residuals
    var s = 0.0
    for i in 0..<a.count { s += (a[i] - b[i]) * (a[i] - b[i]) }
    return s
}
