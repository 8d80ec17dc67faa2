import Ingest

/// The measurements reader on arbitrary bytes: it must return a panel or throw an
/// InputError/InputErrors whose every message has a file, a line and a column, never
/// crash, and never keep a non-finite value in the panel. Small limits so the fuzzer
/// reaches the limit paths too.
///
/// Some inputs whose first byte is "1" are also grown past 4 MiB (its body repeated, each copy's
/// lines prefixed with a copy number, so teams differ) and read on two cores as well as one:
/// the two-core path (split, confirm, merge) must give exactly the one-core result (issue #16).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = ReadLimits(maxFieldBytes: 256, maxRecordBytes: 1024, maxPanelCells: 100_000, maxErrors: 20)
    // One such input in eight (by a hash of its bytes, so a run is repeatable): a grown read
    // takes tens of milliseconds under AddressSanitizer, a small one a fraction of one.
    let hash = bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    if size > 1 && bytes[0] == 0x31 && hash % 8 == 0, let newline = bytes.firstIndex(of: 10), newline + 1 < size {
        let header = Array(bytes[1...newline])
        let body = Array(bytes[(newline + 1)...]) + (bytes.last == 10 ? [] : [10])
        var grown = header
        grown.reserveCapacity((4 << 20) + body.count * 2)
        var copy = 0
        while grown.count <= 4 << 20 {
            let prefix = Array("c\(copy)".utf8)
            var atLineStart = true
            for b in body {
                if atLineStart { grown += prefix }
                grown.append(b)
                atLineStart = b == 10
            }
            copy += 1
        }
        let one = outcome { try MeasurementsReader.read(bytes: grown, file: "fuzz.csv", limits: limits, threads: 1) }
        let two = outcome { try MeasurementsReader.read(bytes: grown, file: "fuzz.csv", limits: limits, threads: 2) }
        precondition(one == two, "two cores read the file differently from one")
    }
    do {
        let result = try MeasurementsReader.read(bytes: bytes, file: "fuzz.csv", limits: limits)
        let panel = result.panel
        precondition(panel.values.count == panel.teamCount * panel.measureCount * panel.periodCount)
        precondition(panel.values.allSatisfy { $0.isNaN || $0.isFinite }, "an infinite value in the panel")
        precondition(panel.values.count <= limits.maxPanelCells)
    } catch let e as InputErrors {
        precondition(!e.errors.isEmpty, "InputErrors without an error")
        for error in e.errors { check(error) }
    } catch let e as InputError {
        check(e)
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}

func check(_ error: InputError) {
    precondition(error.file == "fuzz.csv")
    precondition(!error.problem.isEmpty, "an error without a problem: \(error)")
    if let line = error.line { precondition(line >= 1, "line \(line)") }
    if let column = error.column { precondition(column >= 1, "column \(column)") }
}

/// A read's result as comparable text: the panel, or every error message.
func outcome(_ read: () throws -> MeasurementsReader.Result) -> String {
    do {
        let p = try read().panel
        return "\(p.teams)|\(p.measures)|\(p.firstPeriod)|\(p.periodCount)|"
            + p.values.map { $0.isNaN ? "-" : String($0.bitPattern) }.joined(separator: ",")
    } catch let e as InputErrors {
        return e.errors.map(\.description).joined(separator: "\n")
    } catch {
        return "\(error)"
    }
}
