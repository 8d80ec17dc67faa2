import Analysis
import Ingest

extension ResultTable {
    /// The scorecard at one period: a row per measure, then per objective and perspective, and
    /// the overall score last. Columns: level, perspective, objective, measure, period, actual,
    /// target, achievement, score, status, change, trend, weight, note.
    public init(status s: StatusReport, forPeople: Bool = false) {
        func num(_ v: Double?) -> Cell { v.map { .number($0) } ?? .missing }
        var rows: [[Cell]] = []
        var colors: [[ANSIColor?]] = []
        var styles: [[PeopleStyle?]] = []
        let period = Cell.text(s.period.description)
        func add(_ row: [Cell], _ c: StatusReport.Colour?, measure: StatusReport.MeasureStatus? = nil) {
            rows.append(row)
            // People read achievement and scores as percentages, amounts in the measure's unit,
            // the measure's display name, and the trend by its direction with the slope's sign.
            var st = [PeopleStyle?](repeating: nil, count: row.count)
            st[7] = .percent
            st[8] = .percent
            st[12] = .statistic
            if let m = measure {
                let unit = m.definition.unit
                st[3] = .text(m.definition.name)
                st[5] = .amount(unit: unit)
                st[6] = .amount(unit: unit)
                st[10] = .change(unit: unit, per: nil)
                if let trend = m.trend {
                    st[11] = .text(PeopleStyle.trendText(trend, slope: m.slope, unit: unit, per: s.period.frequency.rawValue))
                }
            }
            styles.append(st)
            var cs = [ANSIColor?](repeating: nil, count: row.count)
            cs[9] = statusColour(c)
            cs[8] = statusColour(c)
            colors.append(cs)
        }
        for p in s.perspectives {
            for o in p.objectives {
                for m in o.measures {
                    add(
                        [
                            .text("measure"), .text(p.perspective.rawValue), .text(o.objective.name), .text(m.definition.id), period,
                            num(m.actual), num(m.target), num(m.achievement), num(m.score), m.status.map { .text($0.rawValue) } ?? .missing,
                            num(m.change), m.trend.map { .text($0.rawValue) } ?? .missing, .number(m.definition.weight),
                            m.note.map { .text($0) } ?? .missing,
                        ], m.status, measure: m)
                }
                add(
                    [
                        .text("objective"), .text(p.perspective.rawValue), .text(o.objective.name), .missing, period, .missing, .missing,
                        .missing, num(o.score), o.status.map { .text($0.rawValue) } ?? .missing, .missing, .missing,
                        .number(o.objective.weight), o.score == nil ? .text("no score") : .missing,
                    ], o.status)
            }
            add(
                [
                    .text("perspective"), .text(p.perspective.rawValue), .missing, .missing, period, .missing, .missing, .missing,
                    num(p.score), p.status.map { .text($0.rawValue) } ?? .missing, .missing, .missing, .number(1),
                    p.score == nil ? .text("no score") : .missing,
                ], p.status)
        }
        add(
            [
                .text("overall"), .missing, .missing, .missing, period, .missing, .missing, .missing, num(s.overallScore),
                s.overallStatus.map { .text($0.rawValue) } ?? .missing, .missing, .missing, .missing,
                s.overallScore == nil ? .text("no score") : .missing,
            ], s.overallStatus)

        let who = s.team.map { "Team \($0)" } ?? "Organisation"
        var headline = "\(who), \(s.period): overall score "
        headline += s.overallScore.map { PeopleTable.format($0, style: .percent) + " (\(s.overallStatus!.rawValue))" } ?? "undefined"
        if let worst = s.worstPerspective, let score = worst.score {
            headline += "; worst-off perspective: \(worst.perspective.title) at \(PeopleTable.format(score, style: .percent))"
        }
        if let r = s.rank {
            headline +=
                r.rank.map { "; ROI rank \($0) of \(s.rankedTeams), \(r.quartile.rawValue)" } ?? "; no ROI (\(r.note ?? "excluded"))"
        }
        var notes = s.notes.map(\.description)
        let overdue = s.perspectives.flatMap { $0.objectives.flatMap { $0.initiatives.filter(\.overdue) } }
        if !overdue.isEmpty {
            notes.append(
                "\(overdue.count) initiative\(overdue.count == 1 ? " is" : "s are") overdue: "
                    + overdue.map { "\($0.initiative.name) (due \($0.initiative.due ?? "?"))" }.joined(separator: ", "))
        }
        let names = [
            "level", "perspective", "objective", "measure", "period", "actual", "target", "achievement", "score", "status",
            "change", "trend", "weight", "note",
        ]
        let left: Set<String> = ["level", "perspective", "objective", "measure", "period", "status", "trend", "note"]
        self.init(
            analysis: "status", columns: names.map { Column($0, alignment: left.contains($0) ? .left : nil) },
            rows: rows, notes: notes, headline: headline, groupColumn: forPeople ? 1 : nil, colors: colors)
        self.styles = styles
    }

    /// Initiatives under their objectives: perspective, objective, initiative, owner, due, status, overdue.
    public init(initiatives s: StatusReport) {
        var rows: [[Cell]] = []
        var colors: [[ANSIColor?]] = []
        for p in s.perspectives {
            for o in p.objectives {
                for i in o.initiatives {
                    rows.append([
                        .text(p.perspective.rawValue), .text(o.objective.name), .text(i.initiative.name),
                        i.initiative.owner.map { .text($0) } ?? .missing, i.initiative.due.map { .text($0) } ?? .missing,
                        i.initiative.status.map { .text($0) } ?? .missing, .text(i.overdue ? "overdue" : ""),
                    ])
                    var c = [ANSIColor?](repeating: nil, count: 7)
                    if i.overdue { c[6] = .red }
                    colors.append(c)
                }
            }
        }
        let overdue = rows.filter { if case .text("overdue") = $0[6] { return true } else { return false } }.count
        self.init(
            analysis: "initiatives",
            columns: ["perspective", "objective", "initiative", "owner", "due", "status", "overdue"].map { Column($0, alignment: .left) },
            rows: rows, headline: "Initiatives at \(s.period): \(rows.count), \(overdue) overdue", colors: colors)
    }
}

extension ResultTable {
    /// Status for every team (`status --teams`): a team × measure matrix of red/amber/green
    /// with each team's overall score, worst first (teams without a score last, by name).
    /// Columns: team, overall_score, overall_status, then each scorecard measure's status.
    public init(teamStatus reports: [StatusReport]) {
        let sorted = reports.sorted { a, b in
            switch (a.overallScore, b.overallScore) {
            case (let x?, let y?): return x != y ? x < y : (a.team ?? "") < (b.team ?? "")
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return (a.team ?? "") < (b.team ?? "")
            }
        }
        let definitions = reports.first.map { $0.perspectives.flatMap { $0.objectives.flatMap { $0.measures.map(\.definition) } } } ?? []
        var rows: [[Cell]] = []
        var colors: [[ANSIColor?]] = []
        var styles: [[PeopleStyle?]] = []
        for r in sorted {
            let measures = r.perspectives.flatMap { $0.objectives.flatMap(\.measures) }
            var row: [Cell] = [
                .text(r.team ?? "(organisation)"), r.overallScore.map { .number($0) } ?? .missing,
                r.overallStatus.map { .text($0.rawValue) } ?? .missing,
            ]
            var c: [ANSIColor?] = [nil, statusColour(r.overallStatus), statusColour(r.overallStatus)]
            var st: [PeopleStyle?] = [nil, .percent, nil]
            for m in measures {
                row.append(m.status.map { .text($0.rawValue) } ?? .missing)
                c.append(statusColour(m.status))
                // People see the achievement beside the colour.
                st.append(m.status.flatMap { s in m.achievement.map { .text("\(s.rawValue) \(PeopleTable.format($0, style: .percent))") } })
            }
            rows.append(row)
            colors.append(c)
            styles.append(st)
        }
        let period = reports.first.map { "\($0.period)" } ?? "–"
        let scored = sorted.filter { $0.overallScore != nil }.count
        let worst =
            sorted.first.flatMap { r in r.overallScore.map { "; worst: \(r.team ?? "") at \(PeopleTable.format($0, style: .percent))" } }
            ?? ""
        var columns = [Column("team", alignment: .left), Column("overall_score"), Column("overall_status", alignment: .left)]
        columns += definitions.map { Column($0.id, title: $0.name, alignment: .left) }
        self.init(
            analysis: "status_teams", columns: columns, rows: rows,
            notes: scored < sorted.count
                ? [
                    """
                    \(sorted.count - scored) team\(sorted.count - scored == 1 ? " has" : "s have") no overall score (no measure with a \
                    value and a team_target)
                    """
                ] : [],
            headline: "Status of \(sorted.count) teams at \(period), worst first\(worst)", colors: colors)
        self.styles = styles
    }
}

/// The terminal colour of a red/amber/green status.
private func statusColour(_ c: StatusReport.Colour?) -> ANSIColor? {
    switch c {
    case .green: .green
    case .amber: .yellow
    case .red: .red
    case nil: nil
    }
}
