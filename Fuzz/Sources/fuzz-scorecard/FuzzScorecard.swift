import Ingest

/// The scorecard loader on arbitrary text: a Scorecard or InputErrors naming the file, never a
/// crash, a hang on aliases, or another error type.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScorecard(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do {
        let scorecard = try ScorecardLoader.load(yaml: text, file: "fuzz.yml")
        precondition(!scorecard.measures.isEmpty, "a scorecard without measures was accepted")
        let ids = scorecard.measures.map(\.id)
        precondition(Set(ids).count == ids.count, "duplicate measure ids accepted")
        for link in scorecard.links { precondition(link.from != link.to, "a link to itself accepted") }
    } catch let e as InputErrors {
        precondition(!e.errors.isEmpty)
        for error in e.errors {
            precondition(error.file == "fuzz.yml" && !error.problem.isEmpty)
            if let line = error.line { precondition(line >= 1) }
            if let column = error.column { precondition(column >= 1) }
        }
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
