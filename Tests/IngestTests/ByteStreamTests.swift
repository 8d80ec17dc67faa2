import Testing

@testable import Ingest

/// Sources that arrive as a stream (a database COPY) go through the same parser as a file:
/// whatever the chunk sizes, the panel and every error are the file reader's.
@Suite("Byte streams")
struct ByteStreamTests {
    /// Hands out the bytes in chunks of the given sizes, cycling.
    struct ChunkStream: ByteStream {
        var bytes: [UInt8]
        var sizes: [Int]
        var position = 0
        var call = 0
        mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
            let n = Swift.min(capacity, sizes[call % sizes.count], bytes.count - position)
            call += 1
            for i in 0..<n { buffer[i] = bytes[position + i] }
            position += n
            return n
        }
    }

    func outcome(_ read: () throws -> MeasurementsReader.Result) -> String {
        do {
            let r = try read()
            return
                "\(r.panel.teams) \(r.panel.measures) \(r.panel.firstPeriod) \(r.panel.periodCount) "
                + "\(r.panel.values.map { $0.isNaN ? "NaN" : "\($0)" }) \(r.rowCount)"
        } catch {
            return "\(error)"
        }
    }

    static let inputs = [
        "team,period,measure,value\nA,2024-01,x,1\nB,2024-02,x,2.5\nA,2024-03,y,NA\n",
        "\u{FEFF}Team,Period,revenue,\"cost, total\"\r\n\"A, north\",2024-Q1,1,2\r\nB,2024-Q2,,3\r\n",
        "team,period,measure,value\nA,2024-01,x,1\nA,2024-01,x,2\n,2024-02,x,abc\nB,2024-13,x,1\n",
        "team,period,measure,value\n\"unclosed,2024-01,x,1\n",
        "team,period\n",
        "",
    ]

    @Test(arguments: inputs)
    func anyChunkingGivesTheFileReadersResult(_ text: String) {
        let expected = outcome { try MeasurementsReader.read(text: text, file: "m.csv") }
        for sizes in [[1], [2, 3], [7], [64 << 10], [5, 1, 13]] {
            var stream = ChunkStream(bytes: Array(text.utf8), sizes: sizes)
            #expect(
                outcome { try MeasurementsReader.read(stream: &stream, file: "m.csv", limits: ReadLimits()) } == expected, "chunks \(sizes)"
            )
        }
    }

    @Test func rowCountsAreGroupedByThousands() {
        #expect(1204.formatted == "1,204")
        #expect(0.formatted == "0")
        #expect(999.formatted == "999")
        #expect(1_000_000.formatted == "1,000,000")
    }

    @Test func postgresURLs() throws {
        let l = try PostgresLocation(parsing: "postgres://ann@db.example:5433/sales?schema=reports&table=Monthly%20Figures")
        #expect(l.user == "ann" && l.host == "db.example" && l.port == "5433" && l.database == "sales")
        #expect(l.schema == "reports" && l.table == "Monthly Figures" && l.query == nil)
        let q = try PostgresLocation(parsing: "postgresql:///sales?query=SELECT a+b FROM t")
        #expect(q.host == nil && q.database == "sales" && q.query == "SELECT a+b FROM t")
        let v6 = try PostgresLocation(parsing: "postgres://[::1]:5432/db?table=t")
        #expect(v6.host == "::1" && v6.port == "5432")
        func problem(_ url: String) -> String {
            do {
                _ = try PostgresLocation(parsing: url)
                return ""
            } catch { return (error as? InputError)?.problem ?? "\(error)" }
        }
        #expect(problem("postgres://h/db") == "neither table= nor query=")
        #expect(problem("postgres://h/db?table=a&query=b") == "both table= and query=")
        #expect(problem("postgres://h:99999/db?table=a") == "port \"99999\" is not a port number")
        #expect(problem("postgres://h/db?tabel=a") == "unknown URL parameter \"tabel\"")
        #expect(
            problem("postgres://h/db?table=a%2") == "a % in the URL that is not followed by two hex digits (write %25 for a percent sign)")
        #expect(problem("postgres://u:hunter2@h/db?table=a") == "the PostgreSQL URL holds a password (user:password@)")
        #expect(problem("postgres://h/db?query=SELECT 1&schema=s") == "schema= without table=")
    }

    @Test func sqliteLocations() throws {
        let t = try SQLiteLocation(parsing: "sqlite:data/sales%20q1.db?table=Monthly%20Figures")
        #expect(t.path == "data/sales q1.db" && t.table == "Monthly Figures" && t.query == nil)
        let q = try SQLiteLocation(parsing: "sqlite:/tmp/s.db?query=SELECT a+b FROM t")
        #expect(q.path == "/tmp/s.db" && q.query == "SELECT a+b FROM t" && q.table == nil)
        func problem(_ text: String, tableRequired: Bool = false) -> String {
            do {
                _ = try SQLiteLocation(parsing: text, tableRequired: tableRequired)
                return ""
            } catch { return (error as? InputError)?.problem ?? "\(error)" }
        }
        #expect(problem("sqlite:s.db") == "neither table= nor query=")
        #expect(problem("sqlite:?table=t") == "no database file before the ?")
        #expect(problem("sqlite:s.db?table=a&query=b") == "both table= and query=")
        #expect(problem("sqlite:s.db?schema=a&table=b") == "unknown URL parameter \"schema\"")
        #expect(problem("sqlite:s.db?query=SELECT 1", tableRequired: true) == "query= names no table to write to")
        #expect(problem("sqlite:s.db", tableRequired: true) == "no table= to write to")
    }
}
