/// Measurements that are not a CSV file: a PostgreSQL table or query (and, beside it,
/// SQLite and Excel workbooks). Each renders into the CSV reader's parser.
extension MeasurementsReader {
    /// Whether the argument names a database rather than a file.
    public static func isOtherSource(_ path: String) -> Bool {
        PostgresLocation.isURL(path)
    }

    static func readOtherSource(_ path: String, limits: ReadLimits) throws -> Result? {
        if PostgresLocation.isURL(path) { return try PostgresReader.read(PostgresLocation(parsing: path), limits: limits) }
        return nil
    }

    static func otherSegment(_ path: String, limits: ReadLimits) throws -> SegmentParser {
        try PostgresReader.segment(PostgresLocation(parsing: path), limits: limits)
    }
}
