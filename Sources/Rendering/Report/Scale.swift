/// Axis ticks at "nice" numbers (1, 2 or 5 × 10ᵏ) covering a data range, and the linear
/// map from data to drawing coordinates.
public struct NiceScale: Sendable, Equatable {
    /// The axis' ends: multiples of `step`, `lower` ≤ the data's minimum, `upper` ≥ its maximum.
    public let lower: Double
    public let upper: Double
    public let step: Double
    /// `lower`, `lower + step`, …, `upper`, each computed as an integer multiple of `step`
    /// (no accumulated rounding).
    public let ticks: [Double]

    /// - Parameters:
    ///   - minimum, maximum: the data's range (finite; equal values get a range around them).
    ///   - maxTicks: about how many ticks (at least 2); the result has at most `maxTicks + 2`.
    ///   - includeZero: extend the range to 0 (for bars).
    public init(minimum: Double, maximum: Double, maxTicks: Int = 6, includeZero: Bool = false) {
        precondition(minimum.isFinite && maximum.isFinite, "a scale needs a finite range")
        var a = Swift.min(minimum, maximum)
        var b = Swift.max(minimum, maximum)
        if includeZero {
            a = Swift.min(a, 0)
            b = Swift.max(b, 0)
        }
        if a == b {
            let pad = a == 0 ? 1 : a.magnitude * 0.1
            a -= pad
            b += pad
        }
        let intervals = Double(Swift.max(maxTicks, 2) - 1)
        let rough = (b - a) / intervals
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        let residual = rough / magnitude
        let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
        let step = nice * magnitude
        let first = Int((a / step).rounded(.down))
        let last = Int((b / step).rounded(.up))
        self.step = step
        self.ticks = (first...Swift.max(last, first + 1)).map { Double($0) * step + 0 }
        self.lower = ticks.first!
        self.upper = ticks.last!
    }

    /// Decimals that show every tick distinctly when values are divided by `divisor`.
    public func decimals(divisor: Double = 1) -> Int {
        var d = 0
        var s = step / divisor
        while s < 1 - 1e-9 && d < 40 {
            s *= 10
            d += 1
        }
        return d
    }

    /// Tick labels with a common k/M/B suffix chosen by the largest tick: `0`, `20M`, `40M`.
    /// Ranges whose labels would need more than six decimals, or ticks beyond 10¹⁵, are
    /// written in scientific notation with a common exponent (`4.952e-9`).
    public func labels(unit: String? = nil) -> [String] {
        let percent = unit == "%" ? "%" : ""
        let largest = ticks.map(\.magnitude).max() ?? 0
        let (divisor, suffix): (Double, String) =
            largest >= 1e9 ? (1e9, "B") : largest >= 1e6 ? (1e6, "M") : largest >= 1e4 ? (1e3, "k") : (1, "")
        let d = decimals(divisor: divisor)
        if d <= 6 && largest < 1e15 {
            return ticks.map { $0 == 0 ? "0" + percent : ReportNumber.fixed($0 / divisor, decimals: d) + suffix + percent }
        }
        var exponent = 0
        var power = 1.0
        while power * 10 <= largest {
            power *= 10
            exponent += 1
        }
        while power > largest {
            power /= 10
            exponent -= 1
        }
        let mantissaDecimals = decimals(divisor: power)
        return ticks.map { $0 == 0 ? "0" + percent : ReportNumber.fixed($0 / power, decimals: mantissaDecimals) + "e\(exponent)" + percent }
    }

    /// The position of `value` on an axis drawn from `from` (at `lower`) to `to` (at `upper`).
    public func position(_ value: Double, from: Double, to: Double) -> Double {
        from + (value - lower) / (upper - lower) * (to - from)
    }
}
