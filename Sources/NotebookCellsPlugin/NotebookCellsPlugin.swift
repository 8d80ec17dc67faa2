import Foundation
import PackagePlugin

/// Generates `NotebookPython` (the exported notebooks' Python cells) for the Rendering target from
/// its `Notebook/python/*.py` files at build time, with the NotebookCells tool, so those files are
/// the one copy of the notebook's Python in the repository.
@main
struct NotebookCellsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let python = target.directoryURL.appending(path: "Notebook/python")
        let inputs = try FileManager.default.contentsOfDirectory(at: python, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "py" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "NotebookPython.generated.swift")
        return [
            .buildCommand(
                displayName: "Generating NotebookPython from Notebook/python/*.py",
                executable: try context.tool(named: "NotebookCells").url,
                arguments: [python.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
