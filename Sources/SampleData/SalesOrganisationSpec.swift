#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to generate: the size of the synthetic sales organisation and the seed.
///
/// The same spec always gives the same bytes, on every machine (see `Random.swift`).
public struct SalesOrganisationSpec: Sendable {
    /// Number of sales teams (at least 1).
    public var teams: Int
    /// Number of monthly periods (at least 3: the smallest panel on which a trend has a p-value).
    public var periods: Int
    /// Total number of measures: the 10 core measures of the scorecard plus
    /// `measures - 10` filler measures `extra_01`, `extra_02`, … (persistent noise, no links).
    public var measures: Int
    public var seed: UInt64
    /// The first monthly period; periods are labelled `YYYY-MM`.
    public var firstPeriod: (year: Int, month: Int)
    /// How revenue's noise scales: with the team's size (`multiplicative`, the shipped data)
    /// or the same in dollars for every team (`additive`).
    public var noise: Noise = .multiplicative
    /// Relative size of a shock shared by every team each month (revenue × (1 + S·g_t),
    /// g_t standard normal from its own stream per seed); 0: none.
    public var commonShock: Double = 0

    public enum Noise: String, Sendable, CaseIterable { case multiplicative, additive }

    /// The number of core measures, the minimum for `measures`.
    public static let coreMeasureCount = 10
    /// The largest dataset allowed: teams × periods × measures rows (about 80 GB of CSV).
    public static let maximumCells = 2_000_000_000

    /// The defaults are the shipped `datasets/b2b-73` (73 teams, 36 months from 2023-01,
    /// the 10 core measures, seed 73).
    public init(
        teams: Int = 73, periods: Int = 36, measures: Int = SalesOrganisationSpec.coreMeasureCount,
        seed: UInt64 = 73, firstPeriod: (year: Int, month: Int) = (2023, 1)
    ) {
        self.teams = teams
        self.periods = periods
        self.measures = measures
        self.seed = seed
        self.firstPeriod = firstPeriod
    }

    /// Throws `GeneratorError` (kind `.invalidSpec`) naming the offending field when the
    /// spec cannot be generated.
    public func validate() throws(GeneratorError) {
        func invalid(_ message: String) -> GeneratorError { GeneratorError(.invalidSpec, message) }
        guard teams >= 1 else { throw invalid("teams must be at least 1 (got \(teams))") }
        guard periods >= 3 else { throw invalid("periods must be at least 3 (got \(periods))") }
        guard measures >= Self.coreMeasureCount else {
            throw invalid("measures must be at least \(Self.coreMeasureCount), the core measures (got \(measures))")
        }
        let (tp, o1) = teams.multipliedReportingOverflow(by: periods)
        let (cells, o2) = tp.multipliedReportingOverflow(by: measures)
        guard !o1, !o2, cells <= Self.maximumCells else {
            throw invalid(
                "teams × periods × measures = \(teams) × \(periods) × \(measures) exceeds the limit of \(Self.maximumCells) rows")
        }
        guard commonShock.isFinite, commonShock >= 0, commonShock < 1 else {
            throw invalid("the common shock must be at least 0 and below 1 (got \(commonShock))")
        }
        guard (1...12).contains(firstPeriod.month) else {
            throw invalid("the first period's month must be 1 to 12 (got \(firstPeriod.month))")
        }
        guard firstPeriod.year >= 1 else {
            throw invalid("the first period's year must be at least 1 (got \(firstPeriod.year))")
        }
        let lastYear = firstPeriod.year + (firstPeriod.month - 1 + periods - 1) / 12
        guard lastYear <= 9999 else {
            throw invalid("the last period would be in year \(lastYear); periods must end by 9999-12")
        }
    }

    /// The label of period index `t` (0 = the first period), e.g. `2023-01`.
    func periodLabel(_ t: Int) -> String {
        let months = firstPeriod.month - 1 + t
        let year = firstPeriod.year + months / 12
        let month = months % 12 + 1
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + (month < 10 ? "-0" : "-") + String(month)
    }

    /// Calendar month (0 = January) of period index `t`, for the seasonality table.
    func calendarMonth(_ t: Int) -> Int { (firstPeriod.month - 1 + t) % 12 }
}

/// Why generating a dataset failed: an invalid spec, or an operating-system error on a path.
public struct GeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The spec is out of range (a usage error: exit 64).
        case invalidSpec
        /// The output folder or a file in it cannot be created (exit 73, `EX_CANTCREAT`).
        case cannotCreate
        /// Writing or renaming failed after the file was created (exit 74, `EX_IOERR`).
        case io
    }

    public var kind: Kind
    /// The file or folder involved, when there is one.
    public var path: String?
    /// The whole message, e.g. `cannot create directory /x/y: Permission denied`.
    public var message: String

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String { message }

    /// An error for a failed system call on `path`, with the OS's text for `errno`.
    static func system(_ kind: Kind, _ what: String, path: String, errno code: Int32) -> GeneratorError {
        GeneratorError(kind, "\(what) \(path): \(String(cString: strerror(code)))", path: path)
    }
}
