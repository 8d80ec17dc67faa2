import Analysis

/// How a number reads in a people's table (issue #14): achievement and shares as
/// percentages, money and counts with thousands separators and their unit, statistics to at
/// most four significant digits, never in scientific notation. A hint per cell
/// (`ResultTable.styles`); CSV and JSON never look at it, so machine outputs keep full
/// precision and raw values.
public enum PeopleStyle: Sendable, Equatable {
    /// A share or achievement ratio: 0.959 reads `95.9%`.
    case percent
    /// Money or a count in `unit` (`148.9M USD`, `355,429`, `16.4%` for the unit `%`); with
    /// `--exact`, every digit (`148,912,345.67 USD`).
    case amount(unit: String?)
    /// A change or slope with its sign and unit per period: `+91.9k USD/month`.
    case change(unit: String?, per: String?)
    /// A statistic (t, d, r, a ratio): at most four significant digits, fixed notation.
    case statistic
    /// A ratio of two means: `2.13×`.
    case times
    /// Text shown to people instead of the cell (a display name, a trend with its slope).
    case text(String)
}

extension PeopleTable {
    /// A number in a style (see `PeopleStyle`); `exact` shows amounts in full.
    public static func format(_ value: Double, style: PeopleStyle, exact: Bool = false) -> String {
        guard value.isFinite else { return undefined }
        switch style {
        case .percent:
            return fixedDecimals(value * 100, decimals: Swift.abs(value) >= 10 ? 0 : 1) + "%"
        case .amount(let unit):
            return withUnit(exact ? exactDigits(value) : compact(value, thousands: false), unit)
        case .change(let unit, let per):
            let body = exact ? exactDigits(value) : compact(value, thousands: true)
            let signed = value > 0 ? "+" + body : body
            return withUnit(signed, unit) + (per.map { "/\($0)" } ?? "")
        case .statistic:
            return statistic(value)
        case .times:
            return statistic(value) + "×"
        case .text(let text):
            return text
        }
    }

    static func withUnit(_ text: String, _ unit: String?) -> String {
        guard let unit, !unit.isEmpty else { return text }
        return unit == "%" ? text + "%" : text + " " + unit
    }

    /// At most four significant digits in fixed notation, all integer digits kept, with
    /// thousands separators: `12,346`, `12.35`, `0.001235`, `0.00001235`.
    public static func statistic(_ value: Double) -> String {
        guard value.isFinite else { return undefined }
        if value == 0 { return "0" }
        let magnitude = Swift.abs(value)
        let exponent = Int((magnitude).log10Floor)
        let decimals = Swift.max(0, 3 - exponent)
        return fixedDecimals(value, decimals: decimals)
    }

    /// Money and counts: up to a million, every integer digit with separators (`355,429`,
    /// `1,235`, `12.35`); from a million on, four significant digits and M, B or T
    /// (`148.9M`). `thousands` also shortens from ten thousand with k (`91.87k`), for changes.
    static func compact(_ value: Double, thousands: Bool) -> String {
        let magnitude = Swift.abs(value)
        let scales: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M")] + (thousands ? [(1e4, "k")] : [])
        // A value that rounds up to the next scale takes it (999.96M reads 1B).
        for (scale, suffix) in scales where magnitude >= scale * 0.99995 && magnitude < 1e15 {
            var text = statistic(value / scale)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text + (scale == 1e4 ? "k" : suffix)
        }
        return statistic(value)
    }

    /// Every significant digit of the shortest round-trip form, in fixed notation with
    /// thousands separators (`148,912,345.67`).
    static func exactDigits(_ value: Double) -> String {
        if value == 0 { return "0" }
        let (significand, exp) = ShortestDecimal.decompose(value)
        let digits = Array(String(significand).utf8)
        // value = significand × 10^exp
        var integer: [UInt8]
        var fraction: [UInt8]
        if exp >= 0 {
            integer = digits + [UInt8](repeating: 48, count: exp)
            fraction = []
        } else if -exp < digits.count {
            integer = Array(digits[..<(digits.count + exp)])
            fraction = Array(digits[(digits.count + exp)...])
        } else {
            integer = [48]
            fraction = [UInt8](repeating: 48, count: -exp - digits.count) + digits
        }
        while fraction.last == 48 { fraction.removeLast() }
        let text =
            grouped(String(decoding: integer, as: UTF8.self)) + (fraction.isEmpty ? "" : "." + String(decoding: fraction, as: UTF8.self))
        return (value < 0 ? "-" : "") + text
    }

    /// `value` rounded half-up (on its shortest decimal form) to `decimals` places, integer
    /// digits grouped by threes.
    static func fixedDecimals(_ value: Double, decimals: Int) -> String {
        let exact = exactDigits(Swift.abs(value)).replacingOccurrences(",", "")
        var parts = exact.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        var integer = parts[0]
        var fraction = parts.count > 1 ? parts[1] : []
        parts = []
        if fraction.count > decimals {
            let roundUp = fraction[decimals] >= 53
            fraction = Array(fraction[..<decimals])
            if roundUp {
                var digits = integer + fraction
                var i = digits.count - 1
                while i >= 0 && digits[i] == 57 {
                    digits[i] = 48
                    i -= 1
                }
                if i >= 0 { digits[i] += 1 } else { digits.insert(49, at: 0) }
                integer = Array(digits[..<(digits.count - decimals)])
                fraction = Array(digits[(digits.count - decimals)...])
            }
        } else {
            fraction += [UInt8](repeating: 48, count: decimals - fraction.count)
        }
        let body = grouped(String(decoding: integer, as: UTF8.self)) + (decimals > 0 ? "." + String(decoding: fraction, as: UTF8.self) : "")
        let isZero = !(integer + fraction).contains { $0 != 48 }
        return (value < 0 && !isZero ? "-" : "") + body
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ digits: String) -> String {
        let chars = Array(digits)
        var out = ""
        for (i, c) in chars.enumerated() {
            if i > 0 && (chars.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

extension Double {
    /// ⌊log10 |x|⌋ for finite non-zero x, exact at powers of ten (from the shortest digits).
    fileprivate var log10Floor: Int {
        let (significand, exponent) = ShortestDecimal.decompose(self)
        return exponent + String(significand).count - 1
    }
}

extension PeopleStyle {
    /// `improving (+91.9k USD/month)`: the trend judged by the measure's direction
    /// (`declining` reads `worsening`), with the slope's sign.
    public static func trendText(_ trend: TrendDirection, slope: Double?, unit: String?, per: String) -> String {
        let word = trend == .declining ? "worsening" : trend.rawValue
        guard let slope else { return word }
        return "\(word) (\(PeopleTable.format(slope, style: .change(unit: unit, per: per))))"
    }
}

extension PeopleStyle {
    /// Both quartiles' mean ROI, and their ratio only when it is stable (the bottom mean at
    /// least 3 standard errors above 0).
    public static func quartileHeadline(topN: Int, top: Double, bottomN: Int, bottom: Double, stable: Bool) -> String {
        let means =
            """
            Top-quartile teams (\(topN)) average a sales ROI of \(PeopleTable.format(top, style: .percent)), bottom-quartile teams \
            (\(bottomN)) \(PeopleTable.format(bottom, style: .percent))
            """
        if stable { return means + " (\(PeopleTable.format(top / bottom, style: .times)))" }
        return means + " (no ratio: the bottom mean is \(bottom > 0 ? "within 3 standard errors of 0" : "not above 0"))"
    }
}
