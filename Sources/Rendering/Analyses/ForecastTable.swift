import Analysis
import Ingest

extension ResultTable {
    /// METHODS.md's forecast columns: team, measure, period, horizon, forecast, lower, upper;
    /// the organisation total as a `(total)` row when `withTotal` (always in people's tables).
    public init(forecast f: ForecastResult, withTotal: Bool, measures: [MeasureDefinition] = []) {
        var rows: [[Cell]] = f.rows.map {
            [.text($0.team), .text(f.target), .text($0.period.description), .integer($0.horizon), .number($0.forecast), .number($0.lower), .number($0.upper)]
        }
        if withTotal {
            for t in f.totals {
                rows.append([.text("(total)"), .text(f.target), .text(t.period.description), .integer(t.horizon), .number(t.forecast), .number(t.lower), .number(t.upper)])
            }
        }
        var headline = "\(f.target) forecast from \(f.drivers.isEmpty ? "its own lags" : f.drivers.joined(separator: ", ")) (\(f.lags) lags, team effects, \(PeopleTable.formatNumber(f.confidence * 100))% prediction intervals)"
        if let t = f.totals.first {
            headline += "; organisation total \(t.period): \(PeopleTable.formatNumber(t.forecast)) (\(PeopleTable.formatNumber(t.lower)) to \(PeopleTable.formatNumber(t.upper)), \(t.teams) teams)"
        }
        var notes = f.notes.map(\.description)
        for t in f.driverTests {
            if let p = t.pValue, let F = t.f {
                notes.append("horizon \(t.horizon): dropping \(t.driver) F(\(t.numeratorDF), \(t.denominatorDF)) = \(PeopleTable.formatNumber(F)), p = \(PeopleTable.formatProbability(p))\(p < 0.05 ? " — it carries the forecast" : " — it adds nothing significant")")
            }
        }
        self.init(analysis: "forecast",
                  columns: ["team", "measure", "period", "horizon", "forecast", "lower", "upper"].map { Column($0, alignment: ["team", "measure", "period"].contains($0) ? .left : nil) },
                  rows: rows, notes: notes, headline: headline)
        // People read forecasts in the target's unit, under its display name.
        let definition = measures.first { $0.id == f.target }
        let amount = PeopleStyle.amount(unit: definition?.unit)
        styles = rows.map { _ in [nil, definition.map { .text($0.name) }, nil, nil, amount, amount, amount] }
    }

    /// METHODS.md's backtest columns: model, horizon, n, mape, mase.
    public init(backtest f: ForecastResult) {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        let rows: [[Cell]] = f.backtest.map { [.text($0.model), .integer($0.horizon), .integer($0.n), num($0.mape), num($0.mase)] }
        var notes: [String] = []
        var helps = 0
        var judged = 0
        for h in 1...f.horizon {
            guard let m = f.backtest.first(where: { $0.model == "arx" && $0.horizon == h }),
                  let n = f.backtest.first(where: { $0.model == "naive" && $0.horizon == h }),
                  let mm = m.mase, let nm = n.mase, nm > 0 else { continue }
            let skill = 1 - mm / nm
            judged += 1
            if skill > 0 { helps += 1 }
            notes.append("horizon \(h): skill 1 − MASE_model/MASE_naive = \(PeopleTable.formatNumber(skill))"
                         + (m.coverage.map { ", \(PeopleTable.formatNumber(f.confidence * 100))% interval covered \(PeopleTable.formatNumber($0 * 100))% of \(m.n) actuals" } ?? ""))
        }
        let origins = f.backtestOrigins.isEmpty ? "" : " (origins \(f.backtestOrigins.first!)…\(f.backtestOrigins.last!), refitted at each)"
        let verdict = judged == 0 ? "no horizon could be scored" :
            helps == judged ? "the drivers help: the model beats the naive last-value forecast at every horizon" :
            helps == 0 ? "the drivers do not help: the naive last-value forecast is as good or better at every horizon" :
            "the model beats the naive forecast at \(helps) of \(judged) horizons"
        self.init(analysis: "forecast_backtest",
                  columns: ["model", "horizon", "n", "mape", "mase"].map { Column($0, alignment: $0 == "model" ? .left : nil) },
                  rows: rows, notes: notes + f.notes.map(\.description), headline: "Backtest of \(f.target)\(origins): \(verdict)")
    }

    /// The driver report: each coefficient with its standard error, by horizon.
    public init(drivers f: ForecastResult) {
        var rows: [[Cell]] = f.coefficients.map { [.integer($0.horizon), .text($0.term), .number($0.estimate), .number($0.standardError)] }
        for t in f.driverTests {
            rows.append([.integer(t.horizon), .text("drop \(t.driver): F"), t.f.map { .number($0) } ?? .missing, t.pValue.map { .probability($0) } ?? .missing])
        }
        self.init(analysis: "forecast_drivers",
                  columns: [Column("horizon"), Column("term", alignment: .left), Column("estimate"), Column("se_or_p")],
                  rows: rows, headline: "Forecast model of \(f.target): coefficients (team effects absorbed) and partial F-tests of each driver")
    }
}
