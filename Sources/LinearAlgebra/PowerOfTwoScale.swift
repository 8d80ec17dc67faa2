/// Scaling that keeps statistics the same over the whole normal double range (issue #16).
public enum PowerOfTwoScale {
    /// 1 for magnitudes within 2^±400, otherwise the power of two that brings `magnitude` to
    /// [1, 2). Multiplying by it is exact, so results on ordinary data keep every bit, and
    /// squares and sums of scaled values stay far from overflow and underflow.
    public static func factor(for magnitude: Double) -> Double {
        let m = Swift.abs(magnitude)
        guard m.isFinite, m > 0 else { return 1 }
        if m > 0x1p-400 && m < 0x1p400 { return 1 }
        let e = Swift.min(Swift.max(Int(m.exponent), -1022), 1023)
        return Double(sign: .plus, exponent: -e, significand: 1)
    }

    /// The largest |value| of a buffer, NaNs skipped.
    static func largestMagnitude(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        var m = 0.0
        for i in 0..<n {
            let a = Swift.abs(p[i])
            if a > m { m = a }
        }
        return m
    }
}
