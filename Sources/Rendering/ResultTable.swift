/// What an analysis hands to the output layer: the same rows feed the people's table,
/// CSV and JSON, so the three can never disagree about the numbers.
///
/// Every row must have exactly one cell per column; the writers stop the program on a
/// mismatch (`precondition`) because a short row would silently shift values into the
/// wrong columns of a contract file.
public struct ResultTable: Sendable, Equatable {
    /// The analysis name, e.g. `trend`; JSON's `"analysis"` and the default file name.
    public let analysis: String
    public let columns: [Column]
    public let rows: [[Cell]]
    /// Degenerate cases and caveats, in the order they arose; printed after the people's
    /// table and listed in JSON. CSV has no place for them (they go to standard error).
    public var notes: [String]
    /// One line above the people's table, e.g. "Trend per team, 2024-01 to 2024-12".
    public let headline: String?
    /// Index of a column whose consecutive equal values form groups in the people's table:
    /// each group gets a blank line and its name, and the column itself is not repeated.
    /// Machine outputs ignore it. Rows are never reordered.
    public let groupColumn: Int?
    /// Optional colour per cell for the people's table (`colors[row][column]`); shorter
    /// or missing rows mean no colour. Used only when rendering with `color: true`.
    public let colors: [[ANSIColor?]]?
    /// Optional people's notation per cell (`styles[row][column]`, see `PeopleStyle`):
    /// percentages, amounts with units, display names. CSV and JSON ignore it.
    public var styles: [[PeopleStyle?]]?

    public init(
        analysis: String,
        columns: [Column],
        rows: [[Cell]] = [],
        notes: [String] = [],
        headline: String? = nil,
        groupColumn: Int? = nil,
        colors: [[ANSIColor?]]? = nil
    ) {
        self.analysis = analysis
        self.columns = columns
        self.rows = rows
        self.notes = notes
        self.headline = headline
        self.groupColumn = groupColumn
        self.colors = colors
    }

    /// The contract names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// Stops the program when a row does not match the columns (see the type's note) or
    /// `groupColumn` names no column.
    func checkShape() {
        if let groupColumn {
            precondition(columns.indices.contains(groupColumn), "\(analysis): groupColumn \(groupColumn) is not a column")
        }
        for (index, row) in rows.enumerated() {
            precondition(
                row.count == columns.count,
                "\(analysis): row \(index) has \(row.count) cells for \(columns.count) columns")
        }
    }
}
