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
    /// Largest scorecard YAML file in bytes (`--max-scorecard-bytes`).
    public var maxScorecardBytes: Int
    /// Deepest nesting of YAML mappings and lists in the scorecard (`--max-scorecard-depth`;
    /// libyaml refuses more than 1000 whatever this says).
    public var maxScorecardDepth: Int

    /// The defaults: 1 MiB fields, 4 MiB records, 250 million panel cells, 100 errors, a 1 MiB scorecard nested 64 deep.
    public init(
        maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20, maxPanelCells: Int = 250_000_000,
        maxErrors: Int = 100, maxScorecardBytes: Int = 1 << 20, maxScorecardDepth: Int = 64
    ) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxPanelCells = maxPanelCells
        self.maxErrors = maxErrors
        self.maxScorecardBytes = maxScorecardBytes
        self.maxScorecardDepth = maxScorecardDepth
    }
}
