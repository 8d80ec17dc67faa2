import ArgumentParser

@main
struct ScorecardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scorecard",
        abstract: "Sales-performance analytics on the balanced scorecard.",
        discussion: """
            Every analysis takes a dataset folder holding measurements.csv and scorecard.yml \
            (or --data FILE and --scorecard FILE), window flags (--from, --to, --last), \
            team/measure filters, and --format table|csv|json with --output FILE.

            Start with:  scorecard validate datasets/b2b-73
                         scorecard trend datasets/b2b-73 --org
            Exit codes: 0 done, 64 usage, 65 bad data, 66 input missing, 73 output cannot be created, 74 I/O error.
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Validate.self, Trend.self, LeadLag.self, Rank.self, Quartiles.self, Forecast.self, Status.self, Map.self,
            Report.self, Export.self, Generate.self,
        ]
    )
}
