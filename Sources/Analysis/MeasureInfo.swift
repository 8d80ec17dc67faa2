import Ingest

/// What an analysis needs to know of a measure: from the scorecard, or METHODS.md's
/// defaults for a measure only the data has (higher is better, mean, no perspective).
public struct MeasureInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String?
    public var direction: Direction
    public var aggregation: Aggregation
    public var perspective: Perspective?

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
    public var team: String?
    public var measure: String?
    public var message: String
    public init(team: String? = nil, measure: String? = nil, _ message: String) {
        self.team = team
        self.measure = measure
        self.message = message
    }
    public var description: String {
        var parts: [String] = []
        if let team { parts.append("team \"\(team)\"") }
        if let measure { parts.append("measure \"\(measure)\"") }
        return parts.isEmpty ? message : parts.joined(separator: ", ") + ": " + message
    }
}
