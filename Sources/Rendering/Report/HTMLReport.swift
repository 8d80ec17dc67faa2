import Analysis
import Ingest

/// Everything `scorecard report` shows: the contents Analysis assembled (`ReportContents`,
/// whose fields read through, as `input.status` or `input.forecast`), with the engine's version
/// and the count of teams before a `--team` selection. An analysis that could not run left its
/// field nil and said why in `problems`.
@dynamicMemberLookup
public struct ReportInput: Sendable {
    /// The report's contents as `ReportAnalysis.run` assembled them.
    public let contents: ReportContents
    /// The engine's version, printed in the report's header.
    public let engineVersion: String
    /// Teams in the data before a --team selection (nil: not known), to warn that organisation
    /// targets do not fit a part of the organisation.
    public let teamsInData: Int?

    /// The report of `contents`, made by engine version `engineVersion`.
    public init(_ contents: ReportContents, engineVersion: String, teamsInData: Int? = nil) {
        self.contents = contents
        self.engineVersion = engineVersion
        self.teamsInData = teamsInData
    }

    /// A field of the contents (`input.dataset`, `input.status`, …).
    public subscript<T>(dynamicMember path: KeyPath<ReportContents, T>) -> T { contents[keyPath: path] }
}

/// One self-contained HTML page: inline CSS and SVG, no scripts, fonts or links to
/// anything outside the file, written as well-formed XHTML-compatible markup so that an
/// XML parser reads it too. The same input gives the same bytes (no clock, no locale).
///
/// Sections: the scorecard status (RAG table with sparklines, roll-up scores,
/// initiatives); top vs bottom quartile; the lead-lag heatmap; the strategy map with
/// verdicts; forecast fan charts; notes. Missing or undefined numbers show as "—" and are
/// left out of charts.
public enum HTMLReport {
    public static func render(_ input: ReportInput) -> String {
        var page = Page()
        let panel = input.dataset.panel
        let title = input.dataset.scorecard?.name ?? "Scorecard report"
        page.add("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        page.add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        page.add("<title>\(XML.escape(title)) — report</title>\n<style>\n\(css)</style>\n</head>\n<body>\n<main>\n")
        page.add("<header>\n<h1>\(XML.escape(title))</h1>\n")
        page.add(
            """
            <p class="meta">\(XML.escape(input.dataset.location.measurements)) · \(panel.teamCount) teams × \(panel.measureCount) measures \
            × \(panel.periodCount) \(panel.frequency.rawValue)s (\(panel.firstPeriod) to \(panel.lastPeriod)) · scorecard \
            \(XML.escape(input.engineVersion))</p>\n
            """
        )
        page.add(
            """
            <nav><ol><li><a href="#status">Scorecard status</a></li><li><a href="#quartiles">Top vs bottom quartile</a></li><li><a \
            href="#leadlag">Lead-lag heatmap</a></li><li><a href="#map">Strategy map</a></li><li><a href="#forecast">Forecast</a></li><li>\
            <a href="#notes">Notes</a></li></ol></nav>\n</header>\n
            """
        )
        statusSection(input, &page)
        quartileSection(input, &page)
        heatmapSection(input, &page)
        mapSection(input, &page)
        forecastSection(input, &page)
        notesSection(input, &page)
        page.add("</main>\n</body>\n</html>\n")
        return page.text
    }

    struct Page {
        var text = ""
        var notes: [String] = []
        mutating func add(_ s: String) { text += s }
        mutating func note(_ s: String) { if !notes.contains(s) { notes.append(s) } }
    }

    static func chip(_ c: StatusReport.Colour?) -> String {
        guard let c else { return "<span class=\"chip none\">\(ReportNumber.missing)</span>" }
        return "<span class=\"chip \(c.rawValue)\">\(c.rawValue)</span>"
    }

    static func verdictChip(_ v: LeadLagResult.Verdict) -> String {
        "<span class=\"verdict\" style=\"color:\(Palette.verdict(v));border-color:\(Palette.verdict(v))\">\(XML.escape(v.rawValue))</span>"
    }

    static func displayName(_ id: String, _ dataset: Dataset) -> String { dataset.scorecard?.measure(id: id)?.name ?? id }

    // MARK: - Status

    static func statusSection(_ input: ReportInput, _ page: inout Page) {
        let s = input.status
        let org = input.organisation
        page.add("<section id=\"status\">\n<h2>1. Scorecard status, \(s.period)\(s.team.map { " — team " + XML.escape($0) } ?? "")</h2>\n")
        let panel = input.dataset.panel
        if s.team == nil, let all = input.teamsInData, panel.teamCount < all {
            page.add(
                """
                <p class="missing">The selection holds \(panel.teamCount) of \(all) teams, but the targets are the whole organisation's: \
                read achievements with care.</p>\n
                """
            )
        }
        page.add(
            """
            <div class="cards">\n<div class="card \(s.overallStatus?.rawValue ?? "none")"><div class="card-title">Overall</div><div \
            class="card-score">\(ReportNumber.percent(s.overallScore))</div>\(chip(s.overallStatus))</div>\n
            """
        )
        for p in s.perspectives {
            page.add(
                """
                <div class="card \(p.status?.rawValue ?? "none")"><div class="card-title">\(XML.escape(p.perspective.title))</div><div \
                class="card-score">\(ReportNumber.percent(p.score))</div>\(chip(p.status))</div>\n
                """
            )
        }
        page.add("</div>\n")
        page.add(
            """
            <table class="status">\n<thead><tr><th>Objective / measure</th><th class="num">Actual</th><th class="num">Target</th><th \
            class="num">Achievement</th><th>Status</th><th class="num">Change</th><th>Series, \(org.firstPeriod) to \(org.lastPeriod)</th>\
            <th>Trend</th></tr></thead>\n<tbody>\n
            """
        )
        for p in s.perspectives {
            page.add(
                """
                <tr class="perspective"><td colspan="3">\(XML.escape(p.perspective.title))</td><td class="num">\
                \(ReportNumber.percent(p.score))</td><td>\(chip(p.status))</td><td colspan="3"></td></tr>\n
                """
            )
            for o in p.objectives {
                let weight =
                    o.objective.weight != 1
                    ? " <span class=\"weight\">(weight \(XML.escape(ReportNumber.plain(o.objective.weight))))</span>" : ""
                page.add(
                    """
                    <tr class="objective"><td colspan="3">\(XML.escape(o.objective.name))\(weight)\
                    </td><td class="num">\(ReportNumber.percent(o.score))</td><td>\(chip(o.status))</td><td colspan="3"></td></tr>\n
                    """
                )
                for ms in o.measures {
                    let def = ms.definition
                    let unit = def.unit
                    var trendCell = ReportNumber.missing
                    var spark = "<span class=\"muted\">not in the data</span>"
                    if let mi = org.measureIndex(def.id) {
                        let series = org.series(team: 0, measure: mi).map { $0.isNaN ? nil : $0 } as [Double?]
                        if series.contains(where: { $0 == nil }) {
                            page.note("Gaps in a sparkline are periods where no team has a value for that measure.")
                        }
                        let si = mi  // organisation panel: team 0, series = measure
                        var line: (intercept: Double, slope: Double)?
                        let fits = input.trend.fits
                        if si < fits.seriesCount, fits.outcome[si] != .tooFew {
                            line = (fits.intercept[si], fits.slope[si])
                            let direction = input.trend.directions[si]
                            let slope = fits.slope[si]
                            let sign = slope > 0 ? "+" : ""
                            var text =
                                """
                                <span class="trend \(direction.rawValue)">\(direction.rawValue)</span><br/><span class="small">\
                                \(sign)\(XML.escape(ReportNumber.withUnit(slope, unit))) per \(org.frequency.rawValue)
                                """
                            if fits.outcome[si] == .fitted, fits.pValue[si].isFinite {
                                text += ", p \(XML.escape(ReportNumber.probability(fits.pValue[si])))"
                            }
                            trendCell = text + "</span>"
                        }
                        spark = Sparkline(
                            values: series, firstPeriod: org.firstPeriod.description, lastPeriod: org.lastPeriod.description,
                            trend: line, target: ms.target, unit: unit
                        )
                        .svg(title: "\(def.name): organisation series\(unit.map { " (\($0))" } ?? "")")
                    }
                    let change = ms.change.map { ($0 > 0 ? "+" : "") + ReportNumber.withUnit($0, unit) } ?? ReportNumber.missing
                    let noteText = ms.note.map { "<br/><span class=\"small muted\">\(XML.escape($0))</span>" } ?? ""
                    page.add(
                        """
                        <tr><td class="measure">\(XML.escape(def.name))<br/><span class="small muted">\(XML.escape(def.id)) · \
                        \(def.direction == .higher ? "higher is better" : "lower is better")\
                        \(def.weight != 1 ? " · weight \(XML.escape(ReportNumber.plain(def.weight)))" : "")</span>\(noteText)</td>
                        """
                    )
                    page.add(
                        """
                        <td class="num">\(XML.escape(ReportNumber.withUnit(ms.actual, unit)))</td><td class="num">\
                        \(XML.escape(ReportNumber.withUnit(ms.target, unit)))</td>
                        """
                    )
                    page.add(
                        """
                        <td class="num">\(ReportNumber.percent(ms.achievement))</td><td>\(chip(ms.status))</td><td class="num">\
                        \(XML.escape(change))</td>
                        """
                    )
                    page.add("<td class=\"spark\">\(spark)</td><td>\(trendCell)</td></tr>\n")
                }
            }
        }
        page.add("</tbody>\n</table>\n")
        page.add(
            """
            <p class="caption">How to read: the organisation's value in \(s.period) (sum measures add the teams, mean measures average \
            them) against the scorecard's target. Achievement is actual ÷ target, or target ÷ actual when lower is better; a measure is \
            green at or above its green threshold (default 100%), amber at or above its amber threshold (default 90%), otherwise red. \
            Objective and perspective scores are weighted means of achievements capped at \
            \(ReportNumber.fixed(s.rule.cap * 100, decimals: 0))%; the overall score is the mean of the perspectives. Sparklines: solid \
            line the organisation's values, dashed grey the fitted trend line (OLS on time), dotted green the target; the numbers on the \
            left are the bottom and top of the axis. Trend: improving or declining when the slope is significant at p &lt; 0.05 and good \
            or bad for the measure, otherwise flat. “—” marks a value that is missing or undefined.</p>\n
            """
        )
        let initiatives = s.perspectives.flatMap { p in p.objectives.flatMap { o in o.initiatives.map { (p, o, $0) } } }
        if !initiatives.isEmpty {
            page.add(
                """
                <h3>Initiatives</h3>\n<table class="initiatives">\n<thead><tr><th>Initiative</th><th>Objective</th><th>Owner</th><th>\
                Due</th><th>Status</th></tr></thead>\n<tbody>\n
                """
            )
            for (_, o, i) in initiatives {
                let status =
                    XML.escape(i.initiative.status ?? ReportNumber.missing) + (i.overdue ? " <span class=\"chip red\">overdue</span>" : "")
                page.add(
                    """
                    <tr><td>\(XML.escape(i.initiative.name))</td><td>\(XML.escape(o.objective.name))</td><td>\
                    \(XML.escape(i.initiative.owner ?? ReportNumber.missing))</td><td>\
                    \(XML.escape(i.initiative.due ?? ReportNumber.missing))</td><td>\(status)</td></tr>\n
                    """
                )
            }
            page.add("</tbody>\n</table>\n")
        }
        for n in s.notes { page.note("Status: \(n.description)") }
        page.add("</section>\n")
    }

    // MARK: - Quartiles

    static func quartileSection(_ input: ReportInput, _ page: inout Page) {
        page.add("<section id=\"quartiles\">\n<h2>2. Top vs bottom quartile by sales ROI</h2>\n")
        guard let q = input.quartiles else {
            page.add(
                """
                <p class="missing">Not available: \(XML.escape(input.problems.first { $0.hasPrefix("quartiles") } ?? "no result"))</p>\n\
                </section>\n
                """
            )
            return
        }
        let dataset = input.dataset
        let ranking = q.ranking
        if let roi = q.rows.first, roi.topN == 0 || roi.bottomN == 0 {
            let why = q.notes.map(\.description).last ?? "no top or bottom quartile"
            page.add("<p class=\"missing\">Not available: \(XML.escape(why)).</p>\n</section>\n")
            return
        }
        if let roi = q.rows.first {
            var headline =
                """
                Top-quartile teams (\(roi.topN)) have a mean sales ROI of \(ReportNumber.compact(roi.topMean)), bottom-quartile teams \
                (\(roi.bottomN)) \(ReportNumber.compact(roi.bottomMean))
                """
            if let r = roi.ratio { headline += ": \(ReportNumber.fixed(r, decimals: 2))× as much" }
            let significant = q.rows.dropFirst().filter { ($0.qValue ?? 1) < 0.05 }.map { displayName($0.measure, dataset) }
            headline +=
                ". Measures that differ at q &lt; 0.05: "
                + (significant.isEmpty ? "none" : significant.map(XML.escape).joined(separator: ", ")) + "."
            page.add("<p class=\"headline\">\(headline)</p>\n")
        }
        let rows = q.rows.map { row -> QuartileChart.Row in
            let isROI = row.measure == "roi" && row.perspective == nil
            let def = dataset.scorecard?.measure(id: row.measure)
            return QuartileChart.Row(
                label: isROI ? "Sales ROI (defines the groups)" : (def?.name ?? row.measure), unit: isROI ? nil : def?.unit,
                topMean: row.topMean, bottomMean: row.bottomMean, ratio: row.ratioIsStable ? row.ratio : nil, cohensD: row.cohensD,
                q: isROI ? row.welch?.pValue : row.qValue, qLabel: isROI ? "p" : "q", lowerIsBetter: def?.direction == .lower)
        }
        if rows.contains(where: { $0.ratio == nil }) {
            page.note(
                """
                Quartiles: a measure without an index has a bottom-quartile mean ≤ 0, within 3 standard errors of 0 (the ratio would be \
                noise), or no values; its row shows “—”.
                """
            )
        }
        let chart = QuartileChart(rows: rows, topLabel: "top quartile (Q1) mean", bottomLabel: "bottom quartile (Q4) mean")
        let window = "\(dataset.panel.firstPeriod) to \(dataset.panel.lastPeriod)"
        page.add("<figure>\n\(chart.svg(title: "Top vs bottom quartile teams by sales ROI, index bottom = 100"))\n")
        page.add(
            """
            <figcaption>How to read: teams are ranked by sales ROI = (Σ \(XML.escape(ranking.returnMeasure)) − Σ \
            \(XML.escape(ranking.costMeasure))) ÷ Σ \(XML.escape(ranking.costMeasure)) over \(window); Q1 is the top quarter, Q4 the \
            bottom. Each measure is reduced to one number per team (its aggregation over the window) and averaged per group. On the index \
            scale the bottom group's mean is 100 (orange) and the top group's is 100 × top ÷ bottom (blue); a blue bar means the top group \
            is better for that measure (lower for lower-is-better measures), orange worse. Stars mark Benjamini-Hochberg q-values of \
            Welch's t-test: * q &lt; 0.05, ** &lt; 0.01, *** &lt; 0.001 (the ROI row, which defines the groups, shows its Welch p \
            instead). Cohen's d is the difference in pooled standard deviations.</figcaption>\n</figure>\n
            """
        )
        for n in q.notes { page.note("Quartiles: \(n.description)") }
        page.add("</section>\n")
    }

    // MARK: - Lead-lag heatmap

    static func heatmapSection(_ input: ReportInput, _ page: inout Page) {
        page.add("<section id=\"leadlag\">\n<h2>3. Lead-lag heatmap</h2>\n")
        guard let source = input.heatmap ?? input.leadLag else {
            page.add(
                """
                <p class="missing">Not available: \
                \(XML.escape(input.problems.first { $0.hasPrefix("lead-lag") } ?? "the scorecard has no links"))</p>\n</section>\n
                """
            )
            return
        }
        let dataset = input.dataset
        var rows: [Heatmap.Row] = []
        var byPair: [String: Int] = [:]
        for pair in source.pairs {
            byPair[pair.leader + "\u{0}" + pair.lagger] = rows.count
            rows.append(
                Heatmap.Row(
                    label: "\(displayName(pair.leader, dataset)) → \(displayName(pair.lagger, dataset))", isLink: pair.isLink,
                    r: [Double?](repeating: nil, count: source.maxLag + 1), bestLag: pair.bestLag))
        }
        for lag in source.lags {
            guard let i = byPair[lag.leader + "\u{0}" + lag.lagger], lag.lag >= 0, lag.lag <= source.maxLag else { continue }
            rows[i].r[lag.lag] = lag.r.flatMap { $0.isFinite ? $0 : nil }
        }
        rows = rows.filter(\.isLink) + rows.filter { !$0.isLink }
        if rows.isEmpty {
            page.add("<p class=\"missing\">No pairs to show: the scorecard has no links.</p>\n</section>\n")
            return
        }
        if rows.contains(where: { $0.r.contains(where: { $0 == nil }) }) {
            page.note("Lead-lag: grey cells are lags where r is undefined (too few pairs of values, or a rank-deficient design).")
        }
        let frequency = dataset.panel.frequency.rawValue
        let heatmap = Heatmap(rows: rows, maxLag: source.maxLag, periodName: frequency)
        page.add("<figure>\n\(heatmap.svg(title: "Lead-lag correlations by lag"))\n")
        let otherRows =
            input.heatmap != nil ? "; the other rows are every measure of an earlier perspective against every measure of a later one" : ""
        page.add(
            """
            <figcaption>How to read: each row is a leader → lagger pair (◆: a link of the strategy map\(otherRows)); each \
            column a lag k, the number of \(frequency)s between the leader's value and the lagger's. The colour is the pooled \
            partial correlation of the leader at t with the lagger at t + k over all teams, with team and period effects removed (blue \
            positive, red negative, white none; scale ±\(ReportNumber.fixed(heatmap.limit, decimals: 1))). The outlined cell is the best \
            lag (largest |r| over lags 1 to \(source.maxLag)). A strong lag-0 cell with weak later cells means the two move together \
            rather than one leading the other.</figcaption>\n</figure>\n
            """
        )
        page.add("</section>\n")
    }

    // MARK: - Strategy map

    static func mapSection(_ input: ReportInput, _ page: inout Page) {
        page.add("<section id=\"map\">\n<h2>4. Strategy map and what the data say</h2>\n")
        guard let scorecard = input.dataset.scorecard else {
            page.add("<p class=\"missing\">Not available: no scorecard.</p>\n</section>\n")
            return
        }
        let statuses = Dictionary(
            input.status.perspectives.flatMap { $0.objectives.flatMap(\.measures) }.map { ($0.definition.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let boxes = scorecard.measures.map { def -> StrategyMapDiagram.Box in
            let s = statuses[def.id]
            var detail = ReportNumber.withUnit(s?.actual, def.unit)
            if let a = s?.achievement { detail += " · " + ReportNumber.percent(a) + " of target" }
            return StrategyMapDiagram.Box(id: def.id, label: def.name, perspective: def.perspective, status: s?.status, detail: detail)
        }
        let pairs = input.leadLag?.pairs ?? []
        let arrows = pairs.map { p -> StrategyMapDiagram.Arrow in
            var label = p.verdict.rawValue
            if let lag = p.bestLag, let r = p.r { label += " · lag \(lag), r \(ReportNumber.fixed(r, decimals: 2))" }
            return StrategyMapDiagram.Arrow(from: p.leader, to: p.lagger, verdict: p.verdict, label: label)
        }
        let supported = pairs.filter { $0.verdict == .supported }.count
        page.add("<p class=\"headline\">\(supported) of \(pairs.count) links of the strategy map are supported by the data.</p>\n")
        if input.leadLag == nil, let why = input.problems.first(where: { $0.hasPrefix("lead-lag") }) {
            page.add("<p class=\"missing\">Verdicts not available: \(XML.escape(why))</p>\n")
        }
        let diagram = StrategyMapDiagram(boxes: boxes, arrows: arrows)
        page.add("<figure>\n\(diagram.svg(title: "Strategy map with the data's verdict on each link"))\n")
        page.add(
            """
            <figcaption>How to read: the four perspectives are stacked in the order the balanced scorecard assumes causes flow, learning \
            at the bottom to financial at the top; each box is a measure, outlined in its status colour, with its latest value and \
            achievement. Each arrow is a hypothesis of the scorecard (cause → effect), coloured by the verdict of the panel Granger test \
            with team and period effects: <b>supported</b> when the forward test's Benjamini-Hochberg q &lt; 0.05 and the best-lag \
            correlation has the link's sign, <b>contradicted</b> when it is significant with the opposite sign, <b>reversed</b> when only \
            the effect → cause test is significant, <b>not supported</b> otherwise, <b>insufficient data</b> when the test cannot be \
            computed.</figcaption>\n</figure>\n
            """
        )
        if !pairs.isEmpty {
            page.add(
                """
                <table class="links">\n<thead><tr><th>Cause → effect</th><th>Sign</th><th>Verdict</th><th class="num">Best lag</th><th \
                class="num">r</th><th class="num">Granger lags</th><th class="num">F</th><th class="num">q</th><th class="num">Reverse \
                q</th></tr></thead>\n<tbody>\n
                """
            )
            for p in pairs {
                let f = p.granger.map { ReportNumber.fixed($0.f, decimals: 2) } ?? ReportNumber.missing
                page.add(
                    """
                    <tr><td>\(XML.escape(displayName(p.leader, input.dataset))) → \(XML.escape(displayName(p.lagger, input.dataset)))</td>\
                    <td>\(p.sign?.rawValue ?? ReportNumber.missing)</td><td>\(verdictChip(p.verdict))</td>
                    """
                )
                page.add(
                    """
                    <td class="num">\(p.bestLag.map(String.init) ?? ReportNumber.missing)</td><td class="num">\
                    \(p.r.map { ReportNumber.fixed($0, decimals: 3) } ?? ReportNumber.missing)</td>
                    """
                )
                page.add(
                    """
                    <td class="num">\(p.granger.map { String($0.lags) } ?? ReportNumber.missing)</td><td class="num">\(f)</td><td \
                    class="num">\(XML.escape(ReportNumber.probability(p.grangerQ)))</td><td class="num">\
                    \(XML.escape(ReportNumber.probability(p.reverseQ)))</td></tr>\n
                    """
                )
            }
            page.add("</tbody>\n</table>\n")
        }
        for n in input.leadLag?.notes ?? [] { page.note("Lead-lag: \(n.description)") }
        page.add("</section>\n")
    }

    // MARK: - Forecast

    static func forecastSection(_ input: ReportInput, _ page: inout Page) {
        page.add("<section id=\"forecast\">\n<h2>5. Forecast</h2>\n")
        guard let f = input.forecast else {
            page.add(
                """
                <p class="missing">Not available: \(XML.escape(input.problems.first { $0.hasPrefix("forecast") } ?? "no result"))</p>\n\
                </section>\n
                """
            )
            return
        }
        let dataset = input.dataset
        let panel = dataset.panel
        let def = dataset.scorecard?.measure(id: f.target)
        let name = def?.name ?? f.target
        let unit = def?.unit
        let level = ReportNumber.fixed(f.confidence * 100, decimals: f.confidence * 100 == (f.confidence * 100).rounded() ? 0 : 1) + "%"
        let drivers = f.drivers.isEmpty ? "its own lags only" : f.drivers.map { displayName($0, dataset) }.joined(separator: ", ")
        let figure = f.aggregation == .sum ? "total" : "mean"
        if let t = f.totals.first {
            page.add(
                """
                <p class="headline">\(XML.escape(name)), organisation \(figure) for \(t.period): \
                \(XML.escape(ReportNumber.withUnit(t.forecast, unit))) (\(level) prediction interval \
                \(XML.escape(ReportNumber.compact(t.lower))) to \(XML.escape(ReportNumber.compact(t.upper))), \(t.teams) teams).</p>\n
                """
            )
        }
        if !f.totals.isEmpty {
            let history = (0..<panel.periodCount).map { i in
                (period: panel.period(at: i).description, value: i < input.forecastTotalHistory.count ? input.forecastTotalHistory[i] : nil)
            }
            let points = f.totals.map {
                FanChart.Point(period: $0.period.description, forecast: $0.forecast, lower: $0.lower, upper: $0.upper)
            }
            let teams = f.totals.first!.teams
            let chart = FanChart(
                history: history, forecast: points, unit: unit,
                yTitle: "\(name)\(unit.map { " (\($0))" } ?? ""), \(figure) of \(teams) teams", levelPercent: level,
                phase: phase(panel.firstPeriod))
            page.add("<figure>\n\(chart.svg(title: "\(name): organisation \(figure), history and forecast"))\n")
            page.add(
                """
                <figcaption>How to read: the solid line is the \(figure) of \(XML.escape(name)) over the \(teams) teams that have a \
                forecast; the dashed line continues it with the forecast for the next \(f.horizon) \(panel.frequency.rawValue)s, and the \
                shaded band is the \(level) prediction interval of the \(figure) (with the teams' errors' correlation, widened where the \
                earlier origins' errors call for it). Model: one regression per horizon h, \(XML.escape(name)) at t + h \
                (\(f.transform == "log" ? "on the log scale" : "in levels")) on team \
                effects\(f.models.contains(where: \.trends) ? ", team trends" : "")\(f.seasonal.map { ", \($0) dummies" } ?? "") and the \
                last \(f.lags) values of \(XML.escape(name)) and of its drivers (\(XML.escape(drivers))), pooled over all \
                teams.</figcaption>\n</figure>\n
                """
            )
            page.add(
                """
                <table class="forecast">\n<thead><tr><th>Period</th><th class="num">Horizon</th><th class="num">Forecast</th><th \
                class="num">Lower</th><th class="num">Upper</th><th class="num">Teams</th></tr></thead>\n<tbody>\n
                """
            )
            for t in f.totals {
                page.add(
                    """
                    <tr><td>\(t.period)</td><td class="num">\(t.horizon)</td><td class="num">\
                    \(XML.escape(ReportNumber.withUnit(t.forecast, unit)))</td><td class="num">\
                    \(XML.escape(ReportNumber.compact(t.lower)))</td><td class="num">\(XML.escape(ReportNumber.compact(t.upper)))</td><td \
                    class="num">\(t.teams)</td></tr>\n
                    """
                )
            }
            page.add("</tbody>\n</table>\n")
        }
        // Small multiples: the best-ranked teams that have a forecast.
        let ranked = (input.quartiles?.ranking.ranked ?? []).map(\.team)
        let forecastTeams = Set(f.rows.map(\.team))
        var chosen = ranked.filter { forecastTeams.contains($0) }.prefix(4).map { $0 }
        var chosenBy = "the \(chosen.count == 1 ? "team" : "\(chosen.count) teams") with the highest sales ROI"
        if chosen.isEmpty {
            chosen = Array(Set(f.rows.map(\.team)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.prefix(4))
            chosenBy = "the first teams by name"
        }
        if let y = panel.measureIndex(f.target), !chosen.isEmpty {
            page.add("<h3>Teams: \(chosenBy)</h3>\n<div class=\"multiples\">\n")
            let start = Swift.max(0, panel.periodCount - 24)
            for team in chosen {
                guard let ti = panel.teamIndex(team) else { continue }
                let series = panel.series(team: ti, measure: y)
                let history = (start..<panel.periodCount).map { i in
                    (
                        period: panel.period(at: i).description,
                        value: series[series.startIndex + i].isNaN ? nil : series[series.startIndex + i]
                    ) as (period: String, value: Double?)
                }
                let rows = f.rows.filter { $0.team == team }.sorted { $0.horizon < $1.horizon }
                // Forecast periods continue the axis only when they follow the window's last period.
                guard let firstRow = rows.first, firstRow.period == panel.lastPeriod.advanced(by: 1) else {
                    page.note(
                        """
                        Forecast: team \(team) forecasts from an earlier origin (a missing value at the end of its series) and is not \
                        drawn.
                        """
                    )
                    continue
                }
                let points = rows.map {
                    FanChart.Point(period: $0.period.description, forecast: $0.forecast, lower: $0.lower, upper: $0.upper)
                }
                let chart = FanChart(
                    history: history, forecast: points, unit: unit, yTitle: "\(name)\(unit.map { " (\($0))" } ?? "")", levelPercent: level,
                    width: 560, height: 280, phase: phase(panel.period(at: start)))
                page.add(
                    """
                    <figure class="multiple"><figcaption class="team">\(XML.escape(team))</figcaption>\
                    \(chart.svg(title: "\(team): \(name), history and forecast"))</figure>\n
                    """
                )
            }
            page.add(
                """
                </div>\n<p class="caption">The last \(panel.periodCount - start) \(panel.frequency.rawValue)s of each team's \
                \(XML.escape(name)) with its own forecast and \(level) prediction interval.</p>\n
                """
            )
        }
        for n in ForecastTable.notes(f) { page.note("Forecast: \(n)") }
        page.add("</section>\n")
    }

    /// A period's place in its year (month − 1, quarter − 1, week − 1) or 0, for axis labels.
    static func phase(_ p: Period) -> Int {
        let text = p.description
        switch p.frequency {
        case .month: return (Int(text.suffix(2)) ?? 1) - 1
        case .quarter: return (Int(text.suffix(1)) ?? 1) - 1
        case .week: return (Int(text.suffix(2)) ?? 1) - 1
        case .year, .day: return 0
        }
    }

    // MARK: - Notes

    static func notesSection(_ input: ReportInput, _ page: inout Page) {
        page.add("<section id=\"notes\">\n<h2>6. Notes</h2>\n<ul class=\"notes\">\n")
        page.add("<li>Values shown as “—” are missing or undefined; charts leave them out, and lines break at gaps.</li>\n")
        for p in input.problems { page.add("<li>\(XML.escape(p))</li>\n") }
        for n in input.dataset.notes { page.add("<li>Data: \(XML.escape(String(describing: n)))</li>\n") }
        for n in page.notes { page.add("<li>\(XML.escape(n))</li>\n") }
        page.add(
            """
            </ul>\n<p class="caption">Methods: ../shared/METHODS.md and docs/DECISIONS.md of the Scorecard repository. This page was \
            produced by <code>scorecard report</code>; it holds no scripts and loads nothing from outside the file.</p>\n</section>\n
            """
        )
    }

    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #ffffff; color: #24292f; font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, \
        sans-serif; font-size: 14px; line-height: 1.4; }
        main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 48px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
        h3 { font-size: 16px; margin: 20px 0 8px; }
        .meta, .muted, .caption, figcaption { color: #57606a; }
        .caption, figcaption { font-size: 13px; max-width: 90em; }
        .small { font-size: 12px; }
        .headline { font-size: 15px; font-weight: bold; }
        .missing { padding: 8px 12px; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; }
        nav ol { margin: 8px 0 0; padding-left: 20px; color: #57606a; }
        nav li { display: inline; margin-right: 18px; }
        nav a { color: #0969da; text-decoration: none; }
        figure { margin: 12px 0 20px; }
        svg.chart { display: block; width: 100%; height: auto; }
        svg.sparkline { display: block; width: 250px; height: 62px; }
        text { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
        table { border-collapse: collapse; margin: 8px 0 12px; }
        th, td { padding: 4px 8px; border-bottom: 1px solid #d0d7de; text-align: left; vertical-align: middle; }
        th { font-size: 12px; color: #57606a; border-bottom: 2px solid #d0d7de; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.spark { padding: 2px 4px; }
        tr.perspective td { background: #eaeef2; font-weight: bold; border-top: 2px solid #8c959f; }
        tr.objective td { background: #f6f8fa; font-style: italic; }
        .chip { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: bold; \
        border: 1px solid; font-style: normal; }
        .chip.green { background: #dafbe1; color: #116329; border-color: #1a7f37; }
        .chip.amber { background: #fff8c5; color: #7d4e00; border-color: #bf8700; }
        .chip.red { background: #ffebe9; color: #a40e26; border-color: #cf222e; }
        .chip.none { background: #f6f8fa; color: #57606a; border-color: #8c959f; }
        .verdict { display: inline-block; padding: 1px 8px; border: 1.5px solid; border-radius: 10px; font-size: 12px; font-weight: bold; \
        background: #ffffff; }
        .trend { font-weight: bold; }
        .trend.improving { color: #1a7f37; }
        .trend.declining { color: #cf222e; }
        .trend.flat { color: #57606a; }
        .weight { font-size: 12px; color: #57606a; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 16px; }
        .card { min-width: 160px; padding: 8px 14px; border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 6px; }
        .card.green { border-left-color: #1a7f37; }
        .card.amber { border-left-color: #bf8700; }
        .card.red { border-left-color: #cf222e; }
        .card.none { border-left-color: #8c959f; }
        .card-title { font-size: 12px; color: #57606a; }
        .card-score { font-size: 22px; font-weight: bold; }
        .multiples { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px 24px; }
        .multiple { margin: 0; }
        figcaption.team { font-weight: bold; color: #24292f; font-size: 14px; }
        ul.notes { font-size: 13px; color: #57606a; }
        @media print {
          @page { size: A4 landscape; margin: 12mm; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          body { font-size: 11px; }
          main { max-width: none; padding: 0; }
          nav { display: none; }
          section { break-before: page; }
          section:first-of-type { break-before: auto; }
          h2 { margin-top: 0; }
          h2, h3, .headline { break-after: avoid; }
          svg.chart { max-height: 150mm; }
          .multiple svg.chart { max-height: 70mm; }
          figure, tr, .card, .multiple { break-inside: avoid; }
          thead { display: table-header-group; }
        }

        """
}
