/// Rows read from one stretch of a measurements file, as parallel arrays (18–24 bytes a row):
/// team and measure are indices into the segment's own name tables, period is the period's
/// ordinal, value is NaN for a missing cell. `line` is the physical line in the segment.
struct MeasurementRows {
    var team: [Int32] = []
    var measure: [Int32] = []
    var period: [Int32] = []
    var value: [Double] = []
    var line: [Int32] = []

    var count: Int { value.count }

    mutating func reserve(_ n: Int) {
        team.reserveCapacity(n)
        measure.reserveCapacity(n)
        period.reserveCapacity(n)
        value.reserveCapacity(n)
        line.reserveCapacity(n)
    }

    @inline(__always)
    mutating func append(team t: Int32, measure m: Int32, period p: Int32, value v: Double, line l: Int32) {
        team.append(t)
        measure.append(m)
        period.append(p)
        value.append(v)
        line.append(l)
    }
}

/// Limits that keep hostile input from exhausting memory; each has a command-line flag.
public struct ReadLimits: Sendable, Equatable {
    /// Longest field in bytes (`--max-field-bytes`).
    public var maxFieldBytes: Int
    /// Longest record (line) in bytes (`--max-line-bytes`).
    public var maxRecordBytes: Int
    /// Most cells in the dense panel, teams × measures × periods (`--max-cells`).
    public var maxPanelCells: Int
    /// Most problems collected before the reader stops looking.
    public var maxErrors: Int

    public init(
        maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20, maxPanelCells: Int = 500_000_000,
        maxErrors: Int = 100
    ) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxPanelCells = maxPanelCells
        self.maxErrors = maxErrors
    }
}
