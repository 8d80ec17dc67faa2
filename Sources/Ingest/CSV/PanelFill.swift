import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Copies parsed segments into the dense panel, freeing each chunk of cells as soon as its
/// teams are in the panel, so memory stays near the panel's size: the panel's pages fill as
/// the chunks' pages go, instead of the whole panel beside all the parsed cells.
struct PanelFill {
    /// The segments' names mapped to the panel's order.
    let teamRank: [Int]
    let measureRank: [Int]
    let teamMaps: [[Int]]
    let measureMaps: [[Int]]
    let teamNames: NameTable
    let measureNames: NameTable
    let frequency: Frequency
    let minPeriod: Int32
    let measures: Int
    let periods: Int
    /// Whether to note which periods hold a row (for reading daily dates as months).
    let markUsed: Bool

    struct Filled {
        var values: [Double]
        /// Keys in two segments, in file order.
        var duplicates: [InputError]
        /// Per period: whether any row has it (when `markUsed`).
        var used: [Bool]
    }

    /// One chunk of one segment: the unit the fill works and frees by.
    struct Unit {
        var segment: Int
        var chunk: Int
    }

    /// Fills the panel; on return every chunk of every segment is freed (and forgotten by it).
    func fill(_ segments: inout [SegmentParser]) -> Filled {
        let teams = teamRank.count
        let blockCells = measures * periods
        let total = teams * blockCells
        // Global team → its local index in each segment (−1 when absent).
        var localTeam = [[Int]](repeating: [Int](repeating: -1, count: teams), count: segments.count)
        for si in segments.indices { for lt in 0..<segments[si].teams.count { localTeam[si][teamRank[teamMaps[si][lt]]] = lt } }
        // Units in file order; each team is filled with its first unit (its first holder's chunk),
        // reading any later holder then; a team no chunk holds is all missing.
        var units: [Unit] = []
        var unitIndex: [[Int]] = []
        for si in segments.indices {
            unitIndex.append(Array(units.count..<(units.count + segments[si].cells.chunkCount)))
            for c in 0..<segments[si].cells.chunkCount { units.append(Unit(segment: si, chunk: c)) }
        }
        func unit(_ si: Int, _ lt: Int) -> Int? {
            let c = SegmentCells.chunk(ofTeam: lt)
            return lt < segments[si].cells.teamCount && c < unitIndex[si].count ? unitIndex[si][c] : nil
        }
        var primary = [Int](repeating: -1, count: teams)
        var unitTeams = [[Int]](repeating: [], count: units.count)
        var orphans: [Int] = []
        for (u, item) in units.enumerated() {
            for lt in segments[item.segment].cells.teams(ofChunk: item.chunk) {
                let t = teamRank[teamMaps[item.segment][lt]]
                if primary[t] < 0 {
                    primary[t] = u
                    unitTeams[u].append(t)
                }
            }
        }
        for t in 0..<teams where primary[t] < 0 { orphans.append(t) }
        // Two parts for a large panel, split between units: the second part does not free a unit
        // that a team of the first part still reads (a team in both); those go at the end.
        let parts = total >= 1 << 20 && units.count > 1 ? 2 : 1
        var split = units.count
        if parts == 2 {
            var filled = 0
            split = 1
            for u in units.indices {
                filled += unitTeams[u].count
                if filled * 2 >= teams - orphans.count {
                    split = Swift.min(u + 1, units.count - 1)
                    break
                }
            }
        }
        var deferred = [Bool](repeating: false, count: units.count)
        for si in segments.indices {
            for lt in 0..<segments[si].teams.count {
                let t = teamRank[teamMaps[si][lt]]
                if let u = unit(si, lt), u >= split, primary[t] < split { deferred[u] = true }
            }
        }
        // Huge pages for the panel only when the fill writes it front to back (teams come in
        // name order, as a sorted export has them): then its pages fill in order as the chunks
        // go. In any other order a 2 MiB page would be resident for a few teams' cells.
        let order = Array(unitTeams.joined()) + orphans
        let sequential = zip(order, order.dropFirst()).allSatisfy { $0 < $1 }
        // (segment, error): duplicates are reported file by file, in line order.
        var partErrors = [[(Int, InputError)]](repeating: [], count: parts)
        var partUsed = [[Bool]](repeating: markUsed ? [Bool](repeating: false, count: periods) : [], count: parts)
        nonisolated(unsafe) let segs = segments
        // Read-only from here on, on both threads.
        let (owners, teamsOf, spares, keep, all) = (localTeam, unitTeams, orphans, deferred, units)
        let ranges = parts == 1 ? [0..<units.count] : [0..<split, split..<units.count]
        let values = [Double](unsafeUninitializedCapacity: total) { out, count in
            if sequential && total * 8 >= 4 << 20, let base = out.baseAddress {
                let huge = 2 << 20
                let start = (Int(bitPattern: base) + huge - 1) / huge * huge
                let end = (Int(bitPattern: base) + total * 8) / huge * huge
                if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 14) }  // MADV_HUGEPAGE
            }
            nonisolated(unsafe) let out = out
            partErrors.withUnsafeMutableBufferPointer { pe in
                partUsed.withUnsafeMutableBufferPointer { pu in
                    nonisolated(unsafe) let pe = pe
                    nonisolated(unsafe) let pu = pu
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        var seen: [Bool] = []
                        for u in ranges[part] {
                            let cells = segs[all[u].segment].cells
                            for (i, t) in teamsOf[u].enumerated() {
                                fillTeam(t, into: out.baseAddress! + t * blockCells, segs, owners, &seen, &pe[part], &pu[part])
                                // Every 16 teams, the chunk's memory up to this one goes back (teams of a
                                // chunk are in its memory's order; any before this one are done).
                                if !keep[u] && i % 16 == 15 {
                                    cells.discard(chunk: all[u].chunk, throughTeam: owners[all[u].segment][t])
                                }
                            }
                            if !keep[u] { cells.release(chunk: all[u].chunk) }
                        }
                        if part == parts - 1 {
                            for t in spares { (out.baseAddress! + t * blockCells).initialize(repeating: .nan, count: blockCells) }
                        }
                    }
                }
            }
            count = total
        }
        for (u, item) in units.enumerated() {
            if deferred[u] { segments[item.segment].cells.release(chunk: item.chunk) }
            segments[item.segment].cells.forget(chunk: item.chunk)
        }
        var used = [Bool](repeating: false, count: markUsed ? periods : 0)
        for p in used.indices { used[p] = partUsed.contains { $0[p] } }
        let duplicates = partErrors.flatMap { $0 }.sorted { ($0.0, $0.1.line ?? 0) < ($1.0, $1.1.line ?? 0) }.map(\.1)
        return Filled(values: values, duplicates: duplicates, used: used)
    }

    /// One team's block of the panel: missing everywhere, then each holder's cells. A team in
    /// more than one segment (the split fell among its rows, or several files) can hold a key
    /// in both: those cells are checked one by one.
    private func fillTeam(
        _ t: Int, into block: UnsafeMutablePointer<Double>, _ segs: [SegmentParser], _ owners: [[Int]], _ seen: inout [Bool],
        _ errors: inout [(Int, InputError)], _ used: inout [Bool]
    ) {
        let blockCells = measures * periods
        block.initialize(repeating: .nan, count: blockCells)
        let holders = segs.indices.filter { owners[$0][t] >= 0 }
        let shared = holders.count > 1
        if shared { seen = [Bool](repeating: false, count: blockCells) }
        for si in holders {
            let seg = segs[si]
            let c = seg.cells
            let lt = owners[si][t]
            let slot0 = c.slot(of: minPeriod)
            for lm in 0..<seg.measures.count {
                let m = measureRank[measureMaps[si][lm]]
                let dst = block + m * periods
                for p in 0..<periods {
                    let (line, value) = c.cell(team: lt, measure: lm, slot: slot0 + p)
                    if line == 0 { continue }
                    if markUsed { used[p] = true }
                    if shared {
                        if seen[m * periods + p] {
                            errors.append((si, duplicate(t, m, p, holders: holders, before: si, segs, owners, line: line, lt: lt, lm: lm)))
                            continue
                        }
                        seen[m * periods + p] = true
                    }
                    dst[p] = value
                }
            }
        }
    }

    /// The error for a key of team `t` in segment `si` that an earlier holder has too.
    private func duplicate(
        _ t: Int, _ m: Int, _ p: Int, holders: [Int], before si: Int, _ segs: [SegmentParser], _ owners: [[Int]], line: UInt32,
        lt: Int, lm: Int
    ) -> InputError {
        let seg = segs[si]
        var firstLine = 0
        var firstFile = seg.file
        for earlier in holders where earlier < si {
            let e = segs[earlier]
            guard let em = (0..<e.measures.count).first(where: { measureRank[measureMaps[earlier][$0]] == m }) else { continue }
            let (l, _) = e.cells.cell(team: owners[earlier][t], measure: em, slot: e.cells.slot(of: minPeriod) + p)
            if l != 0 {
                firstLine = Int(l) + e.lineOffset
                firstFile = e.file
            }
        }
        // Several files (--data a --data b): each error names its own file.
        return SegmentParser.duplicateError(
            file: seg.file, team: teamNames.name(teamMaps[si][lt]), measure: measureNames.name(measureMaps[si][lm]),
            period: Period(frequency: frequency, ordinal: Int(minPeriod) + p), firstLine: firstLine,
            line: Int(line) + seg.lineOffset, firstFile: firstFile == seg.file ? nil : firstFile)
    }
}
