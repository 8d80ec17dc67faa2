/// A balanced scorecard: perspectives → objectives → measures (with targets) and initiatives,
/// plus the strategy map's links and the sales-ROI definition. Loaded from `scorecard.yml`
/// (METHODS.md, "Scorecard file") by `ScorecardLoader`.
public struct Scorecard: Sendable, Equatable {
    /// The scorecard's `name:` (e.g. "B2B sales scorecard"), used as the title of reports; nil when absent.
    public let name: String?
    /// The file it was read from, for messages.
    public let file: String
    /// Perspectives in the order they appear in the file.
    public let perspectives: [PerspectiveBlock]
    /// The strategy map's cause → effect hypotheses (`links:`), in file order; `leadlag` tests each.
    public let links: [StrategyLink]
    /// The sales-ROI definition (`roi:`); without it `rank` and `quartiles` refuse.
    public let roi: ROIDefinition?
    /// How to read the measurements (`data:`); the command line's options win.
    public var data = ReadOptions()

    /// A scorecard as read; `data` starts empty (the loader fills it from `data:`).
    public init(
        name: String?, file: String, perspectives: [PerspectiveBlock], links: [StrategyLink],
        roi: ROIDefinition?
    ) {
        self.name = name
        self.file = file
        self.perspectives = perspectives
        self.links = links
        self.roi = roi
    }

    /// Every measure in scorecard order (perspective, objective, measure as written).
    public var measures: [MeasureDefinition] {
        perspectives.flatMap { $0.objectives.flatMap(\.measures) }
    }

    /// The definition of the measure whose `id` is `id`, if the scorecard has one.
    public func measure(id: String) -> MeasureDefinition? {
        measures.first { $0.id == id }
    }
}

/// The four perspectives, ordered along the cause-and-effect chain
/// learning → process → customer → financial.
public enum Perspective: String, Sendable, CaseIterable, Comparable {
    case learning, process, customer, financial

    /// Earlier in the chain learning → process → customer → financial.
    public static func < (a: Perspective, b: Perspective) -> Bool { a.order < b.order }
    var order: Int { Perspective.allCases.firstIndex(of: self)! }

    /// The perspective's heading as people read it ("Learning & growth", "Internal process", …).
    public var title: String {
        switch self {
        case .learning: "Learning & growth"
        case .process: "Internal process"
        case .customer: "Customer"
        case .financial: "Financial"
        }
    }
}

/// Which way a measure is better: `higher` (revenue, win rate) or `lower` (cost, cycle days). It decides
/// whether a significant slope is improving or declining and which way achievement is taken.
public enum Direction: String, Sendable { case higher, lower }

/// How a measure's values over a window (or over teams) combine into one number.
public enum Aggregation: String, Sendable { case sum, mean, last }

/// Achievement ratios (1.0 = 100% of target) at which a measure turns green and amber; red below amber.
public struct Thresholds: Sendable, Equatable {
    /// Achievement ratio at or above which a measure is green (default 1.0).
    public let green: Double
    /// Achievement ratio at or above which a measure is amber (default 0.9).
    public let amber: Double
    /// Thresholds as ratios; the loader refuses amber above green.
    public init(green: Double = 1.0, amber: Double = 0.9) {
        self.green = green
        self.amber = amber
    }
}

/// One perspective of the file and its objectives.
public struct PerspectiveBlock: Sendable, Equatable {
    /// Which of the four perspectives.
    public let perspective: Perspective
    /// Its objectives, in file order.
    public let objectives: [Objective]
    /// The 1-based line of the perspective's key in the scorecard file, for messages.
    public let line: Int
    /// A perspective block as read from `line`.
    public init(perspective: Perspective, objectives: [Objective], line: Int) {
        self.perspective = perspective
        self.objectives = objectives
        self.line = line
    }
}

/// A strategic objective: measures that show progress on it and initiatives that pursue it.
public struct Objective: Sendable, Equatable {
    /// The objective's name as written (e.g. "Grow profitable revenue").
    public let name: String
    /// Weight in the perspective's roll-up; default 1, zero allowed (excluded), negative refused.
    public let weight: Double
    /// Its measures, in file order.
    public let measures: [MeasureDefinition]
    /// Its initiatives, in file order (may be empty).
    public let initiatives: [Initiative]
    /// The 1-based line of the objective in the scorecard file.
    public let line: Int
    /// An objective as read from `line`.
    public init(name: String, weight: Double, measures: [MeasureDefinition], initiatives: [Initiative], line: Int) {
        self.name = name
        self.weight = weight
        self.measures = measures
        self.initiatives = initiatives
        self.line = line
    }
}

/// One measure of the scorecard: how to read its numbers and what counts as good.
public struct MeasureDefinition: Sendable, Equatable {
    /// The measure's name in the data.
    public let id: String
    /// Display name; defaults to `id`.
    public let name: String
    /// The unit shown beside values (e.g. USD, %, days); nil when none is given.
    public let unit: String?
    /// Which way is better (`higher` / `lower`).
    public let direction: Direction
    /// How a window of periods reduces to one number (`sum`, `mean`, `last` present value) and how teams
    /// combine into the organisation (sum for `sum`, mean otherwise).
    public let aggregation: Aggregation
    /// The organisation's target per period.
    public let target: Double?
    /// Each team's target per period.
    public let teamTarget: Double?
    /// Achievement ratios for green and amber (default 1.0 and 0.9).
    public let thresholds: Thresholds
    /// Weight in the objective's roll-up; default 1, zero allowed, negative refused.
    public let weight: Double
    /// The perspective that holds it.
    public let perspective: Perspective
    /// Name of the objective that holds it.
    public let objective: String
    /// The 1-based line of the measure in the scorecard file.
    public let line: Int

    /// A measure as read; `name` defaults to `id`, weight to 1, thresholds to green 1.0 / amber 0.9.
    public init(
        id: String, name: String? = nil, unit: String? = nil, direction: Direction, aggregation: Aggregation,
        target: Double? = nil, teamTarget: Double? = nil, thresholds: Thresholds = Thresholds(),
        weight: Double = 1, perspective: Perspective, objective: String, line: Int
    ) {
        self.id = id
        self.name = name ?? id
        self.unit = unit
        self.direction = direction
        self.aggregation = aggregation
        self.target = target
        self.teamTarget = teamTarget
        self.thresholds = thresholds
        self.weight = weight
        self.perspective = perspective
        self.objective = objective
        self.line = line
    }
}

/// An action taken for an objective (`initiatives:`), listed by `status` with whether it is overdue.
public struct Initiative: Sendable, Equatable {
    /// The initiative's name (e.g. "Enter mid-market").
    public let name: String
    /// Who owns it (free text), if given.
    public let owner: String?
    /// A period label (e.g. `2025-06`), checked against the data's frequency when both are loaded.
    public let due: String?
    /// Free text (e.g. "in progress"); `done` and `cancelled` (any case) close it.
    public let status: String?
    /// The 1-based line of the initiative in the scorecard file.
    public let line: Int
    /// An initiative as read from `line`.
    public init(name: String, owner: String? = nil, due: String? = nil, status: String? = nil, line: Int) {
        self.name = name
        self.owner = owner
        self.due = due
        self.status = status
        self.line = line
    }
    /// `done` and `cancelled` close an initiative (METHODS.md, Status).
    public var isClosed: Bool {
        guard let s = status?.lowercased() else { return false }
        return s == "done" || s == "cancelled"
    }
}

/// The sign a link expects between cause and later effect (`+` / `-` in the file); a lead-lag verdict is
/// `contradicted` when the best-lag correlation has the other sign.
public enum LinkSign: String, Sendable { case positive, negative }

/// A strategy-map hypothesis: `from` (cause) leads `to` (effect).
public struct StrategyLink: Sendable, Equatable {
    /// The cause's measure id.
    public let from: String
    /// The effect's measure id.
    public let to: String
    /// The expected sign, when the file gives one.
    public let sign: LinkSign?
    /// The 1-based line of the link in the scorecard file.
    public let line: Int
    /// A link as read from `line`.
    public init(from: String, to: String, sign: LinkSign?, line: Int) {
        self.from = from
        self.to = to
        self.sign = sign
        self.line = line
    }
}

/// Sales ROI = (Σ return − Σ cost) / Σ cost over a window (METHODS.md, rank).
public struct ROIDefinition: Sendable, Equatable {
    /// The measure summed as the return (e.g. revenue), in money.
    public let returnMeasure: String
    /// The measure summed as the cost (e.g. sales_cost), in the same money; ROI is undefined when it sums to ≤ 0.
    public let costMeasure: String
    /// The 1-based line of `roi:` in the scorecard file.
    public let line: Int
    /// An ROI definition as read from `line`.
    public init(returnMeasure: String, costMeasure: String, line: Int) {
        self.returnMeasure = returnMeasure
        self.costMeasure = costMeasure
        self.line = line
    }
}
