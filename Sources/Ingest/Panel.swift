/// The dense panel every analysis reads: teams × measures × periods of `Double`, one buffer,
/// periods varying fastest — so one (team, measure) series is a contiguous run of periods
/// and a block of series is a periods × series matrix ready for BLAS.
///
/// A missing value is NaN inside the panel only; no analysis lets a NaN out as a number.
/// Teams and measures are sorted by their UTF-8 bytes, so the order of rows in the input
/// never changes a result. The period axis is every calendar slot from the dataset's first
/// period to its last, gaps included.
public struct Panel: Sendable, Equatable {
    /// Team names, sorted by UTF-8 bytes; index `team` of every accessor.
    public let teams: [String]
    /// Measure names (the data's), sorted by UTF-8 bytes.
    public let measures: [String]
    /// The frequency of every period on the axis.
    public let frequency: Frequency
    /// The first calendar period (index 0 of every series).
    public let firstPeriod: Period
    /// Calendar slots from `firstPeriod` to `lastPeriod`, gaps included.
    public let periodCount: Int
    /// `values[(team * measures.count + measure) * periodCount + t]`.
    public var values: [Double]

    /// A panel over these names and periods; `values` must hold teams × measures × periods values, NaN for missing.
    public init(teams: [String], measures: [String], frequency: Frequency, firstPeriod: Period, periodCount: Int, values: [Double]) {
        precondition(values.count == teams.count * measures.count * periodCount, "values do not fill the panel")
        precondition(firstPeriod.frequency == frequency, "first period is of another frequency")
        self.teams = teams
        self.measures = measures
        self.frequency = frequency
        self.firstPeriod = firstPeriod
        self.periodCount = periodCount
        self.values = values
    }

    /// Equal shape, names and values, a missing value equal to a missing value.
    public static func == (a: Panel, b: Panel) -> Bool {
        a.teams == b.teams && a.measures == b.measures && a.frequency == b.frequency && a.firstPeriod == b.firstPeriod
            && a.periodCount == b.periodCount
            && a.values.elementsEqual(b.values) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    /// Number of teams.
    public var teamCount: Int { teams.count }
    /// Number of measures.
    public var measureCount: Int { measures.count }
    /// The last calendar period (index periodCount − 1).
    public var lastPeriod: Period { firstPeriod.advanced(by: periodCount - 1) }
    /// Every period of the axis, in order.
    public var periods: [Period] { (0..<periodCount).map { firstPeriod.advanced(by: $0) } }

    /// The period at index `index` of the axis (0 is `firstPeriod`).
    public func period(at index: Int) -> Period { firstPeriod.advanced(by: index) }
    /// The axis index of `period`; nil when it is of another frequency or outside the panel.
    public func index(of period: Period) -> Int? {
        guard period.frequency == frequency else { return nil }
        let i = firstPeriod.distance(to: period)
        return i >= 0 && i < periodCount ? i : nil
    }

    /// Names are found byte for byte (METHODS.md), not by `String`'s canonical equivalence:
    /// "Zürich" in NFC does not find a team spelt in NFD (see `NameSpelling`).
    public func teamIndex(_ name: String) -> Int? { teams.firstIndex { $0.utf8.elementsEqual(name.utf8) } }
    /// The index of the measure named `name` (byte for byte), if the panel has it.
    public func measureIndex(_ name: String) -> Int? { measures.firstIndex { $0.utf8.elementsEqual(name.utf8) } }

    /// Offset of a series' first period in `values`.
    @inline(__always)
    public func offset(team: Int, measure: Int) -> Int { (team * measures.count + measure) * periodCount }

    /// The value of one cell: NaN when missing.
    @inline(__always)
    public subscript(team: Int, measure: Int, period: Int) -> Double {
        get { values[offset(team: team, measure: measure) + period] }
        set { values[offset(team: team, measure: measure) + period] = newValue }
    }

    /// One (team, measure) series over all periods (NaN where missing).
    public func series(team: Int, measure: Int) -> ArraySlice<Double> {
        let o = offset(team: team, measure: measure)
        return values[o..<(o + periodCount)]
    }

    /// Number of present (non-NaN) values.
    public var presentCount: Int { values.reduce(0) { $0 + ($1.isNaN ? 0 : 1) } }

    /// The panel restricted to some teams and measures (in the panel's order).
    public func selecting(teams teamIndices: [Int]? = nil, measures measureIndices: [Int]? = nil) -> Panel {
        let ti = teamIndices ?? Array(0..<teams.count)
        let mi = measureIndices ?? Array(0..<measures.count)
        var out = [Double]()
        out.reserveCapacity(ti.count * mi.count * periodCount)
        for t in ti { for m in mi { out.append(contentsOf: series(team: t, measure: m)) } }
        return Panel(
            teams: ti.map { teams[$0] }, measures: mi.map { measures[$0] }, frequency: frequency,
            firstPeriod: firstPeriod, periodCount: periodCount, values: out)
    }

    /// The panel cut to periods `range` (indices into the current axis).
    public func slicing(periods range: Range<Int>) -> Panel {
        precondition(range.lowerBound >= 0 && range.upperBound <= periodCount, "period range out of the panel")
        var out = [Double]()
        out.reserveCapacity(teams.count * measures.count * range.count)
        for s in 0..<(teams.count * measures.count) {
            let o = s * periodCount
            out.append(contentsOf: values[(o + range.lowerBound)..<(o + range.upperBound)])
        }
        return Panel(
            teams: teams, measures: measures, frequency: frequency, firstPeriod: period(at: range.lowerBound),
            periodCount: range.count, values: out)
    }
}
