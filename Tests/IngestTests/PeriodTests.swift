import Testing

@testable import Ingest

@Suite("Periods")
struct PeriodTests {
    @Test(arguments: [
        ("2024", Frequency.year), ("2024-Q1", .quarter), ("2024-q4", .quarter), ("2024-01", .month), ("2024-12", .month),
        ("2024-W01", .week), ("2020-W53", .week), ("2024-01-31", .day), ("2024-02-29", .day),
    ])
    func parsesAndRoundTrips(_ text: String, _ frequency: Frequency) throws {
        let p = try #require(Period(text))
        #expect(p.frequency == frequency)
        #expect(p.description == text.uppercased())
    }

    @Test(arguments: [
        "", "24", "2024-13", "2024-00", "2024-Q5", "2024-Q0", "2023-02-29", "2024-04-31", "2021-W53",
        "2024-W00", "2024/01", "2024-1", "0000", "2024-01-01T00", "２０２４", " 2024", "2024 ", "-2024",
    ])
    func rejects(_ text: String) {
        #expect(Period(text) == nil, "\(text) should not parse")
    }

    @Test func lagsAreCalendarSlots() throws {
        let dec = try #require(Period("2023-12"))
        #expect(dec.advanced(by: 1).description == "2024-01")
        #expect(dec.advanced(by: -12).description == "2022-12")
        #expect(try #require(Period("2024-Q1")).advanced(by: -1).description == "2023-Q4")
        #expect(try #require(Period("2024-03-01")).advanced(by: -1).description == "2024-02-29")
        #expect(try #require(Period("2021-01-01")).advanced(by: -1).description == "2020-12-31")
        // ISO weeks: 2020 has 53 weeks; 2021-W01 starts on Monday 2021-01-04.
        #expect(try #require(Period("2020-W53")).advanced(by: 1).description == "2021-W01")
        #expect(try #require(Period("2021-W01")).distance(to: try #require(Period("2021-W52"))) == 51)
        #expect(try #require(Period("2024-01")).distance(to: try #require(Period("2025-03"))) == 14)
    }

    /// Every day from 1900 to 2100 round-trips through its ISO week.
    @Test func isoWeeksAgreeWithDays() {
        var seen = 0
        for days in stride(from: Period.days(fromCivil: 1900, 1, 1), to: Period.days(fromCivil: 2100, 1, 1), by: 7) {
            let monday = days - Period.weekday(days: days)
            let (y, w) = Period.isoWeek(ofMondayDays: monday)
            let label = "\(y)-W\(w < 10 ? "0" : "")\(w)"
            guard let p = Period(label) else {
                Issue.record("\(label) does not parse")
                return
            }
            #expect(p.ordinal * 7 + Period.epochMondayDays == monday)
            seen += 1
        }
        #expect(seen > 10000)
    }
}
