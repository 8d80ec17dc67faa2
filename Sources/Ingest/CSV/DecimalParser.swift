#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the decimal numbers METHODS.md allows (`-12`, `3.5`, `1e-3`, `+4`, `.5`, `5.`)
/// straight from bytes, correctly rounded, with no allocation.
///
/// Most values take Clinger's fast path: a mantissa of at most 15 significant digits and a
/// power of ten of at most 22 in magnitude are both exact doubles, so one multiplication or
/// division rounds correctly. Anything else (long mantissas, large exponents) is handed to
/// the C library's `strtod` on a NUL-terminated copy, after our own syntax check — so `strtod`
/// never sees hex floats, `inf` or `nan`, which are not decimal numbers.
enum DecimalParser {
    enum Result: Equatable {
        case number(Double)
        /// Syntax is not a decimal number.
        case invalid
        /// A decimal number too large for a Double (e.g. 1e400).
        case overflow
    }

    /// 10^e for 0 ≤ e ≤ 22, all exact doubles. A switch of literals, not a global array:
    /// a global `let` would be checked for lazy initialisation on every call.
    @inline(__always)
    static func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> Result {
        var i = 0
        // Surrounding blanks are tolerated, as spreadsheets and pandas do.
        var end = count
        while i < end && (p[i] == 32 || p[i] == 9) { i += 1 }
        while end > i && (p[end - 1] == 32 || p[end - 1] == 9) { end -= 1 }
        if i == end { return .invalid }
        let start = i
        var negative = false
        if p[i] == 45 || p[i] == 43 {  // - +
            negative = p[i] == 45
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        // Digits, then a point and more digits: past the 19th significant digit an integer digit
        // only scales (and a fraction digit is dropped); a leading zero of a fraction scales.
        var fraction = false
        while i < end {
            let d = UInt64(p[i] &- 48)
            if d >= 10 {
                if p[i] != 46 || fraction { break }  // .
                fraction = true
                i += 1
                continue
            }
            digits += 1
            if significant > 0 || d != 0 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    significant += 1
                    if fraction { exponent -= 1 }
                } else {
                    if !fraction { exponent += 1 }
                    truncated = truncated || d != 0
                }
            } else if fraction {
                exponent -= 1
            }
            i += 1
        }
        if digits == 0 { return .invalid }
        if i < end, p[i] == 101 || p[i] == 69 {  // e E
            i += 1
            var expNegative = false
            if i < end, p[i] == 45 || p[i] == 43 {
                expNegative = p[i] == 45
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < end, p[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 48) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return .invalid }
            exponent += expNegative ? -e : e
        }
        if i != end { return .invalid }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if !truncated && significant <= 15 && exponent >= -22 && exponent <= 22 {
            value = Double(mantissa)
            if exponent >= 0 { value *= powerOfTen(exponent) } else { value /= powerOfTen(-exponent) }
            if negative { value = -value }
        } else {
            value = slowPath(p + start, end - start)
        }
        if !value.isFinite { return .overflow }
        // -0 is 0 (METHODS.md).
        return .number(value + 0.0)
    }

    static func slowPath(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: count + 1)
        defer { buffer.deallocate() }
        for k in 0..<count { buffer[k] = CChar(bitPattern: p[k]) }
        buffer[count] = 0
        return strtod(buffer, nil)
    }
}
