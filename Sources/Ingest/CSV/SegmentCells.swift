#if canImport(Glibc)
import Glibc
#endif

/// A growable dense block of cells for one stretch of a measurements file:
/// teams (segment-local, first-seen) × measures × periods, written as rows are parsed.
///
/// Each cell holds a value and the physical line it came from (0 = no row yet), which finds
/// duplicates at once and names both lines. Teams live in chunks of 256 that are never moved,
/// so a new team costs one allocation, not a copy of everything; the measure and period axes
/// grow by doubling (in the usual file every measure and period appears within the first
/// team, and nothing moves again). Line numbers come from `calloc`, whose pages the kernel
/// zeroes lazily, and a value is only read where its line is set, so untouched cells cost
/// nothing. Memory is 12 bytes a cell: proportional to the panel, not to the text.
struct SegmentCells {
    static let teamsPerChunk = 256
    private(set) var valueChunks: [UnsafeMutablePointer<Double>] = []
    private(set) var lineChunks: [UnsafeMutablePointer<UInt32>] = []
    private(set) var measureCapacity: Int
    private(set) var periodCapacity = 16
    /// Ordinal of period slot 0.
    private(set) var periodBase: Int32 = 0
    private(set) var hasPeriodBase = false
    private(set) var teamCount = 0
    /// Teams chunk 0 has room for: 1, 2, 4, … up to `teamsPerChunk`, so a file of three teams
    /// does not pay for 256 (issue #16: two rows far apart took 3.1 GB). Later chunks are full size.
    private(set) var firstChunkTeams = 0
    let maxCells: Int

    init(measures: Int, maxCells: Int) {
        measureCapacity = Swift.max(measures, 4)
        self.maxCells = maxCells
    }

    /// malloc/calloc, asking for transparent huge pages on large blocks: a 2 MiB page is one
    /// fault where 4 KiB pages are 512, and page faults were a third of the reader's time.
    /// nil when the system has no memory to give (the reader then reports it, never crashes).
    static func allocate(_ bytes: Int, zeroed: Bool) -> UnsafeMutableRawPointer? {
        let size = Swift.max(bytes, 1)
        if size >= 4 << 20 {
            var p: UnsafeMutableRawPointer?
            if posix_memalign(&p, 2 << 20, size) == 0, let p {
                _ = madvise(p, size, 14)  // MADV_HUGEPAGE
                if zeroed { memset(p, 0, size) }
                return p
            }
        }
        // Zeroed by writing, not by calloc: calloc's lazily zeroed pages are first mapped to the
        // shared zero page by `set`'s read of the line, then copied on its write — a second
        // fault and a TLB shootdown to the other core, a tenth of the reader's time.
        guard let p = malloc(size) else { return nil }
        if zeroed { memset(p, 0, size) }
        return p
    }

    /// Set when `ensure` failed because an allocation did.
    private(set) var allocationFailed = false

    /// Whether the cell has room and `ensure` has nothing to do (a new team still goes
    /// through `ensure`, which counts it).
    @inline(__always)
    func fits(team: Int, measure: Int, period: Int32) -> Bool {
        guard hasPeriodBase, team < teamCount else { return false }
        let slot = Int(period) - Int(periodBase)
        return team < teamCapacity && measure < measureCapacity && slot >= 0 && slot < periodCapacity
    }

    func deallocate() {
        for item in valueChunks { free(item) }
        for item in lineChunks { free(item) }
    }

    var teamCapacity: Int {
        valueChunks.count <= 1 ? (valueChunks.isEmpty ? 0 : firstChunkTeams) : valueChunks.count * SegmentCells.teamsPerChunk
    }
    /// Teams chunk `c` has room for.
    private func chunkTeams(_ c: Int) -> Int { c == 0 ? firstChunkTeams : SegmentCells.teamsPerChunk }

    @inline(__always)
    func slot(of period: Int32) -> Int { Int(period) - Int(periodBase) }

    /// Where a cell lives: its chunk and the index inside it.
    @inline(__always)
    func location(team: Int, measure: Int, slot: Int) -> (chunk: Int, index: Int) {
        (team >> 8, ((team & 255) * measureCapacity + measure) * periodCapacity + slot)
    }

    /// Makes room for the cell; returns false when the panel would pass `maxCells`.
    @inline(__always)
    mutating func ensure(team: Int, measure: Int, period: Int32) -> Bool {
        if !hasPeriodBase {
            periodBase = period
            hasPeriodBase = true
        }
        if team >= teamCount { teamCount = team + 1 }
        let slot = Int(period) - Int(periodBase)
        if team < teamCapacity && measure < measureCapacity && slot >= 0 && slot < periodCapacity { return true }
        return grow(team: team, measure: measure, slot: slot)
    }

    private mutating func grow(team: Int, measure: Int, slot: Int) -> Bool {
        var newMeasures = measureCapacity
        while measure >= newMeasures { newMeasures *= 2 }
        let lo = Swift.min(0, slot)
        let hi = Swift.max(periodCapacity - 1, slot)
        let span = hi - lo + 1
        var newPeriods = periodCapacity
        while newPeriods < span { newPeriods *= 2 }
        // Growing downwards leaves the slack below, where the next early period will land.
        let newBase = slot < 0 ? Int32(Int(periodBase) + lo - (newPeriods - span)) : periodBase
        // Every chunk there is gets re-laid, not just the one this team needs: count them all.
        let chunksNeeded = Swift.max(team / SegmentCells.teamsPerChunk + 1, valueChunks.count)
        var newFirst = Swift.max(firstChunkTeams, 1)
        if chunksNeeded > 1 { newFirst = SegmentCells.teamsPerChunk } else { while newFirst <= team { newFirst *= 2 } }
        let (perTeam, o1) = newMeasures.multipliedReportingOverflow(by: newPeriods)
        let (cells, o2) = perTeam.multipliedReportingOverflow(by: newFirst + (chunksNeeded - 1) * SegmentCells.teamsPerChunk)
        // Twice the limit (room to double into), saturating: --max-cells may be Int.max.
        let (room, o3) = Swift.max(maxCells, 1 << 20).multipliedReportingOverflow(by: 2)
        if o1 || o2 || (!o3 && cells > room) { return false }

        if newMeasures != measureCapacity || newPeriods != periodCapacity || newBase != periodBase
            || (!valueChunks.isEmpty && newFirst != firstChunkTeams)
        {
            // Re-lay every existing chunk.
            let shift = Int(periodBase) - Int(newBase)
            for c in 0..<valueChunks.count {
                let newChunkCells = (c == 0 ? newFirst : SegmentCells.teamsPerChunk) * newMeasures * newPeriods
                guard let vr = SegmentCells.allocate(newChunkCells * 8, zeroed: false) else {
                    allocationFailed = true
                    return false
                }
                guard let lr = SegmentCells.allocate(newChunkCells * 4, zeroed: true) else {
                    free(vr)
                    allocationFailed = true
                    return false
                }
                let v = vr.assumingMemoryBound(to: Double.self)
                let l = lr.assumingMemoryBound(to: UInt32.self)
                for t in 0..<chunkTeams(c) {
                    for m in 0..<measureCapacity {
                        let from = (t * measureCapacity + m) * periodCapacity
                        let to = (t * newMeasures + m) * newPeriods + shift
                        (v + to).update(from: valueChunks[c] + from, count: periodCapacity)
                        (l + to).update(from: lineChunks[c] + from, count: periodCapacity)
                    }
                }
                free(valueChunks[c])
                free(lineChunks[c])
                valueChunks[c] = v
                lineChunks[c] = l
            }
            measureCapacity = newMeasures
            periodCapacity = newPeriods
            periodBase = newBase
        }
        firstChunkTeams = newFirst
        while valueChunks.count < chunksNeeded {
            let chunkCells = chunkTeams(valueChunks.count) * measureCapacity * periodCapacity
            guard let v = SegmentCells.allocate(chunkCells * 8, zeroed: false) else {
                allocationFailed = true
                return false
            }
            guard let l = SegmentCells.allocate(chunkCells * 4, zeroed: true) else {
                free(v)
                allocationFailed = true
                return false
            }
            valueChunks.append(v.assumingMemoryBound(to: Double.self))
            lineChunks.append(l.assumingMemoryBound(to: UInt32.self))
        }
        return true
    }

    /// Writes a cell; returns the earlier line when the cell already had a row.
    @inline(__always)
    mutating func set(team: Int, measure: Int, period: Int32, value: Double, line: UInt32) -> UInt32? {
        let (c, i) = location(team: team, measure: measure, slot: Int(period) - Int(periodBase))
        let lines = lineChunks[c]
        let earlier = lines[i]
        if earlier != 0 { return earlier }
        valueChunks[c][i] = value
        lines[i] = line
        return nil
    }

    /// The cell's line (0 when no row) and value.
    @inline(__always)
    func cell(team: Int, measure: Int, slot: Int) -> (line: UInt32, value: Double) {
        guard team < teamCount, measure < measureCapacity, slot >= 0, slot < periodCapacity else { return (0, .nan) }
        let (c, i) = location(team: team, measure: measure, slot: slot)
        let line = lineChunks[c][i]
        return line == 0 ? (0, .nan) : (line, valueChunks[c][i])
    }
}
