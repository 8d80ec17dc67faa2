import Foundation
import TestSupport

/// Helpers shared by the Rendering tests: scratch directories and an optional Python.
enum TestSupport {
    /// A fresh directory under the system temporary directory.
    static func makeTemporaryDirectory() -> String {
        var template = Array((NSTemporaryDirectory() + "/rendering-tests-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func contents(of directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The first `python3` on PATH, or nil (tests that need it are then skipped).
    static let python3: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs `python3 -c script arguments…`; returns standard output and the exit status.
    static func runPython(_ script: String, arguments: [String]) throws -> (output: String, status: Int32) {
        let r = try ProcessRunner.run([python3!, "-c", script] + arguments, in: FileManager.default.currentDirectoryPath)
        return (r.stdout, r.status)
    }
}
