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
        maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20, maxPanelCells: Int = 250_000_000,
        maxErrors: Int = 100
    ) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxPanelCells = maxPanelCells
        self.maxErrors = maxErrors
    }
}
