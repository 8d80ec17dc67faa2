import Ingest

/// What an export means: the data, window, ROI definition and method versions behind it,
/// written beside the CSV/JSON (`--with-definitions`) so two exports never silently differ
/// in meaning.
public struct Definitions: Sendable {
    public let analysis: String
    public let dataset: Dataset
    /// The analysis' own settings (max lag, horizon, …) as name → value text.
    public let parameters: [(String, String)]

    public init(analysis: String, dataset: Dataset, parameters: [(String, String)] = []) {
        self.analysis = analysis
        self.dataset = dataset
        self.parameters = parameters
    }

    /// Versions of the method definitions each analysis follows (bumped when a number's meaning changes).
    public static let methodVersions: [(String, String)] = [
        ("trend", "1 (OLS on calendar index; statsmodels OLS)"),
        ("leadlag", "1 (two-way fixed effects; BIC lag order ≤ 6; BH over forward and reverse tests)"),
        ("rank", "1 (ROI = (Σ return − Σ cost) / Σ cost; numpy.percentile linear edges)"),
        ("quartiles", "1 (Welch t; Mann-Whitney asymptotic with continuity; BH over measures)"),
        ("forecast", "1 (direct multi-horizon pooled ARX, team effects; obs intervals)"),
        ("status", "1 (achievement capped, weighted roll-up)"),
    ]

    public func json(engineVersion: String) -> [UInt8] {
        let s = JSONWriter.quoted
        let p = dataset.panel
        var lines: [String] = []
        lines.append("  \"analysis\": \(s(analysis))")
        lines.append("  \"engine\": \(s("scorecard \(engineVersion)"))")
        lines.append("  \"contract\": \(s("shared/METHODS.md"))")
        lines.append("  \"measurements\": \(s(dataset.location.measurements))")
        if !dataset.location.moreMeasurements.isEmpty {
            lines.append("  \"more_measurements\": [\(dataset.location.moreMeasurements.map(s).joined(separator: ", "))]")
        }
        lines.append("  \"scorecard\": \(dataset.location.scorecard.map(s) ?? "null")")
        lines.append(
            """
              "window": {"frequency": \(s(p.frequency.rawValue)), "from": \(s(p.firstPeriod.description)), "to": \
            \(s(p.lastPeriod.description)), "periods": \(p.periodCount)}
            """
        )
        lines.append("  \"teams\": \(p.teamCount)")
        lines.append("  \"measures\": [\(p.measures.map(s).joined(separator: ", "))]")
        if let roi = dataset.scorecard?.roi {
            lines.append(
                """
                  "roi": {"return": \(s(roi.returnMeasure)), "cost": \(s(roi.costMeasure)), "definition": \
                \(s("(Σ \(roi.returnMeasure) − Σ \(roi.costMeasure)) / Σ \(roi.costMeasure) over the window's present values"))}
                """
            )
        } else {
            lines.append("  \"roi\": null")
        }
        lines.append("  \"parameters\": {\(parameters.map { "\(s($0.0)): \(s($0.1))" }.joined(separator: ", "))}")
        lines.append("  \"methods\": {\(Definitions.methodVersions.map { "\(s($0.0)): \(s($0.1))" }.joined(separator: ", "))}")
        return Array(("{\n" + lines.joined(separator: ",\n") + "\n}\n").utf8)
    }
}
