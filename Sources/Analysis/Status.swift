import Ingest
import LinearAlgebra

/// Each measure against its target at one period, rolled up by weight into objective,
/// perspective and overall scores (METHODS.md, Status; the roll-up is ours, documented in
/// `ScoringRule.explanation` and the README).
public struct StatusReport: Sendable {
    /// A traffic light: green at or above the green threshold, amber at or above the amber threshold, else red.
    public enum Colour: String, Sendable { case green, amber, red }

    /// One measure at the period shown.
    public struct MeasureStatus: Sendable, Equatable {
        /// The scorecard's definition (id, name, unit, direction, target, thresholds, weight).
        public let definition: MeasureDefinition
        /// The value in the period shown, in the measure's unit: the team's, or the organisation's (teams summed for
        /// sum measures, averaged otherwise); nil when missing.
        public var actual: Double?
        /// The value in the period before, on the same basis; nil when missing or at the first period.
        public var previous: Double?
        /// The target for one period at this level: `target` for the organisation, `team_target` in a team view.
        public var target: Double?
        /// actual/target (higher is better) or target/actual (lower); nil when either is ≤ 0 or missing.
        public var achievement: Double?
        /// min(achievement, cap).
        public var score: Double?
        /// The measure's colour against its own thresholds (defaults green 1.0, amber 0.9); nil without an achievement.
        public var status: Colour?
        /// The direction of the level's trend line over the window; nil with fewer than 3 values.
        public var trend: TrendDirection?
        /// The trend line's slope per period (the window's), when there is a trend.
        public var slope: Double?
        /// Why a number is missing (e.g. "no target", "no value in 2024-06").
        public var note: String?
        /// actual − previous, in the measure's unit; nil when either is missing.
        public var change: Double? { actual.flatMap { a in previous.map { a - $0 } } }
    }

    /// One objective: its measures rolled up by weight.
    public struct ObjectiveStatus: Sendable, Equatable {
        /// The scorecard's objective (name, weight, measures, initiatives).
        public let objective: Objective
        /// Its measures, in scorecard order.
        public let measures: [MeasureStatus]
        /// Weighted mean of the measures' capped achievements (measure `weight`); nil when no measure has a score.
        public let score: Double?
        /// The score's colour against the rule's thresholds.
        public let status: Colour?
        /// The objective's initiatives, in scorecard order.
        public let initiatives: [InitiativeStatus]
    }

    /// An initiative and whether it is late.
    public struct InitiativeStatus: Sendable, Equatable {
        /// The scorecard's initiative (name, owner, due, status).
        public let initiative: Initiative
        /// True when its due period ends before the period shown starts and it is not done or cancelled.
        public let overdue: Bool
    }

    /// One perspective: its objectives rolled up by weight.
    public struct PerspectiveStatus: Sendable, Equatable {
        /// Which of the four perspectives.
        public let perspective: Perspective
        /// Its objectives, in scorecard order.
        public let objectives: [ObjectiveStatus]
        /// Weighted mean of the objectives' scores (objective `weight`); nil when none has a score.
        public let score: Double?
        /// The score's colour against the rule's thresholds.
        public let status: Colour?
    }

    /// `nil` for the organisation.
    public let team: String?
    /// The period shown (default: the window's last).
    public let period: Period
    /// The calendar period before it, against which `change` is taken.
    public let previousPeriod: Period
    /// The scorecard's perspectives, in its order.
    public let perspectives: [PerspectiveStatus]
    /// Plain mean of the perspective scores; nil when none has one.
    public let overallScore: Double?
    /// The overall score's colour.
    public let overallStatus: Colour?
    /// The cap and thresholds used.
    public let rule: ScoringRule
    /// The team's ROI rank and quartile (team view, when the scorecard defines roi).
    public let rank: Ranking.Row?
    /// Teams with an ROI in the ranking (team view; 0 otherwise).
    public let rankedTeams: Int
    /// Why scores are missing (a perspective without any measure score).
    public let notes: [AnalysisNote]

    /// The perspective with the lowest score.
    public var worstPerspective: PerspectiveStatus? {
        perspectives.filter { $0.score != nil }.min { $0.score! < $1.score! }
    }
}

/// How measure scores roll up. Stated in full by `explanation` (`scorecard status --explain`).
public struct ScoringRule: Sendable, Equatable {
    /// Achievement above this counts only up to it (default 1.2: 120%).
    public var cap: Double = 1.2
    /// Thresholds for objective, perspective and overall scores.
    public var thresholds = Thresholds()

    /// A rule with the given cap (1.2 = 120%) and roll-up thresholds (default green 1.0, amber 0.9).
    public init(cap: Double = 1.2, thresholds: Thresholds = Thresholds()) {
        self.cap = cap
        self.thresholds = thresholds
    }

    /// The rule in words, numbered as `scorecard status --explain` prints it.
    public var explanation: String {
        """
        How Scorecard scores a scorecard
        1. Actual: the team's value in the period; for the organisation, sum measures add the teams
           with a value and mean/last measures average them.
        2. Target: the measure's `target` (organisation) or `team_target` (team view), per period.
        3. Achievement: actual / target when higher is better, target / actual when lower is better;
           undefined when either is missing or ≤ 0.
        4. Measure status: green when achievement ≥ the measure's green threshold (default 1.0), amber when
           ≥ its amber threshold (default 0.9), else red.
        5. Measure score: achievement capped at \(cap) (\(Int((cap * 100).rounded()))%), so one runaway measure cannot hide others.
        6. Objective score: the weighted mean of its measures' scores (measure `weight`, default 1);
           perspective score: the weighted mean of its objectives' scores (objective `weight`, default 1);
           overall score: the plain mean of the perspective scores.
           Weight 0 leaves an item out; items without a score (no data, no target) are left out and the
           weights of the rest renormalised; a level where nothing is left has no score (never 0/0).
           Negative weights are refused when the scorecard is read.
        7. Objective, perspective and overall status use green ≥ \(thresholds.green), amber ≥ \(thresholds.amber).
        8. Change is actual minus the previous period's actual; trend is the direction of the measure's
           trend line over the window (improving/declining at p < 0.05, else flat).
        9. An initiative is overdue when its due period is before the period shown and its status is
           not done or cancelled.
        """
    }

    func colour(_ score: Double?, _ t: Thresholds) -> StatusReport.Colour? {
        // An undefined score (a roll-up that could not be computed) has no colour, never red.
        guard let score, score.isFinite else { return nil }
        return score >= t.green ? .green : score >= t.amber ? .amber : .red
    }

    /// Σ wᵢ sᵢ / Σ wᵢ over items with a score and positive weight; nil when none.
    ///
    /// Weights far from 1 (1e308, 1e-300) are first scaled by a power of two, which is exact,
    /// so Σ wᵢ neither overflows nor underflows: the mean depends on the weights' ratios only
    /// (issue #16). Nil, too, when it still cannot be computed.
    func weightedMean(_ items: [(score: Double?, weight: Double)]) -> Double? {
        let largest = items.filter { $0.weight > 0 && $0.score != nil }.map(\.weight).max() ?? 0
        let scale = PowerOfTwoScale.factor(for: largest)
        var sw = 0.0
        var s = 0.0
        for (score, w) in items where w > 0 {
            guard let score else { continue }
            let v = w * scale
            s += v * score
            sw += v
        }
        guard sw > 0 else { return nil }
        let mean = s / sw
        return mean.isFinite ? mean : nil
    }
}

/// Computes `StatusReport` (METHODS.md, Status): the organisation's or one team's scorecard at one period.
public enum StatusAnalysis {
    /// - Parameters:
    ///   - period: the period shown (default: the panel's last).
    ///   - team: a team's view; nil for the organisation.
    /// - Throws: `AnalysisError` for a period outside the data or of another frequency,
    ///   an unknown team, or a dataset without a scorecard.
    public static func run(
        _ dataset: Dataset, period: String? = nil, team: String? = nil, rule: ScoringRule = ScoringRule()
    ) throws -> StatusReport {
        guard let scorecard = dataset.scorecard else {
            throw AnalysisError(.needsScorecard(analysis: "status"))
        }
        let panel = dataset.panel
        var index = panel.periodCount - 1
        if let period {
            guard let p = Period(period), p.frequency == panel.frequency, let i = panel.index(of: p) else {
                throw AnalysisError(.periodNotInData(period, frequency: panel.frequency, first: panel.firstPeriod, last: panel.lastPeriod))
            }
            index = i
        }
        var teamIndex: Int?
        if let team {
            guard let i = panel.teamIndex(team) else {
                throw AnalysisError(
                    team: team, .teamNotInData(teamCount: panel.teamCount, hint: Dataset.suggestion(team, among: panel.teams)))
            }
            teamIndex = i
        }
        let info = dataset.measureInfo
        let level: Panel = teamIndex.map { panel.selecting(teams: [$0]) } ?? panel.organisation(aggregations: info.map(\.aggregation))
        var levelData = dataset
        levelData.panel = level
        let trends = TrendAnalysis.run(levelData)
        let shown = panel.period(at: index)
        var notes: [AnalysisNote] = []

        var perspectives: [StatusReport.PerspectiveStatus] = []
        for block in scorecard.perspectives {
            var objectives: [StatusReport.ObjectiveStatus] = []
            for objective in block.objectives {
                var measures: [StatusReport.MeasureStatus] = []
                for def in objective.measures {
                    var m = StatusReport.MeasureStatus(definition: def)
                    guard let mi = level.measureIndex(def.id) else {
                        m.note = "not in the selected data"
                        measures.append(m)
                        continue
                    }
                    let v = level[0, mi, index]
                    m.actual = v.isNaN ? nil : v
                    if index > 0 {
                        let pv = level[0, mi, index - 1]
                        m.previous = pv.isNaN ? nil : pv
                    }
                    m.target = teamIndex == nil ? def.target : def.teamTarget
                    m.trend = trends.fits.outcome[mi] == .tooFew ? nil : trends.directions[mi]
                    if m.trend != nil, trends.fits.slope[mi].isFinite { m.slope = trends.fits.slope[mi] }
                    if m.actual == nil {
                        m.note = "no value in \(shown)"
                    } else if m.target == nil {
                        m.note = teamIndex == nil ? "no target" : "no team_target"
                    } else if let a = m.actual, let t = m.target {
                        if a > 0 && t > 0 {
                            m.achievement = def.direction == .higher ? a / t : t / a
                        } else {
                            m.note = "achievement undefined (actual or target ≤ 0)"
                        }
                    }
                    if let ach = m.achievement {
                        m.score = Swift.min(ach, rule.cap)
                        m.status = rule.colour(ach, def.thresholds)
                    }
                    measures.append(m)
                }
                let score = rule.weightedMean(measures.map { ($0.score, $0.definition.weight) })
                let initiatives = objective.initiatives.map { i -> StatusReport.InitiativeStatus in
                    var overdue = false
                    // Any frequency: overdue when the due period's last day is before the shown period's first.
                    if let due = i.due.flatMap(Period.init), due.days.upperBound < shown.days.lowerBound, !i.isClosed { overdue = true }
                    return StatusReport.InitiativeStatus(initiative: i, overdue: overdue)
                }
                objectives.append(
                    StatusReport.ObjectiveStatus(
                        objective: objective, measures: measures, score: score,
                        status: rule.colour(score, rule.thresholds), initiatives: initiatives))
            }
            let score = rule.weightedMean(objectives.map { ($0.score, $0.objective.weight) })
            perspectives.append(
                StatusReport.PerspectiveStatus(
                    perspective: block.perspective, objectives: objectives, score: score,
                    status: rule.colour(score, rule.thresholds)))
        }
        let overall = rule.weightedMean(perspectives.map { ($0.score, 1) })
        var rankRow: Ranking.Row?
        var ranked = 0
        if let team, scorecard.roi != nil, let ranking = try? RankAnalysis.run(dataset) {
            rankRow = ranking.rows.first { $0.team == team }
            ranked = ranking.ranked.count
        }
        for p in perspectives where p.score == nil {
            notes.append(AnalysisNote("\(p.perspective.title): no score (no measure with a value and a target)"))
        }
        return StatusReport(
            team: team, period: shown, previousPeriod: shown.advanced(by: -1), perspectives: perspectives,
            overallScore: overall, overallStatus: rule.colour(overall, rule.thresholds), rule: rule,
            rank: rankRow, rankedTeams: ranked, notes: notes)
    }
}
