/// Dates as exports write them, and periods of one frequency mapped into a coarser one
/// (issue #14: `--frequency`, `--date-order`).
extension Period {
    /// What a period cell holds, read leniently.
    enum DateReading: Equatable {
        case period(Period)
        /// A slashed date whose day and month order is not known (`03/04/2024`).
        case needsOrder
        case invalid
    }

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ]

    /// The period labels `Period.parse` knows, plus `2024-01-31 00:00:00`/`2024-01-31T…`
    /// (a date with a time), `2024/01/31`, `31/01/2024` (dmy) or `01/31/2024` (mdy) with `/`,
    /// `.` or `-`, and `Jan 2024`/`January 2024` (a month).
    static func parseDate(_ b: UnsafeBufferPointer<UInt8>, order: DateOrder?) -> DateReading {
        if let p = parse(b) { return .period(p) }
        var text = String(decoding: b, as: UTF8.self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        let bytes = Array(text.utf8)
        if bytes.count > 10, bytes[4] == 45, bytes[7] == 45, bytes[10] == 32 || bytes[10] == 84 {
            // A date with a time of day: the day it falls on.
            let head = Array(bytes[0..<10])
            if let p = head.withUnsafeBufferPointer({ parse($0) }), p.frequency == .day { return .period(p) }
            return .invalid
        }
        if bytes != Array(b), let p = bytes.withUnsafeBufferPointer({ parse($0) }) { return .period(p) }
        // Month name and year.
        let words = text.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
        if words.count == 2, let year = Int(words[1]), words[1].count == 4, year >= 1 {
            let name = String(words[0].lowercased().filter { $0 != "." })
            if let m = monthNames.firstIndex(where: {
                $0 == name || (name.count == 3 && $0.hasPrefix(name)) || (name == "sept" && $0 == "september")
            }) {
                return .period(Period(frequency: .month, ordinal: year * 12 + m))
            }
            return .invalid
        }
        // Numeric dates with / . or - between parts.
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let a = Int(parts[0]), let b2 = Int(parts[1]), let c = Int(parts[2])
        else { return .invalid }
        let y: Int
        let m: Int
        let d: Int
        if parts[0].count == 4 {
            guard order == nil || order == .ymd, parts[1].count <= 2, parts[2].count <= 2 else { return .invalid }
            (y, m, d) = (a, b2, c)
        } else if parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
            switch order {
            case .dmy: (y, m, d) = (c, b2, a)
            case .mdy: (y, m, d) = (c, a, b2)
            default: return .needsOrder
            }
        } else {
            return .invalid
        }
        guard y >= 1, m >= 1, m <= 12, d >= 1, d <= daysIn(month: m, year: y) else { return .invalid }
        return .period(Period(frequency: .day, ordinal: days(fromCivil: y, m, d)))
    }

    /// The period of `frequency` that holds this one: a day's week, month, quarter or year;
    /// a month's quarter or year; a quarter's year. nil when it does not nest (a week in a
    /// month, or a finer frequency than this one's).
    public func within(_ target: Frequency) -> Period? {
        if target == frequency { return self }
        switch (frequency, target) {
        case (.day, .week):
            return Period(frequency: .week, ordinal: Period.floorDivMod(ordinal - Period.epochMondayDays, 7).0)
        case (.day, _):
            let (y, m, _) = Period.civil(fromDays: ordinal)
            return Period(frequency: .month, ordinal: y * 12 + m - 1).within(target)
        case (.month, .quarter):
            let (y, m) = Period.floorDivMod(ordinal, 12)
            return Period(frequency: .quarter, ordinal: y * 4 + m / 3)
        case (.month, .year):
            return Period(frequency: .year, ordinal: Period.floorDivMod(ordinal, 12).0)
        case (.quarter, .year):
            return Period(frequency: .year, ordinal: Period.floorDivMod(ordinal, 4).0)
        default:
            return nil
        }
    }
}

extension Panel {
    /// The panel on a coarser frequency, each value moved into the period that holds its
    /// date. Only for panels with at most one used period inside each new one (the reader's
    /// frequency detection checks that), so no two values meet.
    func regrouped(into target: Frequency) -> Panel {
        let first = firstPeriod.within(target)!
        let last = lastPeriod.within(target)!
        let count = first.distance(to: last) + 1
        let slot = (0..<periodCount).map { first.distance(to: period(at: $0).within(target)!) }
        var out = [Double](repeating: .nan, count: teams.count * measures.count * count)
        for s in 0..<(teams.count * measures.count) {
            for p in 0..<periodCount where !values[s * periodCount + p].isNaN {
                out[s * count + slot[p]] = values[s * periodCount + p]
            }
        }
        return Panel(teams: teams, measures: measures, frequency: target, firstPeriod: first, periodCount: count, values: out)
    }
}

extension Period {
    /// The first and last day of this period (days since 1970-01-01).
    public var days: ClosedRange<Int> {
        switch frequency {
        case .day:
            return ordinal...ordinal
        case .week:
            let monday = ordinal * 7 + Period.epochMondayDays
            return monday...(monday + 6)
        case .month:
            let (y, m) = Period.floorDivMod(ordinal, 12)
            return Period.days(fromCivil: y, m + 1, 1)...Period.days(fromCivil: y, m + 1, Period.daysIn(month: m + 1, year: y))
        case .quarter:
            let (y, q) = Period.floorDivMod(ordinal, 4)
            return Period.days(fromCivil: y, q * 3 + 1, 1)...Period.days(fromCivil: y, q * 3 + 3, Period.daysIn(month: q * 3 + 3, year: y))
        case .year:
            return Period.days(fromCivil: ordinal, 1, 1)...Period.days(fromCivil: ordinal, 12, 31)
        }
    }
}
