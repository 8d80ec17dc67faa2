import Foundation
import Ingest

/// Team and measure names in mixed Unicode normalisation forms (issue #16): lines of the input
/// are names, each written as given and again in NFC or NFD (chosen by the input's last byte).
/// The reader must either refuse, naming a line, or give a panel whose names are byte-exact:
/// no two are the same text in different forms, and every name written finds its own bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let choice = bytes[size - 1]
    let text = String(decoding: bytes.dropLast(), as: UTF8.self)
    var names: [String] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(12).enumerated() {
        let name = String(line)
        names.append(name)
        let other = (choice >> (i % 8)) & 1 == 1 ? name.decomposedStringWithCanonicalMapping : name.precomposedStringWithCanonicalMapping
        names.append(other)
    }
    guard !names.isEmpty else { return 0 }
    // Distinct byte strings, in order.
    var seen = Set<[UInt8]>()
    let distinct = names.filter { seen.insert(Array($0.utf8)).inserted }
    func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    var csv = "team,period,measure,value\n"
    for (i, name) in distinct.enumerated() {
        // Names as teams (one measure) and as measures (one team).
        csv += "\(quoted(name)),2024-01,m,\(i)\n"
        csv += "t,2024-02,\(quoted(name)),\(i)\n"
    }
    let hasConflict = !NameSpelling.conflicts(distinct).isEmpty
    do {
        let panel = try MeasurementsReader.read(text: csv, file: "names.csv").panel
        precondition(!hasConflict, "two spellings of one name were read as two names")
        precondition(NameSpelling.conflicts(panel.teams).isEmpty && NameSpelling.conflicts(panel.measures).isEmpty)
        for name in distinct {
            if let t = panel.teamIndex(name) {
                precondition(panel.teams[t].utf8.elementsEqual(name.utf8), "a team found by another spelling")
            }
            if let m = panel.measureIndex(name) {
                precondition(panel.measures[m].utf8.elementsEqual(name.utf8), "a measure found by another spelling")
            }
        }
    } catch let e as InputErrors {
        precondition(!e.errors.isEmpty)
        for error in e.errors {
            precondition(error.file == "names.csv" && (error.line ?? 0) >= 1, "an error without a line: \(error)")
            precondition(!error.description.utf8.contains(0), "a NUL in a message")
        }
    } catch let e as InputError {
        precondition(e.file == "names.csv")
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
