import Ingest

/// What the report says (`scorecard report`): every analysis it shows, run on one dataset,
/// with the report's own choices (the forecast's target and drivers, the organisation
/// figure's history, the links and drivers the selection left out) made here, so the command
/// line only parses flags and writes, and Rendering only formats.
///
/// A section whose analysis cannot run is left nil with a problem saying why; the rest of the
/// report is still assembled.
public struct ReportContents: Sendable {
    /// The dataset the report is about (after the selection).
    public let dataset: Dataset
    /// The organisation as a one-team panel (METHODS.md, organisation level).
    public let organisation: Panel
    /// The scorecard: the organisation's, or the one selected team's against its team targets.
    public let status: StatusReport
    /// The organisation's trend lines (`trend --org`).
    public let trend: TrendResult
    /// The ROI ranking (`rank`), nil when it cannot be computed (its reason is the quartiles').
    public let ranking: Ranking?
    /// Top against bottom quartile (`quartiles`).
    public let quartiles: QuartileComparison?
    /// The scorecard's links present in the data (verdicts, and the heatmap unless `heatmap`).
    public let leadLag: LeadLagResult?
    /// Every cross-perspective pair, when asked for (`allCross`).
    public let heatmap: LeadLagResult?
    /// The forecast of the roi's return measure (else the first financial measure in the data).
    public let forecast: ForecastResult?
    /// Per period of the window: the organisation figure of the forecast's target (the total for
    /// a sum target, the mean otherwise) over the teams in its forecast; nil where missing.
    public let forecastTotalHistory: [Double?]
    /// "section: why it is missing or shortened", in the order the sections run.
    public let problems: [String]
}

/// Runs the analyses of the report.
public enum ReportAnalysis {
    /// The report's settings.
    public struct Options: Sendable {
        /// Largest lag of the lead-lag analysis (nil: the frequency's default).
        public var maxLag: Int?
        /// Forecast periods ahead.
        public var horizon: Int
        /// Whether the heatmap covers every cross-perspective pair, not only the links.
        public var allCross: Bool
        /// Whether the selection named teams: with one team left, the status is that team's own.
        public var teamsSelected: Bool

        /// The report's settings; the defaults are `scorecard report`'s.
        public init(maxLag: Int? = nil, horizon: Int = 3, allCross: Bool = false, teamsSelected: Bool = false) {
            self.maxLag = maxLag
            self.horizon = horizon
            self.allCross = allCross
            self.teamsSelected = teamsSelected
        }
    }

    /// Where the work is, for a progress line: `begin` at each step, `counter(unit)` for an
    /// analysis' (done, total) updates.
    public struct Steps {
        /// A new step begins (`report: lead-lag`).
        public let begin: (String) -> Void
        /// A closure counting `unit`s of the current step.
        public let counter: (String) -> @Sendable (Int, Int) -> Void

        /// Steps reported to the two closures.
        public init(begin: @escaping (String) -> Void, counter: @escaping (String) -> @Sendable (Int, Int) -> Void) {
            self.begin = begin
            self.counter = counter
        }
    }

    /// The report's contents.
    /// - Parameters:
    ///   - describe: an analysis' error as one line in the user's terms (the command line's
    ///     words for the flags; Analysis names none).
    ///   - steps: told as each section begins (nil: no progress).
    /// - Throws: the status analysis' error (the report's first section cannot be left out);
    ///   every other section's error becomes a problem.
    public static func run(
        _ data: Dataset, options: Options, describe: (Error) -> String = { "\($0)" }, steps: Steps? = nil
    ) throws -> ReportContents {
        let organisation = data.panel.organisation(aggregations: data.measureInfo.map(\.aggregation))
        // One team selected: its own scorecard against team_target, as `status --team` shows it.
        let status = try StatusAnalysis.run(
            data, team: data.panel.teamCount == 1 && options.teamsSelected ? data.panel.teams[0] : nil)
        let trend = TrendAnalysis.run(data, organisation: true)
        var problems: [String] = []

        steps?.begin("report: quartiles")
        var quartiles: QuartileComparison?
        do { quartiles = try QuartileAnalysis.run(data) } catch { problems.append("quartiles: \(describe(error))") }
        // The ranking the quartiles split (its problem, e.g. no roi, is the quartiles' already).
        let ranking = try? RankAnalysis.run(data)

        var leadLag: LeadLagResult?
        var heatmap: LeadLagResult?
        let links = LeadLagAnalysis.links(of: data)
        let present = links.filter { data.panel.measureIndex($0.leader) != nil && data.panel.measureIndex($0.lagger) != nil }
        if present.count < links.count {
            problems.append(
                "lead-lag: \(links.count - present.count) of \(links.count) links name a measure not in the selected data"
                    + " and are left out")
        }
        if links.isEmpty {
            problems.append("lead-lag: no strategy-map links to test (add links: to the scorecard)")
        } else if !present.isEmpty {
            steps?.begin("report: lead-lag")
            do {
                leadLag = try LeadLagAnalysis.run(data, pairs: present, maxLag: options.maxLag, progress: steps?.counter("links"))
            } catch {
                problems.append("lead-lag: \(describe(error))")
            }
        }
        if options.allCross {
            steps?.begin("report: lead-lag heatmap")
            do {
                heatmap = try LeadLagAnalysis.run(
                    data, pairs: LeadLagAnalysis.allCross(of: data), maxLag: options.maxLag, progress: steps?.counter("pairs"))
            } catch {
                problems.append("lead-lag heatmap (all cross pairs): \(describe(error))")
            }
        }

        steps?.begin("report: forecast")
        var forecast: ForecastResult?
        var totalHistory: [Double?] = []
        do {
            let (target, drivers, leftOut) = forecastVariables(data)
            if !leftOut.isEmpty {
                problems.append("forecast: drivers not in the selected data are left out: \(leftOut.joined(separator: ", "))")
            }
            let f = try ForecastAnalysis.run(data, options: .init(target: target, drivers: drivers, horizon: options.horizon))
            forecast = f
            totalHistory = organisationHistory(of: f, in: data)
        } catch {
            problems.append("forecast: \(describe(error))")
        }
        return ReportContents(
            dataset: data, organisation: organisation, status: status, trend: trend, ranking: ranking, quartiles: quartiles,
            leadLag: leadLag, heatmap: heatmap, forecast: forecast, forecastTotalHistory: totalHistory, problems: problems)
    }

    /// The report's forecast target: the roi's return measure, as `forecast` takes by default;
    /// without an roi, the scorecard's first financial measure in the data. Its drivers as
    /// `forecast` takes them (the links into the target), less those the selection left out
    /// (`leftOut`, in the scorecard's order).
    static func forecastVariables(_ data: Dataset) -> (target: String?, drivers: [String], leftOut: [String]) {
        let card = data.scorecard
        let target =
            card?.roi?.returnMeasure
            ?? card?.measures.first { $0.perspective == .financial && data.panel.measureIndex($0.id) != nil }?.id
        let linked = (card?.links ?? []).filter { $0.to == target && $0.from != target }.map(\.from)
        let drivers = linked.filter { data.panel.measureIndex($0) != nil }
        return (target, drivers, linked.filter { data.panel.measureIndex($0) == nil })
    }

    /// History of the organisation figure over the same teams as the forecast's total: the total
    /// for sum targets, the mean otherwise (the figure's own aggregation); nil where missing.
    static func organisationHistory(of forecast: ForecastResult, in data: Dataset) -> [Double?] {
        guard let first = forecast.totals.first, let y = data.panel.measureIndex(forecast.target) else { return [] }
        let names = Set(forecast.rows.filter { $0.horizon == first.horizon && $0.period == first.period }.map(\.team))
        let teams = data.panel.teams.indices.filter { names.contains(data.panel.teams[$0]) }
        let figure = data.panel.selecting(teams: teams).organisation(
            aggregations: [Aggregation](repeating: forecast.aggregation == .sum ? .sum : .mean, count: data.panel.measureCount))
        return figure.series(team: 0, measure: y).map { $0.isNaN ? nil : $0 }
    }
}
