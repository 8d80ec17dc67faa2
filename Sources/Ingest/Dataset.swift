#if canImport(Glibc)
import Glibc
#endif

/// Where a dataset's files are: a folder holding `measurements.csv` and `scorecard.yml`,
/// or the two files named separately.
public struct DatasetLocation: Sendable, Equatable {
    /// The measurements file (`-` for standard input, or a database or workbook source).
    public let measurements: String
    /// More measurements files read into the same panel, after `measurements`.
    public var moreMeasurements: [String] = []
    /// nil when the analysis runs without a scorecard (measures then default to direction
    /// `higher` and aggregation `mean`, with no perspective, targets, links or ROI).
    public let scorecard: String?

    /// The measurements file and the scorecard (nil: none).
    public init(measurements: String, scorecard: String?) {
        self.measurements = measurements
        self.scorecard = scorecard
    }

    /// Resolves a dataset argument (a folder, a file, or `-` for standard input) and the
    /// measurements and scorecard files named apart.
    /// - Throws: `SelectionError` when neither or conflicting inputs are given, or a scorecard
    ///   is required and there is none; `InputError` (.missingInput) when the path does not exist.
    public static func resolve(
        folder: String?, data: String?, scorecard: String?, scorecardRequired: Bool = false
    ) throws -> DatasetLocation {
        var measurements = data
        var card = scorecard
        if folder == "-" {
            // Standard input holds the measurements.
            if data != nil { throw SelectionError.measurementsNamedTwice(argument: nil) }
            measurements = "-"
        } else if let folder, MeasurementsReader.isOtherSource(folder) {
            if data != nil { throw SelectionError.measurementsNamedTwice(argument: folder) }
            measurements = folder
        } else if let folder {
            var st = stat()
            guard stat(folder, &st) == 0 else {
                throw InputError(
                    .missingInput, file: folder, problem: "no such file or folder",
                    expected: "a dataset folder holding measurements.csv and scorecard.yml, or a measurements CSV file")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
                if measurements == nil { measurements = base + "/measurements.csv" }
                if card == nil {
                    let candidate = base + "/scorecard.yml"
                    if access(candidate, F_OK) == 0 {
                        card = candidate
                    } else if access(base + "/scorecard.yaml", F_OK) == 0 {
                        card = base + "/scorecard.yaml"
                    } else if scorecardRequired {
                        throw SelectionError.folderHasNoScorecard(candidate: candidate)
                    }
                }
            } else {
                if data != nil { throw SelectionError.measurementsNamedTwice(argument: folder) }
                measurements = folder
            }
        }
        guard let measurements else { throw SelectionError.noDataset }
        if scorecardRequired && card == nil { throw SelectionError.needsScorecard }
        return DatasetLocation(measurements: measurements, scorecard: card)
    }
}

/// Which part of the panel an analysis sees (METHODS.md, Windows; and the team/measure filters).
public struct PanelSelection: Sendable, Equatable {
    /// Only these teams (empty: every team).
    public var teams: [String] = []
    /// Only these measures (empty: every measure).
    public var measures: [String] = []
    /// The window's first period, as written (nil: the data's first).
    public let from: String?
    /// The window's last period, as written (nil: the data's last).
    public let to: String?
    /// The last `last` calendar periods, ending at `to` (nil: from `from`).
    public let last: Int?

    /// A selection of teams, measures and window; the defaults select everything.
    public init(teams: [String] = [], measures: [String] = [], from: String? = nil, to: String? = nil, last: Int? = nil) {
        self.teams = teams
        self.measures = measures
        self.from = from
        self.to = to
        self.last = last
    }
}

/// A loaded, cross-checked dataset: the panel and (optionally) its scorecard.
public struct Dataset: Sendable {
    /// The measurements as a dense teams × measures × periods panel.
    public var panel: Panel
    /// The scorecard, when the dataset has one.
    public let scorecard: Scorecard?
    /// Where the files were read from.
    public let location: DatasetLocation
    /// Non-fatal remarks (measures in the data that the scorecard does not name, …).
    public let notes: [InputNote]
    /// The limits it was read with; analyses check their own large allocations against them.
    public var limits = ReadLimits()
    /// What reading the measurements decided on its own (a detected frequency, a row-number
    /// column left out): said once on standard error by every command.
    public var readingNotes: [InputNote] = []

    /// A dataset from parts already read and checked (`load` reads and checks the files).
    public init(panel: Panel, scorecard: Scorecard?, location: DatasetLocation, notes: [InputNote]) {
        self.panel = panel
        self.scorecard = scorecard
        self.location = location
        self.notes = notes
    }

    /// Reads both files and checks them against each other, reporting every problem found.
    /// - Throws: `InputErrors` (all problems) or `InputError`.
    public static func load(
        _ location: DatasetLocation, limits: ReadLimits = ReadLimits(), threads: Int = 2, options: ReadOptions = ReadOptions()
    ) throws -> Dataset {
        var errors: [InputError] = []
        var scorecard: Scorecard?
        if let path = location.scorecard {
            do {
                scorecard = try ScorecardLoader.load(contentsOf: path, limits: limits)
            } catch let e as InputErrors {
                errors += e.errors
            } catch let e as InputError {
                errors.append(e)
            }
        }
        var panel: Panel?
        var readingNotes: [InputNote] = []
        do {
            let read = try MeasurementsReader.read(
                paths: [location.measurements] + location.moreMeasurements, limits: limits, threads: threads,
                options: options.merged(over: scorecard?.data ?? ReadOptions()))
            panel = read.panel
            readingNotes = read.notes
        } catch let e as InputErrors {
            errors += e.errors
            // Still check the scorecard against the measures the file named.
            if let scorecard, let seen = e.measuresSeen {
                var ignored: [InputNote] = []
                errors += crossCheck(scorecard, measures: seen, frequency: nil, notes: &ignored)
            }
        } catch let e as InputError {
            errors.append(e)
        }
        guard let panel else { throw InputErrors(errors) }
        var notes: [InputNote] = []
        if let scorecard {
            errors += crossCheck(scorecard, measures: panel.measures, frequency: panel.frequency, notes: &notes)
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        var dataset = Dataset(panel: panel, scorecard: scorecard, location: location, notes: notes)
        dataset.limits = limits
        dataset.readingNotes = readingNotes
        return dataset
    }

    /// Problems between the scorecard and the data: scorecard measures absent from the data,
    /// links or roi naming unknown measures, initiative due labels that are not periods of
    /// the data's frequency. Measures only in the data become notes.
    static func crossCheck(_ scorecard: Scorecard, measures: [String], frequency: Frequency?, notes: inout [InputNote]) -> [InputError] {
        var errors: [InputError] = []
        // Byte for byte (METHODS.md): a Set<String> would match another normalisation form.
        let inData = Set(measures.map { Array($0.utf8) })
        let inCard = Set(scorecard.measures.map { Array($0.id.utf8) })
        // Links and roi naming a measure in another spelling than the scorecard's or the data's.
        let known = measures + scorecard.measures.map(\.id)
        var references = scorecard.links.flatMap { [($0.from, $0.line), ($0.to, $0.line)] }
        if let roi = scorecard.roi { references += [(roi.returnMeasure, roi.line), (roi.costMeasure, roi.line)] }
        for (name, line) in references where !inData.contains(Array(name.utf8)) && !inCard.contains(Array(name.utf8)) {
            if let other = known.first(where: { NameSpelling.differOnlyInForm($0, name) }) {
                errors.append(
                    InputError(
                        file: scorecard.file, line: line,
                        problem:
                            "measure \(NameSpelling.spelt(name)) is measure \(NameSpelling.spelt(other))"
                            + " in another Unicode normalisation form",
                        expected: NameSpelling.expected))
            }
        }
        for m in scorecard.measures where !inData.contains(Array(m.id.utf8)) {
            errors.append(
                InputError(
                    file: scorecard.file, line: m.line,
                    problem: "measure \"\(m.id)\" is not in the data (\(measures.count) measures there)",
                    expected: "a measure id that appears in the measurements file\(Dataset.suggestion(m.id, among: measures))"))
        }
        errors += scorecard.unresolvedReferences(knownMeasures: Set(measures))
        for p in scorecard.perspectives {
            for o in p.objectives {
                for i in o.initiatives {
                    // Any frequency (a quarterly deadline on monthly data is a deadline).
                    guard let due = i.due, let frequency else { continue }
                    if Period(due) == nil {
                        errors.append(
                            InputError(
                                file: scorecard.file, line: i.line,
                                problem: "initiative \"\(i.name)\" is due \"\(due)\", which is not a period",
                                expected: "a period label such as \(frequency.example), 2025-Q2, 2025 or 2025-06-30"))
                    }
                }
            }
        }
        let extra = measures.filter { !inCard.contains(Array($0.utf8)) }
        if !extra.isEmpty {
            let names = extra.map { "\"\($0)\"" }.joined(separator: ", ")
            notes.append(
                InputNote(
                    file: scorecard.file,
                    message: "\(extra.count) measure\(extra.count == 1 ? "" : "s") in the data but not in the scorecard"
                        + " (analysed as direction higher, aggregation mean, no perspective): \(names)"))
        }
        return errors
    }

    /// " (did you mean "x"?)" for a close name, else "".
    public static func suggestion(_ name: String, among names: [String]) -> String {
        if let other = names.first(where: { NameSpelling.differOnlyInForm($0, name) }) {
            return " (\(NameSpelling.spelt(other)) is the same text in another Unicode normalisation form"
                + " than \(NameSpelling.spelt(name)); names compare byte for byte)"
        }
        let best = names.map { ($0, editDistance(name, $0)) }.min { $0.1 < $1.1 }
        guard let (candidate, d) = best, d <= 2, d < name.count else { return "" }
        return " (did you mean \"\(candidate)\"?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in 1...b.count {
                let cur = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }

    /// The dataset cut by team/measure filters and the window, checked against the data.
    /// - Throws: `SelectionError` for unknown names, bad or empty windows (the command line
    ///   words it for the flag the user typed).
    public func selecting(_ selection: PanelSelection) throws -> Dataset {
        var out = self
        var panel = self.panel
        let first = panel.firstPeriod
        let last = panel.lastPeriod
        func periodArgument(_ text: String, _ bound: SelectionError.Bound) throws -> Period {
            guard let p = Period(text), p.frequency == panel.frequency else {
                throw SelectionError.notAPeriodOfTheData(bound, text: text, frequency: panel.frequency, first: first, last: last)
            }
            return p
        }
        if let count = selection.last {
            if selection.from != nil { throw SelectionError.lastWithFrom }
            if count < 1 { throw SelectionError.lastNotPositive(count) }
        }
        if selection.from != nil || selection.to != nil || selection.last != nil {
            var lo = first
            var hi = last
            if let t = selection.to { hi = try periodArgument(t, .to) }
            if let f = selection.from { lo = try periodArgument(f, .from) }
            if let n = selection.last { lo = hi.advanced(by: -(n - 1)) }
            // Name the bound the user gave when the other one is the data's own end.
            if selection.from != nil && selection.to == nil && lo > last {
                throw SelectionError.fromAfterData(lo, first: first, last: last)
            }
            if selection.to != nil && selection.from == nil && selection.last == nil && hi < first {
                throw SelectionError.toBeforeData(hi, first: first, last: last)
            }
            if lo > hi { throw SelectionError.emptyWindow(from: lo, to: hi) }
            let a = Swift.max(first.distance(to: lo), 0)
            let b = Swift.min(first.distance(to: hi), panel.periodCount - 1)
            if a > b { throw SelectionError.windowHoldsNoData(from: lo, to: hi, first: first, last: last) }
            panel = panel.slicing(periods: a..<(b + 1))
            if panel.presentCount == 0 { throw SelectionError.windowHoldsNoValues(from: lo, to: hi, first: first, last: last) }
        }
        var teamIndices: [Int]?
        if !selection.teams.isEmpty {
            teamIndices = try selection.teams.map { name in
                guard let i = panel.teamIndex(name) else {
                    throw SelectionError.teamNotInData(name, teamCount: panel.teamCount, hint: Dataset.suggestion(name, among: panel.teams))
                }
                return i
            }
            teamIndices = Array(Set(teamIndices!)).sorted()
        }
        var measureIndices: [Int]?
        if !selection.measures.isEmpty {
            measureIndices = try selection.measures.map { name in
                guard let i = panel.measureIndex(name) else {
                    throw SelectionError.measureNotInData(
                        name, measures: panel.measures, hint: Dataset.suggestion(name, among: panel.measures))
                }
                return i
            }
            measureIndices = Array(Set(measureIndices!)).sorted()
        }
        if teamIndices != nil || measureIndices != nil {
            panel = panel.selecting(teams: teamIndices, measures: measureIndices)
        }
        out.panel = panel
        return out
    }

    /// Measures in analysis order: the scorecard's order first, then the rest by name.
    public var orderedMeasures: [Int] {
        guard let scorecard else { return Array(0..<panel.measureCount) }
        var out: [Int] = []
        var used = Set<Int>()
        for m in scorecard.measures {
            if let i = panel.measureIndex(m.id), !used.contains(i) {
                out.append(i)
                used.insert(i)
            }
        }
        for i in 0..<panel.measureCount where !used.contains(i) { out.append(i) }
        return out
    }
}
