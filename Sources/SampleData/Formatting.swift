import Rendering

/// Text forms of numbers and names, byte-identical on every platform.

/// Appends the decimal form of `n × 10^-decimals` to `out`: no exponent, no trailing zeros
/// after the point, no point for whole numbers, and never `-0`.
///
/// For the magnitudes generated (at most 15 significant digits) this is exactly what
/// `Double.description` prints for `Double(n) / 10^decimals`, without its `.0` suffix on
/// whole numbers: a decimal of at most 15 digits round-trips through binary64, so the
/// shortest round-trip form is that decimal itself (a test checks the equivalence). Going
/// through the integer avoids `Double.description`'s cost on nine million values.
@inline(__always)
func appendDecimal(_ n: Int64, decimals: Int, to out: inout [UInt8]) {
    var magnitude = n.magnitude
    if n < 0 { out.append(UInt8(ascii: "-")) }
    var fraction: UInt64 = 0
    if decimals > 0 {
        let unit = UInt64(powersOfTen[decimals])
        fraction = magnitude % unit
        magnitude /= unit
    }
    // Integer part, most significant digit first.
    var power: UInt64 = 1
    while power <= magnitude / 10 { power *= 10 }
    while power > 0 {
        out.append(UInt8(ascii: "0") + UInt8(magnitude / power % 10))
        power /= 10
    }
    if fraction != 0 {
        out.append(UInt8(ascii: "."))
        var width = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var divisor = UInt64(powersOfTen[width - 1])
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }
}

/// `x` rounded to `decimals` (0…6) decimals, in the form of `appendDecimal`; `-0` prints `0`.
func decimalString(_ x: Double, decimals: Int) -> String {
    var bytes: [UInt8] = []
    let n = scaled(x, decimals)
    appendDecimal(n, decimals: decimals, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a double quote, CR or LF, with
/// inner double quotes doubled.
func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return s }
    var out = "\""
    for ch in s { out += ch == "\"" ? "\"\"" : String(ch) }
    return out + "\""
}

/// A YAML scalar: plain when unambiguous, otherwise double-quoted.
func yamlScalar(_ s: String) -> String {
    let reserved: Set<String> = ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]
    let safeFirst = s.unicodeScalars.first.map { ("A"..."Z").contains($0) || ("a"..."z").contains($0) } ?? false
    let risky =
        !safeFirst || reserved.contains(s.lowercased()) || s.contains(": ") || s.contains(" #")
        || s.hasSuffix(":") || s.hasSuffix(" ")
        || s.contains(where: { "\"'{}[],&*!|>%@`\\".contains($0) })
    return risky ? JSONWriter.quoted(s) : s  // a JSON string is a valid YAML double-quoted scalar
}
