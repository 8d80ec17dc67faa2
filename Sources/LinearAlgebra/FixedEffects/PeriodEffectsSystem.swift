/// The period effects' normal equations G c = D̃'v of a two-way fixed-effects sample, gathered
/// team by team: G = D'D − Σᵢ cᵢcᵢ'/nᵢ (cᵢ: the team's cells per period, nᵢ their number).
///
/// A team present in most periods is written as cᵢ = 1 − mᵢ with mᵢ its gaps, so cᵢcᵢ' =
/// 11' − 1mᵢ' − mᵢ1' + mᵢmᵢ' costs only its gaps squared; a complete team costs O(1).
///
/// The off-diagonal part Σ cᵢcᵢ'/nᵢ is held only for the periods some team's cells (or gaps)
/// touched, numbered as they first appear (issue #16): a calendar span of 36,525 days with
/// data on 92 of them costs 92², not 36,525² (10.7 GB). Dense data touches every period and
/// costs P² as before.
struct PeriodEffectsSystem: Sendable {
    let periods: Int
    private(set) var teamCount = 0
    private(set) var observationCount = 0
    /// Whether some team has a cell in every period of the grid (then the effects are connected).
    private(set) var hasCompleteTeam = false
    var perPeriod: [Int]
    var ones = 0.0
    var gaps: [Double]
    /// Period → slot of the compact Gram block; −1 for a period no team has touched.
    var slotOf: [Int32]
    var touched = 0
    /// Row stride of `gram` (slots it has room for).
    var stride = 0
    /// −Σ cᵢcᵢ'/nᵢ over touched periods: `gram[slot(a) * stride + slot(b)]`.
    var gram: [Double] = []
    var missing: [Int] = []
    var mapped: [Int] = []
    /// Teams added by `addCompleteTeam`: one cell in every period, counted here, not in perPeriod.
    var completeTeams = 0

    init(periods: Int) {
        self.periods = periods
        perPeriod = [Int](repeating: 0, count: periods)
        gaps = [Double](repeating: 0, count: periods)
        slotOf = [Int32](repeating: -1, count: periods)
    }

    /// Periods with at least one cell.
    var periodCount: Int { completeTeams > 0 ? periods : perPeriod.count { $0 > 0 } }

    /// Adds a team with a cell in every period, in O(1).
    mutating func addCompleteTeam() {
        if periods == 0 { return }
        teamCount += 1
        observationCount += periods
        completeTeams += 1
        hasCompleteTeam = true
        ones += 1 / Double(periods)
    }

    /// Slots for `list`'s periods (new ones numbered next), into `mapped`; grows the block
    /// by doubling, so the work of re-laying it is at most that of the block itself.
    private mutating func mapSlots<C: Collection>(_ list: C) where C.Element: BinaryInteger {
        mapped.removeAll(keepingCapacity: true)
        for t in list {
            let p = Int(t)
            if slotOf[p] < 0 {
                slotOf[p] = Int32(touched)
                touched += 1
            }
            mapped.append(Int(slotOf[p]))
        }
        guard touched > stride else { return }
        var newStride = Swift.max(stride, 16)
        while newStride < touched { newStride *= 2 }
        newStride = Swift.min(newStride, Swift.max(periods, touched))
        var grown = [Double](repeating: 0, count: newStride * newStride)
        for r in 0..<stride {
            for c in 0..<stride { grown[r * newStride + c] = gram[r * stride + c] }
        }
        gram = grown
        stride = newStride
    }

    /// Adds a team by the grid periods of its cells, ascending, each once.
    mutating func addTeam(_ present: UnsafeBufferPointer<Int32>) {
        let n = present.count
        if n == 0 { return }
        teamCount += 1
        observationCount += n
        for t in present { perPeriod[Int(t)] += 1 }
        let w = 1 / Double(n)
        if n == periods {
            hasCompleteTeam = true
            ones += w
        } else if 2 * n >= periods {
            ones += w
            missing.removeAll(keepingCapacity: true)
            var c = 0
            for t in 0..<periods {
                if c < n && Int(present[c]) == t { c += 1 } else { missing.append(t) }
            }
            mapSlots(missing)
            for (i, s) in missing.enumerated() {
                gaps[s] += w
                let row = mapped[i] * stride
                for j in mapped { gram[row + j] -= w }
            }
        } else {
            mapSlots(present)
            for a in mapped {
                let row = a * stride
                for b in mapped { gram[row + b] -= w }
            }
        }
    }

    /// The touched-periods block entry for periods a and b (0 when either was never touched).
    @inline(__always)
    func offDiagonal(_ a: Int, _ b: Int) -> Double {
        let (sa, sb) = (Int(slotOf[a]), Int(slotOf[b]))
        return sa < 0 || sb < 0 ? 0 : gram[sa * stride + sb]
    }

    /// The system without the first present period's equation, factorised.
    struct Factorised: Sendable {
        /// Period → equation; −1 for absent periods and the reference.
        let slot: [Int]
        let size: Int
        /// Upper Cholesky factor, column-major.
        let factor: [Double]

        /// Period effects (0 for the reference and absent periods) from per-period sums of
        /// team-demeaned values, `columns` blocks of `slot.count`.
        func effects(fromPeriodSums sums: ArraySlice<Double>, columns: Int) -> [Double] {
            let periods = slot.count
            let first = sums.startIndex
            var rhs = [Double](repeating: 0, count: size * columns)
            for j in 0..<columns {
                for t in 0..<periods where slot[t] >= 0 { rhs[j * size + slot[t]] = sums[first + j * periods + t] }
            }
            if size > 0 {
                factor.withUnsafeBufferPointer { f in
                    rhs.withUnsafeMutableBufferPointer { b in
                        // Positive definite (checked when factorised): dpotrs cannot fail.
                        try? LAPACK.potrsUpper(n: size, nrhs: columns, a: f.baseAddress!, lda: size, b: b.baseAddress!, ldb: size)
                    }
                }
            }
            var out = [Double](repeating: 0, count: periods * columns)
            for j in 0..<columns {
                for t in 0..<periods where slot[t] >= 0 { out[j * periods + t] = rhs[j * size + slot[t]] }
            }
            return out
        }
    }

    /// Nil when G is not numerically positive definite (the effects are not of full rank).
    /// Connectivity is the caller's to check when no team is complete.
    func factorised() -> Factorised? {
        let present = (0..<periods).filter { perPeriod[$0] + completeTeams > 0 }
        let m = Swift.max(present.count - 1, 0)
        var slot = [Int](repeating: -1, count: periods)
        for (j, t) in present.enumerated() where j > 0 { slot[t] = j - 1 }
        var reduced = [Double](repeating: 0, count: m * m)
        for (jb, tb) in present.enumerated() where jb > 0 {
            for (ja, ta) in present.enumerated() where ja > 0 && ja <= jb {
                var v = offDiagonal(ta, tb) - ones + gaps[ta] + gaps[tb]
                if ta == tb { v += Double(perPeriod[ta] + completeTeams) }
                reduced[(ja - 1) + (jb - 1) * m] = v
            }
        }
        if m > 0 {
            do throws(LinearAlgebraError) {
                try reduced.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
                    try LAPACK.potrfUpper(n: m, a: p.baseAddress!, lda: m)
                }
            } catch {
                return nil
            }
        }
        return Factorised(slot: slot, size: m, factor: reduced)
    }
}
