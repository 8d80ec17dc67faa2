/// Terminal colours for the people's table (SGR codes), kept apart from `Cell` so
/// machine outputs cannot pick them up by accident.
public enum ANSIColor: Sendable, Equatable {
    case red
    case green
    case yellow
    case blue
    case magenta
    case cyan
    /// Dim text, for values that matter less (e.g. not significant).
    case gray
    case bold

    /// The Select Graphic Rendition parameter.
    var code: String {
        switch self {
        case .red: "31"
        case .green: "32"
        case .yellow: "33"
        case .blue: "34"
        case .magenta: "35"
        case .cyan: "36"
        case .gray: "2"
        case .bold: "1"
        }
    }

    /// The escape that starts this colour; end it with `ANSIColor.reset`.
    var start: String { "\u{1B}[\(code)m" }

    static let reset = "\u{1B}[0m"
}
