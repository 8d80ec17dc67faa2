/// Interns names (teams, measures) from raw bytes: each distinct name is stored once and
/// numbered in first-seen order, so a 9-million-row file costs one hash probe per field,
/// not a `String` per field.
struct NameTable {
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int] = []
    private(set) var lengths: [Int] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 64)

    var count: Int { starts.count }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        // FNV-1a, 64-bit.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3 }
        return h
    }

    /// The index of a name already interned.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let h = NameTable.hash(p, n)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let idx = Int(slots[s])
            if idx < 0 { return nil }
            if hashes[idx] == h && lengths[idx] == n && equal(idx, p, n) { return idx }
            s = (s + 1) & mask
        }
    }

    /// The index of the name, and whether it was new.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> (index: Int, isNew: Bool) {
        let h = NameTable.hash(p, n)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let idx = Int(slots[s])
            if idx < 0 { break }
            if hashes[idx] == h && lengths[idx] == n && equal(idx, p, n) { return (idx, false) }
            s = (s + 1) & mask
        }
        let idx = starts.count
        starts.append(arena.count)
        lengths.append(n)
        hashes.append(h)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        slots[s] = Int32(idx)
        if starts.count * 2 > slots.count { grow() }
        return (idx, true)
    }

    /// Whether name `idx` is exactly these `n` bytes (its length too: without that check a
    /// row's "rev" matched a stored "revenue" and was read as it, found by fuzz-csv).
    @inline(__always)
    func equal(_ idx: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard lengths[idx] == n else { return false }
        return arena.withUnsafeBufferPointer { a in
            let base = a.baseAddress! + starts[idx]
            for i in 0..<n where base[i] != p[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for idx in 0..<starts.count {
            var s = Int(truncatingIfNeeded: hashes[idx]) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(idx)
        }
    }

    func length(_ idx: Int) -> Int { lengths[idx] }

    func bytes(_ idx: Int) -> ArraySlice<UInt8> { arena[starts[idx]..<(starts[idx] + lengths[idx])] }

    func name(_ idx: Int) -> String { String(decoding: bytes(idx), as: UTF8.self) }
}
