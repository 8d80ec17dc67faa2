import Foundation
import Testing

@testable import Rendering

/// The notebook's Python has one home, Sources/Rendering/Notebook/python/*.py; the cells compiled
/// into the binary (NotebookPython, written at build time by the NotebookCells tool through
/// NotebookCellsPlugin) must say the same, cell by cell: this cuts the files independently.
@Suite struct NotebookPythonSourcesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Rendering/Notebook/python")
    static let regenerate = "the compiled cells differ from python/*.py: see Sources/NotebookCells"

    /// The cut of a file: a `# %% ID` line starts a cell, which runs to the next one,
    /// trailing blank lines dropped; what precedes the first marker is the file's header.
    static func cells(of text: String) -> [(id: String, source: String)] {
        var cells: [(id: String, lines: [Substring])] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# %% ") {
                cells.append((String(line.dropFirst(5)), []))
            } else if !cells.isEmpty {
                cells[cells.count - 1].lines.append(line)
            }
        }
        return cells.map { cell in
            var lines = cell.lines
            while lines.last?.isEmpty == true { lines.removeLast() }
            return (cell.id, lines.joined(separator: "\n"))
        }
    }

    @Test func compiledCellsMatchThePythonFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".py") }.sorted()
        #expect(names == Set(NotebookPython.cells.map(\.file)).sorted(), "\(Self.regenerate)")
        let ids = NotebookPython.cells.map(\.id)
        #expect(Set(ids).count == ids.count, "a cell id is used twice")
        for name in names {
            let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            let onDisk = Self.cells(of: text)
            let generated = NotebookPython.cells.filter { $0.file == name }
            #expect(onDisk.map(\.id) == generated.map(\.id), "\(name): cell ids differ; \(Self.regenerate)")
            for (disk, swift) in zip(onDisk, generated) where disk.id == swift.id {
                #expect(disk.source == swift.source, "\(name), cell \(disk.id): \(Self.regenerate)")
            }
        }
    }
}
