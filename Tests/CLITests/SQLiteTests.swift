import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SQLite as a source and a sink, with real database files: the sample dataset in a tidy
/// table, a wide table and a join gives every analysis byte for byte what the CSV file
/// gives; results written to SQLite read back equal to the CSV output; an existing table
/// is refused unless --if-exists says otherwise; bad rows are located; a missing file is 66.
@Suite("SQLite source and output")
struct SQLiteTests {
    func scorecard(_ arguments: [String]) throws -> CLITests.Run {
        try PostgreSQLServer.run([CLITests.binary.path] + arguments, environment: [:])
    }

    /// The sample dataset as `b2b_tidy`, `b2b_wide`, and `b2b_teams` with `b2b_facts` (for a
    /// join), in a fresh file; values as REAL, empty values as NULL.
    static func sampleDatabase() throws -> String {
        let path = try CLITests().scratch() + "/b2b.db"
        let text = try String(
            contentsOfFile: CLITests.root.appendingPathComponent("datasets/b2b-73/measurements.csv").path, encoding: .utf8)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE b2b_tidy (team TEXT, period TEXT, measure TEXT, value REAL)")
            let insert = try db.makeStatement(sql: "INSERT INTO b2b_tidy VALUES (?, ?, ?, ?)")
            for line in text.split(separator: "\n").dropFirst() {
                let f = fields(line)
                try insert.execute(arguments: [f[0], f[1], f[2], f[3].isEmpty ? nil : Double(f[3])!])
            }
            let measures = try String.fetchAll(db, sql: "SELECT DISTINCT measure FROM b2b_tidy ORDER BY 1")
            let columns = measures.map { "max(CASE WHEN measure = '\($0)' THEN value END) AS \"\($0)\"" }.joined(separator: ", ")
            try db.execute(
                sql: """
                    CREATE TABLE b2b_wide AS SELECT team, period, \(columns) FROM b2b_tidy GROUP BY team, period ORDER BY period DESC, team;
                    CREATE TABLE b2b_teams AS SELECT row_number() OVER (ORDER BY team) AS id, team AS name FROM (SELECT DISTINCT \
                    team FROM b2b_tidy);
                    CREATE TABLE b2b_facts AS SELECT k.id AS team_id, f.period || '-01' AS period_start, f.measure, f.value
                        FROM b2b_tidy f JOIN b2b_teams k ON k.name = f.team;
                    """)
        }
        return path
    }

    /// A CSV record's fields (quotes as the sample and Scorecard's output use them).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = []
        var field = ""
        var quoted = false
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.append(c)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                out.append(field)
                field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        out.append(field)
        return out
    }

    @Test(arguments: [
        "table=b2b_tidy", "table=b2b_wide",
        "query=SELECT k.name AS team, substr(f.period_start, 1, 7) AS period, f.measure, f.value FROM b2b_facts f JOIN b2b_teams k ON "
            + "k.id = f.team_id",
    ])
    func everyAnalysisEqualsTheCSVPath(_ source: String) throws {
        let db = try Self.sampleDatabase()
        let url = "sqlite:\(db)?\(source)"
        for analysis in PostgresSourceTests.analyses {
            let fromCSV = try scorecard(analysis + ["datasets/b2b-73", "--format", "csv"])
            let fromDB = try scorecard(analysis + [url, "--scorecard", PostgresSourceTests.card, "--format", "csv"])
            #expect(fromCSV.status == 0 && fromDB.status == 0, "\(analysis): \(fromDB.stderr)")
            #expect(fromDB.stdout == fromCSV.stdout, "\(analysis) from \(source)")
            #expect(fromDB.stdout.count > 100)
        }
        // --data names the same source.
        let viaData = try scorecard(["rank", "--data", url, "--scorecard", PostgresSourceTests.card, "--format", "csv"])
        #expect(viaData.status == 0)
        #expect(viaData.stdout == (try scorecard(["rank", "datasets/b2b-73", "--format", "csv"])).stdout)
    }

    @Test(arguments: [["trend"], ["leadlag"], ["rank"], ["quartiles"], ["forecast"], ["status"]])
    func readBackEqualsTheCSVOutput(_ analysis: [String]) throws {
        let db = try CLITests().scratch() + "/out.db"
        let table = "out_\(analysis[0])"
        let csv = try scorecard(analysis + ["datasets/b2b-73", "--format", "csv"])
        #expect(csv.status == 0)
        let written = try scorecard(analysis + ["datasets/b2b-73", "--output", "sqlite:\(db)?table=\(table)"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        let lines = csv.stdout.split(separator: "\n")
        let header = Self.fields(lines[0])
        let queue = try DatabaseQueue(path: db)
        try queue.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(header.map(\.quotedDatabaseIdentifier).joined(separator: ", ")) FROM \(table) ORDER BY row_number")
            #expect(rows.count == lines.count - 1)
            // Each value equals the CSV's: REAL to the same double, INTEGER, TEXT, NULL as empty.
            for (row, line) in zip(rows, lines.dropFirst()) {
                let expected = Self.fields(line)
                for (j, text) in expected.enumerated() {
                    let value: DatabaseValue = row[j]
                    switch value.storage {
                    case .null: #expect(text.isEmpty, "\(analysis) \(header[j]): \(text)")
                    case .int64(let v): #expect(Int64(text) == v, "\(analysis) \(header[j])")
                    case .double(let v): #expect(Double(text) == v, "\(analysis) \(header[j]): \(text) vs \(v)")
                    case .string(let s): #expect(s == text, "\(analysis) \(header[j])")
                    case .blob: Issue.record("a blob in \(header[j])")
                    }
                }
            }
            let types = try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [table]).map {
                "\($0["name"] as String) \($0["type"] as String)"
            }
            #expect(types.suffix(2) == ["run_id INTEGER", "row_number INTEGER"])
            #expect(types.allSatisfy { $0.hasSuffix(" REAL") || $0.hasSuffix(" INTEGER") || $0.hasSuffix(" TEXT") })
            let run = try Row.fetchOne(
                db,
                sql:
                    "SELECT r.analysis, r.source, length(r.content_sha256), r.window_from, r.window_to, json_extract(r.options, "
                    + "'$.analysis'), (SELECT count(DISTINCT run_id) FROM \(table)) FROM scorecard_runs r WHERE r.run_id = (SELECT "
                    + "DISTINCT run_id FROM \(table))"
            )!
            #expect(run[0] as String == analysis[0])
            #expect(run[1] as String == "datasets/b2b-73/measurements.csv")
            #expect(run[2] as Int == 64)
            #expect(run[3] as String == "2023-01" && run[4] as String == "2025-12")
            #expect(run[5] as String == analysis[0])
            #expect(run[6] as Int == 1)
        }
    }

    @Test func existingTableIsRefusedReplacedOrAppended() throws {
        let db = try CLITests().scratch() + "/out.db"
        let url = "sqlite:\(db)?table=ranks"
        func counts() throws -> String {
            try DatabaseQueue(path: db).read { db in
                let r = try Row.fetchOne(db, sql: "SELECT count(*), count(DISTINCT run_id) FROM ranks")!
                return "\(r[0] as Int)|\(r[1] as Int)"
            }
        }
        #expect(try scorecard(["rank", "datasets/b2b-73", "--output", url]).status == 0)
        let refused = try scorecard(["rank", "datasets/b2b-73", "--output", url])
        #expect(refused.status == 73)
        #expect(
            refused.stderr == "scorecard: will not overwrite '\(url)': the table exists (use --if-exists replace or --if-exists append)\n")
        #expect(try counts() == "73|1")
        #expect(try scorecard(["rank", "datasets/b2b-73", "--output", url, "--if-exists", "append"]).status == 0)
        #expect(try counts() == "146|2")
        #expect(try scorecard(["rank", "datasets/b2b-73", "--output", url, "--if-exists", "replace"]).status == 0)
        #expect(try counts() == "73|1")
        let other = try scorecard(["trend", "datasets/b2b-73", "--output", url, "--if-exists", "append"])
        #expect(other.status == 73)
        #expect(
            other.stderr.hasPrefix(
                "scorecard: cannot append to '\(url)': the table's columns (rank, team, roi, return, cost, quartile, note, run_id, "
                    + "row_number) are not this analysis' (team, measure, n,"
            ), "\(other.stderr)")
        // The refused runs left no row in scorecard_runs (one transaction): 3 runs were written, the replace dropped none of them.
        #expect(try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM scorecard_runs") } == 3)
    }

    /// A writer interrupted or killed after 300 of its rows leaves the table and
    /// scorecard_runs as they were (the transaction never committed).
    @Test(arguments: [SIGINT, SIGKILL])
    func signalMidWriteLeavesTheTableAsBefore(_ signal: Int32) throws {
        let db = try CLITests().scratch() + "/out.db"
        let url = "sqlite:\(db)?table=trend"
        #expect(try scorecard(["trend", "datasets/b2b-73", "--output", url]).status == 0)
        func state() throws -> String {
            try DatabaseQueue(path: db).read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM trend ORDER BY row_number").map(\.description).joined(separator: "\n")
                let runs = try Row.fetchAll(db, sql: "SELECT * FROM scorecard_runs").map(\.description).joined(separator: "\n")
                return rows + "\n--\n" + runs
            }
        }
        let before = try state()
        #expect(before.split(separator: "\n").count > 300)
        let writer = try PostgreSQLServer.spawn(
            [CLITests.binary.path, "trend", "datasets/b2b-73", "--output", url, "--if-exists", "replace"],
            environment: ["SCORECARD_TEST_PAUSE_COPY_AFTER_ROWS": "300"])
        var paused = false
        for _ in 0..<400 where !paused {
            usleep(50_000)
            paused = ((try? String(contentsOfFile: writer.base + ".err", encoding: .utf8)) ?? "").contains(
                "scorecard: paused mid-write after 300 rows")
        }
        #expect(paused, "the writer never reached its 300th row")
        kill(writer.pid, signal)
        let r = try PostgreSQLServer.finish(writer)
        #expect(r.status == 128 + signal, "\(r.stderr)")
        #expect(try state() == before)
        #expect(try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    }

    @Test func nullTeamAndTextValueAreLocated() throws {
        let path = try CLITests().scratch() + "/bad.db"
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE null_team (team TEXT, period TEXT, measure TEXT, value REAL);
                    INSERT INTO null_team VALUES ('North', '2024-01', 'revenue', 1), (NULL, '2024-02', 'revenue', 2), ('North', \
                    '2024-03', 'revenue', 3);
                    CREATE TABLE text_value (team TEXT, period TEXT, measure TEXT, value);
                    """)
            for i in 0..<30 {
                try db.execute(
                    sql: "INSERT INTO text_value VALUES (?, ?, 'revenue', ?)",
                    arguments: ["T\(i % 3)", String(format: "2024-%02d", 1 + i / 3), i == 13 ? "abc" : "\(i)"])
            }
        }
        let nullURL = "sqlite:\(path)?query=SELECT * FROM null_team ORDER BY period"
        let null = try scorecard(["trend", nullURL])
        #expect(null.status == 65)
        #expect(
            null.stderr
                == "\(nullURL): query row 2, column team: an empty team name in the team column; expected a non-empty team name in UTF-8 "
                + "text\n"
        )
        let textURL = "sqlite:\(path)?table=text_value"
        let text = try scorecard(["trend", textURL])
        #expect(text.status == 65)
        #expect(
            text.stderr
                == "\(textURL): row 14, column value: value \"abc\" is not a number; expected a decimal number such as -12, 3.5 or 1e-3, "
                + "or empty/NA/NaN/null for a missing value\n"
        )
    }

    @Test func missingFileTableAndBadQuery() throws {
        let dir = try CLITests().scratch()
        let missing = "sqlite:\(dir)/nowhere.db?table=t"
        let r = try scorecard(["trend", missing, "--scorecard", PostgresSourceTests.card])
        #expect(r.status == 66)
        #expect(r.stderr == "\(missing): no such database file \(dir)/nowhere.db; expected an existing SQLite database file\n")
        // Read-only: no empty database was created in its place.
        #expect(!FileManager.default.fileExists(atPath: dir + "/nowhere.db"))
        let db = try Self.sampleDatabase()
        let noTable = "sqlite:\(db)?table=nope"
        let t = try scorecard(["trend", noTable, "--scorecard", PostgresSourceTests.card])
        #expect(t.status == 66)
        #expect(t.stderr == "\(noTable): cannot read the table: no such table: nope; expected an existing table and columns\n")
        let badQuery = "sqlite:\(db)?query=SELEC 1"
        let q = try scorecard(["trend", badQuery, "--scorecard", PostgresSourceTests.card])
        #expect(q.status == 64)
        #expect(q.stderr.hasPrefix("\(badQuery): SQLite refused the query: near \"SELEC\": syntax error"), "\(q.stderr)")
        // A file that is not a database.
        let notDB = "sqlite:\(CLITests.root.path)/datasets/b2b-73/measurements.csv?table=t"
        let n = try scorecard(["trend", notDB, "--scorecard", PostgresSourceTests.card])
        #expect(n.status == 65, "\(n.stderr)")
    }
}
