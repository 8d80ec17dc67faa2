#if canImport(Glibc)
import Glibc
#endif

/// A growable dense block of cells for one stretch of a measurements file:
/// teams (segment-local, first-seen) × measures × periods, written as rows are parsed.
///
/// Each cell holds a value and the physical line it came from (0 = no row yet), which finds
/// duplicates at once and names both lines. Teams live in chunks of 256 that are never moved,
/// so a new team costs one allocation, not a copy of everything, and the merge frees each
/// chunk as soon as its teams are in the panel. The measure and period axes grow by doubling
/// until the first chunk is full; then they are cut to what the rows so far use (in the usual
/// file every measure and period appears within the first teams, and nothing moves again).
///
/// Lines are kept compactly: per (team, period) the line of its first row (4 bytes), and per
/// cell its distance from that line plus one in 16 bits (0 = no row). Rows of one team and
/// period lie close together in files sorted by team or by period (a wide file's are on one
/// line); a chunk whose rows do not is switched to a full 32-bit line per cell. So memory is
/// about 10 bytes a cell (value and distance), 12 at most: proportional to the panel, not to
/// the text, and below the panel plus the chunk being merged once the merge runs.
struct SegmentCells {
    static let teamsPerChunk = 256

    /// One chunk's storage: its teams × `measureCapacity` × `periodCapacity` cells.
    struct Chunk {
        var values: UnsafeMutablePointer<Double>
        /// Per (team, period slot): the line of its first row, 0 when none yet.
        var bases: UnsafeMutablePointer<UInt32>?
        /// Per cell: its line less the base, plus one; 0 when no row.
        var offsets: UnsafeMutablePointer<UInt16>?
        /// Per cell: its line (0 when no row), once an offset did not fit in 16 bits.
        var lines: UnsafeMutablePointer<UInt32>?
        /// Cells, and (team, period) pairs.
        var cells: Int
        var pairs: Int

        func free() {
            SegmentCells.release(values, bytes: cells * 8)
            SegmentCells.release(bases, bytes: pairs * 4)
            SegmentCells.release(offsets, bytes: cells * 2)
            SegmentCells.release(lines, bytes: cells * 4)
        }
    }

    /// nil once the merge has freed the chunk.
    private(set) var chunks: [Chunk?] = []
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

    static let huge = 2 << 20
    /// Blocks from this size up are mapped (see `allocate`).
    static let mapped = 256 << 10

    /// A block of memory: from `mmap` when it is 256 KiB or more — aligned to 2 MiB with
    /// transparent huge pages asked for on the whole 2 MiB pages inside it from 2 MiB up (a
    /// 2 MiB page is one fault where 4 KiB pages are 512, and page faults were a third of the
    /// reader's time) — `malloc` below that. Large blocks are mapped, not malloc'd, so that
    /// freeing (or discarding part of) one returns its memory to the system at once (glibc keeps
    /// large blocks in its heap once its mmap threshold has risen), which is what lets the merge
    /// free chunks while the panel fills. nil when the system has no memory to give (the reader
    /// then reports it, never crashes).
    static func allocate(_ bytes: Int, zeroed: Bool) -> UnsafeMutableRawPointer? {
        let size = Swift.max(bytes, 1)
        if size >= mapped {
            let align = size >= huge ? huge : 4096
            let (padded, overflow) = size.addingReportingOverflow(align)
            guard !overflow, let raw = mmap(nil, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                Int(bitPattern: raw) != -1
            else { return nil }
            let start = (Int(bitPattern: raw) + align - 1) / align * align
            let head = start - Int(bitPattern: raw)
            if head > 0 { munmap(raw, head) }
            let end = start + (size + 4095) / 4096 * 4096
            let tail = Int(bitPattern: raw) + padded - end
            if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: end), tail) }
            let p = UnsafeMutableRawPointer(bitPattern: start)!
            if size >= huge { _ = madvise(p, size / huge * huge, 14) }  // MADV_HUGEPAGE
            // Zeroed by writing, although mapped pages read as zero: a page first read is mapped to
            // the shared zero page and copied on its write — a second fault and a TLB shootdown to
            // the other core, a tenth of the reader's time.
            if zeroed { memset(p, 0, size) }
            return p
        }
        guard let p = malloc(size) else { return nil }
        if zeroed { memset(p, 0, size) }
        return p
    }

    /// Frees a block from `allocate` of the same size.
    static func release(_ p: UnsafeMutableRawPointer?, bytes: Int) {
        guard let p else { return }
        if Swift.max(bytes, 1) >= mapped { munmap(p, (bytes + 4095) / 4096 * 4096) } else { Glibc.free(p) }
    }

    /// Gives the whole pages of a mapped block's first `prefix` bytes back to the system (their
    /// content is not needed again); nothing for a malloc'd block.
    static func discard(_ p: UnsafeMutableRawPointer?, bytes: Int, prefix: Int) {
        guard let p, bytes >= mapped else { return }
        let length = Swift.min(prefix, bytes) / 4096 * 4096
        if length > 0 { _ = madvise(p, length, 4) }  // MADV_DONTNEED
    }

    static func allocate<T>(_ count: Int, of: T.Type, zeroed: Bool) -> UnsafeMutablePointer<T>? {
        allocate(count * MemoryLayout<T>.stride, zeroed: zeroed)?.assumingMemoryBound(to: T.self)
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

    /// Frees every chunk not yet freed.
    func deallocate() {
        for chunk in chunks { chunk?.free() }
    }

    /// Chunks there are (freed ones included).
    var chunkCount: Int { chunks.count }

    /// The segment-local teams of chunk `c`.
    func teams(ofChunk c: Int) -> Range<Int> {
        let start = c == 0 ? 0 : firstChunkTeams + (c - 1) * SegmentCells.teamsPerChunk
        return start..<Swift.min(teamCount, start + chunkTeams(c))
    }

    /// The chunk holding a segment-local team.
    @inline(__always)
    static func chunk(ofTeam team: Int) -> Int { team >> 8 }

    /// Returns the memory of chunk `c`'s teams up to segment-local `team` (included) to the
    /// system, once the merge has copied them: the panel's pages then fill as these go.
    func discard(chunk c: Int, throughTeam team: Int) {
        guard c < chunks.count, let chunk = chunks[c] else { return }
        let count = team - teams(ofChunk: c).lowerBound + 1
        let cells = count * measureCapacity * periodCapacity
        SegmentCells.discard(chunk.values, bytes: chunk.cells * 8, prefix: cells * 8)
        SegmentCells.discard(chunk.offsets, bytes: chunk.cells * 2, prefix: cells * 2)
        SegmentCells.discard(chunk.lines, bytes: chunk.cells * 4, prefix: cells * 4)
        SegmentCells.discard(chunk.bases, bytes: chunk.pairs * 4, prefix: count * periodCapacity * 4)
    }

    /// Frees chunk `c`'s memory without recording it (safe on another thread for distinct chunks);
    /// `forget` records it afterwards, so `deallocate` skips it.
    func release(chunk c: Int) { chunks[c]?.free() }
    mutating func forget(chunk c: Int) { chunks[c] = nil }

    var teamCapacity: Int {
        chunks.count <= 1 ? (chunks.isEmpty ? 0 : firstChunkTeams) : chunks.count * SegmentCells.teamsPerChunk
    }
    /// Teams chunk `c` has room for.
    private func chunkTeams(_ c: Int) -> Int { c == 0 ? firstChunkTeams : SegmentCells.teamsPerChunk }

    @inline(__always)
    func slot(of period: Int32) -> Int { Int(period) - Int(periodBase) }

    /// Where a cell lives: its chunk, the index inside it, and the index of its (team, period).
    @inline(__always)
    func location(team: Int, measure: Int, slot: Int) -> (chunk: Int, index: Int, base: Int) {
        let t = team & 255
        return (team >> 8, (t * measureCapacity + measure) * periodCapacity + slot, t * periodCapacity + slot)
    }

    /// Makes room for the cell; returns false when the panel would pass `maxCells`. `measures`
    /// and `periods` are the extent of the rows so far, this one included: the axes are cut to
    /// them when the first chunk is full.
    mutating func ensure(team: Int, measure: Int, period: Int32, measures: Int, periods: ClosedRange<Int>) -> Bool {
        if !hasPeriodBase {
            periodBase = period
            hasPeriodBase = true
        }
        if team >= teamCount { teamCount = team + 1 }
        let slot = Int(period) - Int(periodBase)
        if team < teamCapacity && measure < measureCapacity && slot >= 0 && slot < periodCapacity { return true }
        return grow(team: team, measure: measure, slot: slot, measures: measures, periods: periods)
    }

    private mutating func grow(team: Int, measure: Int, slot: Int, measures: Int, periods: ClosedRange<Int>) -> Bool {
        // Every chunk there is gets re-laid, not just the one this team needs: count them all.
        let chunksNeeded = Swift.max(team / SegmentCells.teamsPerChunk + 1, chunks.count)
        var newMeasures = measureCapacity
        var newPeriods = periodCapacity
        var newBase = periodBase
        if chunksNeeded > 1 && chunks.count <= 1 {
            // The first chunk is full: cut the axes to what the rows use.
            newMeasures = Swift.max(measures, measure + 1, 1)
            let lo = Swift.min(periods.lowerBound, Int(periodBase) + slot)
            let hi = Swift.max(periods.upperBound, Int(periodBase) + slot)
            newPeriods = hi - lo + 1
            newBase = Int32(lo)
        } else {
            while measure >= newMeasures { newMeasures *= 2 }
            let lo = Swift.min(0, slot)
            let hi = Swift.max(periodCapacity - 1, slot)
            let span = hi - lo + 1
            while newPeriods < span { newPeriods *= 2 }
            // Growing downwards leaves the slack below, where the next early period will land.
            newBase = slot < 0 ? Int32(Int(periodBase) + lo - (newPeriods - span)) : periodBase
        }
        var newFirst = Swift.max(firstChunkTeams, 1)
        if chunksNeeded > 1 { newFirst = SegmentCells.teamsPerChunk } else { while newFirst <= team { newFirst *= 2 } }
        let (perTeam, o1) = newMeasures.multipliedReportingOverflow(by: newPeriods)
        let (cells, o2) = perTeam.multipliedReportingOverflow(by: newFirst + (chunksNeeded - 1) * SegmentCells.teamsPerChunk)
        // Twice the limit (room to double into), saturating: --max-cells may be Int.max.
        let (room, o3) = Swift.max(maxCells, 1 << 20).multipliedReportingOverflow(by: 2)
        if o1 || o2 || (!o3 && cells > room) { return false }

        if newMeasures != measureCapacity || newPeriods != periodCapacity || newBase != periodBase
            || (!chunks.isEmpty && newFirst != firstChunkTeams)
        {
            // Re-lay every existing chunk.
            for c in chunks.indices {
                guard let old = chunks[c] else { continue }
                let teams = c == 0 ? newFirst : SegmentCells.teamsPerChunk
                guard let new = relaid(old, teams: teams, from: chunkTeams(c), measures: newMeasures, periods: newPeriods, base: newBase)
                else {
                    allocationFailed = true
                    return false
                }
                old.free()
                chunks[c] = new
            }
            measureCapacity = newMeasures
            periodCapacity = newPeriods
            periodBase = newBase
        }
        firstChunkTeams = newFirst
        while chunks.count < chunksNeeded {
            guard let chunk = newChunk(teams: chunkTeams(chunks.count), measures: measureCapacity, periods: periodCapacity) else {
                allocationFailed = true
                return false
            }
            chunks.append(chunk)
        }
        return true
    }

    /// A chunk with no rows: values unset, bases and offsets zero.
    private func newChunk(teams: Int, measures: Int, periods: Int, compact: Bool = true) -> Chunk? {
        let cells = teams * measures * periods
        guard let values = SegmentCells.allocate(cells, of: Double.self, zeroed: false) else { return nil }
        var chunk = Chunk(values: values, cells: cells, pairs: teams * periods)
        if compact {
            chunk.bases = SegmentCells.allocate(teams * periods, of: UInt32.self, zeroed: true)
            chunk.offsets = SegmentCells.allocate(cells, of: UInt16.self, zeroed: true)
            if chunk.bases == nil || chunk.offsets == nil {
                chunk.free()
                return nil
            }
        } else {
            guard let lines = SegmentCells.allocate(cells, of: UInt32.self, zeroed: true) else {
                chunk.free()
                return nil
            }
            chunk.lines = lines
        }
        return chunk
    }

    /// `old` (of `oldTeams` teams on the current axes) laid out on new axes; nil when out of memory.
    private func relaid(_ old: Chunk, teams: Int, from oldTeams: Int, measures: Int, periods: Int, base: Int32) -> Chunk? {
        guard let new = newChunk(teams: teams, measures: measures, periods: periods, compact: old.lines == nil) else { return nil }
        // The slots of the old axis that the new one keeps (all of them, unless the axes were cut).
        let shift = Int(periodBase) - Int(base)
        let from = Swift.max(0, -shift)
        let to = Swift.min(periodCapacity, periods - shift)
        let copied = Swift.min(measureCapacity, measures)
        guard to > from else { return new }
        for t in 0..<Swift.min(oldTeams, teams) {
            if let oldBases = old.bases, let newBases = new.bases {
                (newBases + t * periods + shift + from).update(from: oldBases + t * periodCapacity + from, count: to - from)
            }
            for m in 0..<copied {
                let src = (t * measureCapacity + m) * periodCapacity + from
                let dst = (t * measures + m) * periods + shift + from
                (new.values + dst).update(from: old.values + src, count: to - from)
                if let o = old.offsets, let n = new.offsets { (n + dst).update(from: o + src, count: to - from) }
                if let o = old.lines, let n = new.lines { (n + dst).update(from: o + src, count: to - from) }
            }
        }
        return new
    }

    /// Switches chunk `c` to a full line per cell (an offset did not fit in 16 bits).
    private mutating func widen(_ c: Int) -> Bool {
        guard let old = chunks[c], let bases = old.bases, let offsets = old.offsets else { return true }
        let teams = chunkTeams(c)
        let cells = teams * measureCapacity * periodCapacity
        guard let lines = SegmentCells.allocate(cells, of: UInt32.self, zeroed: false) else { return false }
        for t in 0..<teams {
            for m in 0..<measureCapacity {
                for s in 0..<periodCapacity {
                    let i = (t * measureCapacity + m) * periodCapacity + s
                    let o = offsets[i]
                    lines[i] = o == 0 ? 0 : bases[t * periodCapacity + s] &+ UInt32(o) &- 1
                }
            }
        }
        SegmentCells.release(bases, bytes: old.pairs * 4)
        SegmentCells.release(offsets, bytes: old.cells * 2)
        chunks[c] = Chunk(values: old.values, lines: lines, cells: old.cells, pairs: old.pairs)
        return true
    }

    /// Writes a cell; returns the earlier line when the cell already had a row. Lines only
    /// grow within a segment. False in `ok` when memory ran out widening the chunk's lines.
    @inline(__always)
    mutating func set(team: Int, measure: Int, period: Int32, value: Double, line: UInt32) -> UInt32? {
        let (c, i, b) = location(team: team, measure: measure, slot: Int(period) - Int(periodBase))
        let chunk = chunks[c].unsafelyUnwrapped
        if let offsets = chunk.offsets, let bases = chunk.bases {
            let o = offsets[i]
            if o != 0 { return bases[b] &+ UInt32(o) &- 1 }
            var base = bases[b]
            if base == 0 {
                base = line
                bases[b] = line
            }
            if line >= base && line - base < UInt32(UInt16.max) {
                offsets[i] = UInt16(line - base + 1)
                chunk.values[i] = value
                return nil
            }
            if !widen(c) {
                // No memory for full lines: the row is kept, its line approximated by its base.
                allocationFailed = true
                offsets[i] = 1
                chunk.values[i] = value
                return nil
            }
        }
        let lines = chunks[c].unsafelyUnwrapped.lines.unsafelyUnwrapped
        let earlier = lines[i]
        if earlier != 0 { return earlier }
        chunk.values[i] = value
        lines[i] = line
        return nil
    }

    /// The cell's line (0 when no row) and value.
    @inline(__always)
    func cell(team: Int, measure: Int, slot: Int) -> (line: UInt32, value: Double) {
        guard team < teamCount, measure < measureCapacity, slot >= 0, slot < periodCapacity else { return (0, .nan) }
        let (c, i, b) = location(team: team, measure: measure, slot: slot)
        guard c < chunks.count, let chunk = chunks[c] else { return (0, .nan) }
        if let offsets = chunk.offsets, let bases = chunk.bases {
            let o = offsets[i]
            return o == 0 ? (0, .nan) : (bases[b] &+ UInt32(o) &- 1, chunk.values[i])
        }
        let line = chunk.lines.unsafelyUnwrapped[i]
        return line == 0 ? (0, .nan) : (line, chunk.values[i])
    }
}
