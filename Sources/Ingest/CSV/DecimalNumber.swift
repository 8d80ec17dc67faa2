/// The decimal numbers METHODS.md allows in data (`-12`, `3.5`, `1e-3`, `+4`), for numbers
/// read from elsewhere than a measurements file (e.g. `forecast --scenario`), by the same
/// parser the CSV reader uses: never hex floats, `inf` or `nan`.
public enum DecimalNumber {
    /// The value, or nil when `text` is not a decimal number or overflows a Double.
    public static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf -> Double? in
            guard let p = buf.baseAddress else { return nil }
            if case .number(let v) = DecimalParser.parse(p, buf.count), v.isFinite { return v }
            return nil
        }
    }
}
