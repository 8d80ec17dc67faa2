/// The slot of a period within its year that forecast season dummies use (METHODS.md,
/// Forecast, "Season"): month of year, quarter, the month of an ISO week's Thursday, or the
/// weekday (Monday = 0); none for yearly data.
extension Period {
    /// 0-based: month of year (0–11), quarter (0–3), the month of the ISO week's Thursday (0–11), weekday
    /// (Monday = 0, 0–6); nil for yearly periods, which have no season.
    public var seasonSlot: Int? {
        switch frequency {
        case .month: return Period.floorDivMod(ordinal, 12).1
        case .quarter: return Period.floorDivMod(ordinal, 4).1
        case .week:
            let thursday = ordinal * 7 + Period.epochMondayDays + 3
            return Period.civil(fromDays: thursday).1 - 1
        case .day: return Period.floorDivMod(ordinal + 3, 7).1
        case .year: return nil
        }
    }

    /// A name for a season slot: `Jan`, `Q1`, `Mon`.
    public static func seasonSlotName(_ slot: Int, frequency: Frequency) -> String {
        switch frequency {
        case .month, .week: return ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][slot]
        case .quarter: return "Q\(slot + 1)"
        case .day: return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][slot]
        case .year: return String(slot)
        }
    }
}

extension Frequency {
    /// Slots in a seasonal cycle (the seasonal naive benchmark's lag S): 12, 4, 52 (weeks), 7 (weekdays).
    public var seasonLength: Int? {
        switch self {
        case .month: 12
        case .quarter: 4
        case .week: 52
        case .day: 7
        case .year: nil
        }
    }
}
