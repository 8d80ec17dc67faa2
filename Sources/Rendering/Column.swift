/// A result column: the machine name that CSV headers and JSON keys use, and how people
/// see it.
///
/// `name` is part of the output contract (METHODS.md, "Output"), so it never changes
/// with presentation; `title` and `alignment` only affect the people's table.
public struct Column: Sendable, Equatable {
    /// Horizontal placement of a column's cells in the people's table.
    public enum Alignment: Sendable, Equatable {
        case left
        case right
    }

    /// The contract name: CSV header, JSON key.
    public let name: String
    /// The people's header; `name` when nil.
    public let title: String?
    /// Nil chooses automatically: right when every defined cell is numeric, else left.
    public let alignment: Alignment?

    public init(_ name: String, title: String? = nil, alignment: Alignment? = nil) {
        self.name = name
        self.title = title
        self.alignment = alignment
    }

    /// The header a person sees.
    public var displayTitle: String { title ?? name }
}
