import Foundation
import Testing

@testable import Rendering

/// The notebook writer against nbformat's own output and Python's line splitting
/// (Tests/Reference/make_notebook_reference.py wrote the files in Tests/Reference/notebook/,
/// outside the test target so they need no resource declaration).
@Suite struct NotebookTests {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Reference/notebook")

    static func referenceJSON(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: reference.appendingPathComponent(name)))
    }

    @Test func writesWhatNbformatWrites() throws {
        var nb = Notebook()
        nb.markdown("intro", "# Title\n\nText with \"quotes\", a tab\there and é.")
        nb.code("code-1", "x = '''a\\\\b'''\nprint(x)\n")
        nb.code("empty_2", "")
        let expected = try Data(contentsOf: Self.reference.appendingPathComponent("small.ipynb"))
        #expect(nb.render() == [UInt8](expected))
    }

    @Test func splitsSourcesLikePythonSplitlines() throws {
        let pairs = try #require(try Self.referenceJSON("splitlines.json") as? [[Any]])
        #expect(pairs.count == 7)
        for pair in pairs {
            let source = try #require(pair[0] as? String)
            let lines = try #require(pair[1] as? [String])
            #expect(Notebook.lines(of: source) == lines, "\(source.debugDescription)")
        }
    }

    @Test func cellIDs() {
        #expect(Notebook.isValidID("trend-recompute"))
        #expect(Notebook.isValidID("a_1"))
        #expect(Notebook.isValidID(String(repeating: "x", count: 64)))
        #expect(!Notebook.isValidID(""))
        #expect(!Notebook.isValidID(String(repeating: "x", count: 65)))
        #expect(!Notebook.isValidID("has space"))
        #expect(!Notebook.isValidID("é"))
    }

    /// Reads a literal built by `pythonString` the way Python does for the escapes it may
    /// contain (`\\`, `\'`, `\xNN`, `\uNNNN`); nil when anything else follows a backslash or
    /// an unescaped `'''` would end the literal early.
    static func decodePython(_ literal: String) -> String? {
        let s = Array(literal.unicodeScalars)
        guard s.count >= 6, s.prefix(3).allSatisfy({ $0 == "'" }), s.suffix(3).allSatisfy({ $0 == "'" }) else { return nil }
        var out = String.UnicodeScalarView()
        var i = 3
        let end = s.count - 3
        while i < end {
            let c = s[i]
            if c == "'" && i + 2 < s.count && s[i + 1] == "'" && s[i + 2] == "'" { return nil }
            if c != "\\" {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { return nil }
            switch s[i + 1] {
            case "\\":
                out.append("\\")
                i += 2
            case "'":
                out.append("'")
                i += 2
            case "x", "u":
                let digits = s[i + 1] == "x" ? 2 : 4
                guard i + 1 + digits < end, let v = UInt32(String(String.UnicodeScalarView(s[(i + 2)...(i + 1 + digits)])), radix: 16),
                    let scalar = Unicode.Scalar(v)
                else { return nil }
                out.append(scalar)
                i += 2 + digits
            default:
                return nil
            }
        }
        return String(out)
    }

    @Test func pythonLiteralsHoldAnyText() throws {
        let texts = try #require(try Self.referenceJSON("python-strings.json") as? [String])
        #expect(texts.count == 9)
        for text in texts {
            let literal = NotebookExport.pythonString(text)
            #expect(Self.decodePython(literal) == text, "\(text.debugDescription) -> \(literal.debugDescription)")
            // Only \n may break a line: nbformat splits sources on every other break too.
            let lines = Notebook.lines(of: literal)
            #expect(lines.dropLast().allSatisfy { $0.hasSuffix("\n") && !$0.dropLast().contains("\r") })
        }
    }

    @Test func relativePaths() {
        #expect(RelativePath.from("/a/b/out", to: "/a/b/data/m.csv") == "../data/m.csv")
        #expect(RelativePath.from("/a/b", to: "/a/b/m.csv") == "m.csv")
        #expect(RelativePath.from("/", to: "/x/y.csv") == "x/y.csv")
        #expect(RelativePath.from("/tmp/x/y", to: "/work/d/m.csv") == "../../../work/d/m.csv")
        #expect(RelativePath.from("/a/bc", to: "/a/b/m.csv") == "../b/m.csv")
        #expect(RelativePath.from("/a/b", to: "/a/b") == ".")
    }
}
