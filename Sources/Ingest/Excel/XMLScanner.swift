/// A forward-only scanner over the XML of a workbook's parts (the sheet, shared strings,
/// styles, the workbook and its relationships): tags and text as byte ranges, no tree. A
/// part arrives in chunks from the zip; `scan` handles what is complete and returns how
/// many bytes it used, so the caller keeps the rest for the next chunk. Only what
/// SpreadsheetML needs: namespace prefixes are dropped, the five predefined entities and
/// character references are decoded, CDATA is text; a DTD is refused (no entity expansion).
struct XMLScanner {
    enum Event {
        /// A start tag: its local name and the bytes of its attributes; `empty` for `<c/>`.
        case start(name: Range<Int>, attributes: Range<Int>, empty: Bool)
        case end(name: Range<Int>)
        /// Character data, entities not yet decoded (`raw` for CDATA, which is taken as is).
        case text(Range<Int>, raw: Bool)
    }

    struct Malformed: Error {
        var problem: String
    }

    /// Scans `b[0..<count]`, calling `handle` for each complete event; returns the bytes used.
    /// With `final`, an incomplete tag at the end is malformed.
    static func scan(_ b: UnsafePointer<UInt8>, count n: Int, final: Bool, handle: (Event) throws -> Void) throws -> Int {
        var i = 0
        while i < n {
            if b[i] != 60 {  // text up to the next <
                var j = i
                while j < n && b[j] != 60 { j += 1 }
                if j == n && !final { return i }
                try handle(.text(i..<j, raw: false))
                i = j
                continue
            }
            // <!-- … -->, <![CDATA[ … ]]>, <? … ?>, <!DOCTYPE
            if i + 1 < n && (b[i + 1] == 33 || b[i + 1] == 63) {
                if starts(b, n, at: i, "<!--") {
                    guard let e = find(b, n, from: i + 4, "-->") else { return try incomplete(i, final, "a comment that does not end") }
                    i = e + 3
                } else if starts(b, n, at: i, "<![CDATA[") {
                    guard let e = find(b, n, from: i + 9, "]]>") else {
                        return try incomplete(i, final, "a CDATA section that does not end")
                    }
                    try handle(.text((i + 9)..<e, raw: true))
                    i = e + 3
                } else if b[i + 1] == 63 {
                    guard let e = find(b, n, from: i + 2, "?>") else {
                        return try incomplete(i, final, "a processing instruction that does not end")
                    }
                    i = e + 2
                } else if i + 9 <= n || final {
                    throw Malformed(problem: "a document type declaration (<!DOCTYPE …>), which a workbook never holds")
                } else {
                    return i
                }
                continue
            }
            if i + 1 >= n { return try incomplete(i, final, "a tag that does not end") }
            // A tag: find its > outside quoted attribute values.
            var j = i + 1
            var quote: UInt8 = 0
            while j < n {
                let c = b[j]
                if quote != 0 { if c == quote { quote = 0 } } else if c == 34 || c == 39 { quote = c } else if c == 62 { break }
                j += 1
            }
            if j == n { return try incomplete(i, final, "a tag that does not end") }
            let closing = b[i + 1] == 47
            var nameStart = i + (closing ? 2 : 1)
            var k = nameStart
            while k < j && !isSpace(b[k]) && b[k] != 47 {
                if b[k] == 58 { nameStart = k + 1 }  // drop a namespace prefix
                k += 1
            }
            if closing {
                try handle(.end(name: nameStart..<k))
            } else {
                let empty = b[j - 1] == 47
                try handle(.start(name: nameStart..<k, attributes: k..<(empty ? j - 1 : j), empty: empty))
                if empty { try handle(.end(name: nameStart..<k)) }
            }
            i = j + 1
        }
        return n
    }

    private static func incomplete(_ i: Int, _ final: Bool, _ problem: String) throws -> Int {
        if final { throw Malformed(problem: problem) }
        return i
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    static func starts(_ b: UnsafePointer<UInt8>, _ n: Int, at i: Int, _ s: StaticString) -> Bool {
        let m = s.utf8CodeUnitCount
        guard i + m <= n else { return false }
        let p = s.utf8Start
        for k in 0..<m where b[i + k] != p[k] { return false }
        return true
    }

    static func find(_ b: UnsafePointer<UInt8>, _ n: Int, from: Int, _ s: StaticString) -> Int? {
        var i = from
        while i < n {
            if b[i] == s.utf8Start[0] && starts(b, n, at: i, s) { return i }
            i += 1
        }
        return nil
    }

    /// Whether the name range spells `s`.
    static func named(_ b: UnsafePointer<UInt8>, _ r: Range<Int>, _ s: StaticString) -> Bool {
        r.count == s.utf8CodeUnitCount && starts(b, r.upperBound, at: r.lowerBound, s)
    }

    /// The value of the attribute whose local name is `name` (a prefix such as `r:` is
    /// skipped unless `prefixed` asks for one), entities decoded; nil when absent.
    static func attribute(_ b: UnsafePointer<UInt8>, _ r: Range<Int>, _ name: StaticString, prefixed: Bool = false) -> [UInt8]? {
        var i = r.lowerBound
        let end = r.upperBound
        while i < end {
            while i < end && isSpace(b[i]) { i += 1 }
            var nameStart = i
            var hasPrefix = false
            while i < end && b[i] != 61 && !isSpace(b[i]) {
                if b[i] == 58 {
                    nameStart = i + 1
                    hasPrefix = true
                }
                i += 1
            }
            let nameRange = nameStart..<i
            while i < end && b[i] != 34 && b[i] != 39 { i += 1 }
            guard i < end else { return nil }
            let q = b[i]
            let valueStart = i + 1
            i += 1
            while i < end && b[i] != q { i += 1 }
            let valueRange = valueStart..<Swift.min(i, end)
            i += 1
            if hasPrefix == prefixed && named(b, nameRange, name) { return decode(b, valueRange) }
        }
        return nil
    }

    /// Text with `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and `&#…;` decoded; an unknown
    /// entity is kept as written.
    static func decode(_ b: UnsafePointer<UInt8>, _ r: Range<Int>, into out: inout [UInt8]) {
        var i = r.lowerBound
        let end = r.upperBound
        while i < end {
            let c = b[i]
            if c != 38 {
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            while j < end && j - i < 12 && b[j] != 59 { j += 1 }
            guard j < end && b[j] == 59 else {
                out.append(c)
                i += 1
                continue
            }
            let name = Array(UnsafeBufferPointer(start: b + i + 1, count: j - i - 1))
            var scalar: UInt32?
            switch name {
            case [97, 109, 112]: scalar = 38  // amp
            case [108, 116]: scalar = 60  // lt
            case [103, 116]: scalar = 62  // gt
            case [113, 117, 111, 116]: scalar = 34  // quot
            case [97, 112, 111, 115]: scalar = 39  // apos
            default:
                if name.first == 35 {
                    let hex = name.count > 1 && (name[1] == 120 || name[1] == 88)
                    scalar = UInt32(String(decoding: name.dropFirst(hex ? 2 : 1), as: UTF8.self), radix: hex ? 16 : 10)
                }
            }
            if let scalar, let u = Unicode.Scalar(scalar) {
                out.append(contentsOf: Array(String(Character(u)).utf8))
                i = j + 1
            } else {
                out.append(c)
                i += 1
            }
        }
    }

    static func decode(_ b: UnsafePointer<UInt8>, _ r: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        decode(b, r, into: &out)
        return out
    }

    /// SpreadsheetML's own escape for characters XML cannot hold: `_x000D_` is a carriage
    /// return (ECMA-376 ST_Xstring); `_x005F_` escapes the underscore itself.
    static func unescapeXstring(_ text: [UInt8]) -> [UInt8] {
        guard text.count >= 7, text.contains(95) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == 95, i + 6 < text.count, text[i + 1] == 120, text[i + 6] == 95,
                let v = UInt32(String(decoding: text[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16), let u = Unicode.Scalar(v)
            {
                out.append(contentsOf: Array(String(Character(u)).utf8))
                i += 7
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }
}
