/// The shortest decimal that reads back as the same `Double`, written as bytes.
///
/// Machine outputs (CSV, JSON) promise numbers "in the shortest form that round-trips to
/// the same Double". `Double.description` has the right digits but costs about 100 ns and
/// a heap allocation per value on our machines, which alone would spend more than a
/// second on a million-row, twelve-column CSV. This is Raffaello Giulietti's Schubfach
/// algorithm ("The Schubfach way to render doubles", 2020; the algorithm behind Java 19's
/// `Double.toString`): a handful of 64-bit multiplications per value, no allocation.
///
/// The result is the shortest decimal inside the value's rounding interval and, among
/// those, the closest to the exact binary value (ties to an even last digit), which is
/// also what Swift's `description` and Python's `repr` choose; the tests compare digit
/// strings with `description` and bit patterns after parsing.
///
/// The text layout follows Python's `repr` (fixed notation for decimal exponents
/// -4...15, otherwise `d.ddde±XX`), except that integral values drop the `.0`: `3`,
/// `1e-05`, `1.5e+300`, `1000000000000000`.
enum ShortestDecimal {
    /// Bytes one formatted value can need: sign, 17 digits, point, `e-308`, with slack.
    static let maximumLength = 32

    /// A finite, non-zero magnitude as `significand × 10^exponent`, with no trailing zeros
    /// in `significand` (so it holds exactly the shortest digits).
    ///
    /// - Precondition: `value` is finite and not zero; its sign is ignored.
    static func decompose(_ value: Double) -> (significand: UInt64, exponent: Int) {
        let bits = value.bitPattern
        let fraction = bits & fractionMask
        let biasedExponent = Int((bits >> 52) & 0x7FF)
        var result: (significand: UInt64, exponent: Int)
        if biasedExponent != 0 {
            let c = (1 << 52) | fraction
            let minusQ = 1075 - biasedExponent
            if minusQ > 0 && minusQ < 53 {
                // Integers below 2^53 are their own shortest form (section 8.3 of the paper).
                let integer = c >> UInt64(minusQ)
                if integer << UInt64(minusQ) == c {
                    result = (integer, 0)
                    return stripTrailingZeros(result)
                }
            }
            result = toDecimal(q: -minusQ, c: c)
        } else if fraction >= 3 {
            result = toDecimal(q: minimumQ, c: fraction)
        } else {
            // The paper widens the two smallest subnormals to two digits (Java wants at
            // least two); the shortest forms are simply 5e-324 and 1e-323.
            result = fraction == 1 ? (5, -324) : (1, -323)
        }
        return stripTrailingZeros(result)
    }

    /// Writes `value` at `buffer` and returns the number of bytes written.
    ///
    /// - Precondition: `value` is finite; `buffer` has room for `maximumLength` bytes.
    ///   Both zeros are written `0`.
    static func write(_ value: Double, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        if value == 0 {
            buffer[0] = ascii0
            return 1
        }
        var position = buffer
        if value < 0 {
            position[0] = asciiMinus
            position += 1
        }
        let (significand, exponent) = decompose(value)
        let count = digitCount(significand)
        let leading = exponent + count - 1  // decimal exponent of the leading digit

        if leading >= -4 && leading < 16 {
            if exponent >= 0 {
                // Integral: digits then zeros, no point.
                writeDigits(significand, count: count, to: position)
                position += count
                for _ in 0..<exponent {
                    position[0] = ascii0
                    position += 1
                }
            } else if leading >= 0 {
                // Digits one place to the right, then the integer part back over the gap.
                writeDigits(significand, count: count, to: position + 1)
                for index in 0...leading { position[index] = position[index + 1] }
                position[leading + 1] = asciiDot
                position += count + 1
            } else {
                position[0] = ascii0
                position[1] = asciiDot
                position += 2
                for _ in 0..<(-leading - 1) {
                    position[0] = ascii0
                    position += 1
                }
                writeDigits(significand, count: count, to: position)
                position += count
            }
        } else {
            writeDigits(significand, count: count, to: position + 1)
            position[0] = position[1]
            if count > 1 {
                position[1] = asciiDot
                position += count + 1
            } else {
                position += 1
            }
            position[0] = UInt8(ascii: "e")
            position[1] = leading < 0 ? asciiMinus : UInt8(ascii: "+")
            position += 2
            let magnitude = UInt32(leading.magnitude)
            if magnitude >= 100 {
                position[0] = ascii0 &+ UInt8(truncatingIfNeeded: magnitude / 100)
                position += 1
            }
            writePair(magnitude % 100, to: position)
            position += 2
        }
        return position - buffer
    }

    /// The text form of a finite value, or nil for NaN and infinities (which have no
    /// round-tripping text in CSV or JSON).
    static func string(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        return String(unsafeUninitializedCapacity: maximumLength) { buffer in
            write(value, to: buffer.baseAddress!)
        }
    }

    /// Writes the decimal digits of `value` (no sign, no leading zeros; `0` for zero) and
    /// returns their count; at most 20 bytes.
    @inline(__always)
    static func writeDigits(_ value: UInt64, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        let count = digitCount(value)
        writeDigits(value, count: count, to: buffer)
        return count
    }

    /// Writes exactly `count` digits of `value`, right to left: two digits per division,
    /// and 32-bit arithmetic below 10^8, because digit generation costs about as much as
    /// the Schubfach step itself.
    @inline(__always)
    static func writeDigits(_ value: UInt64, count: Int, to buffer: UnsafeMutablePointer<UInt8>) {
        var rest = value
        var index = count
        while index > 8 {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: 100_000_000)
            index -= 8
            writeEightDigits(UInt32(truncatingIfNeeded: remainder), to: buffer + index)
            rest = quotient
        }
        var small = UInt32(truncatingIfNeeded: rest)
        while index >= 2 {
            let (quotient, remainder) = small.quotientAndRemainder(dividingBy: 100)
            index -= 2
            writePair(remainder, to: buffer + index)
            small = quotient
        }
        if index == 1 {
            buffer[0] = ascii0 &+ UInt8(truncatingIfNeeded: small)
        }
    }

    /// Decimal digits in `value` (1 for zero).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        if value < 10_000_000_000 {
            if value < 100_000 {
                return value < 100 ? (value < 10 ? 1 : 2) : (value < 1_000 ? 3 : (value < 10_000 ? 4 : 5))
            }
            return value < 10_000_000
                ? (value < 1_000_000 ? 6 : 7)
                : (value < 100_000_000 ? 8 : (value < 1_000_000_000 ? 9 : 10))
        }
        if value < 1_000_000_000_000_000 {
            return value < 1_000_000_000_000
                ? (value < 100_000_000_000 ? 11 : 12)
                : (value < 10_000_000_000_000 ? 13 : (value < 100_000_000_000_000 ? 14 : 15))
        }
        return value < 100_000_000_000_000_000
            ? (value < 10_000_000_000_000_000 ? 16 : 17)
            : (value < 1_000_000_000_000_000_000 ? 18 : (value < 10_000_000_000_000_000_000 ? 19 : 20))
    }

    /// Exactly eight digits, zero-padded.
    @inline(__always)
    private static func writeEightDigits(_ value: UInt32, to buffer: UnsafeMutablePointer<UInt8>) {
        let (high, low) = value.quotientAndRemainder(dividingBy: 10_000)
        let (a, b) = high.quotientAndRemainder(dividingBy: 100)
        let (c, d) = low.quotientAndRemainder(dividingBy: 100)
        writePair(a, to: buffer)
        writePair(b, to: buffer + 2)
        writePair(c, to: buffer + 4)
        writePair(d, to: buffer + 6)
    }

    @inline(__always)
    private static func writePair(_ value: UInt32, to buffer: UnsafeMutablePointer<UInt8>) {
        let source = digitPairs.utf8Start + Int(value) * 2
        buffer[0] = source[0]
        buffer[1] = source[1]
    }

    /// "00" through "99"; a literal, so reading it needs no lazy initialisation.
    private static var digitPairs: StaticString {
        """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646\
        566676869707172737475767778798081828384858687888990919293949596979899
        """
    }

    // MARK: - Schubfach

    private static let ascii0 = UInt8(ascii: "0")
    private static let asciiDot = UInt8(ascii: ".")
    private static let asciiMinus = UInt8(ascii: "-")
    private static let fractionMask: UInt64 = (1 << 52) - 1
    private static let minimumQ = -1074
    private static let minimumK = -324
    private static let maximumK = 292
    private static let mask63: UInt64 = (1 << 63) - 1

    @inline(__always)
    private static func stripTrailingZeros(
        _ decimal: (significand: UInt64, exponent: Int)
    ) -> (significand: UInt64, exponent: Int) {
        var (significand, exponent) = decimal
        while true {
            let (quotient, remainder) = significand.quotientAndRemainder(dividingBy: 10)
            if remainder != 0 { break }
            significand = quotient
            exponent += 1
        }
        return (significand, exponent)
    }

    /// floor(log10(2^e)), exact for |e| <= 6_432_162.
    @inline(__always)
    private static func floorLog10Pow2(_ e: Int) -> Int { (e * 661_971_961_083) >> 41 }

    /// floor(log10(3/4 · 2^e)).
    @inline(__always)
    private static func floorLog10ThreeQuartersPow2(_ e: Int) -> Int {
        (e * 661_971_961_083 - 274_743_187_321) >> 41
    }

    /// floor(log2(10^e)), exact for |e| <= 1_838_394.
    @inline(__always)
    private static func floorLog2Pow10(_ e: Int) -> Int { (e * 913_124_641_741) >> 38 }

    /// The shortest decimal in the rounding interval of `c · 2^q` (figure 7 of the paper).
    @inline(__always)
    private static func toDecimal(q: Int, c: UInt64) -> (significand: UInt64, exponent: Int) {
        let out: UInt64 = c & 1
        let cb = c << 2
        let cbr = cb + 2
        let cbl: UInt64
        let k: Int
        if c != (1 << 52) || q == minimumQ {
            cbl = cb - 2
            k = floorLog10Pow2(q)
        } else {
            // The value just above a power of two: the interval below is half as wide.
            cbl = cb - 1
            k = floorLog10ThreeQuartersPow2(q)
        }
        let h = q + floorLog2Pow10(-k) + 2
        let index = (k - minimumK) &* 2
        let (g1, g0) = powersOfTen.withUnsafeBufferPointer { ($0[index], $0[index + 1]) }

        let vb = roundToOdd(g1, g0, cb << UInt64(h))
        let vbl = roundToOdd(g1, g0, cbl << UInt64(h))
        let vbr = roundToOdd(g1, g0, cbr << UInt64(h))

        let s = vb >> 2
        if s >= 10 {
            // Try one digit fewer first: at most one multiple of ten fits the interval.
            let sp10 = s / 10 * 10
            let tp10 = sp10 + 10
            let upin = vbl + out <= sp10 << 2
            let wpin = (tp10 << 2) + out <= vbr
            if upin != wpin {
                return (upin ? sp10 : tp10, k)
            }
        }
        let t = s + 1
        let uin = vbl + out <= s << 2
        let win = (t << 2) + out <= vbr
        if uin != win {
            return (uin ? s : t, k)
        }
        // Both candidates fit: take the closer one, an even digit on a tie.
        let vbHalves = Int64(bitPattern: vb)
        let middle = Int64(bitPattern: (s + t) << 1)
        let comparison = vbHalves - middle
        return (comparison < 0 || (comparison == 0 && s & 1 == 0) ? s : t, k)
    }

    /// Round-to-odd of `cp · g · 2^-127` with g = g1·2^63 + g0 (figure 8 of the paper).
    @inline(__always)
    private static func roundToOdd(_ g1: UInt64, _ g0: UInt64, _ cp: UInt64) -> UInt64 {
        let x1 = g0.multipliedFullWidth(by: cp).high
        let y = g1.multipliedFullWidth(by: cp)
        let z = (y.low >> 1) &+ x1
        let vbp = y.high &+ (z >> 63)
        return vbp | (((z & mask63) &+ mask63) >> 63)
    }

    /// For k in -324...292, the pairs (g1, g0) of g = floor(10^-k · 2^-r) + 1 where r is
    /// chosen so that 2^125 <= 10^-k · 2^-r < 2^126; g1 holds the high 63 bits of g, g0
    /// the low 63.
    ///
    /// Computed once with exact integer arithmetic rather than pasted as 1,234 literals:
    /// the arithmetic is short enough to review, a pasted table is not (about 1 ms).
    private static let powersOfTen: [UInt64] = {
        var table = [UInt64]()
        table.reserveCapacity((maximumK - minimumK + 1) * 2)
        for k in minimumK...maximumK {
            let r = floorLog2Pow10(-k) - 125
            var number: BigNatural
            if k <= 0 {
                number = BigNatural(1)
                for _ in 0..<(-k) { number.multiply(by: 10) }
                if r >= 0 { number.shiftRight(r) } else { number.shiftLeft(-r) }
            } else {
                // r < 0 here; floor(floor(x / 10) / 10) = floor(x / 100), and so on.
                number = BigNatural(1)
                number.shiftLeft(-r)
                for _ in 0..<k { number.divide(by: 10) }
            }
            let g = number.low128 + 1
            table.append(UInt64(truncatingIfNeeded: g >> 63))
            table.append(UInt64(truncatingIfNeeded: g) & mask63)
        }
        return table
    }()

    /// Just enough unsigned big-integer arithmetic to build `powersOfTen`.
    private struct BigNatural {
        /// Little-endian 32-bit words.
        var words: [UInt32]

        init(_ value: UInt32) { words = [value] }

        mutating func multiply(by factor: UInt32) {
            var carry: UInt64 = 0
            for i in words.indices {
                let product = UInt64(words[i]) * UInt64(factor) + carry
                words[i] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            if carry != 0 { words.append(UInt32(carry)) }
        }

        mutating func divide(by divisor: UInt32) {
            var remainder: UInt64 = 0
            for i in words.indices.reversed() {
                let current = (remainder << 32) | UInt64(words[i])
                words[i] = UInt32(current / UInt64(divisor))
                remainder = current % UInt64(divisor)
            }
            while words.count > 1 && words.last == 0 { words.removeLast() }
        }

        mutating func shiftLeft(_ count: Int) {
            let wordShift = count / 32
            let bitShift = UInt32(count % 32)
            var shifted = [UInt32](repeating: 0, count: words.count + wordShift + 1)
            for i in words.indices {
                let wide = UInt64(words[i]) << UInt64(bitShift)
                shifted[i + wordShift] |= UInt32(truncatingIfNeeded: wide)
                shifted[i + wordShift + 1] |= UInt32(truncatingIfNeeded: wide >> 32)
            }
            words = shifted
            while words.count > 1 && words.last == 0 { words.removeLast() }
        }

        mutating func shiftRight(_ count: Int) {
            let wordShift = count / 32
            let bitShift = UInt64(count % 32)
            guard wordShift < words.count else {
                words = [0]
                return
            }
            var shifted = [UInt32](repeating: 0, count: words.count - wordShift)
            for i in shifted.indices {
                let low = UInt64(words[i + wordShift])
                let high = i + wordShift + 1 < words.count ? UInt64(words[i + wordShift + 1]) : 0
                shifted[i] = UInt32(truncatingIfNeeded: ((high << 32) | low) >> bitShift)
            }
            words = shifted
            while words.count > 1 && words.last == 0 { words.removeLast() }
        }

        var low128: UInt128 {
            var result: UInt128 = 0
            for i in 0..<min(4, words.count) {
                result |= UInt128(words[i]) << UInt128(32 * i)
            }
            return result
        }
    }
}
