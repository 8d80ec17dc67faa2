/// Writes a deterministic synthetic B2B sales organisation as a dataset folder:
/// `measurements.csv` (tidy, one row per team × period × measure), `scorecard.yml` (the
/// balanced scorecard, METHODS.md format) and `truth.json` (what was planted), so every
/// analysis of the engine can be demonstrated and checked against a known answer.
///
/// What is planted, and why it survives the engine's two-way fixed effects, is described
/// in `Model.swift`; `datasets/b2b-73/README.md` is the data dictionary.
public enum SalesOrganisationGenerator {
    /// Writes the three files into `directory` (created with its parents if missing).
    ///
    /// Each file goes to a temporary file in that folder and all three are renamed into
    /// place at the end, so a failure leaves no half-written file. The CSV is streamed
    /// through a 1 MiB buffer: 5,000 teams × 60 periods × 30 measures (9 million rows,
    /// about 340 MB) takes a few seconds and little memory. `progress` receives the share
    /// of teams written, from 0 to 1, at most about a thousand times.
    /// The files go through Rendering's `AtomicFileWriter`, so SIGINT, SIGTERM or SIGHUP
    /// part-way removes the temporary files.
    public static func write(
        _ spec: SalesOrganisationSpec, to directory: String, progress: ((Double) -> Void)? = nil
    ) throws {
        try spec.validate()
        let organisation = Organisation(spec)
        try makeDirectories(directory)
        var files = AtomicFileSet(directory: directory)
        do {
            var summary = OrganisationSummary(teams: spec.teams, measures: organisation.measures.count)
            try files.write("measurements.csv") { (sink) throws(GeneratorError) in
                summary = try streamMeasurements(organisation, to: sink, progress: progress)
            }
            try files.write("scorecard.yml") { sink in sink.append(scorecard(organisation, summary)) }
            try files.write("truth.json") { sink in sink.append(truth(organisation, summary)) }
            try files.commit()
        } catch {
            files.discard()
            throw error
        }
    }

    /// The scorecard for `spec`: targets are chosen from the generated data so that, at
    /// the last period, some measures are green, some amber and some red.
    /// - Precondition: `spec` is valid (`spec.validate()`).
    public static func scorecardYAML(_ spec: SalesOrganisationSpec) -> String {
        let organisation = validOrganisation(spec)
        return scorecard(organisation, summarise(organisation))
    }

    /// What was planted in the data for `spec`, and what it adds up to (JSON).
    /// - Precondition: `spec` is valid (`spec.validate()`).
    public static func truthJSON(_ spec: SalesOrganisationSpec) -> String {
        let organisation = validOrganisation(spec)
        return truth(organisation, summarise(organisation))
    }

    /// The bytes of `measurements.csv` for `spec`, built in memory: for tests and small
    /// sizes only (use `write` for large ones).
    /// - Precondition: `spec` is valid (`spec.validate()`).
    public static func measurementsCSV(_ spec: SalesOrganisationSpec) -> [UInt8] {
        let organisation = validOrganisation(spec)
        let sink = ByteSink(writer: nil)
        _ = try? streamMeasurements(organisation, to: sink, progress: nil)  // cannot fail in memory
        return sink.bytes
    }

    // MARK: - Internals

    private static func validOrganisation(_ spec: SalesOrganisationSpec) -> Organisation {
        do {
            try spec.validate()
        } catch {
            preconditionFailure("invalid SalesOrganisationSpec: \(error)")
        }
        return Organisation(spec)
    }

    /// Simulates every team without printing, for the scorecard and truth on their own.
    static func summarise(_ organisation: Organisation) -> OrganisationSummary {
        var summary = OrganisationSummary(teams: organisation.teams.count, measures: organisation.measures.count)
        var cells: [Int64] = []
        for team in organisation.teams {
            organisation.simulate(team: team, into: &cells)
            summary.add(team: team.index, cells: cells, organisation: organisation)
        }
        return summary
    }

    /// Streams the CSV: header, then team by team (in team order), period by period,
    /// measure by measure in scorecard order. A missing value is an empty last field.
    static func streamMeasurements(
        _ organisation: Organisation, to sink: ByteSink, progress: ((Double) -> Void)?
    ) throws(GeneratorError) -> OrganisationSummary {
        let spec = organisation.spec
        let m = organisation.measures.count
        var summary = OrganisationSummary(teams: spec.teams, measures: m)
        // Row pieces are prepared once: "team," "period," "measure," as bytes.
        let periodFields = (0..<spec.periods).map { Array((spec.periodLabel($0) + ",").utf8) }
        let measureFields = organisation.measures.map { Array((csvField($0.id) + ",").utf8) }
        let decimals = organisation.measures.map(\.decimals)
        sink.append("team,period,measure,value\n")
        var cells: [Int64] = []
        var reported = -1
        progress?(0)
        for team in organisation.teams {
            organisation.simulate(team: team, into: &cells)
            summary.add(team: team.index, cells: cells, organisation: organisation)
            let teamField = Array((csvField(team.name) + ",").utf8)
            for t in team.startPeriod..<spec.periods {
                for j in 0..<m {
                    let cell = cells[t * m + j]
                    sink.append(teamField)
                    sink.append(periodFields[t])
                    sink.append(measureFields[j])
                    if cell != emptyValueCell {
                        appendDecimal(cell, decimals: decimals[j], to: &sink.buffer)
                    }
                    sink.append(UInt8(ascii: "\n"))
                }
                try sink.rowEnded()
            }
            if let progress {
                let permille = (team.index + 1) * 1000 / spec.teams
                if permille != reported {
                    reported = permille
                    progress(Double(team.index + 1) / Double(spec.teams))
                }
            }
        }
        return summary
    }
}
