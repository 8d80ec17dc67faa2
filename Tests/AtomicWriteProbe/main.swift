// A test helper for InterruptTests: streams a file through AtomicFileWriter exactly as an
// export does, and stops half-way until told to go on, so that a signal can be sent at a
// known moment instead of by racing a timer.
//
// Usage: atomic-write-probe PATH MEGABYTES
// Writes MEGABYTES/2 MiB, prints "ready <temporary-file-name-prefix>" on standard output,
// waits for a line on standard input, writes the rest and commits.
import Rendering

#if canImport(Glibc)
import Glibc
#endif

func say(_ text: String, to fd: Int32) {
    _ = text.withCString { write(fd, $0, strlen($0)) }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let megabytes = Int(arguments[2]), megabytes >= 2 else {
    say("usage: atomic-write-probe PATH MEGABYTES\n", to: 2)
    exit(64)
}
let chunk = [UInt8](repeating: UInt8(ascii: "n"), count: 1 << 20)
do {
    let writer = try AtomicFileWriter(path: arguments[1])
    for _ in 0..<(megabytes / 2) { try writer.write(chunk) }
    say("ready\n", to: 1)
    _ = readLine()
    for _ in (megabytes / 2)..<megabytes { try writer.write(chunk) }
    try writer.commit()
} catch {
    say("atomic-write-probe: \(error)\n", to: 2)
    exit(74)
}
