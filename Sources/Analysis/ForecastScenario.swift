import Ingest
import LinearAlgebra

/// A what-if on the forecast's drivers (`forecast --scenario customer_satisfaction=+2`; issue #13,
/// docs/DECISIONS.md "Forecast scenarios"): each named driver's value at the origin period L
/// changes — by an amount (`+2`, `-3`), by a share of itself (`+5%`, `-5%`) or to a value
/// (`80`) — for the scenario's teams, and every horizon is predicted again from the same fit.
/// The difference of the two predictions has its own interval, from the fit's covariance.
public struct ForecastScenario: Sendable, Equatable {
    /// How one driver's value at the origin changes.
    public enum Change: Sendable, Equatable {
        /// x + a
        case add(Double)
        /// x · (1 + r), r the percentage over 100
        case relative(Double)
        /// a
        case set(Double)
    }

    /// One `--scenario MEASURE=CHANGE` argument: the driver and how its value at the origin changes.
    public struct Shift: Sendable, Equatable {
        /// The driver whose value at the origin changes.
        public let measure: String
        /// The change: an amount, a share of the value, or a value.
        public let change: Change
        /// As written after `=`: `+2`, `-5%`, `80`.
        public let text: String

        /// A change of `measure` as parsed from `text`.
        public init(measure: String, change: Change, text: String) {
            self.measure = measure
            self.change = change
            self.text = text
        }

        /// The driver's value after the change, from its value `x`.
        public func apply(_ x: Double) -> Double {
            switch change {
            case .add(let a): x + a
            case .relative(let r): x * (1 + r)
            case .set(let a): a
            }
        }

        /// `customer_satisfaction +2`, `win_rate -5%`, `customer_satisfaction = 80`.
        public var description: String {
            if case .set = change { return "\(measure) = \(text)" }
            return "\(measure) \(text)"
        }
    }

    /// The driver changes, applied together.
    public let shifts: [Shift]
    /// The teams whose drivers change (nil: every team).
    public let teams: [String]?

    /// A scenario of `shifts` for `teams` (nil: every team).
    public init(shifts: [Shift], teams: [String]? = nil) {
        self.shifts = shifts
        self.teams = teams
    }

    /// Parses changes as written (`MEASURE=+2`, `MEASURE=-5%`, `MEASURE=80`); whether the
    /// measure is a driver is checked against the data by `ForecastAnalysis.run`.
    /// - Throws: `AnalysisError` `.scenarioUnreadable` (the change as written and what is wrong
    ///   with it) or `.scenarioTeamRepeated`.
    public static func parse(_ specs: [String], teams: [String]? = nil) throws -> ForecastScenario {
        var shifts: [Shift] = []
        for spec in specs {
            func refuse(_ problem: AnalysisError.ScenarioProblem) -> AnalysisError {
                AnalysisError(.scenarioUnreadable(spec: spec, problem))
            }
            // The last `=` splits: a measure name may hold one, a change never does.
            guard let eq = spec.lastIndex(of: "=") else { throw refuse(.noEquals) }
            let measure = String(spec[..<eq])
            let text = String(spec[spec.index(after: eq)...])
            guard !measure.isEmpty else { throw refuse(.noMeasure) }
            guard !text.isEmpty else { throw refuse(.noChange) }
            let signed = text.hasPrefix("+") || text.hasPrefix("-")
            let change: Change
            if text.hasSuffix("%") {
                guard signed else { throw refuse(.percentWithoutSign(text)) }
                guard let v = DecimalNumber.parse(String(text.dropLast())) else { throw refuse(.notANumber(String(text.dropLast()))) }
                change = .relative(v / 100)
            } else {
                guard let v = DecimalNumber.parse(text) else { throw refuse(.notANumber(text)) }
                change = signed ? .add(v) : .set(v)
            }
            if shifts.contains(where: { $0.measure == measure }) { throw refuse(.changedTwice(measure)) }
            shifts.append(Shift(measure: measure, change: change, text: text))
        }
        if let teams {
            var seen = Set<String>()
            for t in teams where !seen.insert(t).inserted { throw AnalysisError(team: t, .scenarioTeamRepeated) }
        }
        return ForecastScenario(shifts: shifts, teams: teams)
    }
}

extension ForecastResult {
    /// One row of a scenario: the forecast as it is, with the drivers changed, and the
    /// difference with its confidence interval (uncalibrated: no new noise enters a difference
    /// of two predictions from one fit).
    public struct ScenarioRow: Sendable, Equatable {
        /// A team, or `(total)` for the organisation figure.
        public let team: String
        /// The target period, origin + horizon.
        public let period: Period
        /// Periods ahead of the origin.
        public let horizon: Int
        /// The forecast as it is (its point forecast; the mean on the log scale).
        public let baseline: Double
        /// The same prediction with the drivers changed at the origin.
        public let scenario: Double
        /// scenario − baseline.
        public let difference: Double
        /// The difference's confidence interval: Student t on the fit's df times √Var(D).
        public let lower: Double
        /// Upper end of the difference's confidence interval.
        public let upper: Double
    }

    /// What `--scenario` produced: the changes, per team and horizon, and the organisation figure.
    public struct ScenarioOutcome: Sendable, Equatable {
        /// The driver changes of the scenario.
        public let shifts: [ForecastScenario.Shift]
        /// The period whose driver values changed (the forecast's origin L).
        public let origin: Period
        /// The teams whose drivers changed and that have a forecast (at the first horizon),
        /// of the teams with a forecast.
        public var teams: Int
        /// The teams with a forecast at the first horizon.
        public var forecastTeams: Int
        /// One row per scenario team with a forecast and horizon.
        public var rows: [ScenarioRow]
        /// The organisation figure's rows (team `(total)`), one per horizon.
        public var totals: [ScenarioRow]
    }
}

/// The scenario's driver changes checked against the data at the origin: which regressor
/// columns move, for which teams.
struct ScenarioPlan {
    let shifts: [(k: Int, shift: ForecastScenario.Shift)]
    /// Panel indices of the scenario's teams.
    let teams: Set<Int>
    let origin: Int

    /// - Throws: `AnalysisError`s: a measure that is not a driver, a team not in the data,
    ///   a change that leaves a logged driver at or below 0 (naming team, period, measure).
    init(_ s: ForecastScenario, engine: ForecastEngine, scale: ForecastEngine.Scale, target: String, drivers: [String], origin: Int) throws
    {
        let panel = engine.panel
        var shifts: [(Int, ForecastScenario.Shift)] = []
        for shift in s.shifts {
            guard panel.measureIndex(shift.measure) != nil else {
                let hint = Dataset.suggestion(shift.measure, among: drivers.isEmpty ? panel.measures : drivers)
                throw AnalysisError(
                    measure: shift.measure, .scenarioNotAMeasure(change: shift.text, target: target, drivers: drivers, hint: hint))
            }
            guard let d = drivers.firstIndex(of: shift.measure) else {
                throw AnalysisError(measure: shift.measure, .scenarioNotADriver(change: shift.text, target: target, drivers: drivers))
            }
            shifts.append((d + 1, shift))
        }
        var teams = Set<Int>()
        if let names = s.teams {
            for name in names {
                guard let i = panel.teams.firstIndex(of: name) else {
                    throw AnalysisError(team: name, .scenarioTeamNotInData(hint: Dataset.suggestion(name, among: panel.teams)))
                }
                teams.insert(i)
            }
        } else {
            teams = Set(0..<panel.teamCount)
        }
        // A logged driver must stay > 0 where the scenario moves it.
        for (k, shift) in shifts where scale.logs[k] {
            for i in teams.sorted() {
                let x = panel[i, engine.measures[k], origin]
                guard !x.isNaN else { continue }
                let moved = shift.apply(x)
                if !(moved > 0) || !moved.isFinite {
                    throw AnalysisError(
                        team: panel.teams[i], measure: shift.measure,
                        .scenarioLeavesLogNonPositive(change: shift.text, period: panel.period(at: origin), value: moved, before: x))
                }
            }
        }
        self.shifts = shifts
        self.teams = teams
        self.origin = origin
    }

    /// Moves the lag-0 regressors of the shifted drivers in a team's lag row (`ForecastEngine.lags`).
    func adjust(_ engine: ForecastEngine, _ scale: ForecastEngine.Scale) -> (Int, inout [Double]) -> Void {
        { team, row in
            for (k, shift) in shifts {
                let x = shift.apply(engine.panel[team, engine.measures[k], origin])
                row[k * engine.p] = scale.logs[k] ? x.log() : x / engine.factor[k]
            }
        }
    }

    /// The scenario rows of one horizon: per team of the scenario with a forecast, and the
    /// organisation figure over all of `preds` (the forecast's teams), in levels.
    /// Definition (docs/DECISIONS.md): the difference of two predictions of one fit; on the log
    /// scale of the back-transformed means, its variance by the delta method from the same
    /// covariance: s²[Σᵢ (wSᵢ − wBᵢ)² hᵢ + g'(X̃'X̃)⁻¹g], g = Σᵢ (wSᵢ d¹ᵢ − wBᵢ d⁰ᵢ), w = c·level
    /// (log) or c (levels); the team effects and trends cancel on the level scale.
    func rows(
        _ engine: ForecastEngine, _ f: ForecastEngine.Fit, preds: [ForecastEngine.Prediction], horizon h: Int,
        aggregation: Aggregation, t: Double
    ) -> (rows: [ForecastResult.ScenarioRow], total: ForecastResult.ScenarioRow?, teams: Int) {
        let scale = f.key.scale
        let fy = engine.factor[0]
        let panel = engine.panel
        let period = panel.period(at: origin + h)
        let base = preds.filter { teams.contains($0.team) }
        let alt = engine.predict(f, origin: origin, teams: base.map(\.team), adjust: adjust(engine, scale))
        precondition(alt.map(\.team) == base.map(\.team), "the scenario predicts the same teams")
        let k = f.fit.slopes.count
        var out: [ForecastResult.ScenarioRow] = []
        let c = aggregation == .sum ? 1.0 : 1 / Double(preds.count)
        var g = [Double](repeating: 0, count: k)
        var lev = 0.0
        var diff = 0.0
        for (b, a) in zip(base, alt) {
            let lb = engine.level(scale, z: b.z, v: b.v)
            let la = engine.level(scale, z: a.z, v: a.v)
            let (wb, wa) = scale.logTarget ? (lb, la) : (1.0, 1.0)
            var gi = [Double](repeating: 0, count: k)
            for j in 0..<k {
                gi[j] = wa * a.d[j] - wb * b.d[j]
                g[j] += c * gi[j]
            }
            let teamPart = (wa - wb) * (wa - wb) * b.leverage
            lev += c * c * teamPart
            let sd = (f.scale * (teamPart + f.fit.quadraticForm(gi))).squareRoot()
            let d = la - lb
            diff += c * d
            let half = t * sd
            let row = ForecastResult.ScenarioRow(
                team: panel.teams[b.team], period: period, horizon: h, baseline: lb * fy, scenario: la * fy,
                difference: d * fy, lower: (d - half) * fy, upper: (d + half) * fy)
            if [row.baseline, row.scenario, row.lower, row.upper].allSatisfy(\.isFinite) { out.append(row) }
        }
        var total: ForecastResult.ScenarioRow?
        if let (figure, _) = engine.organisation(f, preds, aggregation: aggregation) {
            let half = t * (f.scale * (lev + f.fit.quadraticForm(g))).squareRoot()
            let row = ForecastResult.ScenarioRow(
                team: "(total)", period: period, horizon: h, baseline: figure * fy, scenario: (figure + diff) * fy,
                difference: diff * fy, lower: (diff - half) * fy, upper: (diff + half) * fy)
            if [row.scenario, row.lower, row.upper].allSatisfy(\.isFinite) { total = row }
        }
        return (out, total, base.count)
    }
}
