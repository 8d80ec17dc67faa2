import Ingest

/// The period parser on arbitrary bytes: whatever it accepts must print back to the same
/// text (`q` and `w` are accepted for `Q` and `W`), parse the same from String and from
/// bytes, and step forward and back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPeriod(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: data, count: size)
    let fromBytes = Period.parse(buffer)
    let text = String(decoding: buffer, as: UTF8.self)
    let fromString = Period(text)
    if Array(text.utf8) == Array(buffer) {
        precondition(fromBytes == fromString, "bytes and String parses disagree on \(text.debugDescription)")
    }
    if let p = fromBytes {
        precondition(p.description == text.uppercased(), "\(text.debugDescription) parsed as \(p)")
        precondition(p.advanced(by: 1).advanced(by: -1) == p)
        precondition(p.distance(to: p.advanced(by: 7)) == 7)
    }
    return 0
}
