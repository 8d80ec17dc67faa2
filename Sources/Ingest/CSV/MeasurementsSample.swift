#if canImport(Glibc)
import Glibc
#endif

/// The header and first records of a measurements file as text, for `scorecard init` to
/// guess which column is which before the file is read for real.
public struct MeasurementsSample: Sendable {
    /// The header row's names, as written.
    public let headers: [String]
    /// The first records' fields, as written (quotes undone).
    public let rows: [[String]]

    /// Reads at most `maxBytes` from the start of the file (a BOM skipped) and splits whole
    /// records with the reader's own scanner.
    public static func read(path: String, maxBytes: Int = 1 << 20) throws -> MeasurementsSample {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw InputError(
                .missingInput, file: path, problem: "cannot open the measurements file (\(reason))", expected: "a readable CSV file")
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        var filled = 0
        while filled < maxBytes {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, maxBytes - filled, off_t(filled)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        let complete = filled < maxBytes
        bytes.removeLast(maxBytes - filled)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var records: [[String]] = []
        var scanner = RecordScanner()
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var pos = 0
            while pos < buf.count {
                guard case .record(let next) = scanner.scan(base, count: buf.count, from: pos, final: complete) else { break }
                let fields = scanner.fields.map { f -> String in
                    let raw = f.hasEscapes ? SegmentParser.unescaped(base, f) : Array(buf[f.start..<f.end])
                    return String(decoding: raw, as: UTF8.self)
                }
                if !(fields.count == 1 && fields[0].isEmpty) { records.append(fields) }
                pos = next
            }
        }
        guard let header = records.first else {
            throw InputErrors([
                InputError(file: path, line: 1, column: 1, problem: "the file is empty", expected: "a header row and rows of measurements")
            ])
        }
        return MeasurementsSample(headers: header, rows: Array(records.dropFirst()))
    }

    /// Whether `text` is a period label or a date the reader understands (any order).
    public static func isPeriod(_ text: String, order: DateOrder?) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buf in
            let reading = Period.parseDate(UnsafeBufferPointer(buf), order: order)
            return reading != .invalid
        }
    }

    /// Day-first or month-first, when some slashed date settles it (a first part over 12).
    public static func dateOrder(of texts: [String]) -> DateOrder? {
        for t in texts {
            let parts = t.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
            guard parts.count == 3, parts[2].count == 4, let a = Int(parts[0]), let b = Int(parts[1]) else { continue }
            if a > 12 { return .dmy }
            if b > 12 { return .mdy }
        }
        return nil
    }

    /// What a value cell holds: nothing (or a missing-value token), a plain number, a number as
    /// exports write it (currency, thousands separators, %), or text.
    public enum NumberKind: Equatable { case missing, plain, exported, text }

    /// How a value cell reads: missing, a plain number, a number only as exports write it, or text.
    public static func numberKind(_ text: String, decimalComma: Bool = false) -> NumberKind {
        if ["", "NA", "NaN", "null"].contains(text) { return .missing }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            guard let p = buf.baseAddress else { return .missing }
            if case .number = DecimalParser.parse(p, buf.count), !decimalComma { return .plain }
            if LenientNumber.parse(p, buf.count, lenient: false, decimalComma: decimalComma) != nil { return .plain }
            if LenientNumber.parse(p, buf.count, lenient: true, decimalComma: decimalComma) != nil { return .exported }
            return .text
        }
    }
}
