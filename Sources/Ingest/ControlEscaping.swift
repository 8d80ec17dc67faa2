/// Control characters shown, not obeyed: every message and table cell passes through here,
/// so a NUL cannot cut a message short (C strings stop there), an ESC cannot drive the
/// terminal, and a line break or bidirectional override cannot forge a line (issue #16).
public enum ControlEscaping {
    /// `text` with C0, DEL, C1, line/paragraph separators and bidirectional controls
    /// written as `\n`, `\r`, `\t`, `\0` or `\u{XX}`.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// Each line of a multi-line message escaped, its line breaks kept.
    public static func escapeLines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 != "\n" && needsEscape($0) }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
    }

    /// Whether a scalar would move the cursor, end the line or reorder the text on a terminal: C0, DEL and C1 controls,
    /// line and paragraph separators, bidirectional embeddings, overrides and isolates.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1 (ESC starts terminal sequences)
        case 0x2028, 0x2029: true  // line and paragraph separators
        case 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional embeddings, overrides, isolates
        default: false
        }
    }
}
