/// Escaping for text that goes into the report's HTML and SVG.
///
/// The report is written as XHTML-compatible markup (every element closed, every
/// attribute quoted), so one escaper serves element text and attribute values alike:
/// `&`, `<`, `>`, `"` and `'` become entities, and characters XML 1.0 forbids even as
/// entities (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF)
/// are shown as a visible `\u{…}` escape, as the people's table does. Names from the data
/// (teams, measures, objectives) can hold anything, and none of it may become markup.
public enum XML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF
                    || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                {
                    // Controls, and bidirectional overrides that would reorder the text around a name.
                    out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `text` cut to at most `limit` characters (grapheme clusters), ending in `…` when cut.
    public static func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit, limit >= 1 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}
