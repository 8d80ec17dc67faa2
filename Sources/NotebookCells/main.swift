// The build tool behind `NotebookPython`: reads the notebook's Python cells from
// Sources/Rendering/Notebook/python/*.py and writes the Swift that carries them into the
// `scorecard` binary. It runs at build time through NotebookCellsPlugin, so the .py files are
// the only copy in the repository and the binary can never be stale against them.
//
// Usage: notebook-cells PYTHON_DIRECTORY OUTPUT.swift
//
// A `# %% CELL-ID` line starts a code cell with that id (lower-case words joined by '-'); the
// cell is the text up to the next marker, trailing blank lines dropped. What precedes a file's
// first marker is its header comment and belongs to no cell.

import Foundation

/// A failure that stops the build, printed as `file:line: error: why` so that the build log
/// points at the .py file.
struct CellError: Error, CustomStringConvertible {
    let file: String
    let line: Int
    let why: String
    var description: String { "\(file):\(line): error: \(why)" }
}

/// One code cell: the file it comes from, its id and its text.
struct Cell {
    let file: String
    let id: String
    let source: String
}

/// Whether `id` is lower-case words (a-z, 0-9, starting with a letter) joined by '-': a valid
/// nbformat cell id and a Swift identifier once camel-cased.
func isCellID(_ id: String) -> Bool {
    let words = id.split(separator: "-", omittingEmptySubsequences: false)
    guard let first = words.first?.first, first.isASCII, first.isLowercase else { return false }
    return words.allSatisfy { word in
        !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }
}

/// The cells of one file, in file order.
func cells(of text: String, file: String, path: String) throws -> [Cell] {
    var found: [(id: String, line: Int, lines: [Substring])] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if line.hasPrefix("# %% ") {
            let id = String(line.dropFirst(5))
            guard isCellID(id) else {
                throw CellError(file: path, line: index + 1, why: "cell id '\(id)' is not lower-case words joined by '-'")
            }
            found.append((id, index + 1, []))
        } else if !found.isEmpty {
            if line.contains("\t") || line.contains("\r") {
                throw CellError(file: path, line: index + 1, why: "a tab or carriage return in a cell")
            }
            if line.last == " " {
                throw CellError(file: path, line: index + 1, why: "trailing white space in a cell")
            }
            found[found.count - 1].lines.append(line)
        }
    }
    return try found.map { cell in
        var lines = cell.lines
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw CellError(file: path, line: cell.line, why: "cell \(cell.id) is empty") }
        return Cell(file: file, id: cell.id, source: lines.joined(separator: "\n"))
    }
}

/// `id` as a Swift identifier: `trend-recompute` → `trendRecompute`.
func swiftName(_ id: String) -> String {
    let words = id.split(separator: "-")
    return String(words[0]) + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
}

/// `text` as a Swift string literal.
func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// The generated Swift for every cell of every .py file in `directory` (files in name order).
func swift(directory: URL) throws -> String {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".py") }.sorted()
    var all: [Cell] = []
    for name in names {
        let url = directory.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        all += try cells(of: text, file: name, path: url.path)
    }
    var seen: Set<String> = []
    for cell in all where !seen.insert(cell.id).inserted {
        throw CellError(file: directory.appendingPathComponent(cell.file).path, line: 1, why: "cell id '\(cell.id)' is used twice")
    }
    var out = [
        "// Generated at build time by NotebookCells (Sources/NotebookCells) from",
        "// Sources/Rendering/Notebook/python/*.py: edit those files, not this one.",
        "",
        "/// The Python code cells of exported notebooks (see `NotebookExport`), one constant per cell,",
        "/// named after its cell id; the Markdown between them is `NotebookMarkdown`.",
        "enum NotebookPython {",
    ]
    for cell in all {
        out.append("    /// Cell `\(cell.id)` of python/\(cell.file).")
        out.append("    static let \(swiftName(cell.id)) = \(literal(cell.source))")
    }
    out.append("")
    out.append("    /// Every cell as (file, cell id, source), files in name order, cells in file order.")
    out.append("    static let cells: [(file: String, id: String, source: String)] = [")
    for cell in all {
        out.append("        (\(literal(cell.file)), \(literal(cell.id)), \(swiftName(cell.id))),")
    }
    out.append("    ]")
    out.append("}")
    return out.joined(separator: "\n") + "\n"
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: notebook-cells PYTHON_DIRECTORY OUTPUT.swift\n".utf8))
    exit(64)
}
do {
    let text = try swift(directory: URL(fileURLWithPath: arguments[1], isDirectory: true))
    let output = URL(fileURLWithPath: arguments[2])
    // Rewrite only on change, so an unchanged cell set does not recompile Rendering.
    if (try? String(contentsOf: output, encoding: .utf8)) != text {
        try text.write(to: output, atomically: true, encoding: .utf8)
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
