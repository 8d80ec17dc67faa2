import Testing

@testable import Rendering

/// The shortest round-trip promise: the text parses back to the very same bits, and its
/// significant digits are exactly those of Swift's own shortest `description`.
@Suite struct ShortestDecimalTests {
    /// Significant digits of a numeric text: no sign, point, exponent, or outer zeros.
    static func significantDigits(_ text: String) -> String {
        var mantissa = Substring(text)
        if mantissa.hasPrefix("-") { mantissa = mantissa.dropFirst() }
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) { mantissa = mantissa[..<e] }
        var digits = mantissa.filter { $0 != "." }[...]
        while digits.first == "0" { digits = digits.dropFirst() }
        while digits.last == "0" { digits = digits.dropLast() }
        return String(digits)
    }

    static func check(_ value: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        guard value.isFinite, value != 0 else { return }
        let text = ShortestDecimal.string(value)!
        let parsed = Double(text)
        #expect(parsed?.bitPattern == value.bitPattern, "\(text) for \(value)", sourceLocation: sourceLocation)
        #expect(
            significantDigits(text) == significantDigits(value.description),
            "\(text) vs description \(value.description)", sourceLocation: sourceLocation)
    }

    @Test func randomBitPatternsRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300_000 {
            Self.check(Double(bitPattern: generator.next()))
        }
    }

    @Test func subnormalsRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for fraction in UInt64(1)...2_000 {
            Self.check(Double(bitPattern: fraction))
        }
        for _ in 0..<100_000 {
            Self.check(Double(bitPattern: generator.next() & ((1 << 52) - 1)))
        }
        Self.check(Double.leastNonzeroMagnitude)
        Self.check(Double.leastNormalMagnitude)
        Self.check(Double.leastNormalMagnitude.nextDown)
        #expect(ShortestDecimal.string(Double.leastNonzeroMagnitude) == "5e-324")
        #expect(ShortestDecimal.string(Double(bitPattern: 2)) == "1e-323")
    }

    /// Powers of two are where the rounding interval is lopsided (the irregular case).
    @Test func powersOfTwoAndNeighboursRoundTrip() {
        for exponent in -1074...1023 {
            let value = Double(sign: .plus, exponent: exponent, significand: 1)
            Self.check(value)
            Self.check(value.nextUp)
            Self.check(value.nextDown)
            Self.check(-value)
        }
    }

    @Test func powersOfTenAndHugeValuesRoundTrip() {
        for exponent in -323...308 {
            guard let value = Double("1e\(exponent)") else { continue }
            Self.check(value)
            Self.check(value.nextUp)
            Self.check(value.nextDown)
        }
        Self.check(Double.greatestFiniteMagnitude)
        Self.check(-Double.greatestFiniteMagnitude)
        Self.check(9_007_199_254_740_992)  // 2^53
        Self.check(9_007_199_254_740_991)
    }

    @Test func everydayValuesRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            Self.check(Double.random(in: -1_000...1_000, using: &generator))
            Self.check(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 1_000)
        }
    }

    @Test(arguments: [
        (3.0, "3"), (-3.0, "-3"), (0.1, "0.1"), (0.5, "0.5"), (1e-5, "1e-05"), (1e-4, "0.0001"),
        (1.5e-7, "1.5e-07"), (1e15, "1000000000000000"), (1e16, "1e+16"), (123.456, "123.456"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (2.5e-308, "2.5e-308"),
        (1234567890123456.7, "1234567890123456.8"), (-0.000123, "-0.000123"), (100.0, "100"),
        (9_007_199_254_740_992, "9007199254740992"), (1.2345678901234568e17, "1.2345678901234568e+17"),
    ])
    func layout(value: Double, expected: String) {
        #expect(ShortestDecimal.string(value) == expected)
    }

    @Test func zerosAndNonFinite() {
        #expect(ShortestDecimal.string(0) == "0")
        #expect(ShortestDecimal.string(-0.0) == "0")
        #expect(ShortestDecimal.string(.nan) == nil)
        #expect(ShortestDecimal.string(.infinity) == nil)
        #expect(ShortestDecimal.string(-.infinity) == nil)
    }

    /// Integers go through the same digit writer; CSV shows them as is.
    @Test func integerDigits() {
        var values = [0, 7, -7, 10, 99, 100, 12_345_678, 123_456_789, -9_876_543_210_123, Int.max, Int.min]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            values.append(Int(truncatingIfNeeded: generator.next()) >> Int.random(in: 0..<63))
        }
        let table = ResultTable(analysis: "x", columns: [Column("n")], rows: values.map { [.integer($0)] })
        let expected = "n\n" + values.map { String($0) + "\n" }.joined()
        #expect(String(decoding: CSVWriter.render(table), as: UTF8.self) == expected)
    }

    @Test func digitCounts() {
        var value: UInt64 = 1
        for digits in 1...19 {
            #expect(ShortestDecimal.digitCount(value) == digits)
            #expect(ShortestDecimal.digitCount(value - 1) == max(1, digits - 1))
            value *= 10
        }
        #expect(ShortestDecimal.digitCount(UInt64.max) == 20)
    }
}
