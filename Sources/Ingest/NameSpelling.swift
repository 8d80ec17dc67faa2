/// Names that are the same text in different Unicode normalisation forms ("Zürich" as one
/// precomposed ü, U+00FC, or as u + combining diaeresis, U+0075 U+0308).
///
/// METHODS.md compares names byte for byte, but Swift's `String` equality (and so every
/// dictionary, set and `==` downstream) is canonical equivalence: two such teams trapped
/// (`Duplicate values for key`) and a filter picked the other spelling's rows (issue #16).
/// Scorecard therefore refuses two byte-different names that are canonically equivalent
/// wherever names meet — teams or measures in the data, the scorecard against the data, a
/// command-line name against the data — with a located message. Past these checks, any two
/// names are either the same bytes or not equal as `String`s, so `==` is byte equality.
public enum NameSpelling {
    /// Whether `a` and `b` are the same text spelt with different bytes.
    public static func differOnlyInForm(_ a: String, _ b: String) -> Bool {
        a == b && !a.utf8.elementsEqual(b.utf8)
    }

    /// The name with every non-ASCII scalar written as `\u{XX}`, so two spellings that look
    /// alike on a terminal can be told apart in a message.
    public static func spelt(_ name: String) -> String {
        var out = "\""
        for scalar in name.unicodeScalars {
            if scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out + "\""
    }

    /// The expected-text for a refused pair.
    public static let expected =
        """
        one spelling of each name: names compare byte for byte, and two that differ only in Unicode normalisation are refused (save the \
        file in NFC)
        """

    /// For names in first-seen order, each later name that is another spelling of an earlier
    /// one: (index of the later, index of the earlier). Linear: one hash per name.
    public static func conflicts(_ names: [String]) -> [(later: Int, earlier: Int)] {
        var first: [String: Int] = [:]
        var out: [(Int, Int)] = []
        for (i, name) in names.enumerated() {
            if let j = first[name] {
                if !names[j].utf8.elementsEqual(name.utf8) { out.append((i, j)) }
            } else {
                first[name] = i
            }
        }
        return out
    }
}
