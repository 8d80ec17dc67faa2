import Ingest

/// The measurements reader on arbitrary bytes: it must return a panel or throw an
/// InputError/InputErrors whose every message has a file, a line and a column, never
/// crash, and never keep a non-finite value in the panel. Small limits so the fuzzer
/// reaches the limit paths too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = ReadLimits(maxFieldBytes: 256, maxRecordBytes: 1024, maxPanelCells: 100_000, maxErrors: 20)
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
