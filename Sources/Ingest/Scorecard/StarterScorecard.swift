/// `scorecard init`: a starter scorecard guessed from a measurements file — which columns
/// hold the team and the period, how numbers and dates are written, each measure's
/// perspective, direction, aggregation and unit by its name and values, and an `roi` when a
/// return and a cost are found. No targets are invented; comments say what to check.
public enum StarterScorecard {
    /// A guessed reading of the file, and what was guessed (for standard error).
    public struct Reading: Sendable {
        /// The columns, frequency and number format guessed for the file.
        public let options: ReadOptions
        /// What was guessed, one sentence each, for standard error (e.g. "month-end dates read as months").
        public let said: [String]
    }

    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "%" }).map(String.init)
    }

    static func mentions(_ text: String, _ keys: [String]) -> Bool {
        let w = words(text)
        let joined = " " + w.joined(separator: " ") + " "
        return keys.contains { key in key.contains(" ") ? joined.contains(" \(key) ") : w.contains(key) || w.contains(key + "s") }
    }

    static let teamWords = [
        "team", "rep", "representative", "owner", "salesperson", "seller", "agent", "account executive", "ae", "region",
        "territory", "branch", "store", "user", "employee", "manager", "office", "unit", "name", "state", "country", "group",
    ]
    static let periodWords = ["period", "date", "month", "quarter", "week", "year", "day", "close", "time"]

    /// Column options for `sample`, keeping every option `given` sets.
    public static func guessReading(_ sample: MeasurementsSample, given: ReadOptions, file: String) throws -> Reading {
        var options = given
        var said: [String] = []
        let headers = sample.headers
        func column(_ i: Int) -> [String] { sample.rows.compactMap { $0.count == headers.count ? $0[i] : nil } }
        func share(_ i: Int, _ test: (String) -> Bool) -> Double {
            let cells = column(i).filter { !$0.isEmpty }
            return cells.isEmpty ? 0 : Double(cells.filter(test).count) / Double(cells.count)
        }
        let folded = headers.map { $0.lowercased().trimmingBlanks }
        let order = given.dateOrder ?? MeasurementsSample.dateOrder(of: sample.rows.flatMap { $0 })
        let usable = headers.indices.filter { !(headers[$0].isEmpty && $0 == 0) }
        func isPeriodColumn(_ i: Int) -> Bool { share(i) { MeasurementsSample.isPeriod($0, order: order) } >= 0.9 }
        func isTextColumn(_ i: Int) -> Bool {
            // Text with either decimal mark: `78,8` is a number of a file written with decimal commas.
            share(i) {
                MeasurementsSample.numberKind($0) == .text && MeasurementsSample.numberKind($0, decimalComma: true) == .text
                    && !MeasurementsSample.isPeriod($0, order: order)
            } >= 0.9
        }

        var periodIndex: Int?
        if let name = given.periodColumn {
            periodIndex = headers.firstIndex { $0.lowercased().trimmingBlanks == name.lowercased().trimmingBlanks }
        } else if let i = folded.firstIndex(of: "period") {
            periodIndex = i
        } else {
            periodIndex = usable.first { mentions(headers[$0], periodWords) && isPeriodColumn($0) } ?? usable.first { isPeriodColumn($0) }
            if let i = periodIndex {
                options.periodColumn = headers[i]
                said.append("period column: \"\(headers[i])\"")
            }
        }
        guard let periodIndex else {
            throw InputErrors([
                InputError(
                    .usage, file: file, line: 1, column: 1, problem: "no column of the header holds periods or dates Scorecard can read",
                    expected:
                        """
                        a column of dates (2024-01-31, 2024/01/31, Jan 2024, 31/01/2024 with --date-order dmy); or name it with \
                        --period-column
                        """
                )
            ])
        }
        if given.teamColumn == nil && !folded.contains("team") {
            let candidates = usable.filter { $0 != periodIndex }
            if let i = candidates.first(where: { mentions(headers[$0], teamWords) && isTextColumn($0) })
                ?? candidates.first(where: isTextColumn)
            {
                options.teamColumn = headers[i]
                said.append("team column: \"\(headers[i])\"")
            } else {
                throw InputErrors([
                    InputError(
                        .usage, file: file, line: 1, column: 1, problem: "no column of the header holds team names",
                        expected: "a column of names (rep, team, region …); or name it with --team-column")
                ])
            }
        }
        if options.dateOrder == nil, let order, column(periodIndex).contains(where: { $0.contains("/") || $0.contains(".") }) {
            options.dateOrder = order
            said.append("dates are \(order == .dmy ? "day/month/year" : "month/day/year")")
        }
        let cells = usable.filter { $0 != periodIndex && headers[$0] != options.teamColumn }.flatMap(column)
        if options.decimalComma == nil && guessesDecimalComma(cells) {
            options.decimalComma = true
            said.append("a comma is the decimal mark (1,5 is one and a half)")
        }
        if options.lenientNumbers == nil {
            if cells.contains(where: { MeasurementsSample.numberKind($0, decimalComma: options.comma) == .exported }) {
                options.lenientNumbers = true
                said.append("numbers are written as exports write them (currency, thousands separators, %): read leniently")
            }
        }
        return Reading(options: options, said: said)
    }

    /// Whether the values are written with a decimal comma: some value reads as a number only
    /// with a comma as the decimal mark (`1,5`, `1.234,50 €`, `12,5%`) and none only with a point
    /// (`1.5`, `$1,234.50`). A value that reads both ways (`1,234`, `263.000`, `12`) settles
    /// nothing; when both kinds occur the point stays, and the reader locates the others.
    static func guessesDecimalComma(_ cells: [String]) -> Bool {
        var onlyComma = false
        for cell in cells {
            let point = MeasurementsSample.numberKind(cell, decimalComma: false) != .text
            let comma = MeasurementsSample.numberKind(cell, decimalComma: true) != .text
            if point && !comma { return false }
            if comma && !point { onlyComma = true }
        }
        return onlyComma
    }

    /// A measure's place, guessed from its name and values.
    struct Guess {
        var id: String
        var perspective: Perspective?
        var direction: Direction
        var aggregation: Aggregation
        var unit: String?
        var why: String
    }

    static let costWords = ["cost", "costs", "expense", "expenses", "spend", "spending", "cogs", "opex"]
    static let financialWords = [
        "revenue", "sales", "margin", "profit", "bookings", "booking", "income", "arr", "mrr", "price", "earnings", "gmv",
        "turnover revenue",
    ]
    static let customerWords = [
        "satisfaction", "csat", "nps", "retention", "churn", "renewal", "complaint", "loyalty", "customer", "customers", "promoter",
    ]
    static let processWords = [
        "win", "cycle", "pipeline", "calls", "call", "meetings", "meeting", "demos", "demo", "leads", "lead", "opportunities",
        "opportunity", "deals", "deal", "conversion", "proposals", "quotes", "activities", "visits", "quota", "forecast accuracy",
    ]
    static let learningWords = [
        "training", "hires", "hire", "hiring", "attrition", "tenure", "certification", "certifications", "engagement",
        "turnover", "skills", "coaching", "onboarding", "headcount", "learning",
    ]
    static let lowerWords = [
        "cost", "costs", "expense", "expenses", "spend", "cycle", "churn", "attrition", "turnover", "complaint", "complaints",
        "discount", "lost", "days to", "time to", "cogs", "opex", "returns", "defects",
    ]
    static let meanWords = [
        "rate", "ratio", "score", "satisfaction", "nps", "csat", "index", "average", "avg", "mean", "retention", "churn",
        "tenure", "per", "size", "cycle", "%", "percent", "percentage", "share", "margin", "price", "attrition", "accuracy", "engagement",
    ]

    static func guess(_ id: String, cells: [String]) -> Guess {
        let perspective: Perspective?
        if mentions(id, costWords) {
            perspective = .financial
        } else if mentions(id, customerWords) {
            perspective = .customer
        } else if mentions(id, learningWords) {
            perspective = .learning
        } else if mentions(id, processWords) {
            perspective = .process
        } else if mentions(id, financialWords) {
            perspective = .financial
        } else {
            perspective = nil
        }
        let present = cells.filter { MeasurementsSample.numberKind($0) != .missing }
        let percent = !present.isEmpty && present.allSatisfy { $0.trimmingBlanks.hasSuffix("%") }
        var unit: String?
        for (symbol, code) in [("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₹", "INR")]
        where present.contains(where: { $0.contains(symbol) }) {
            unit = code
            break
        }
        if unit == nil,
            let code = present.first.flatMap({ c -> String? in
                let letters = c.trimmingBlanks.unicodeScalars.filter { $0.value >= 65 && $0.value <= 90 }
                return letters.count == 3 ? String(String.UnicodeScalarView(letters)) : nil
            })
        {
            unit = code
        }
        if percent { unit = "%" }
        let direction: Direction = mentions(id, lowerWords) ? .lower : .higher
        let aggregation: Aggregation = percent || mentions(id, meanWords) ? .mean : .sum
        let why = [
            perspective.map { "\($0.rawValue) by its name" } ?? "no perspective matched its name",
            direction == .lower ? "lower is better (its name)" : "higher is better",
            aggregation == .mean ? "mean (a rate or score)" : "sum (money or a count)",
        ].joined(separator: "; ")
        return Guess(id: id, perspective: perspective, direction: direction, aggregation: aggregation, unit: unit, why: why)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for s in text.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if s.value < 32 || s.value == 0x7F {
                    out += "\\x" + (s.value < 16 ? "0" : "") + String(s.value, radix: 16)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }

    static let objectiveNames: [Perspective: String] = [
        .financial: "Grow profitable revenue", .customer: "Keep customers satisfied",
        .process: "Run an effective sales process", .learning: "Build the team's capability",
    ]

    /// The starter scorecard's YAML for a panel read with `options`.
    public static func yaml(panel: Panel, sample: MeasurementsSample, options: ReadOptions, dataFile: String, said: [String]) -> String {
        let headers = sample.headers
        func cells(_ measure: String) -> [String] {
            guard let i = headers.firstIndex(of: measure) else { return [] }
            return sample.rows.compactMap { $0.count == headers.count ? $0[i] : nil }
        }
        let guesses = panel.measures.map { guess($0, cells: cells($0)) }
        var lines: [String] = []
        lines.append("# Starter scorecard written by `scorecard init \(dataFile)`.")
        lines.append("# Everything below is a guess from the measures' names and values: check each line marked CHECK.")
        lines.append("# No targets are set: add `target:` (the organisation's, per \(panel.frequency.rawValue)) and `team_target:` to get")
        lines.append("# red/amber/green in `scorecard status`. Format: METHODS.md, \"Scorecard file\".")
        lines.append("name: \(quoted("Scorecard for " + dataFile.split(separator: "/").last.map(String.init)!))")
        var dataLines: [String] = []
        if let t = options.teamColumn { dataLines.append("  team_column: \(quoted(t))") }
        if let p = options.periodColumn { dataLines.append("  period_column: \(quoted(p))") }
        if let m = options.measureColumn { dataLines.append("  measure_column: \(quoted(m))") }
        if let v = options.valueColumn { dataLines.append("  value_column: \(quoted(v))") }
        if let f = options.frequency { dataLines.append("  frequency: \(f.rawValue)") }
        if let o = options.dateOrder { dataLines.append("  date_order: \(o.rawValue)") }
        if options.lenientNumbers == true {
            dataLines.append("  numbers: lenient          # currency, thousands separators and % are read as numbers")
        }
        if options.decimalComma == true { dataLines.append("  decimal: comma") }
        if !dataLines.isEmpty {
            lines.append("# How to read the data file (the same as --team-column, --period-column, --frequency, --lenient-numbers …).")
            lines.append("data:")
            lines += dataLines
        }
        lines.append("perspectives:")
        let unsorted = guesses.filter { $0.perspective == nil }
        for p in [Perspective.financial, .customer, .process, .learning] {
            let these = guesses.filter { $0.perspective == p }
            let withUnsorted = p == .process && !unsorted.isEmpty
            guard !these.isEmpty || withUnsorted else { continue }
            lines.append("  \(p.rawValue):")
            lines.append("    objectives:")
            if !these.isEmpty {
                lines.append("      - name: \(quoted(objectiveNames[p]!))   # CHECK: your objective's name")
                lines.append("        measures:")
                for g in these { lines += measureLines(g) }
            }
            if withUnsorted {
                lines.append("      # unsorted: no perspective matched these measures' names. CHECK: move each to its perspective")
                lines.append("      # (financial, customer, process, learning); they sit under process meanwhile.")
                lines.append("      - name: \"Unsorted measures\"")
                lines.append("        measures:")
                for g in unsorted { lines += measureLines(g) }
            }
        }
        // ROI: a return (revenue, sales, bookings …) and a cost, both summed.
        let financial = guesses.filter { $0.perspective == .financial }
        let ret = financial.first {
            !mentions($0.id, costWords) && mentions($0.id, ["revenue", "sales", "bookings", "income", "gmv"]) && $0.aggregation == .sum
        }
        let cost = financial.first { mentions($0.id, costWords) && $0.aggregation == .sum }
        if let ret, let cost {
            lines.append("# Sales ROI = (return − cost) / cost, summed over the window; `rank`, `quartiles` and `forecast` use it. CHECK.")
            lines.append("roi: {return: \(quoted(ret.id)), cost: \(quoted(cost.id))}")
        } else {
            lines.append("# No roi: no return (revenue, sales …) and cost (cost, expense, spend …) pair was found among the measures.")
            lines.append("# Add `roi: {return: <measure>, cost: <measure>}` for `rank`, `quartiles` and `forecast`.")
        }
        let ids = guesses.map(\.id)
        lines.append("# Strategy-map hypotheses (cause -> effect) for `leadlag`, `map` and `report`; none is invented. For example:")
        if ids.count >= 2 {
            lines.append("# links:")
            lines.append("#   - {from: \(quoted(ids[ids.count > 2 ? 2 : 1])), to: \(quoted(ret?.id ?? ids[0])), sign: positive}")
        }
        var text = lines.joined(separator: "\n") + "\n"
        if !said.isEmpty {
            text = "# Read from \(dataFile): " + said.joined(separator: "; ") + ".\n" + text
        }
        return text
    }

    static func measureLines(_ g: Guess) -> [String] {
        var out = ["          - id: \(quoted(g.id))   # CHECK: \(g.why)"]
        out.append("            direction: \(g.direction.rawValue)")
        out.append("            aggregation: \(g.aggregation.rawValue)")
        if let unit = g.unit { out.append("            unit: \(quoted(unit))") }
        return out
    }
}

extension String {
    /// Without blanks and tabs at either end.
    var trimmingBlanks: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
