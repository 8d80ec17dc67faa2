/// A balanced scorecard: perspectives → objectives → measures (with targets) and initiatives,
/// plus the strategy map's links and the sales-ROI definition. Loaded from `scorecard.yml`
/// (METHODS.md, "Scorecard file") by `ScorecardLoader`.
public struct Scorecard: Sendable, Equatable {
    public var name: String?
    /// The file it was read from, for messages.
    public var file: String
    /// Perspectives in the order they appear in the file.
    public var perspectives: [PerspectiveBlock]
    public var links: [StrategyLink]
    public var roi: ROIDefinition?
    /// How to read the measurements (`data:`); the command line's options win.
    public var data = ReadOptions()

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

    public func measure(id: String) -> MeasureDefinition? {
        measures.first { $0.id == id }
    }
}

/// The four perspectives, ordered along the cause-and-effect chain
/// learning → process → customer → financial.
public enum Perspective: String, Sendable, CaseIterable, Comparable {
    case learning, process, customer, financial

    public static func < (a: Perspective, b: Perspective) -> Bool { a.order < b.order }
    var order: Int { Perspective.allCases.firstIndex(of: self)! }

    public var title: String {
        switch self {
        case .learning: "Learning & growth"
        case .process: "Internal process"
        case .customer: "Customer"
        case .financial: "Financial"
        }
    }
}

public enum Direction: String, Sendable { case higher, lower }

/// How a measure's values over a window (or over teams) combine into one number.
public enum Aggregation: String, Sendable { case sum, mean, last }

public struct Thresholds: Sendable, Equatable {
    /// Achievement ratio at or above which a measure is green (default 1.0).
    public var green: Double
    /// Achievement ratio at or above which a measure is amber (default 0.9).
    public var amber: Double
    public init(green: Double = 1.0, amber: Double = 0.9) {
        self.green = green
        self.amber = amber
    }
}

public struct PerspectiveBlock: Sendable, Equatable {
    public var perspective: Perspective
    public var objectives: [Objective]
    public var line: Int
    public init(perspective: Perspective, objectives: [Objective], line: Int) {
        self.perspective = perspective
        self.objectives = objectives
        self.line = line
    }
}

public struct Objective: Sendable, Equatable {
    public var name: String
    /// Weight in the perspective's roll-up; default 1, zero allowed (excluded), negative refused.
    public var weight: Double
    public var measures: [MeasureDefinition]
    public var initiatives: [Initiative]
    public var line: Int
    public init(name: String, weight: Double, measures: [MeasureDefinition], initiatives: [Initiative], line: Int) {
        self.name = name
        self.weight = weight
        self.measures = measures
        self.initiatives = initiatives
        self.line = line
    }
}

public struct MeasureDefinition: Sendable, Equatable {
    /// The measure's name in the data.
    public var id: String
    /// Display name; defaults to `id`.
    public var name: String
    public var unit: String?
    public var direction: Direction
    public var aggregation: Aggregation
    /// The organisation's target per period.
    public var target: Double?
    /// Each team's target per period.
    public var teamTarget: Double?
    public var thresholds: Thresholds
    /// Weight in the objective's roll-up; default 1, zero allowed, negative refused.
    public var weight: Double
    public var perspective: Perspective
    /// Name of the objective that holds it.
    public var objective: String
    public var line: Int

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

public struct Initiative: Sendable, Equatable {
    public var name: String
    public var owner: String?
    /// A period label (e.g. `2025-06`), checked against the data's frequency when both are loaded.
    public var due: String?
    public var status: String?
    public var line: Int
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

public enum LinkSign: String, Sendable { case positive, negative }

/// A strategy-map hypothesis: `from` (cause) leads `to` (effect).
public struct StrategyLink: Sendable, Equatable {
    public var from: String
    public var to: String
    public var sign: LinkSign?
    public var line: Int
    public init(from: String, to: String, sign: LinkSign?, line: Int) {
        self.from = from
        self.to = to
        self.sign = sign
        self.line = line
    }
}

/// Sales ROI = (Σ return − Σ cost) / Σ cost over a window (METHODS.md, rank).
public struct ROIDefinition: Sendable, Equatable {
    public var returnMeasure: String
    public var costMeasure: String
    public var line: Int
    public init(returnMeasure: String, costMeasure: String, line: Int) {
        self.returnMeasure = returnMeasure
        self.costMeasure = costMeasure
        self.line = line
    }
}
