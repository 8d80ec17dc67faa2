import Analysis

extension ResultTable {
    /// METHODS.md's lead-lag summary columns (with `--per-team`: team first, per-team statistics).
    public init(leadLag r: LeadLagResult) {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        func prob(_ v: Double?) -> Cell { v.map { .probability($0) } ?? .missing }
        func int(_ v: Int?) -> Cell { v.map { .integer($0) } ?? .missing }
        var rows: [[Cell]] = []
        var colors: [[ANSIColor?]] = []
        for p in r.pairs {
            rows.append([
                .text(p.leader), .text(p.lagger), int(p.bestLag), num(p.r), prob(p.pValue), int(p.granger?.lags), num(p.granger?.f),
                prob(p.granger?.pValue), prob(p.grangerQ), num(p.reverse?.f), prob(p.reverse?.pValue), prob(p.reverseQ),
                .text(p.verdict.rawValue),
            ])
            var c = [ANSIColor?](repeating: nil, count: 13)
            switch p.verdict {
            case .supported: c[12] = .green
            case .contradicted, .reversed: c[12] = .red
            case .notSupported: c[12] = .yellow
            case .insufficientData: c[12] = nil
            }
            colors.append(c)
        }
        let links = r.pairs.filter(\.isLink)
        let headline =
            links.isEmpty
            ? """
            \(r.pairs.filter { $0.verdict == .supported }.count) of \(r.pairs.count) pairs: the leader Granger-causes the lagger (q < \
            0.05)
            """
            : "\(links.filter { $0.verdict == .supported }.count) of \(links.count) strategy-map links are supported by the data"
        self.init(
            analysis: "leadlag",
            columns: [
                "leader", "lagger", "best_lag", "r", "p_value", "granger_lags", "granger_f", "granger_p", "granger_q",
                "reverse_f", "reverse_p", "reverse_q", "verdict",
            ].map { Column($0, alignment: ["leader", "lagger", "verdict"].contains($0) ? .left : nil) },
            rows: rows, notes: r.notes.map(\.description), headline: headline, colors: colors)
    }

    /// METHODS.md's per-lag columns: leader, lagger, lag, n, r, t, p_value.
    public init(leadLagLags r: LeadLagResult) {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        let rows: [[Cell]] = r.lags.map {
            [
                .text($0.leader), .text($0.lagger), .integer($0.lag), .integer($0.n), num($0.r), num($0.t),
                $0.pValue.map { .probability($0) } ?? .missing,
            ]
        }
        self.init(
            analysis: "leadlag_lags",
            columns: ["leader", "lagger", "lag", "n", "r", "t", "p_value"].map {
                Column($0, alignment: ["leader", "lagger"].contains($0) ? .left : nil)
            },
            rows: rows, notes: r.notes.map(\.description),
            headline: "Pooled lag correlations with team and period fixed effects, lags 0–\(r.maxLag)")
    }

    /// Per-team lead-lag statistics: the same tests on each team alone.
    public init(leadLagTeams r: LeadLagResult) {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        func prob(_ v: Double?) -> Cell { v.map { .probability($0) } ?? .missing }
        let rows: [[Cell]] = r.teams.map {
            [
                .text($0.team), .text($0.leader), .text($0.lagger), $0.bestLag.map { .integer($0) } ?? .missing, num($0.r), prob($0.pValue),
                $0.granger.map { .integer($0.lags) } ?? .missing, num($0.granger?.f), prob($0.granger?.pValue),
            ]
        }
        self.init(
            analysis: "leadlag_teams",
            columns: ["team", "leader", "lagger", "best_lag", "r", "p_value", "granger_lags", "granger_f", "granger_p"]
                .map { Column($0, alignment: ["team", "leader", "lagger"].contains($0) ? .left : nil) },
            rows: rows, notes: [], headline: "Per-team lead-lag: each team alone (a constant, no period effects)")
    }
}
