import Analysis
import Ingest

extension ResultTable {
    /// METHODS.md's forecast columns: team, measure, period, horizon, forecast, lower, upper;
    /// the organisation total as a `(total)` row when `withTotal` (always in people's tables).
    public init(forecast f: ForecastResult, withTotal: Bool, measures: [MeasureDefinition] = []) {
        var rows: [[Cell]] = f.rows.map {
            [
                .text($0.team), .text(f.target), .text($0.period.description), .integer($0.horizon), .number($0.forecast),
                .number($0.lower), .number($0.upper),
            ]
        }
        if withTotal {
            for t in f.totals {
                rows.append([
                    .text("(total)"), .text(f.target), .text(t.period.description), .integer(t.horizon), .number(t.forecast),
                    .number(t.lower), .number(t.upper),
                ])
            }
        }
        let figure = f.aggregation == .sum ? "total" : "mean over teams"
        // People read forecasts in the target's unit, under its display name.
        let definition = measures.first { $0.id == f.target }
        let amount = PeopleStyle.amount(unit: definition?.unit)
        let level = f.confidence * 100
        let confidence = level == level.rounded() && level.magnitude < 1e15 ? String(Int(level)) : PeopleTable.statistic(level)
        var headline =
            "\(f.target) forecast from \(f.drivers.isEmpty ? "its own lags" : f.drivers.joined(separator: ", ")) "
            + "(\(f.lags) lags, team effects\(f.seasonal.map { ", seasons by \($0)" } ?? ""), \(confidence)% prediction intervals)"
        if let t = f.totals.first {
            headline +=
                "; organisation \(figure) \(t.period): \(PeopleTable.format(t.forecast, style: amount)) "
                + "(\(PeopleTable.format(t.lower, style: amount)) to \(PeopleTable.format(t.upper, style: amount)), \(t.teams) teams)"
        }
        headline += ". " + ForecastTable.summary(f)
        var notes = ForecastTable.modelNotes(f) + ForecastTable.notes(f)
        for t in f.driverTests {
            if let p = t.pValue, let F = t.f {
                notes.append(
                    "horizon \(t.horizon): dropping \(t.driver) F(\(t.numeratorDF), \(t.denominatorDF)) = \(PeopleTable.statistic(F)), "
                        + "p = \(PeopleTable.formatProbability(p))"
                        + (p < 0.05 ? " — it carries the forecast" : " — it adds nothing significant")
                )
            }
        }
        self.init(
            analysis: "forecast",
            columns: ["team", "measure", "period", "horizon", "forecast", "lower", "upper"].map {
                Column($0, alignment: ["team", "measure", "period"].contains($0) ? .left : nil)
            },
            rows: rows, notes: notes, headline: headline)
        styles = rows.map { _ in [nil, definition.map { .text($0.name) }, nil, nil, amount, amount, amount] }
    }

    /// METHODS.md's backtest columns: model, horizon, n, mape, mase, coverage.
    public init(backtest f: ForecastResult) {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        let rows: [[Cell]] = f.backtest.map {
            [.text($0.model), .integer($0.horizon), .integer($0.n), num($0.mape), num($0.mase), num($0.coverage)]
        }
        var notes: [String] = []
        var helps = 0
        var judged = 0
        func row(_ model: String, _ h: Int) -> ForecastResult.BacktestRow? { f.backtest.first { $0.model == model && $0.horizon == h } }
        for h in 1...f.horizon {
            guard let m = row("arx", h), let mm = m.mase, let ma = m.mape else { continue }
            let benchmarks = ["naive", "snaive"].compactMap { row($0, h) }.filter { $0.mase != nil && $0.mape != nil }
            guard !benchmarks.isEmpty else { continue }
            judged += 1
            if benchmarks.allSatisfy({ mm < $0.mase! && ma < $0.mape! }) { helps += 1 }
            let skills = benchmarks.map { "\($0.model) \(PeopleTable.statistic(1 - mm / $0.mase!))" }.joined(separator: ", ")
            notes.append(
                "horizon \(h): skill 1 − MASE_model/MASE_benchmark: \(skills)"
                    + (m.coverage.map {
                        "; the \(PeopleTable.statistic(f.confidence * 100))% interval covered "
                            + "\(PeopleTable.statistic($0 * 100))% of \(m.n) actuals"
                    } ?? "")
                    + (row("total", h).flatMap { t in
                        t.coverage.map { "; the organisation figure's covered \(PeopleTable.statistic($0 * 100))% of \(t.n)" }
                    } ?? ""))
        }
        let origins =
            f.backtestOrigins.isEmpty
            ? "" : " (origins \(f.backtestOrigins.first!)…\(f.backtestOrigins.last!), everything decided and refitted at each)"
        let verdict =
            judged == 0
            ? "no horizon could be scored"
            : helps == judged
                ? "the drivers help: the model beats the naive and seasonal naive forecasts on both MASE and MAPE at every horizon"
                : helps == 0
                    ? "the drivers do not help: a benchmark is as good or better on MASE or MAPE at every horizon"
                    : "the model beats both benchmarks on MASE and MAPE at \(helps) of \(judged) horizons"
        self.init(
            analysis: "forecast_backtest",
            columns: ["model", "horizon", "n", "mape", "mase", "coverage"].map { Column($0, alignment: $0 == "model" ? .left : nil) },
            rows: rows, notes: notes + ForecastTable.notes(f), headline: "Backtest of \(f.target)\(origins): \(verdict)")
    }

    /// The driver report: each coefficient with its standard error, by horizon.
    public init(drivers f: ForecastResult) {
        var rows: [[Cell]] = f.coefficients.map { [.integer($0.horizon), .text($0.term), .number($0.estimate), .number($0.standardError)] }
        for t in f.driverTests {
            rows.append([
                .integer(t.horizon), .text("drop \(t.driver): F"), t.f.map { .number($0) } ?? .missing,
                t.pValue.map { .probability($0) } ?? .missing,
            ])
        }
        self.init(
            analysis: "forecast_drivers",
            columns: [Column("horizon"), Column("term", alignment: .left), Column("estimate"), Column("se_or_p")],
            rows: rows, headline: "Forecast model of \(f.target): coefficients (team effects absorbed) and partial F-tests of each driver")
    }
}

/// What the model decided, in words, for the people's notes.
enum ForecastTable {
    /// The header's second sentence: scale, season, trends and calibration, and why.
    static func summary(_ f: ForecastResult) -> String {
        var parts = [ForecastTable.scaleReason(f), f.seasonal.map { "season dummies by \($0)" } ?? "no season dummies"]
        let kept = f.models.filter(\.trends).map { String($0.horizon) }
        if kept.count == f.models.count, let m = f.models.first {
            parts.append(m.trendReason.hasSuffix("as asked") ? m.trendReason : "team trends (they forecast better over the window)")
        } else if kept.isEmpty, let m = f.models.first {
            parts.append(
                m.trendReason.hasSuffix("as asked") ? m.trendReason : "no team trends (they do not forecast better over the window)")
        } else {
            parts.append(
                "team trends at horizon\(kept.count == 1 ? "" : "s") \(kept.joined(separator: ", ")) only "
                    + "(where they forecast better over the window)"
            )
        }
        let calibrated = f.models.filter(\.calibrated).count
        parts.append(
            calibrated == f.models.count
                ? "intervals calibrated on the errors of the earlier origins"
                : calibrated == 0 ? "Student t intervals" : "intervals calibrated at \(calibrated) of \(f.models.count) horizons")
        return parts.joined(separator: "; ")
    }

    /// Why the target is on its scale, in the words of the flag (`--transform`) when it was asked for.
    static func scaleReason(_ f: ForecastResult) -> String {
        switch f.scaleReason {
        case .asked: f.transform == "log" ? "log scale, as asked (--transform log)" : "levels, as asked (--transform none)"
        case .nonPositive(let team, let value, let period): "levels: \(team) has \(value) in \(period), and the log needs values > 0"
        case .tooFewTeams: "levels: fewer than 5 teams with 3 changes to tell whether variability grows with team size"
        case .elasticity(let b, let teams):
            f.transform == "log"
                ? "log scale: variability grows with team size, elasticity \(String(format: "%.2f", b)) over \(teams) teams"
                : "levels: variability does not grow with team size, elasticity \(String(format: "%.2f", b)) over \(teams) teams"
        }
    }

    /// The forecast's notes: why there are no drivers (when there are none), then the analysis's.
    static func notes(_ f: ForecastResult) -> [String] {
        var notes: [String] = []
        if f.drivers.isEmpty {
            let why =
                f.driversAsked
                ? "no drivers: --drivers asked for none, so the model uses the target's own lags only"
                : "no drivers: the model uses the target's own lags only (no scorecard link leads into it)"
            notes.append(AnalysisNote(measure: f.target, why).description)
        }
        return notes + f.notes.map(\.description)
    }

    static func modelNotes(_ f: ForecastResult) -> [String] {
        var notes = ["scale: \(ForecastTable.scaleReason(f))"]
        for m in f.models {
            let q =
                m.calibrated
                ? "interval multiplier q = \(PeopleTable.statistic(m.q)) calibrated on \(m.windowRows) standardised errors "
                    + "of the earlier origins (split-conformal)"
                : "interval multiplier q = t(df \(PeopleTable.statistic(m.df))) = \(PeopleTable.statistic(m.q))"
                    + (m.windowRows < 20 ? " (\(m.windowRows) window errors, fewer than 20 to calibrate on)" : "")
            var kappa = m.kappaOrigins > 0 ? ", κ² = \(PeopleTable.statistic(m.kappa2)) from \(m.kappaOrigins) window origins" : ""
            if m.kappa2 > 1 && m.kappaOrigins > 0 {
                let k = m.kappaOrigins
                kappa += "; the figure's interval uses t with \(k) df: the multiplier κ² was estimated on \(k) earlier origins"
            }
            notes.append("horizon \(m.horizon): \(m.trendReason); \(q); organisation figure ρ = \(PeopleTable.statistic(m.rho))\(kappa)")
        }
        return notes
    }
}

extension ResultTable {
    /// `forecast --scenario`: per team of the scenario and horizon the forecast as it is
    /// (`baseline`), with the drivers changed at the origin (`scenario`), and their difference
    /// with its confidence interval; the organisation figure as a `(total)` row when
    /// `withTotal` (always in people's tables). Not one of METHODS.md's tables: the forecast's
    /// own CSV is unchanged without `--scenario`.
    public init(scenario f: ForecastResult, withTotal: Bool, measures: [MeasureDefinition] = []) {
        let s = f.scenario
        func cells(_ r: ForecastResult.ScenarioRow) -> [Cell] {
            [
                .text(r.team), .text(f.target), .text(r.period.description), .integer(r.horizon), .number(r.baseline), .number(r.scenario),
                .number(r.difference), .number(r.lower), .number(r.upper),
            ]
        }
        var rows = (s?.rows ?? []).map(cells)
        if withTotal { rows += (s?.totals ?? []).map(cells) }
        let definition = measures.first { $0.id == f.target }
        let amount = PeopleStyle.amount(unit: definition?.unit)
        let level = f.confidence * 100
        let confidence = level == level.rounded() && level.magnitude < 1e15 ? String(Int(level)) : PeopleTable.statistic(level)
        let change = (s?.shifts ?? []).map(\.description).joined(separator: ", ")
        let origin = s.map { "in \($0.origin)" } ?? ""
        let teams = s.map { $0.teams == $0.forecastTeams ? "all \($0.teams)" : "\($0.teams) of \($0.forecastTeams)" } ?? "0"
        var headline =
            "Scenario \(change) \(origin), for \(teams) teams with a forecast: \(f.target) baseline, scenario and difference "
            + "(\(confidence)% confidence interval of the difference)"
        let figure = f.aggregation == .sum ? "total" : "mean over teams"
        if let t = s?.totals.first {
            headline +=
                "; organisation \(figure) \(t.period): \(PeopleTable.format(t.difference, style: amount)) "
                + "(\(PeopleTable.format(t.lower, style: amount)) to \(PeopleTable.format(t.upper, style: amount)))"
        }
        headline += ". " + ForecastTable.summary(f)
        let notes =
            [
                "the difference of two predictions from one fit; its interval uses the fit's covariance and Student t "
                    + "(not the forecast's calibration: no new noise enters a difference)"
            ]
            + ForecastTable.modelNotes(f) + ForecastTable.notes(f)
        self.init(
            analysis: "forecast_scenario",
            columns: ["team", "measure", "period", "horizon", "baseline", "scenario", "difference", "lower", "upper"]
                .map { Column($0, alignment: ["team", "measure", "period"].contains($0) ? .left : nil) },
            rows: rows, notes: notes, headline: headline)
        styles = rows.map { _ in [nil, definition.map { .text($0.name) }, nil, nil, amount, amount, amount, amount, amount] }
    }
}
