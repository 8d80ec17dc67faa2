import ArgumentParser
import Rendering
import SampleData

#if canImport(Glibc)
import Glibc
#endif

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic synthetic B2B sales organisation (measurements.csv, scorecard.yml, truth.json).",
        discussion: """
            The same arguments give the same bytes on every machine. Planted: a causal chain \
            training_hours → win_rate (lag 1) → customer_satisfaction (lag 1) → revenue (lag 2), a \
            scorecard link with no effect behind it, a link whose true direction is the reverse of \
            the stated one, shared seasonality, team heterogeneity, noise, a few missing values, \
            late-starting teams, and sales cost such that top-quartile ROI is about twice \
            bottom-quartile. truth.json records what was planted. \
            datasets/b2b-73 is: scorecard generate --teams 73 --periods 36 --seed 73 --output datasets/b2b-73
            """)

    @Option(help: "Number of teams.")
    var teams: Int = 73

    @Option(help: "Number of monthly periods (from 2023-01).")
    var periods: Int = 36

    @Option(help: "Number of measures: the 10 core ones plus filler measures extra_01, ….")
    var measures: Int = SalesOrganisationSpec.coreMeasureCount

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 73

    @Option(
        help: ArgumentHelp(
            "Revenue noise: multiplicative (proportional to team size, the shipped data) or additive (the same in dollars for every team).",
            valueName: "multiplicative|additive"))
    var noise: SalesOrganisationSpec.Noise = .multiplicative

    @Option(
        name: .customLong("common-shock"),
        help: ArgumentHelp(
            "Relative size S of a shock shared by all teams each month (revenue × (1 + S·g), g standard normal); 0: none.",
            valueName: "S"))
    var commonShock: Double = 0

    @Option(name: .shortAndLong, help: ArgumentHelp("Folder to write (created if missing).", valueName: "dir"))
    var output: String

    @Flag(help: "No progress on standard error.")
    var quiet = false

    func run() throws {
        // Each flag checked by name first (issue #17: a message names the flag the user typed).
        if teams < 1 { throw ValidationError("--teams \(teams): expected 1 or more") }
        if periods < 3 { throw ValidationError("--periods \(periods): expected 3 or more") }
        if measures < SalesOrganisationSpec.coreMeasureCount {
            throw ValidationError("--measures \(measures): expected \(SalesOrganisationSpec.coreMeasureCount) (the core measures) or more")
        }
        var spec = SalesOrganisationSpec(teams: teams, periods: periods, measures: measures, seed: seed)
        spec.noise = noise
        spec.commonShock = commonShock
        do {
            try spec.validate()
        } catch {
            throw ValidationError("--teams × --periods × --measures: \(error.description)")
        }
        do {
            // The files go through AtomicFileWriter: SIGINT/SIGTERM/SIGHUP removes their temporary files.
            try withProgress("generating \(output)", quiet: quiet) { progress in
                try SalesOrganisationGenerator.write(spec, to: output, progress: progress.map { p in { p.update(fraction: $0) } })
            }
        } catch let e as GeneratorError {
            throw ExitCode(ExitStatus.report(e)!)
        }
        print(
            "wrote \(output)/measurements.csv, scorecard.yml, truth.json"
                + " (\(teams) teams × \(periods) months × \(measures) measures, seed \(seed))"
        )
    }
}

extension SalesOrganisationSpec.Noise: ExpressibleByArgument {}
