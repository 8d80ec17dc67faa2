import Analysis
import Ingest

/// `scorecard export notebook`: a Jupyter notebook that reads the same data with pandas,
/// recomputes each analysis with statsmodels/scipy as METHODS.md defines it, shows
/// Scorecard's results beside the recomputed ones, plots them, and ends with a cell that
/// asserts agreement to METHODS.md's tolerances.
///
/// The notebook embeds Scorecard's tables as its `--format json` output (names byte for
/// byte; the CSV would carry the spreadsheet neutralisation prefix) and every parameter the
/// engine used, and finds the data by paths relative to the notebook's folder. The bytes
/// depend only on the inputs: no timestamps, fixed cell ids, no outputs stored.
public struct NotebookExport: Sendable {
    /// One analysis' part of the notebook, with Scorecard's result tables.
    public enum Section: Sendable {
        case trend(ResultTable)
        case leadLag(summary: ResultTable, lags: ResultTable)
        case rank(ResultTable)
        case quartiles(ResultTable)
        /// The forecast's team rows (no total) and, when a backtest was asked for, its table.
        case forecast(ResultTable, backtest: ResultTable?)

        var name: String {
            switch self {
            case .trend: "trend"
            case .leadLag: "leadlag"
            case .rank: "rank"
            case .quartiles: "quartiles"
            case .forecast: "forecast"
            }
        }
    }

    /// A strategy-map pair the lead-lag section tested.
    public struct Pair: Sendable, Equatable {
        public let leader: String
        public let lagger: String
        /// `positive`, `negative` or nil.
        public let sign: String?
        public init(leader: String, lagger: String, sign: String?) {
            self.leader = leader
            self.lagger = lagger
            self.sign = sign
        }
    }

    /// The lead-lag settings: K as used, and as given (nil: the frequency's default).
    public struct LeadLagSettings: Sendable, Equatable {
        public let maxLag: Int
        public let maxLagOption: Int?
        public let pairs: [Pair]
        public init(maxLag: Int, maxLagOption: Int?, pairs: [Pair]) {
            self.maxLag = maxLag
            self.maxLagOption = maxLagOption
            self.pairs = pairs
        }
    }

    /// The forecast as run: target and drivers as used, and the options as given (their `target`
    /// and `drivers` nil for the defaults; `backtest` the origins recomputed, 0 for none).
    public struct ForecastSettings: Sendable {
        public let target: String
        public let drivers: [String]
        public let options: ForecastAnalysis.Options
        public init(target: String, drivers: [String], options: ForecastAnalysis.Options) {
            self.target = target
            self.drivers = drivers
            self.options = options
        }
    }

    /// The cut dataset the analyses ran on.
    public let dataset: Dataset
    /// The selection flags as given.
    public let selection: PanelSelection
    /// Paths of the measurements CSV and scorecard YAML, relative to the notebook's folder.
    public let measurementsPath: String
    /// Further measurements files (`--data a.csv --data b.csv`), relative like `measurementsPath`.
    public let moreMeasurementsPaths: [String]
    public let scorecardPath: String?
    public let engineVersion: String
    public let sections: [Section]
    public let leadLag: LeadLagSettings?
    public let forecast: ForecastSettings?

    public init(
        dataset: Dataset, selection: PanelSelection, measurementsPath: String, moreMeasurementsPaths: [String] = [],
        scorecardPath: String?, engineVersion: String,
        sections: [Section], leadLag: LeadLagSettings? = nil, forecast: ForecastSettings? = nil
    ) {
        self.dataset = dataset
        self.selection = selection
        self.measurementsPath = measurementsPath
        self.moreMeasurementsPaths = moreMeasurementsPaths
        self.scorecardPath = scorecardPath
        self.engineVersion = engineVersion
        self.sections = sections
        self.leadLag = leadLag
        self.forecast = forecast
    }

    /// The notebook's bytes.
    public func render() -> [UInt8] { notebook().render() }

    /// The notebook's cells.
    public func notebook() -> Notebook {
        var nb = Notebook()
        let names = sections.map(\.name)
        let p = dataset.panel
        nb.markdown(
            "title",
            """
            # Scorecard \(names.joined(separator: ", ")): the results, recomputed

            Exported by `scorecard export notebook` (scorecard \(engineVersion)) from \
            \(([measurementsPath] + moreMeasurementsPaths).map { "`\($0)`" }.joined(separator: ", "))\
            \(scorecardPath.map { " and `\($0)`" } ?? ""): \(p.teamCount) teams, \(p.measureCount) measures, \
            \(p.periodCount) \(p.frequency.rawValue)s from \(p.firstPeriod) to \(p.lastPeriod).

            This notebook checks Scorecard's numbers independently. It embeds Scorecard's own result \
            tables and the exact settings they were made with, reads the measurements again with pandas, \
            recomputes every analysis with statsmodels and scipy following the project's METHODS.md \
            (the contract for every number), shows the two side by side, plots the results, and ends \
            with a cell that fails unless every number agrees within METHODS.md's tolerances.

            **Running it.** Run all cells from the notebook's own folder (Jupyter does this): the data \
            paths are relative to it. It needs Python 3 with numpy, scipy, pandas, statsmodels, \
            matplotlib and PyYAML.
            """)
        nb.code("setup", NotebookPython.setup)
        nb.markdown(
            "parameters-intro",
            """
            ## What Scorecard was asked

            The settings of the export, as Scorecard resolved them: the data files (relative to this \
            notebook), the selection flags as given, the window and the teams and measures they leave, \
            the ROI definition and each analysis' parameters. The recomputation re-derives what it can \
            (window, defaults, pairs, drivers) from the flags and the scorecard and checks it against \
            these.
            """)
        nb.code(
            "parameters",
            "PARAMS = json.loads(" + Self.pythonString(parametersJSON()) + ")\n"
                + "print(json.dumps({k: v for k, v in PARAMS.items() if k not in ('teams', 'measures')}, indent=1, ensure_ascii=False))")
        nb.markdown("data-intro", NotebookMarkdown.dataIntro)
        nb.code("data", NotebookPython.data)
        nb.markdown("scorecard-intro", NotebookMarkdown.scorecardIntro)
        nb.code("scorecard", NotebookPython.scorecard)
        nb.markdown("compare-intro", NotebookMarkdown.compareIntro)
        nb.code("compare", NotebookPython.compare)
        var roiDone = false
        for section in sections {
            switch section {
            case .trend(let table):
                nb.markdown("trend-intro", NotebookMarkdown.trendIntro)
                nb.code("trend-scorecard", engineCell(["trend": table]))
                nb.markdown("trend-recompute-intro", NotebookMarkdown.trendRecomputeIntro)
                nb.code("trend-recompute", NotebookPython.trendRecompute)
                nb.code("trend-compare", NotebookPython.trendCompare)
                nb.markdown("trend-plot-intro", NotebookMarkdown.trendPlotIntro)
                nb.code("trend-plot", NotebookPython.trendPlot)
            case .leadLag(let summary, let lags):
                nb.markdown("leadlag-intro", NotebookMarkdown.leadLagIntro)
                nb.code("leadlag-scorecard", engineCell(["leadlag": summary, "leadlag_lags": lags]))
                nb.markdown("leadlag-recompute-intro", NotebookMarkdown.leadLagRecomputeIntro)
                nb.code("leadlag-recompute", NotebookPython.leadlagRecompute)
                nb.code("leadlag-compare", NotebookPython.leadlagCompare)
                nb.markdown("leadlag-plot-intro", NotebookMarkdown.leadLagPlotIntro)
                nb.code("leadlag-plot", NotebookPython.leadlagPlot)
            case .rank(let table):
                if !roiDone {
                    addROI(to: &nb)
                    roiDone = true
                }
                nb.markdown("rank-intro", NotebookMarkdown.rankIntro)
                nb.code("rank-scorecard", engineCell(["rank": table]))
                nb.code("rank-compare", NotebookPython.rankCompare)
                nb.code("rank-plot", NotebookPython.rankPlot)
            case .quartiles(let table):
                if !roiDone {
                    addROI(to: &nb)
                    roiDone = true
                }
                nb.markdown("quartiles-intro", NotebookMarkdown.quartilesIntro)
                nb.code("quartiles-scorecard", engineCell(["quartiles": table]))
                nb.code("quartiles-recompute", NotebookPython.quartilesRecompute)
                nb.code("quartiles-compare", NotebookPython.quartilesCompare)
                nb.code("quartiles-plot", NotebookPython.quartilesPlot)
            case .forecast(let table, let backtest):
                var tables = [("forecast", table)]
                if let backtest { tables.append(("forecast_backtest", backtest)) }
                nb.markdown("forecast-intro", NotebookMarkdown.forecastIntro)
                nb.code("forecast-scorecard", engineCell(tables))
                nb.code("forecast-recompute", NotebookPython.forecastRecompute)
                nb.code("forecast-compare", NotebookPython.forecastCompare)
                nb.code("forecast-plot", NotebookPython.forecastPlot)
            }
        }
        nb.markdown("agreement-intro", NotebookMarkdown.agreementIntro)
        nb.code("agreement", NotebookPython.agreement)
        return nb
    }

    private func addROI(to nb: inout Notebook) {
        nb.markdown("roi-intro", NotebookMarkdown.roiIntro)
        nb.code("roi-recompute", NotebookPython.roiRecompute)
    }

    private func engineCell(_ tables: KeyValuePairs<String, ResultTable>) -> String {
        engineCell(tables.map { ($0.key, $0.value) })
    }

    /// `ENGINE[name] = engine_table('''<Scorecard's JSON>''')` per table, then a look at the first.
    private func engineCell(_ tables: [(String, ResultTable)]) -> String {
        var lines: [String] = []
        for (name, table) in tables {
            let json = String(decoding: JSONWriter.render(table), as: UTF8.self)
            lines.append("ENGINE[\(Self.pythonString(name))] = engine_table(" + Self.pythonString(json) + ")")
        }
        lines.append("ENGINE[\(Self.pythonString(tables[0].0))].head(10)")
        return lines.joined(separator: "\n")
    }

    /// The parameters as JSON text (a few keys per line, so the cell reads as a table).
    func parametersJSON() -> String {
        let s = JSONWriter.quoted
        func list(_ items: [String]) -> String { "[" + items.map(s).joined(separator: ", ") + "]" }
        func opt(_ text: String?) -> String { text.map(s) ?? "null" }
        let p = dataset.panel
        var lines: [String] = []
        lines.append(
            "\"engine\": \(s("scorecard \(engineVersion)")), \"contract\": \"METHODS.md\", \"analyses\": \(list(sections.map(\.name)))")
        lines.append(
            "\"measurements\": \(s(measurementsPath)), \"more_measurements\": \(list(moreMeasurementsPaths)), "
                + "\"scorecard\": \(opt(scorecardPath))")
        lines.append(
            "\"selection\": {\"teams\": \(list(selection.teams)), \"measures\": \(list(selection.measures)), "
                + "\"from\": \(opt(selection.from)), \"to\": \(opt(selection.to)), \"last\": \(selection.last.map(String.init) ?? "null")}")
        lines.append(
            "\"window\": {\"frequency\": \(s(p.frequency.rawValue)), \"from\": \(s(p.firstPeriod.description)), "
                + "\"to\": \(s(p.lastPeriod.description)), \"periods\": \(p.periodCount), \"values\": \(p.presentCount)}")
        if let roi = dataset.scorecard?.roi {
            lines.append("\"roi\": {\"return\": \(s(roi.returnMeasure)), \"cost\": \(s(roi.costMeasure))}")
        } else {
            lines.append("\"roi\": null")
        }
        if let l = leadLag {
            let pairs = l.pairs.map { "{\"leader\": \(s($0.leader)), \"lagger\": \(s($0.lagger)), \"sign\": \(opt($0.sign))}" }
            lines.append(
                "\"leadlag\": {\"max_lag\": \(l.maxLag), \"max_lag_option\": \(l.maxLagOption.map(String.init) ?? "null"), "
                    + "\"pairs\": [\(pairs.joined(separator: ", "))]}")
        }
        if let f = forecast {
            let o = f.options
            lines.append(
                "\"forecast\": {\"target\": \(s(f.target)), \"drivers\": \(list(f.drivers)), "
                    + "\"target_option\": \(opt(o.target)), \"drivers_option\": \(o.drivers.map(list) ?? "null"), "
                    + "\"horizon\": \(o.horizon), \"lags\": \(o.lags), \"confidence\": \(Self.number(o.confidence)), "
                    + "\"backtest\": \(o.backtest), \"transform\": \(s(o.transform.rawValue)), \"seasonal\": \(s(o.seasonal.rawValue)), "
                    + "\"team_trends\": \(s(o.teamTrends.rawValue)), \"calibration\": \(s(o.calibration.rawValue))}")
        }
        lines.append("\"measures\": \(list(p.measures))")
        lines.append("\"teams\": \(list(p.teams))")
        return "{\n" + lines.map { " " + $0 }.joined(separator: ",\n") + "\n}\n"
    }

    /// A Double in the shortest form that reads back to the same value.
    static func number(_ value: Double) -> String { ShortestDecimal.string(value) ?? "null" }

    /// `text` as a Python triple-quoted string literal `'''…'''` with the same value: `\` and
    /// `'` are escaped (so nothing inside can end the literal), and so are the characters a
    /// Python reader or nbformat would take as line breaks other than `\n`, and the other
    /// control characters. (JSON text holds none of these raw; the escaping makes the literal
    /// safe for any text.)
    static func pythonString(_ text: String) -> String {
        var out = "'''"
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x27: out += "\\'"
            case 0x0A: out += "\n"
            case 0x00..<0x20, 0x7F, 0x85, 0x2028, 0x2029:
                let hex = String(scalar.value, radix: 16)
                out +=
                    scalar.value < 0x100
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'''"
    }
}

/// Paths between folders, for the notebook's relative data paths.
public enum RelativePath {
    /// The path from the absolute folder `directory` to the absolute path `target`, both
    /// normalised (no `.`, `..` or repeated `/`): e.g. from `/a/b/out` to
    /// `/a/b/data/m.csv` is `../data/m.csv`.
    public static func from(_ directory: String, to target: String) -> String {
        let a = directory.split(separator: "/", omittingEmptySubsequences: true)
        let b = target.split(separator: "/", omittingEmptySubsequences: true)
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: a.count - common) + b[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
