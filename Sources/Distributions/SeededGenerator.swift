/// A seeded generator that gives the same stream on every machine: SplitMix64 (Steele, Lea &
/// Flood 2014). Only integer arithmetic, so the bits never depend on the platform's math
/// library. The one home of the seeded stream: Analysis draws its permutations from it,
/// SampleData seeds its per-team xoshiro256** streams with it, and tests build random
/// grids with it.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform integer in 0..<n, without modulo bias.
    public mutating func index(below n: Int) -> Int { Int(next(upperBound: UInt64(n))) }

    /// Uniform on [0, 1) with 53 random bits: exact, so identical everywhere.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
