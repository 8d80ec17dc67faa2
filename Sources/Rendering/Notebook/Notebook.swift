/// A Jupyter notebook (nbformat 4.5) without outputs, written byte for byte the way
/// `nbformat.write` writes it (one-space indent, keys sorted, non-ASCII kept as UTF-8,
/// each cell's source a list of lines), so reading it with nbformat and writing it back
/// gives the same bytes, and the same inputs always give the same file: no timestamps,
/// no random cell ids (each cell's id is given by the caller and must be unique).
public struct Notebook: Sendable, Equatable {
    public enum Kind: String, Sendable { case markdown, code }

    public struct Cell: Sendable, Equatable {
        public let kind: Kind
        /// nbformat 4.5 cell id: 1 to 64 of `A-Z a-z 0-9 - _`.
        public let id: String
        public let source: String

        public init(_ kind: Kind, id: String, _ source: String) {
            self.kind = kind
            self.id = id
            self.source = source
        }
    }

    public var cells: [Cell] = []

    public init(cells: [Cell] = []) { self.cells = cells }

    public mutating func markdown(_ id: String, _ source: String) { cells.append(Cell(.markdown, id: id, source)) }
    public mutating func code(_ id: String, _ source: String) { cells.append(Cell(.code, id: id, source)) }

    /// Whether `id` is a valid nbformat 4.5 cell id.
    public static func isValidID(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...64).contains(utf8.count)
            && utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
            }
    }

    /// The notebook as UTF-8 JSON ending in a newline.
    ///
    /// - Precondition: cell ids are valid and unique.
    public func render() -> [UInt8] {
        var seen = Set<String>()
        for cell in cells {
            precondition(Self.isValidID(cell.id), "notebook cell id \"\(cell.id)\" is not 1-64 of A-Z a-z 0-9 - _")
            precondition(seen.insert(cell.id).inserted, "notebook cell id \"\(cell.id)\" is used twice")
        }
        let q = JSONWriter.quoted
        var out = "{\n \"cells\": ["
        for (index, cell) in cells.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += "  {\n   \"cell_type\": \(q(cell.kind.rawValue)),\n"
            if cell.kind == .code { out += "   \"execution_count\": null,\n" }
            out += "   \"id\": \(q(cell.id)),\n   \"metadata\": {},\n"
            if cell.kind == .code { out += "   \"outputs\": [],\n" }
            let lines = Self.lines(of: cell.source)
            if lines.isEmpty {
                out += "   \"source\": []\n  }"
            } else {
                out += "   \"source\": [\n" + lines.map { "    " + q($0) }.joined(separator: ",\n") + "\n   ]\n  }"
            }
        }
        out += cells.isEmpty ? "],\n" : "\n ],\n"
        out += """
             "metadata": {
              "kernelspec": {
               "display_name": "Python 3",
               "language": "python",
               "name": "python3"
              },
              "language_info": {
               "name": "python"
              }
             },
             "nbformat": 4,
             "nbformat_minor": 5
            }

            """
        return Array(out.utf8)
    }

    /// nbformat's split of a source string, Python's `str.splitlines(keepends=True)`: lines
    /// keep their line break (`\n`, `\r\n`, `\r`, VT, FF, FS, GS, RS, NEL, U+2028, U+2029).
    static func lines(of source: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in source.unicodeScalars {
            if previousWasCR {
                previousWasCR = false
                if scalar == "\n" {
                    current.append(scalar)
                    result.append(String(current))
                    current = String.UnicodeScalarView()
                    continue
                }
                result.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(scalar)
            switch scalar.value {
            case 0x0D:
                previousWasCR = true
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                result.append(String(current))
                current = String.UnicodeScalarView()
            default:
                break
            }
        }
        if !current.isEmpty { result.append(String(current)) }
        return result
    }
}
