/// A small SVG writer: elements appended in order, every coordinate through
/// `ReportNumber.coordinate` (one decimal, so the bytes are the same on every run), every
/// text and attribute value through `XML.escape`.
///
/// The result is an inline `<svg>` element with a `viewBox` (it scales with the page), a
/// `<title>` for screen readers and tooltips, and no scripts, links or external resources.
public struct SVG: Sendable {
    public let width: Double
    public let height: Double
    private(set) var body: String = ""

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    static func n(_ x: Double) -> String { ReportNumber.coordinate(x) }

    /// `name="value"` pairs, values escaped.
    static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { key, value in value.map { " \(key)=\"\(XML.escape($0))\"" } }.joined()
    }

    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
        strokeWidth: Double? = nil, rx: Double? = nil, title: String? = nil, className: String? = nil
    ) {
        body +=
            """
            <rect x="\(Self.n(x))" y="\(Self.n(y))" width="\(Self.n(Swift.max(width, 0)))" height="\(Self.n(Swift.max(height, 0)))"
            """
        body += Self.attributes([
            ("rx", rx.map(Self.n)), ("fill", fill), ("stroke", stroke), ("stroke-width", strokeWidth.map(Self.n)), ("class", className),
        ])
        if let title { body += "><title>\(XML.escape(title))</title></rect>" } else { body += "/>" }
    }

    public mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
        dash: String? = nil, marker: String? = nil
    ) {
        body += "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\""
        body +=
            Self.attributes([
                ("stroke", stroke), ("stroke-width", Self.n(width)), ("stroke-dasharray", dash),
                ("marker-end", marker.map { "url(#\($0))" }),
            ]) + "/>"
    }

    /// A polyline through the points; `nil` points break the line into segments (gaps stay gaps).
    public mutating func polyline(_ points: [(Double, Double)?], stroke: String, width: Double = 1.5, dash: String? = nil) {
        var segment: [(Double, Double)] = []
        func flush() {
            if segment.count >= 2 {
                body +=
                    "<polyline points=\"" + segment.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ") + "\" fill=\"none\""
                body +=
                    Self.attributes([
                        ("stroke", stroke), ("stroke-width", Self.n(width)), ("stroke-dasharray", dash),
                        ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
                    ]) + "/>"
            } else if let only = segment.first {
                circle(cx: only.0, cy: only.1, r: width, fill: stroke)
            }
            segment = []
        }
        for p in points {
            if let p { segment.append(p) } else { flush() }
        }
        flush()
    }

    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double? = nil) {
        guard points.count >= 3 else { return }
        body += "<polygon points=\"" + points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ") + "\""
        body += Self.attributes([("fill", fill), ("fill-opacity", opacity.map { ReportNumber.fixed($0, decimals: 2) })]) + "/>"
    }

    /// A path from raw path data built by the caller from `n(…)` coordinates.
    mutating func path(_ d: String, stroke: String, width: Double, fill: String = "none", dash: String? = nil, marker: String? = nil) {
        body +=
            "<path d=\"\(d)\""
            + Self.attributes([
                ("fill", fill), ("stroke", stroke), ("stroke-width", Self.n(width)),
                ("stroke-dasharray", dash), ("marker-end", marker.map { "url(#\($0))" }),
            ]) + "/>"
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        body +=
            "<circle cx=\"\(Self.n(cx))\" cy=\"\(Self.n(cy))\" r=\"\(Self.n(r))\"" + Self.attributes([("fill", fill), ("stroke", stroke)])
        if let title { body += "><title>\(XML.escape(title))</title></circle>" } else { body += "/>" }
    }

    public mutating func text(
        _ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
        fill: String = "#24292f", weight: String? = nil, rotate: Double? = nil, className: String? = nil
    ) {
        body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\""
        body += Self.attributes([
            ("text-anchor", anchor == .start ? nil : anchor.rawValue), ("fill", fill), ("font-weight", weight),
            ("class", className),
            ("transform", rotate.map { "rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))" }),
        ])
        body += ">\(XML.escape(content))</text>"
    }

    /// An arrowhead marker in `colour`, referenced as `url(#id)`.
    public mutating func arrowMarker(id: String, colour: String) {
        body +=
            """
            <defs><marker id="\(XML.escape(id))" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" \
            orient="auto-start-reverse">
            """
        body += "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"\(XML.escape(colour))\"/></marker></defs>"
    }

    /// Raw markup produced by another `SVG` value (already escaped).
    mutating func append(group other: SVG, dx: Double, dy: Double) {
        body += "<g transform=\"translate(\(Self.n(dx)) \(Self.n(dy)))\">" + other.body + "</g>"
    }

    /// The finished element. `title` labels the chart for screen readers.
    public func render(title: String, className: String = "chart") -> String {
        """
        <svg class="\(XML.escape(className))" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" width="\(Self.n(width))" \
        height="\(Self.n(height))" role="img">
        """
            + "<title>\(XML.escape(title))</title>" + body + "</svg>"
    }
}
