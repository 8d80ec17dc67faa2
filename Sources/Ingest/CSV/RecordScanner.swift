/// Finds the fields of one RFC 4180 record in a byte buffer, without copying.
///
/// A field is a byte range; a quoted field's range excludes the quotes and `hasEscapes`
/// says it holds doubled quotes to undo. A record may span several physical lines when a
/// quoted field holds line breaks; `lines` counts them so messages name the right line.
struct RecordScanner {
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        var hasEscapes: Bool
    }

    enum Outcome {
        /// A whole record; `next` is where the following one starts.
        case record(next: Int)
        /// The buffer ends inside the record and more input may follow.
        case needMore
        /// A syntax error at byte `offset` (relative to the buffer).
        case malformed(offset: Int, problem: String, expected: String, resumeAt: Int?)
    }

    var fields: [Field] = []
    /// Line breaks inside the record, including the one that ends it.
    var lineBreaks = 0

    /// Scans the record starting at `start`. With `final`, the end of the buffer ends the input.
    @inline(__always)
    mutating func scan(_ b: UnsafePointer<UInt8>, count: Int, from start: Int, final: Bool) -> Outcome {
        fields.removeAll(keepingCapacity: true)
        lineBreaks = 0
        var p = start
        while true {
            let fieldStart = p
            if p < count && b[p] == 34 {  // "
                p += 1
                var escapes = false
                while true {
                    while p < count && b[p] != 34 {
                        if b[p] == 10 { lineBreaks += 1 }
                        p += 1
                    }
                    if p >= count {
                        if !final { return .needMore }
                        return .malformed(
                            offset: fieldStart, problem: "a quoted field is never closed",
                            expected: "a closing double quote (write a quote inside a quoted field as \"\")",
                            resumeAt: nil)
                    }
                    if p + 1 < count && b[p + 1] == 34 {
                        escapes = true
                        p += 2
                        continue
                    }
                    if p + 1 >= count && !final { return .needMore }
                    break
                }
                fields.append(Field(start: fieldStart + 1, end: p, quoted: true, hasEscapes: escapes))
                p += 1
                if p < count && b[p] != 44 && b[p] != 10 && b[p] != 13 {
                    return .malformed(
                        offset: p, problem: "unexpected text after a closing quote",
                        expected: "a comma or the end of the line after a quoted field",
                        resumeAt: RecordScanner.lineEnd(b, count: count, from: p))
                }
            } else {
                while p < count {
                    let c = b[p]
                    if c == 44 || c == 10 || c == 13 { break }
                    if c == 34 {
                        return .malformed(
                            offset: p, problem: "a double quote inside an unquoted field",
                            expected: "the whole field in double quotes, with inner quotes doubled (\"a \"\"b\"\" c\")",
                            resumeAt: RecordScanner.lineEnd(b, count: count, from: p))
                    }
                    p += 1
                }
                if p >= count && !final { return .needMore }
                fields.append(Field(start: fieldStart, end: p, quoted: false, hasEscapes: false))
            }
            if p >= count { return .record(next: p) }
            let c = b[p]
            if c == 44 {
                p += 1
                continue
            }
            p += 1
            if c == 13 {
                if p < count && b[p] == 10 {
                    p += 1
                } else if p >= count && !final {
                    return .needMore
                }
            }
            lineBreaks += 1
            return .record(next: p)
        }
    }

    /// The start of the next line after `p` (or nil at the end of the buffer).
    static func lineEnd(_ b: UnsafePointer<UInt8>, count: Int, from p: Int) -> Int? {
        var q = p
        while q < count && b[q] != 10 { q += 1 }
        return q < count ? q + 1 : nil
    }
}
