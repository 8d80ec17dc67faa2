/// One value in a result table, typed so each writer can choose its own notation.
///
/// The kinds differ only in presentation: a people's table prints `.number` with four
/// significant digits and `.probability` in the style of p-values, while CSV and JSON
/// print both in full (shortest round-trip) form. A NaN or infinite `.number` or
/// `.probability` is *undefined*, exactly like `.missing`: an empty CSV cell, JSON `null`,
/// `–` for people. No writer ever prints `nan` or `inf`.
///
/// Equality is the synthesized one, so `.number(.nan) != .number(.nan)`.
public enum Cell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    case probability(Double)
    case missing

    /// True for the numeric kinds, defined or not; decides a column's default alignment.
    public var isNumeric: Bool {
        switch self {
        case .integer, .number, .probability: true
        case .text, .missing: false
        }
    }

    /// True when the cell has no value to print: `.missing`, or a non-finite number.
    public var isUndefined: Bool {
        switch self {
        case .missing: true
        case .number(let value), .probability(let value): !value.isFinite
        case .text, .integer: false
        }
    }
}
