import Analysis

/// The report's colours, chosen to read on screen and in black-and-white print (every
/// colour also comes with a word: a status chip says "green", an arrow says "supported").
public enum Palette {
    public static let ink = "#24292f"
    public static let muted = "#57606a"
    public static let grid = "#d0d7de"
    public static let faint = "#f6f8fa"
    public static let actual = "#0b3d91"
    public static let forecast = "#d1242f"
    public static let band = "#f4a9a8"
    public static let top = "#0969da"
    public static let bottom = "#bc4c00"

    /// Status fill (strong) for boxes and bars.
    public static func status(_ c: StatusReport.Colour?) -> String {
        switch c {
        case .green: "#1a7f37"
        case .amber: "#bf8700"
        case .red: "#cf222e"
        case nil: "#8c959f"
        }
    }

    /// Same colours as `StrategyMap.dot`, so the DOT map and the report agree.
    public static func verdict(_ v: LeadLagResult.Verdict) -> String {
        switch v {
        case .supported: "#1a7f37"
        case .contradicted: "#cf222e"
        case .reversed: "#8250df"
        case .notSupported: "#9a6700"
        case .insufficientData: "#6e7781"
        }
    }

    /// A diverging scale for correlations: brown-red (−m) through near-white (0) to blue (+m).
    public static func diverging(_ r: Double, limit m: Double) -> String {
        let t = Swift.max(-1, Swift.min(1, r / m))
        let mid: (Double, Double, Double) = (247, 247, 247)
        let end: (Double, Double, Double) = t >= 0 ? (33, 102, 172) : (178, 24, 43)
        let a = t.magnitude
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * a).rounded()) }
        return hex(channel(mid.0, end.0), channel(mid.1, end.1), channel(mid.2, end.2))
    }

    /// Whether text on `diverging(r, m)` should be white to stay readable.
    public static func needsLightText(_ r: Double, limit m: Double) -> Bool { (r / m).magnitude > 0.6 }

    static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [r, g, b] {
            let c = Swift.max(0, Swift.min(255, v))
            s.append(digits[c / 16])
            s.append(digits[c % 16])
        }
        return s
    }
}
