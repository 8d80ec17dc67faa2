import Testing

@testable import Ingest

/// Issue #14: numbers, dates and headers as CRM exports and spreadsheets write them.
@Suite("Export formats")
struct ExportFormatsTests {
    func lenient(_ text: String, comma: Bool = false) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { LenientNumber.parse($0.baseAddress!, $0.count, lenient: true, decimalComma: comma) }
    }

    @Test func lenientNumbers() {
        #expect(lenient("$107,581.16") == 107581.16)
        #expect(lenient("355,429") == 355429)
        #expect(lenient("16.4%") == 16.4)
        #expect(lenient("(1,234.50)") == -1234.5)
        #expect(lenient("-$12") == -12)
        #expect(lenient("1 200 EUR") == 1200)
        #expect(lenient("USD 3") == 3)
        #expect(lenient(" 7 ") == 7)
        #expect(lenient("1.234,5", comma: true) == 1234.5)
        #expect(lenient("1,5", comma: true) == 1.5)
        // Still not numbers: broken groups, two signs, words, the other decimal mark.
        for bad in ["12,34", "1,2,3", "--5", "(-5)", "abc", "$", "1.2.3", "12%%%x", "inf", "1,5.2"] {
            #expect(lenient(bad) == nil, "\(bad)")
        }
        #expect(lenient("1.5", comma: true) == nil)
    }

    func date(_ text: String, _ order: DateOrder? = nil) -> Period.DateReading {
        Array(text.utf8).withUnsafeBufferPointer { Period.parseDate($0, order: order) }
    }

    @Test func datesBecomePeriods() {
        let jan31 = Period("2024-01-31")!
        #expect(date("2024/01/31") == .period(jan31))
        #expect(date("2024-01-31 00:00:00") == .period(jan31))
        #expect(date("2024-01-31T12:00") == .period(jan31))
        #expect(date("31/01/2024", .dmy) == .period(jan31))
        #expect(date("01/31/2024", .mdy) == .period(jan31))
        #expect(date("31.01.2024", .dmy) == .period(jan31))
        #expect(date("03/04/2024") == .needsOrder)
        #expect(date("Jan 2024") == .period(Period("2024-01")!))
        #expect(date("September 2024") == .period(Period("2024-09")!))
        #expect(date("sept 2024") == .period(Period("2024-09")!))
        #expect(date("31/02/2024", .dmy) == .invalid)
        #expect(date("Foo 2024") == .invalid)
        #expect(date("2024 Jan 31") == .invalid)
    }

    @Test func periodsNestInCoarserOnes() {
        let d = Period("2024-12-30")!  // a Monday, ISO week 2025-W01
        #expect(d.within(.week) == Period("2025-W01"))
        #expect(d.within(.month) == Period("2024-12"))
        #expect(d.within(.quarter) == Period("2024-Q4"))
        #expect(d.within(.year) == Period("2024"))
        #expect(Period("2024-05")!.within(.quarter) == Period("2024-Q2"))
        #expect(Period("2024-Q3")!.within(.year) == Period("2024"))
        #expect(Period("2024-W05")!.within(.month) == nil)
        #expect(Period("2024-05")!.within(.day) == nil)
    }

    @Test func oneDateAMonthIsMonthlyAndSaidSo() throws {
        let r = try MeasurementsReader.read(text: "team,period,x\nA,2024-01-31,1\nA,2024-02-29,2\nB,2024-04-30,3\n", file: "m.csv")
        #expect(r.panel.frequency == .month)
        #expect(r.panel.firstPeriod == Period("2024-01"))
        #expect(r.panel.periodCount == 4)
        #expect(
            r.notes.map(\.description) == [
                "m.csv: note: month-end dates read as months: 3 dates, at most one a month (2024-01-31 → 2024-01); pass --frequency to "
                    + "choose"
            ])
        // Quarter ends, one a quarter: quarterly.
        let q = try MeasurementsReader.read(text: "team,period,x\nA,2024-03-31,1\nA,2024-06-30,2\nA,2024-12-31,3\n", file: "m.csv")
        #expect(q.panel.frequency == .quarter && q.panel.periodCount == 4)
        // Two dates in one month: days stay days.
        let d = try MeasurementsReader.read(text: "team,period,x\nA,2024-01-30,1\nA,2024-01-31,2\nA,2024-02-29,3\n", file: "m.csv")
        #expect(d.panel.frequency == .day && d.notes.isEmpty)
    }

    @Test func columnsByName() throws {
        let text = "Region,Amount,Month,Metric\nA,1,2024-01,x\nA,2,2024-02,x\n"
        let r = try MeasurementsReader.read(
            text: text, file: "m.csv",
            options: ReadOptions(teamColumn: "region", periodColumn: "MONTH", measureColumn: "Metric", valueColumn: "amount"))
        #expect(r.panel.teams == ["A"] && r.panel.measures == ["x"] && r.panel.values == [1, 2])
        let wide = try MeasurementsReader.read(text: "rev,Team,Period\n5,A,2024-01\n", file: "m.csv")
        #expect(wide.panel.measures == ["rev"] && wide.panel.values == [5])
    }

    /// With a decimal comma, a point in a value is a thousands separator (lenient) or refused
    /// (strict), never the decimal mark: `263.000` is 263000, not 263 (the strict fast path
    /// once read it so). Both cores' paths: a 4 MiB file goes through the two-core split.
    @Test func decimalCommaNeverReadsAPointAsTheDecimalMark() throws {
        let values = ["263.000", "\"1.234,5\"", "\"1,5\"", "12", "\"12,5%\"", "\"78.976,48 €\"", "-0", "1e3"]
        let want: [Double] = [263000, 1234.5, 1.5, 12, 12.5, 78976.48, 0, 1000]
        let rows = values.enumerated().map { "A,2024-\(String(format: "%02d", $0.offset + 1)),\($0.element)" }
        let small = "team,period,x\n" + rows.joined(separator: "\n") + "\n"
        let lenientComma = ReadOptions(lenientNumbers: true, decimalComma: true)
        let r = try MeasurementsReader.read(text: small, file: "m.csv", options: lenientComma)
        #expect(r.panel.values == want)
        // Many teams: the two-core path reads the same numbers.
        let teams = (0..<11000).map { t in
            rows.map { "Team \(t) of the sales organisation" + $0.dropFirst() }.joined(separator: "\n")
        }.joined(separator: "\n")
        let big = Array(("team,period,x\n" + teams + "\n").utf8)
        #expect(big.count > 4 << 20)
        let both = try MeasurementsReader.read(bytes: big, file: "m.csv", threads: 2, options: lenientComma)
        #expect(both.panel.teamCount == 11000 && Set(both.panel.values) == Set(want))
        // Strict decimal comma: a point is refused, located, with the decimal comma's example.
        let strict = ReadOptions(decimalComma: true)
        let refused = try #require(throws: InputErrors.self) {
            try MeasurementsReader.read(text: "team,period,x\nA,2024-01,\"1,5\"\nA,2024-02,1.5\n", file: "m.csv", options: strict)
        }
        #expect(
            refused.errors.first?.description
                == "m.csv:3:11: value \"1.5\" is not a number; expected a decimal number written with a decimal comma, such as -12, "
                + "3,5 or 1e-3, or empty/NA/NaN/null for a missing value; a point is not the decimal mark with --decimal-comma (with "
                + "--lenient-numbers it separates thousands: 1.234,5)")
    }

    @Test func periodsSpanTheirDays() {
        #expect(Period("2024-Q1")!.days == Period("2024-01-01")!.ordinal...Period("2024-03-31")!.ordinal)
        #expect(Period("2024-02")!.days == Period("2024-02-01")!.ordinal...Period("2024-02-29")!.ordinal)
        #expect(Period("2025-W01")!.days == Period("2024-12-30")!.ordinal...Period("2025-01-05")!.ordinal)
        #expect(Period("2024")!.days.count == 366)
        #expect(Period("2024-05-17")!.days.count == 1)
    }
}
