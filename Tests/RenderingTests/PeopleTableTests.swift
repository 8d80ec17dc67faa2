import Testing

@testable import Rendering

@Suite struct PeopleTableTests {
    @Test(arguments: [
        (0.001234, "0.001234"), (12345.678, "12346"), (1234567.0, "1234567"), (12345678.0, "1.235e+07"),
        (0.5, "0.5000"), (3.0, "3.000"), (-2.5, "-2.500"), (0.12345, "0.1235"), (9999.6, "10000"),
        (0.99996, "1.000"), (0.00099996, "0.001000"), (0.000123456, "1.235e-04"), (0.0, "0"),
        (-0.0, "0"), (1e300, "1.000e+300"), (-1e-10, "-1.000e-10"), (42.0, "42.00"), (9999999.4, "9999999"),
    ])
    func numbers(value: Double, expected: String) {
        #expect(PeopleTable.formatNumber(value) == expected)
    }

    @Test(arguments: [
        (0.042, "0.042"), (0.5, "0.500"), (1.0, "1.000"), (0.001, "0.001"), (3.2e-5, "3.2e-05"),
        (0.000999, "1.0e-03"), (1.234e-120, "1.2e-120"), (0.0, "<1e-300"), (0.0425, "0.043"),
    ])
    func probabilities(value: Double, expected: String) {
        #expect(PeopleTable.formatProbability(value) == expected)
    }

    @Test func undefinedAndIntegers() {
        #expect(PeopleTable.format(.missing) == "–")
        #expect(PeopleTable.format(.number(.nan)) == "–")
        #expect(PeopleTable.format(.probability(.infinity)) == "–")
        #expect(PeopleTable.format(.integer(-1_234_567)) == "-1234567")
    }

    @Test func displayWidthCountsGraphemesAndWideCharacters() {
        #expect(PeopleTable.displayWidth("North") == 5)
        #expect(PeopleTable.displayWidth("Zürich") == 6)
        #expect(PeopleTable.displayWidth("Zu\u{0308}rich") == 6)  // combining diaeresis
        #expect(PeopleTable.displayWidth("東京") == 4)
        #expect(PeopleTable.displayWidth("ＡＢ") == 4)
        #expect(PeopleTable.displayWidth("한국") == 4)
        #expect(PeopleTable.displayWidth("👍🏽") == 2)
        #expect(PeopleTable.displayWidth("🇩🇪") == 1)  // regional indicators are not in the range check
    }

    @Test func controlCharactersAreEscaped() {
        #expect(PeopleTable.sanitize("a\tb\nc\u{1B}[31m\u{202E}x") == "a\\tb\\nc\\u{1B}[31m\\u{202E}x")
        #expect(PeopleTable.sanitize("Zürich 東京") == "Zürich 東京")
    }

    @Test func alignedTableWithHeadlineAndNotes() {
        let table = ResultTable(
            analysis: "trend",
            columns: [Column("team"), Column("n"), Column("slope"), Column("p_value", title: "p")],
            rows: [
                [.text("North"), .integer(12), .number(0.123456), .probability(0.042)],
                [.text("東京"), .integer(9), .number(-12.5), .probability(3.2e-5)],
                [.text("South"), .integer(3), .missing, .probability(.nan)],
            ],
            notes: ["South: fewer than 4 periods"],
            headline: "Trend of revenue")
        #expect(
            PeopleTable.render(table, color: false) == """
                Trend of revenue
                team    n   slope        p
                -----  --  ------  -------
                North  12  0.1235    0.042
                東京    9  -12.50  3.2e-05
                South   3       –        –
                note: South: fewer than 4 periods

                """)
    }

    @Test func groupsGetABlankLineAndAHeading() {
        let table = ResultTable(
            analysis: "trend",
            columns: [Column("team"), Column("measure"), Column("slope")],
            rows: [
                [.text("North"), .text("revenue"), .number(1)],
                [.text("North"), .text("cost"), .number(2)],
                [.text("South"), .text("revenue"), .number(3)],
            ],
            groupColumn: 0)
        #expect(
            PeopleTable.render(table, color: false) == """
                measure  slope
                -------  -----

                North
                revenue  1.000
                cost     2.000

                South
                revenue  3.000

                """)
    }

    @Test func colourWrapsOnlyTheCellText() {
        let table = ResultTable(
            analysis: "x", columns: [Column("team"), Column("p")],
            rows: [[.text("A"), .probability(0.01)], [.text("B"), .probability(0.5)]],
            colors: [[nil, .green], [nil, nil]])
        let plain = PeopleTable.render(table, color: false)
        #expect(!plain.contains("\u{1B}"))
        let coloured = PeopleTable.render(table, color: true)
        #expect(coloured.contains("\u{1B}[32m0.010\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1mteam\u{1B}[0m"))
        // Stripping the escapes gives back the plain table: widths are unaffected.
        let stripped = coloured.replacing(/\x{1B}\[[0-9;]*m/, with: "")
        #expect(stripped == plain)
    }

    @Test func narrowTerminalShortensTextColumnsOnly() {
        let table = ResultTable(
            analysis: "x", columns: [Column("team"), Column("value")],
            rows: [[.text("A very long team name indeed"), .number(123.456)]],
            notes: ["this note is long enough to need wrapping at twenty columns"])
        let text = PeopleTable.render(table, color: false, width: 20)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[2] == "A very long…   123.5")  // the column is 13 wide, the cut text 12
        #expect(lines.allSatisfy { PeopleTable.displayWidth($0) <= 20 })
        #expect(lines[3].hasPrefix("note: "))
        #expect(lines[4].hasPrefix("      "))
    }

    @Test func emptyTableSaysSo() {
        let table = ResultTable(analysis: "x", columns: [Column("team")])
        #expect(PeopleTable.render(table, color: false) == "team\n----\n(no rows)\n")
    }

    @Test func truncateKeepsWideCharactersWhole() {
        #expect(PeopleTable.truncate("東京都庁", to: 5) == "東京…")
        #expect(PeopleTable.truncate("short", to: 10) == "short")
    }
}
