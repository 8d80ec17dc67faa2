import Foundation
import Ingest
import Testing

@testable import Rendering

@Suite struct AtomicFileWriterTests {
    @Test func targetAppearsWholeAndNoTemporaryRemains() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/trend.csv"
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 3_000_000)

        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array(payload[..<1_000_000]))
        // Mid-write: the target does not exist yet, only the hidden temporary file.
        #expect(!FileManager.default.fileExists(atPath: path))
        let during = TestSupport.contents(of: directory)
        #expect(during.count == 1)
        #expect(during.first?.hasPrefix(".trend.csv.tmp-\(getpid())-") == true)
        try writer.write(Array(payload[1_000_000...]))
        try writer.commit()

        #expect(TestSupport.read(path) == payload)
        #expect(TestSupport.contents(of: directory) == ["trend.csv"])
    }

    @Test func replacingKeepsPermissions() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/rank.csv"
        try AtomicFileWriter.write(Array("old\n".utf8), to: path)
        chmod(path, 0o640)
        try AtomicFileWriter.write(Array("new\n".utf8), to: path)
        #expect(TestSupport.read(path) == Array("new\n".utf8))
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o777 == 0o640)
    }

    @Test func discardedWriterLeavesOldFileAndNoTemporary() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/rank.csv"
        try AtomicFileWriter.write(Array("old\n".utf8), to: path)

        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array("partial".utf8))
        writer.discard()
        #expect(TestSupport.read(path) == Array("old\n".utf8))
        #expect(TestSupport.contents(of: directory) == ["rank.csv"])

        // Dropping a writer without commit is a discard too.
        do {
            let dropped = try AtomicFileWriter(path: path)
            try dropped.write(Array("partial".utf8))
        }
        #expect(TestSupport.contents(of: directory) == ["rank.csv"])
    }

    /// A failing rename (a non-empty directory is in the way, created after the writer
    /// started) leaves no temporary file and reports "cannot create".
    @Test func failedCommitLeavesNoTemporary() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/out.csv"
        let writer = try AtomicFileWriter(path: path)
        try writer.write(Array("data".utf8))
        mkdir(path, 0o755)
        _ = FileManager.default.createFile(atPath: path + "/keep", contents: Data())
        #expect(throws: OutputError.self) { try writer.commit() }
        #expect(TestSupport.contents(of: directory) == ["out.csv"])
    }

    @Test func missingDirectoryIsExit73() {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/no/such/dir/trend.csv"
        do {
            try AtomicFileWriter.write([1, 2, 3], to: path)
            Issue.record("write should fail")
        } catch {
            #expect(error.kind == .cannotCreate)  // exit 73
            #expect(error.code == ENOENT)
            #expect(error.path == path)
            #expect(error.description == "cannot create '\(path)': No such file or directory")
        }
    }

    /// Issue #16: an input of this process is never a target (exit 73, untouched), by its own
    /// path or a link; a new file that merely reuses a deleted input's path is writable.
    @Test func anInputIsNeverATarget() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let input = directory + "/input.csv"
        try "team,period,measure,value\n".write(toFile: input, atomically: false, encoding: .utf8)
        guard case .success(let opened) = InputFiles.openRegular(input) else {
            Issue.record("cannot open the input")
            return
        }
        close(opened.fd)
        symlink("input.csv", directory + "/link.csv")
        for target in [input, directory + "/link.csv", directory + "/./input.csv"] {
            do {
                try AtomicFileWriter.write([1, 2, 3], to: target)
                Issue.record("wrote onto the input through \(target)")
            } catch {
                #expect(error.kind == .cannotCreate)  // exit 73
                #expect(
                    error.description.hasSuffix(
                        "it is an input of this command (the same file, through any link); write the output elsewhere"))
            }
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "team,period,measure,value\n")
        // Deleted, and a new file at the same path: not the input any more.
        unlink(input)
        usleep(10_000)
        try "new\n".write(toFile: input, atomically: false, encoding: .utf8)
        try AtomicFileWriter.write(Array("written\n".utf8), to: input)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "written\n")
    }

    @Test func directoryAtTargetIsExit73() {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        #expect(throws: OutputError(path: directory, action: "cannot create", code: EISDIR, kind: .cannotCreate)) {
            try AtomicFileWriter.write([1], to: directory)
        }
        #expect(throws: OutputError.self) { try AtomicFileWriter.write([1], to: directory + "/") }
    }

    @Test func fileInPlaceOfDirectoryIsExit73() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        try AtomicFileWriter.write([1], to: directory + "/plain")
        do {
            try AtomicFileWriter.write([1], to: directory + "/plain/trend.csv")
            Issue.record("write should fail")
        } catch {
            #expect(error.kind == .cannotCreate)  // exit 73
            #expect(error.code == ENOTDIR)
        }
    }

    /// A directory without write permission; root ignores permissions, so as root the
    /// test uses /sys, where nobody may create files.
    @Test(
        .enabled(
            if: geteuid() != 0 || FileManager.default.fileExists(atPath: "/sys/kernel"),
            "running as root without /sys: no directory is unwritable"))
    func unwritableDirectoryIsExit73() throws {
        let scratch = TestSupport.makeTemporaryDirectory()
        defer {
            chmod(scratch, 0o755)
            TestSupport.removeDirectory(scratch)
        }
        let directory = geteuid() == 0 ? "/sys" : scratch
        if directory == scratch { chmod(scratch, 0o555) }
        do {
            try AtomicFileWriter.write([1], to: directory + "/scorecard-test-trend.csv")
            Issue.record("write should fail")
        } catch {
            #expect(error.kind == .cannotCreate)  // exit 73
            #expect([EACCES, EPERM, EROFS].contains(error.code))
        }
        if directory == scratch {
            #expect(TestSupport.contents(of: scratch).isEmpty)
        }
    }

    /// Devices are written in place. Reached through a symbolic link in a scratch
    /// directory, so a wrong rename would replace only the link, never /dev/null itself.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/null"), "no /dev/null"))
    func devicesAreWrittenInPlace() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let link = directory + "/null.csv"
        try #require(symlink("/dev/null", link) == 0)
        try AtomicFileWriter.write(Array("discarded\n".utf8), to: link)
        var info = stat()
        lstat(link, &info)
        #expect(info.st_mode & S_IFMT == S_IFLNK)
        #expect(TestSupport.contents(of: directory) == ["null.csv"])
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func deviceWriteErrorIsExit74() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let link = directory + "/full.csv"
        try #require(symlink("/dev/full", link) == 0)
        do {
            try AtomicFileWriter.write(Array("x".utf8), to: link)
            Issue.record("write should fail")
        } catch {
            #expect(error.kind == .inputOutput)  // exit 74
            #expect(error.code == ENOSPC)
            #expect(error.description == "cannot write '\(link)': No space left on device")
        }
    }

    /// What the SIGINT/SIGTERM handler does, minus the re-raise: the registered C string
    /// names the temporary file exactly, and unlinking through the registry removes it.
    @Test func signalCleanupRemovesTheTemporaryFile() throws {
        let directory = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.removeDirectory(directory) }
        let path = directory + "/trend.csv"
        let temporary = directory + "/.trend.csv.tmp-test"
        _ = FileManager.default.createFile(atPath: temporary, contents: Data("partial".utf8))
        let slot = try #require(TemporaryFileRegistry.register(temporary))
        #expect(TemporaryFileRegistry.path(inSlot: slot) == temporary)
        #expect(unlink(TemporaryFileRegistry.paths + slot * TemporaryFileRegistry.slotSize) == 0)
        TemporaryFileRegistry.unregister(slot)
        #expect(!FileManager.default.fileExists(atPath: temporary))
        #expect(!FileManager.default.fileExists(atPath: path))
        // The handler is installed once the first path is registered.
        #expect(TemporaryFileRegistry.handlersInstalled)
        var action = sigaction()
        sigaction(SIGTERM, nil, &action)
        #expect(unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) > 1)
    }

    @Test func slotsAreReusedAfterUnregistering() {
        var slots: [Int] = []
        for index in 0..<10 {
            if let slot = TemporaryFileRegistry.register("/tmp/never-created-\(index)") { slots.append(slot) }
        }
        #expect(Set(slots).count == slots.count)
        for slot in slots { TemporaryFileRegistry.unregister(slot) }
        let again = TemporaryFileRegistry.register("/tmp/never-created-again")
        #expect(again != nil)
        if let again { TemporaryFileRegistry.unregister(again) }
    }

    @Test func splitPath() {
        #expect(AtomicFileWriter.split("trend.csv") == ("", "trend.csv"))
        #expect(AtomicFileWriter.split("out/trend.csv") == ("out/", "trend.csv"))
        #expect(AtomicFileWriter.split("/trend.csv") == ("/", "trend.csv"))
        #expect(AtomicFileWriter.split("out/") == ("out/", ""))
    }
}
