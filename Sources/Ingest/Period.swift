/// How often a dataset is measured. One frequency per dataset.
public enum Frequency: String, Sendable, CaseIterable, Comparable {
    case day, week, month, quarter, year

    /// Finer first: day < week < month < quarter < year.
    public static func < (a: Frequency, b: Frequency) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// An example label, for messages.
    public var example: String {
        switch self {
        case .day: "2024-01-31"
        case .week: "2024-W05"
        case .month: "2024-01"
        case .quarter: "2024-Q1"
        case .year: "2024"
        }
    }

    /// Default maximum lead-lag lag (METHODS.md): a year's worth, or a week of days.
    public var defaultMaxLag: Int {
        switch self {
        case .month: 12
        case .quarter: 4
        case .week: 13
        case .year: 3
        case .day: 7
        }
    }
}

/// A calendar slot: a day, ISO week, month, quarter or year. Periods of one frequency are
/// numbered consecutively by `ordinal`, so "lag 1" is `ordinal − 1` whether or not the data
/// has a row there: gaps stay gaps.
///
/// Ordinals: day — days since 1970-01-01; week — weeks since the ISO week holding 1970-01-01
/// (Monday 1969-12-29); month — year·12 + month − 1; quarter — year·4 + quarter − 1; year — the year.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Day, week, month, quarter or year.
    public let frequency: Frequency
    /// The slot's number within its frequency (see the type's note): consecutive periods differ by 1.
    public let ordinal: Int

    /// The period numbered `ordinal` of `frequency`.
    public init(frequency: Frequency, ordinal: Int) {
        self.frequency = frequency
        self.ordinal = ordinal
    }

    /// Earlier in time; both must be of one frequency.
    public static func < (a: Period, b: Period) -> Bool {
        precondition(a.frequency == b.frequency, "comparing periods of different frequencies")
        return a.ordinal < b.ordinal
    }

    /// The period `n` slots later (earlier for negative n).
    public func advanced(by n: Int) -> Period { Period(frequency: frequency, ordinal: ordinal + n) }

    /// Slots from `self` to `other`.
    public func distance(to other: Period) -> Int {
        precondition(frequency == other.frequency, "periods of different frequencies")
        return other.ordinal - ordinal
    }

    /// The label as written in data files: `2024-01-31`, `2024-W05`, `2024-01`, `2024-Q1`, `2024`.
    public var description: String {
        switch frequency {
        case .year:
            return Period.pad(ordinal, 4)
        case .quarter:
            let (y, q) = Period.floorDivMod(ordinal, 4)
            return "\(Period.pad(y, 4))-Q\(q + 1)"
        case .month:
            let (y, m) = Period.floorDivMod(ordinal, 12)
            return "\(Period.pad(y, 4))-\(Period.pad(m + 1, 2))"
        case .day:
            let (y, m, d) = Period.civil(fromDays: ordinal)
            return "\(Period.pad(y, 4))-\(Period.pad(m, 2))-\(Period.pad(d, 2))"
        case .week:
            let (y, w) = Period.isoWeek(ofMondayDays: ordinal * 7 + Period.epochMondayDays)
            return "\(Period.pad(y, 4))-W\(Period.pad(w, 2))"
        }
    }

    /// Parses a label; `nil` when it is not one of the five forms or names no real date
    /// (month 13, 2023-02-29, week 53 of a 52-week year).
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        guard let p = bytes.withUnsafeMutableBufferPointer({ Period.parse(UnsafeBufferPointer($0)) }) else { return nil }
        self = p
    }

    /// Parses ASCII bytes without allocating (the CSV reader's hot path).
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Period? {
        @inline(__always) func digit(_ i: Int) -> Int? {
            let c = b[i]
            return c >= 48 && c <= 57 ? Int(c) - 48 : nil
        }
        @inline(__always) func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard let d = digit(i) else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard b.count >= 4, let year = number(0, 4), year >= 1 else { return nil }
        switch b.count {
        case 4:
            return Period(frequency: .year, ordinal: year)
        case 7 where b[4] == 45 && (b[5] == 81 || b[5] == 113):  // YYYY-Qn (q or Q)
            guard let q = digit(6), q >= 1, q <= 4 else { return nil }
            return Period(frequency: .quarter, ordinal: year * 4 + q - 1)
        case 7 where b[4] == 45:  // YYYY-MM
            guard let m = number(5, 2), m >= 1, m <= 12 else { return nil }
            return Period(frequency: .month, ordinal: year * 12 + m - 1)
        case 8 where b[4] == 45 && (b[5] == 87 || b[5] == 119):  // YYYY-Www
            guard let w = number(6, 2), w >= 1, w <= isoWeeks(inYear: year) else { return nil }
            let monday = mondayOfISOWeek1(year) + (w - 1) * 7
            return Period(frequency: .week, ordinal: (monday - epochMondayDays) / 7)
        case 10 where b[4] == 45 && b[7] == 45:  // YYYY-MM-DD
            guard let m = number(5, 2), let d = number(8, 2), m >= 1, m <= 12, d >= 1, d <= daysIn(month: m, year: year)
            else { return nil }
            return Period(frequency: .day, ordinal: days(fromCivil: year, m, d))
        default:
            return nil
        }
    }

    // MARK: Calendar arithmetic (proleptic Gregorian; H. Hinnant's days_from_civil)

    static func floorDivMod(_ a: Int, _ b: Int) -> (Int, Int) {
        let q = a >= 0 ? a / b : -((-a + b - 1) / b)
        return (q, a - q * b)
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01.
    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// 0 = Monday … 6 = Sunday.
    static func weekday(days: Int) -> Int { floorDivMod(days + 3, 7).1 }  // 1970-01-01 was a Thursday

    /// Days (since 1970-01-01) of the Monday of ISO week 1: the week holding 4 January.
    static func mondayOfISOWeek1(_ y: Int) -> Int {
        let jan4 = days(fromCivil: y, 1, 4)
        return jan4 - weekday(days: jan4)
    }

    static func isoWeeks(inYear y: Int) -> Int { (mondayOfISOWeek1(y + 1) - mondayOfISOWeek1(y)) / 7 }

    /// Monday 1969-12-29, the start of the ISO week that holds 1970-01-01.
    static let epochMondayDays = -3

    static func isoWeek(ofMondayDays monday: Int) -> (Int, Int) {
        let thursday = monday + 3
        let (y, _, _) = civil(fromDays: thursday)
        return (y, (monday - mondayOfISOWeek1(y)) / 7 + 1)
    }
}
