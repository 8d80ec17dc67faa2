import Analysis
import Ingest

/// The strategy map: perspectives as layers, objectives, and every link with the data's verdict.
public enum StrategyMap {
    /// A table row per link: from, from_perspective, to, to_perspective, sign, verdict, best_lag, r, granger_q, reverse_q.
    public static func table(scorecard: Scorecard, leadLag r: LeadLagResult) -> ResultTable {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        var rows: [[Cell]] = []
        for p in r.pairs {
            rows.append([
                .text(p.leader), .text(scorecard.measure(id: p.leader)?.perspective.rawValue ?? "–"), .text(p.lagger),
                .text(scorecard.measure(id: p.lagger)?.perspective.rawValue ?? "–"), p.sign.map { .text($0.rawValue) } ?? .missing,
                .text(p.verdict.rawValue), p.bestLag.map { .integer($0) } ?? .missing, num(p.r),
                p.grangerQ.map { .probability($0) } ?? .missing, p.reverseQ.map { .probability($0) } ?? .missing,
            ])
        }
        let supported = r.pairs.filter { $0.verdict == .supported }.count
        return ResultTable(
            analysis: "map",
            columns: ["from", "from_perspective", "to", "to_perspective", "sign", "verdict", "best_lag", "r", "granger_q", "reverse_q"]
                .map { Column($0, alignment: ["best_lag", "r", "granger_q", "reverse_q"].contains($0) ? nil : .left) },
            rows: rows, notes: r.notes.map(\.description),
            headline: "\(scorecard.name ?? "Strategy map"): \(supported) of \(r.pairs.count) links are supported by the data")
    }

    /// Graphviz DOT: a cluster per perspective (learning at the bottom, financial on top), a
    /// node per measure inside its objective, an edge per link coloured and labelled by verdict.
    public static func dot(scorecard: Scorecard, leadLag r: LeadLagResult) -> String {
        func q(_ s: String) -> String {
            "\""
                + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
                    of: "\n", with: "\\n") + "\""
        }
        var out =
            """
            digraph strategy_map {\n  rankdir=BT;\n  newrank=true;\n  node [shape=box, style="rounded,filled", fillcolor=white, \
            fontname="Helvetica"];\n
            """
        out += "  edge [fontname=\"Helvetica\", fontsize=10];\n  label=\(q(scorecard.name ?? "Strategy map"));\n  labelloc=t;\n"
        let order: [Perspective] = [.learning, .process, .customer, .financial]
        for (i, perspective) in order.enumerated() {
            guard let block = scorecard.perspectives.first(where: { $0.perspective == perspective }) else { continue }
            out +=
                """
                  subgraph cluster_\(i) {\n    label=\(q(perspective.title));\n    style=filled; fillcolor="#f4f4f4"; color="#cccccc";\n
                """
            for (j, o) in block.objectives.enumerated() {
                out += "    subgraph cluster_\(i)_\(j) {\n      label=\(q(o.name)); style=dashed; color=\"#999999\";\n"
                for m in o.measures { out += "      \(q(m.id)) [label=\(q(m.name == m.id ? m.id : "\(m.name)\n(\(m.id))"))];\n" }
                out += "    }\n"
            }
            out += "  }\n"
        }
        // Layers: every measure of a perspective on one rank, the perspectives stacked in
        // cause-and-effect order by invisible edges.
        var firsts: [String] = []
        for perspective in order {
            let ids = scorecard.perspectives.filter { $0.perspective == perspective }.flatMap { $0.objectives.flatMap(\.measures) }.map(
                \.id)
            guard let first = ids.first else { continue }
            out += "  { rank=same; \(ids.map(q).joined(separator: "; ")); }\n"
            firsts.append(first)
        }
        for (a, b) in zip(firsts, firsts.dropFirst()) { out += "  \(q(a)) -> \(q(b)) [style=invis, weight=10];\n" }
        for p in r.pairs {
            let colour: String
            switch p.verdict {
            case .supported: colour = "#1a7f37"
            case .contradicted: colour = "#cf222e"
            case .reversed: colour = "#8250df"
            case .notSupported: colour = "#9a6700"
            case .insufficientData: colour = "#6e7781"
            }
            var label = p.verdict.rawValue
            if let lag = p.bestLag, let rv = p.r { label += "\nlag \(lag), r = \(PeopleTable.formatNumber(rv))" }
            let style = p.verdict == .supported ? "solid" : "dashed"
            out += "  \(q(p.leader)) -> \(q(p.lagger)) [color=\"\(colour)\", fontcolor=\"\(colour)\", style=\(style), label=\(q(label))];\n"
        }
        out += "}\n"
        return out
    }
}
