/// Numbers as the report shows them: short, deterministic, never `NaN`.
///
/// No Foundation formatter is used: output bytes must not depend on the locale or the
/// platform. Rounding is half away from zero on the binary value.
public enum ReportNumber {
    /// What a missing or undefined value looks like in the report.
    public static let missing = "—"

    /// `x` with exactly `decimals` digits after the point (`fixed(2.345, 1)` = `2.3` or
    /// `2.4` as the binary value rounds; `fixed(-0.04, 1)` = `0.0`, never `-0.0`).
    public static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return missing }
        var scale = 1.0
        for _ in 0..<max(decimals, 0) { scale *= 10 }
        let scaled = (x.magnitude * scale).rounded()
        guard scaled < 9.0e15 else { return PeopleTable.formatNumber(x) }
        var digits = String(Int64(scaled))
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (x < 0 && scaled != 0 ? "-" : "") + digits
    }

    /// Three significant digits with k, M, B suffixes from 10 000 up: `73.4M`, `8560`,
    /// `92.6`, `0.312`, `-1.18M`. Below 0.001 in magnitude, scientific (`3.2e-05`).
    public static func compact(_ x: Double?) -> String {
        guard let x, x.isFinite else { return missing }
        let a = x.magnitude
        if a == 0 { return "0" }
        if a < 0.001 { return PeopleTable.formatNumber(x) }
        for (limit, divisor, suffix) in [(1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")] where a >= limit * 0.9995 {
            return significant(x / divisor, 3) + suffix
        }
        return significant(x, a >= 1000 ? 4 : 3)
    }

    /// `x` rounded to `digits` significant digits in fixed notation (never dropping integer digits).
    static func significant(_ x: Double, _ digits: Int) -> String {
        let a = x.magnitude
        var magnitude = 0
        var p = 1.0
        while p * 10 <= a {
            p *= 10
            magnitude += 1
        }
        while p > a && magnitude > -12 {
            p /= 10
            magnitude -= 1
        }
        var decimals = max(0, digits - 1 - magnitude)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        // 9.996 at 3 digits rounds to 10.00: the carry adds a digit, so keep one decimal less.
        if (a * scale).rounded() / scale >= p * 10 && decimals > 0 { decimals -= 1 }
        return fixed(x, decimals: decimals)
    }

    /// Up to three decimals, trailing zeros dropped: 2 → `2`, 0.5 → `0.5`, 1.25 → `1.25`.
    public static func plain(_ x: Double) -> String {
        var text = fixed(x, decimals: 3)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A value with its unit: `92.6%`, `54.1 days`, `73.4M USD`.
    public static func withUnit(_ x: Double?, _ unit: String?) -> String {
        let text = compact(x)
        guard x != nil, x!.isFinite, let unit, !unit.isEmpty else { return text }
        return unit == "%" ? text + "%" : text + " " + unit
    }

    /// A ratio as a percentage with one decimal: 0.9234 → `92.3%`.
    public static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return missing }
        return fixed(x * 100, decimals: 1) + "%"
    }

    /// A p- or q-value: three decimals, or `<0.001`.
    public static func probability(_ p: Double?) -> String {
        guard let p, p.isFinite else { return missing }
        return p < 0.001 ? "<0.001" : fixed(p, decimals: 3)
    }

    /// An SVG coordinate: one decimal, trailing `.0` dropped.
    static func coordinate(_ x: Double) -> String {
        precondition(x.isFinite, "an SVG coordinate must be finite")
        let text = fixed(x, decimals: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
