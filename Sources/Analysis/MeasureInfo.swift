import Ingest

/// What an analysis needs to know of a measure: from the scorecard, or METHODS.md's
/// defaults for a measure only the data has (higher is better, mean, no perspective).
public struct MeasureInfo: Sendable, Equatable {
    /// The measure's name in the data (the `measure` column), as the scorecard's `id` names it.
    public let id: String
    /// The display name: the scorecard's `name`, else the id.
    public let name: String
    /// The scorecard's `unit` (e.g. USD, days), shown beside values; nil when it gives none.
    public let unit: String?
    /// Which way is better (`higher` / `lower`): decides whether a significant slope is improving or
    /// declining, and whether achievement is actual/target or target/actual. `higher` when only the data has the measure.
    public let direction: Direction
    /// How a window of periods reduces to one number (`sum`, `mean`, or `last` present value), and
    /// how teams combine into the organisation (sum for `sum`, mean otherwise). `mean` when only the data has the measure.
    public let aggregation: Aggregation
    /// The balanced-scorecard perspective the measure sits in; nil for a measure only the data has.
    public let perspective: Perspective?

    /// The scorecard's definition of `id`, or METHODS.md's defaults when the scorecard lacks it (or there is none).
    public init(_ id: String, scorecard: Scorecard?) {
        self.id = id
        if let d = scorecard?.measure(id: id) {
            name = d.name
            unit = d.unit
            direction = d.direction
            aggregation = d.aggregation
            perspective = d.perspective
        } else {
            name = id
            unit = nil
            direction = .higher
            aggregation = .mean
            perspective = nil
        }
    }
}

extension Dataset {
    /// `MeasureInfo` for every panel measure, in panel order.
    public var measureInfo: [MeasureInfo] { panel.measures.map { MeasureInfo($0, scorecard: scorecard) } }
}

/// Why a number could not be computed for a team or measure; shown in notes, never as NaN.
public struct AnalysisNote: Sendable, Equatable, CustomStringConvertible {
    /// The team the note is about, if any.
    public let team: String?
    /// The measure (id) the note is about, if any.
    public let measure: String?
    /// The reason, in words (e.g. "fewer than 3 values", "cost <= 0").
    public let message: String
    /// A note about an optional team and measure.
    public init(team: String? = nil, measure: String? = nil, _ message: String) {
        self.team = team
        self.measure = measure
        self.message = message
    }
    /// `team "T", measure "M": message`, leaving out the parts that are nil.
    public var description: String {
        var parts: [String] = []
        if let team { parts.append("team \"\(team)\"") }
        if let measure { parts.append("measure \"\(measure)\"") }
        return parts.isEmpty ? message : parts.joined(separator: ", ") + ": " + message
    }
}
