/// Numbers as spreadsheets and CRM exports print them (`--lenient-numbers`): a currency symbol
/// or ISO code before or after (`$107,581.16`, `1 200 EUR`), thousands separators in groups
/// of three, a trailing `%` (the value kept as printed: `16.4%` is 16.4), parentheses or a
/// trailing minus for negatives (`(1,234)`), surrounding blanks; with `decimalComma`, `,` is
/// the decimal mark and `.`, spaces and `'` separate thousands. What is left must be a
/// decimal number METHODS.md accepts; anything else is still refused.
enum LenientNumber {
    static let currencySymbols: Set<Unicode.Scalar> = ["$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "₫", "฿", "₱", "¢"]

    /// The number, or nil when the text is not one even leniently.
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool, decimalComma: Bool) -> Double? {
        var scalars = Array(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self).unicodeScalars)
        func isBlank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\u{A0}" || s == "\u{202F}" }
        func trim() {
            while let f = scalars.first, isBlank(f) { scalars.removeFirst() }
            while let l = scalars.last, isBlank(l) { scalars.removeLast() }
        }
        func isUpperLetter(_ s: Unicode.Scalar) -> Bool { s.value >= 65 && s.value <= 90 }
        trim()
        var negative = false
        if lenient {
            if scalars.first == "(" && scalars.last == ")" && scalars.count > 2 {
                negative = true
                scalars.removeFirst()
                scalars.removeLast()
                trim()
            }
            var changed = true
            // Signs, symbols, codes and % may come in any order around the digits.
            while changed {
                changed = false
                if let f = scalars.first, f == "-" || f == "+" || f == "\u{2212}" {
                    if f != "+" {
                        if negative { return nil }
                        negative = true
                    }
                    scalars.removeFirst()
                    changed = true
                } else if let f = scalars.first, currencySymbols.contains(f) {
                    scalars.removeFirst()
                    changed = true
                } else if scalars.count > 3, scalars[0..<3].allSatisfy(isUpperLetter), !isUpperLetter(scalars[3]) {
                    scalars.removeFirst(3)
                    changed = true
                }
                if let l = scalars.last, l == "%" || currencySymbols.contains(l) {
                    scalars.removeLast()
                    changed = true
                } else if let l = scalars.last, l == "-", scalars.count > 1 {
                    if negative { return nil }
                    negative = true
                    scalars.removeLast()
                    changed = true
                } else if scalars.count > 3, scalars[(scalars.count - 3)...].allSatisfy(isUpperLetter),
                    !isUpperLetter(scalars[scalars.count - 4])
                {
                    scalars.removeLast(3)
                    changed = true
                }
                trim()
            }
        }
        // Thousands separators (only in lenient mode) and the decimal mark.
        let decimalMark: Unicode.Scalar = decimalComma ? "," : "."
        let separators: Set<Unicode.Scalar> =
            !lenient ? [] : decimalComma ? [".", " ", "'", "\u{A0}", "\u{202F}"] : [",", " ", "'", "\u{A0}", "\u{202F}"]
        var out: [UInt8] = []
        var intDigits = 0
        var groupDigits = -1  // digits since the last separator; -1 before any separator
        var inFraction = false
        var inExponent = false
        for s in scalars {
            if separators.contains(s) && !inFraction && !inExponent {
                // Groups of three after a first group of one to three digits.
                if groupDigits == -1 {
                    guard intDigits >= 1 && intDigits <= 3 else { return nil }
                } else {
                    guard groupDigits == 3 else { return nil }
                }
                groupDigits = 0
                continue
            }
            if s == decimalMark && !inFraction && !inExponent {
                if groupDigits != -1 && groupDigits != 3 { return nil }
                inFraction = true
                out.append(46)
                continue
            }
            guard s.isASCII else { return nil }
            let c = UInt8(s.value)
            if c >= 48 && c <= 57 {
                if !inFraction && !inExponent {
                    intDigits += 1
                    if groupDigits >= 0 { groupDigits += 1 }
                }
            } else if c == 101 || c == 69 {
                if groupDigits != -1 && groupDigits != 3 && !inFraction { return nil }
                inExponent = true
            } else if c == 44 || c == 46 {
                return nil  // the other mark, where it is not a separator
            }
            out.append(c)
        }
        if groupDigits != -1 && groupDigits != 3 && !inFraction && !inExponent { return nil }
        guard !out.isEmpty else { return nil }
        let result = out.withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, $0.count) }
        guard case .number(let v) = result else { return nil }
        return negative ? -v + 0 : v
    }
}
