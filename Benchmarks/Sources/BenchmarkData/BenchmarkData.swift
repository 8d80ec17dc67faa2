import Ingest
import SampleData

#if canImport(Glibc)
import Glibc
#endif

/// The datasets the suites measure: `scorecard generate` organisations, written once per
/// machine under the temporary folder and reused by every suite and run (generation is
/// deterministic, so a cached folder is the same bytes a fresh one would be).
public enum BenchmarkData {
    /// A generated organisation's shape; `seed` 1 as in the end-to-end script.
    public struct Shape: Sendable, CustomStringConvertible {
        public var teams: Int
        public var periods: Int
        public var measures: Int
        public var seed: UInt64 = 1

        public init(teams: Int, periods: Int, measures: Int, seed: UInt64 = 1) {
            self.teams = teams
            self.periods = periods
            self.measures = measures
            self.seed = seed
        }

        public var description: String { "\(teams) teams × \(periods) months × \(measures) measures" }
        public var cells: Int { teams * periods * measures }
    }

    /// The suites' standard organisation: 1,000 teams × 60 months × 30 measures
    /// (1.8 million rows, about 76 MB of CSV) — big enough that every stage's time is
    /// dominated by its per-cell work, small enough that a full run takes a few minutes.
    public static let standard = Shape(teams: 1_000, periods: 60, measures: 30)

    /// The folder holding `measurements.csv` and `scorecard.yml` for `shape`, generated on
    /// first use into `$TMPDIR/scorecard-bench-data` (or `SCORECARD_BENCH_DATA` when set).
    public static func folder(_ shape: Shape) throws -> String {
        let env = getenv("SCORECARD_BENCH_DATA").map { String(cString: $0) }
        let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let root = env ?? tmp + "/scorecard-bench-data"
        let path = "\(root)/t\(shape.teams)-p\(shape.periods)-m\(shape.measures)-s\(shape.seed)"
        // The generator renames its three files into place together at the end, so the
        // last one present means the folder is complete.
        if access(path + "/truth.json", R_OK) != 0 {
            try SalesOrganisationGenerator.write(
                SalesOrganisationSpec(teams: shape.teams, periods: shape.periods, measures: shape.measures, seed: shape.seed),
                to: path)
        }
        return path
    }

    /// The dataset of `shape`, loaded as the CLI loads it (both cores).
    public static func dataset(_ shape: Shape) throws -> Dataset {
        let dir = try folder(shape)
        return try Dataset.load(DatasetLocation(measurements: dir + "/measurements.csv", scorecard: dir + "/scorecard.yml"))
    }

    /// Size of a file in bytes (0 when it cannot be read).
    public static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
