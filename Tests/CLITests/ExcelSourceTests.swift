import Foundation
import Testing

/// Excel workbooks as a source (issue #15): workbooks saved by openpyxl (made by
/// Tests/Fixtures/excel/make.py from the first three teams of datasets/b2b-73) give every
/// analysis byte for byte what the same rows give as CSV — tidy with real (month-end) dates
/// on a second sheet and named columns, and wide with text periods. Hostile and broken
/// workbooks are corpus cases (Tests/Corpus/xlsx-*).
@Suite("Excel workbook source")
struct ExcelSourceTests {
    let cli = CLITests()
    static let fixtures = "Tests/Fixtures/excel"
    static let card = "datasets/b2b-73/scorecard.yml"

    @Test(arguments: ["trend", "leadlag", "rank", "quartiles", "forecast", "status"])
    func workbooksGiveTheCSVResults(_ analysis: String) throws {
        let csv = try cli.run([analysis, "--data", "\(Self.fixtures)/b2b-3-teams.csv", "--scorecard", Self.card, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.split(separator: "\n").count > 2)
        let tidy = try cli.run([
            analysis, "--data", "\(Self.fixtures)/openpyxl-tidy-dates.xlsx", "--sheet", "data", "--team-column", "Team",
            "--period-column", "Month", "--scorecard", Self.card, "--format", "csv",
        ])
        #expect(tidy.status == 0, "\(tidy.stderr)")
        #expect(tidy.stdout == csv.stdout)
        // Dates one a month are months, as for a CSV file, and the note says so.
        #expect(tidy.stderr.contains("openpyxl-tidy-dates.xlsx[Data]: note: month-end dates read as months: 36 dates"), "\(tidy.stderr)")
        let wide = try cli.run([analysis, "--data", "\(Self.fixtures)/openpyxl-wide.xlsx", "--scorecard", Self.card, "--format", "csv"])
        #expect(wide.status == 0, "\(wide.stderr)")
        #expect(wide.stdout == csv.stdout)
        // A number cell is stored with a point whatever the locale: a decimal comma for text leaves it as it is.
        let comma = try cli.run([
            analysis, "--data", "\(Self.fixtures)/openpyxl-wide.xlsx", "--scorecard", Self.card, "--decimal-comma", "--lenient-numbers",
            "--format", "csv",
        ])
        #expect(comma.status == 0, "\(comma.stderr)")
        #expect(comma.stdout == csv.stdout)
    }

    @Test func theFirstSheetIsReadAndProblemsAreInA1Notation() throws {
        let r = try cli.run(["trend", "--data", "\(Self.fixtures)/openpyxl-tidy-dates.xlsx", "--format", "csv"])
        #expect(r.status == 65)
        #expect(r.stdout.isEmpty)
        #expect(
            r.stderr
                == "\(Self.fixtures)/openpyxl-tidy-dates.xlsx[Read me]!A1: header \"Sales data exported for the scorecard\" is not a "
                + "measurements header; expected a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)\n"
        )
    }

    @Test func aSheetOfACSVFileIsAUsageError() throws {
        let r = try cli.run(["trend", "--data", "\(Self.fixtures)/b2b-3-teams.csv", "--sheet", "Data"])
        #expect(r.status == 64)
        #expect(
            r.stderr
                == "\(Self.fixtures)/b2b-3-teams.csv: --sheet \"Data\" names a sheet, but the measurements are not an Excel workbook; "
                + "expected --sheet only with an .xlsx workbook\n"
        )
    }

    @Test func aWorkbookAsTheDatasetArgument() throws {
        let viaArgument = try cli.run(["trend", "\(Self.fixtures)/openpyxl-wide.xlsx", "--format", "csv"])
        let viaData = try cli.run(["trend", "--data", "\(Self.fixtures)/openpyxl-wide.xlsx", "--format", "csv"])
        #expect(viaArgument.status == 0, "\(viaArgument.stderr)")
        #expect(viaArgument.stdout == viaData.stdout)
    }

    @Test func aMissingWorkbookIs66() throws {
        let r = try cli.run(["trend", "--data", "no-such-book.xlsx"])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("no-such-book.xlsx: cannot open the workbook (No such file or directory)"), "\(r.stderr)")
    }
}

/// Excel workbooks out: written whole through a temporary file, a zip (PK) at the path and
/// nothing else left beside it. Formats, frozen header, RAG fills and formula-free hostile
/// names are checked with openpyxl and LibreOffice by Tests/Spreadsheet/xlsx_check.py (CI).
@Suite("Excel workbook output")
struct ExcelOutputTests {
    let cli = CLITests()

    @Test func aWorkbookAppearsWholeAndAlone() throws {
        let dir = try cli.scratch()
        let r = try cli.run(["rank", "Tests/Fixtures/hostile-names", "--output", dir + "/rank.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/rank.xlsx")))
        #expect(bytes.count > 1000 && bytes.prefix(4) == [0x50, 0x4B, 0x03, 0x04])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["rank.xlsx"])
        let byFormat = try cli.run(["trend", "datasets/b2b-73", "--format", "xlsx", "--output", dir + "/trend.out"])
        #expect(byFormat.status == 0, "\(byFormat.stderr)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/trend.out"))).prefix(2) == [0x50, 0x4B])
    }
}
