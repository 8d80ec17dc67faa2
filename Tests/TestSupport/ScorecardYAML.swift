// Small scorecard files for tests, written one way: the perspectives → objectives → measures
// block that test after test used to spell out as a YAML literal.

/// Builds the text of a small `scorecard.yml` (METHODS.md, "Scorecard file"): perspectives in
/// the order given, each objective with its measures one per line in flow style, then `links`
/// and `roi` when given. Two-space indentation, as the README's example, so line and column
/// numbers in a message can be read off the text:
///
/// ```
/// perspectives:
///   financial:
///     objectives:
///       - name: Grow
///         measures:
///           - {id: revenue, direction: higher, aggregation: sum}
/// roi: {return: revenue, cost: cost}
/// ```
public enum ScorecardYAML {
    /// One objective of a perspective and its measures (each a `measure(...)` line's text).
    public struct Objective: Sendable {
        public let perspective: String
        public let name: String
        public let measures: [String]

        public init(_ perspective: String, _ name: String, _ measures: [String]) {
            self.perspective = perspective
            self.name = name
            self.measures = measures
        }
    }

    /// A measure in flow style, `{id: revenue, direction: higher, aggregation: sum}`, with any
    /// further keys (`extra`, e.g. `"target: 100"`) before the closing brace.
    public static func measure(
        _ id: String, _ direction: String = "higher", _ aggregation: String = "sum", _ extra: String = ""
    )
        -> String
    {
        "{id: \(id), direction: \(direction), aggregation: \(aggregation)\(extra.isEmpty ? "" : ", " + extra)}"
    }

    /// The whole file; objectives of one perspective must be adjacent. `links` are flow-style
    /// entries (`"{from: a, to: b}"`); `roi` is the return and cost measure ids.
    public static func scorecard(
        _ objectives: [Objective], links: [String] = [], roi: (returnMeasure: String, costMeasure: String)? = nil
    ) -> String {
        var out = "perspectives:\n"
        var current: String?
        for objective in objectives {
            if objective.perspective != current {
                out += "  \(objective.perspective):\n    objectives:\n"
                current = objective.perspective
            }
            out += "      - name: \(objective.name)\n        measures:\n"
            for m in objective.measures { out += "          - \(m)\n" }
        }
        if !links.isEmpty {
            out += "links:\n"
            for l in links { out += "  - \(l)\n" }
        }
        if let roi { out += "roi: {return: \(roi.returnMeasure), cost: \(roi.costMeasure)}\n" }
        return out
    }
}
