import Foundation
import Yams

/// The document as Unicode scalars, with libyaml's line starts so that a `Mark` (libyaml's
/// 1-based line and column, in scalars) maps to a scalar index.
///
/// A leading BOM is dropped: Yams hands libyaml the encoding explicitly, and libyaml then counts
/// the BOM as a column of line 1, so a block mapping that starts on line 1 would be indented
/// one column deeper than the keys on the next lines (a bogus syntax error). Dropping it also
/// keeps columns free of the BOM, as `InputError` wants.
struct YAMLSource {
    let file: String
    var scalars: [Unicode.Scalar]
    /// Index in `scalars` of the first scalar of each line.
    let lineStarts: [Int]

    init(_ text: String, file: String) {
        self.file = file
        scalars = Array(text.unicodeScalars)
        if scalars.first?.value == 0xFEFF { scalars.removeFirst() }
        var starts = [0]
        var i = 0
        while i < scalars.count {
            let value = scalars[i].value
            if value == 0x0D, i + 1 < scalars.count, scalars[i + 1].value == 0x0A {
                i += 1
                starts.append(i + 1)
            } else if Self.isBreak(value) {
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    /// libyaml's line breaks: CR, LF (CR LF counts once), NEL, LS, PS.
    static func isBreak(_ value: UInt32) -> Bool {
        value == 0x0A || value == 0x0D || value == 0x85 || value == 0x2028 || value == 0x2029
    }

    func index(of mark: Mark) -> Int? {
        guard mark.line >= 1, mark.line <= lineStarts.count, mark.column >= 1 else { return nil }
        let index = lineStarts[mark.line - 1] + mark.column - 1
        return index <= scalars.count ? index : nil
    }

    /// The line and column to show for a libyaml mark.
    func location(_ mark: Mark?) -> (line: Int, column: Int) {
        guard let mark else { return (1, 1) }
        return (mark.line, mark.column)
    }

    /// The text of a 1-based line, without its break.
    func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        var end = line < lineStarts.count ? lineStarts[line] : scalars.count
        let start = lineStarts[line - 1]
        while end > start, Self.isBreak(scalars[end - 1].value) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// The first byte that is not UTF-8, located as `decodeUTF8` counts.
    struct BadByte: Error {
        var line: Int
        var column: Int
        var byte: UInt8
    }

    /// Decodes UTF-8, or names the line and column (in scalars, a leading BOM not counted) of the
    /// first byte that is not valid UTF-8.
    static func decodeUTF8(_ data: Data) -> Result<String, BadByte> {
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        let bytes = [UInt8](data)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        var previousCR = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded).value
                offset += encoded.count
                if scalar == 0x0A && previousCR {
                    // The second half of CR LF: the line was already counted.
                } else if YAMLSource.isBreak(scalar) {
                    line += 1
                    column = 1
                } else if !(scalar == 0xFEFF && line == 1 && column == 1 && offset == encoded.count) {
                    column += 1
                }
                previousCR = scalar == 0x0D
            case .error:
                return .failure(BadByte(line: line, column: column, byte: bytes[offset]))
            case .emptyInput:
                // Unreachable: `String(validating:)` failed, so some byte is bad.
                return .failure(BadByte(line: line, column: column, byte: 0))
            }
        }
    }
}
