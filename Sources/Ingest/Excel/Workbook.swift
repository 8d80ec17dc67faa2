import Foundation
import ZIPFoundation

#if canImport(Glibc)
import Glibc
#endif

/// An Excel workbook (.xlsx) opened for reading: the zip container (ZIPFoundation), the
/// workbook's sheets in order, which cell styles are dates, and the shared strings. Parts
/// are inflated in chunks and scanned as they arrive (`XMLScanner`); only the shared
/// strings are kept, in one byte arena. Each part's inflated size is capped (see `caps`),
/// so a zip bomb stops with a limit error instead of filling memory or running for hours.
struct Workbook {
    struct Sheet {
        var name: String
        var path: String
    }

    let file: String
    let archive: Archive
    var sheets: [Sheet] = []
    /// The 1904 date system (`<workbookPr date1904="1"/>`, old Mac workbooks).
    var date1904 = false
    /// Per cell style (`s="…"`), whether its number format shows a date.
    var dateStyles: [Bool] = []
    /// Shared strings: bytes of string i are `stringBytes[stringStarts[i]..<stringStarts[i + 1]]`.
    var stringBytes: [UInt8] = []
    var stringStarts: [Int] = [0]

    /// The largest inflated size of a small part (workbook, relationships, styles).
    static let smallPartCap = 64 << 20

    static func isWorkbookPath(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm")
    }

    init(path: String, limits: ReadLimits) throws {
        file = path
        try Self.sniff(path)
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw InputError(
                file: path, problem: "the file is not a zip archive, or its directory is damaged",
                expected: "an Excel workbook (.xlsx) as Excel, LibreOffice or openpyxl save it")
        }
        let (relsTargets, relsTypes) = try relationships()
        try readWorkbook(relsTargets)
        if let styles = relsTypes["styles"] ?? (archive["xl/styles.xml"] != nil ? "xl/styles.xml" : nil) { try readStyles(styles) }
        if let strings = relsTypes["sharedStrings"] ?? (archive["xl/sharedStrings.xml"] != nil ? "xl/sharedStrings.xml" : nil) {
            try readSharedStrings(strings, limits: limits)
        }
    }

    /// A workbook that is not a zip is named for what it is: an encrypted workbook and a
    /// legacy .xls are both OLE compound files.
    static func sniff(_ path: String) throws {
        let opened: (fd: Int32, size: Int)
        switch InputFiles.openRegular(path) {
        case .success(let o): opened = o
        case .failure(.cannotOpen(let code)):
            throw InputError(
                .missingInput, file: path, problem: "cannot open the workbook (\(String(cString: strerror(code))))",
                expected: "a readable Excel workbook (.xlsx)")
        case .failure(.folder), .failure(.notRegular):
            throw InputError(.missingInput, file: path, problem: "not a regular file", expected: "an Excel workbook (.xlsx) file")
        }
        defer { close(opened.fd) }
        var head = [UInt8](repeating: 0, count: 8)
        let n = head.withUnsafeMutableBytes { pread(opened.fd, $0.baseAddress, 8, 0) }
        if n <= 0 {
            throw InputError(file: path, problem: "the file is empty", expected: "an Excel workbook (.xlsx)")
        }
        if n >= 4 && head[0] == 0xD0 && head[1] == 0xCF && head[2] == 0x11 && head[3] == 0xE0 {
            throw InputError(
                file: path, problem: "the workbook is encrypted (password-protected) or is a legacy Excel 97–2003 .xls file",
                expected: "an unencrypted .xlsx workbook (remove the password, or save as \"Excel Workbook (.xlsx)\")")
        }
        if n < 4 || head[0] != 0x50 || head[1] != 0x4B {
            throw InputError(
                file: path, problem: "the file is not a zip archive (it does not start with PK)",
                expected: "an Excel workbook (.xlsx); for CSV text, name the file .csv")
        }
    }

    // MARK: - Parts

    /// Inflates a part chunk by chunk, scanning its XML as it arrives; stops with a limit
    /// error past `cap` inflated bytes, and checks the part's CRC-32.
    func scanPart(
        _ path: String, cap: Int, capFlag: String, limits: ReadLimits, handle: (UnsafePointer<UInt8>, XMLScanner.Event) throws -> Void
    ) throws {
        guard let entry = archive[path] else {
            throw InputError(
                file: file, problem: "the workbook has no part \(path)",
                expected: "an Excel workbook (.xlsx) as Excel, LibreOffice or openpyxl save it")
        }
        var carry: [UInt8] = []
        var total = 0
        let carryCap = Swift.max(limits.maxRecordBytes, 1 << 20)
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { data in
                total += data.count
                if total > cap {
                    throw InputError(
                        .limit, file: file, problem: "part \(path) inflates to more than \(cap) bytes",
                        expected: "a smaller workbook (\(capFlag))")
                }
                carry.append(contentsOf: data)
                let used = try carry.withUnsafeBufferPointer { buf in
                    try XMLScanner.scan(buf.baseAddress!, count: buf.count, final: false) { try handle(buf.baseAddress!, $0) }
                }
                carry.removeFirst(used)
                if carry.count > carryCap {
                    throw InputError(
                        .limit, file: file, problem: "part \(path) has a tag or text longer than \(carryCap) bytes",
                        expected: "shorter cells (raise the limit with --max-line-bytes)")
                }
            }
            if !carry.isEmpty {
                _ = try carry.withUnsafeBufferPointer { buf in
                    try XMLScanner.scan(buf.baseAddress!, count: buf.count, final: true) { try handle(buf.baseAddress!, $0) }
                }
            }
        } catch let e as XMLScanner.Malformed {
            throw InputError(
                file: file, problem: "part \(path) is not well-formed XML: \(e.problem)",
                expected: "an Excel workbook (.xlsx) as Excel, LibreOffice or openpyxl save it")
        } catch let e as InputError {
            throw e
        } catch let e as InputErrors {
            throw e
        } catch let e as WorkbookStop {
            throw e
        } catch {
            throw InputError(
                file: file, problem: "part \(path) cannot be inflated (\(error))", expected: "an undamaged Excel workbook (.xlsx)")
        }
        if checksum != entry.checksum {
            throw InputError(file: file, problem: "part \(path) fails its CRC-32 check", expected: "an undamaged Excel workbook (.xlsx)")
        }
    }

    /// Target paths by relationship id, and by type (its last path segment).
    func relationships() throws -> ([String: String], [String: String]) {
        var byId: [String: String] = [:]
        var byType: [String: String] = [:]
        guard archive["xl/_rels/workbook.xml.rels"] != nil else { return ([:], [:]) }
        try scanPart("xl/_rels/workbook.xml.rels", cap: Self.smallPartCap, capFlag: "its relationships are too large", limits: ReadLimits())
        { b, event in
            guard case .start(let name, let attrs, _) = event, XMLScanner.named(b, name, "Relationship"),
                let id = XMLScanner.attribute(b, attrs, "Id"), let target = XMLScanner.attribute(b, attrs, "Target")
            else { return }
            let t = String(decoding: target, as: UTF8.self)
            let path = t.hasPrefix("/") ? String(t.dropFirst()) : "xl/" + t
            byId[String(decoding: id, as: UTF8.self)] = path
            if let type = XMLScanner.attribute(b, attrs, "Type"),
                let last = String(decoding: type, as: UTF8.self).split(separator: "/").last
            {
                byType[String(last)] = byType[String(last)] ?? path
            }
        }
        return (byId, byType)
    }

    mutating func readWorkbook(_ targets: [String: String]) throws {
        var sheets: [Sheet] = []
        var date1904 = false
        try scanPart("xl/workbook.xml", cap: Self.smallPartCap, capFlag: "its workbook part is too large", limits: ReadLimits()) {
            b, event in
            guard case .start(let name, let attrs, _) = event else { return }
            if XMLScanner.named(b, name, "workbookPr"), let v = XMLScanner.attribute(b, attrs, "date1904") {
                date1904 = v == Array("1".utf8) || v == Array("true".utf8)
            } else if XMLScanner.named(b, name, "sheet"), let sheetName = XMLScanner.attribute(b, attrs, "name") {
                let id = XMLScanner.attribute(b, attrs, "id", prefixed: true).map { String(decoding: $0, as: UTF8.self) }
                // A chart sheet holds no cells: its relationship points elsewhere than worksheets/.
                let path = id.flatMap { targets[$0] } ?? "xl/worksheets/sheet\(sheets.count + 1).xml"
                if path.contains("chartsheets/") || path.contains("dialogsheets/") || path.contains("macrosheets/") { return }
                sheets.append(Sheet(name: String(decoding: XMLScanner.unescapeXstring(sheetName), as: UTF8.self), path: path))
            }
        }
        self.sheets = sheets
        self.date1904 = date1904
        if sheets.isEmpty {
            throw InputError(file: file, problem: "the workbook has no worksheet", expected: "a workbook with a sheet of measurements")
        }
    }

    mutating func readStyles(_ path: String) throws {
        var custom: [Int: Bool] = [:]
        var styles: [Bool] = []
        var inCellXfs = false
        try scanPart(path, cap: Self.smallPartCap, capFlag: "its styles are too large", limits: ReadLimits()) { b, event in
            switch event {
            case .start(let name, let attrs, _):
                if XMLScanner.named(b, name, "numFmt"),
                    let id = XMLScanner.attribute(b, attrs, "numFmtId").flatMap({ Int(String(decoding: $0, as: UTF8.self)) }),
                    let code = XMLScanner.attribute(b, attrs, "formatCode")
                {
                    custom[id] = Self.isDateFormat(String(decoding: code, as: UTF8.self))
                } else if XMLScanner.named(b, name, "cellXfs") {
                    inCellXfs = true
                } else if inCellXfs && XMLScanner.named(b, name, "xf") {
                    let id = XMLScanner.attribute(b, attrs, "numFmtId").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
                    styles.append(custom[id] ?? Self.isBuiltInDate(id))
                }
            case .end(let name):
                if XMLScanner.named(b, name, "cellXfs") { inCellXfs = false }
            case .text: break
            }
        }
        dateStyles = styles
    }

    /// Built-in formats that show a date (ECMA-376 §18.8.30: 14–17 and 22 in every locale,
    /// 27–36 and 50–58 in East Asian ones); 18–21 and 45–47 are times of day only.
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...17).contains(id) || id == 22 || (27...36).contains(id) || (50...58).contains(id)
    }

    /// A custom format shows a date when, outside quoted text, escapes and [brackets], it
    /// has a day or year, or a month without hours or seconds (`mm` beside `h` is minutes).
    static func isDateFormat(_ code: String) -> Bool {
        var letters = Set<Character>()
        var quoted = false
        var bracket = false
        var escaped = false
        for c in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            if quoted {
                if c == "\"" { quoted = false }
                continue
            }
            if bracket {
                if c == "]" { bracket = false }
                continue
            }
            switch c {
            case "\\", "_", "*": escaped = true
            case "\"": quoted = true
            case "[": bracket = true
            case ";": return !letters.isDisjoint(with: ["d", "y"]) || (letters.contains("m") && letters.isDisjoint(with: ["h", "s"]))
            default: letters.insert(c)
            }
        }
        return !letters.isDisjoint(with: ["d", "y"]) || (letters.contains("m") && letters.isDisjoint(with: ["h", "s"]))
    }

    /// The shared strings, each the concatenation of its `<t>` runs (phonetic `<rPh>`
    /// readings left out). Their total is capped like standard input's text: 64 bytes a panel cell.
    mutating func readSharedStrings(_ path: String, limits: ReadLimits) throws {
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        var current: [UInt8] = []
        var inT = false
        var phonetic = 0
        let (cap, overflow) = limits.maxPanelCells.multipliedReportingOverflow(by: 64)
        let most = overflow ? Int.max : Swift.max(cap, 1 << 20)
        try scanPart(path, cap: most, capFlag: "raise --max-cells", limits: limits) { b, event in
            switch event {
            case .start(let name, _, let empty):
                if XMLScanner.named(b, name, "t") {
                    inT = !empty && phonetic == 0
                } else if XMLScanner.named(b, name, "rPh") {
                    phonetic += empty ? 0 : 1
                } else if XMLScanner.named(b, name, "si") {
                    current.removeAll(keepingCapacity: true)
                }
            case .end(let name):
                if XMLScanner.named(b, name, "t") {
                    inT = false
                } else if XMLScanner.named(b, name, "rPh") {
                    phonetic = Swift.max(phonetic - 1, 0)
                } else if XMLScanner.named(b, name, "si") {
                    bytes += XMLScanner.unescapeXstring(current)
                    starts.append(bytes.count)
                }
            case .text(let r, let raw):
                guard inT else { return }
                if raw {
                    current.append(contentsOf: UnsafeBufferPointer(start: b + r.lowerBound, count: r.count))
                } else {
                    XMLScanner.decode(b, r, into: &current)
                }
            }
        }
        stringBytes = bytes
        stringStarts = starts
    }

    var stringCount: Int { stringStarts.count - 1 }

    func string(_ i: Int) -> ArraySlice<UInt8> { stringBytes[stringStarts[i]..<stringStarts[i + 1]] }
}

/// Thrown by a sheet's handler to stop inflating once the parser has given up.
struct WorkbookStop: Error {}
