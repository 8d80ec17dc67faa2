import ArgumentParser

// Numeric options shared by several commands, each declared once with its one range check
// (issue #17: `map --max-lag=-1` trapped because `map` declared its own unchecked copy).
// A command that takes one of these options uses the group, never its own @Option.

/// The one range check of these options: `--flag value: expected low to high`.
func checkRange(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) throws {
    if !range.contains(value) { throw ValidationError("\(flag) \(value): expected \(range.lowerBound) to \(range.upperBound)") }
}

/// The lead-lag analysis' options (METHODS.md "Lead-lag"), declared once for every command that
/// runs it: `leadlag`, `map`, `report` and `export notebook` (`--pair`, `--all-cross`, `--per-lag`
/// differ by command and stay with each). `--max-lag K`: the largest lag.
struct LeadLagOptions: ParsableArguments {
    static let range = 0...1000

    @Option(
        name: .customLong("max-lag"),
        help: ArgumentHelp("Largest lag K (default: 12 months, 4 quarters, 13 weeks, 3 years, 7 days).", valueName: "k"))
    var maxLag: Int?

    func validate() throws {
        if let maxLag { try checkRange("--max-lag", maxLag, Self.range) }
    }
}

/// `--horizon H`: forecast periods ahead (forecast, report, export).
struct HorizonOption: ParsableArguments {
    static let range = 1...120

    @Option(help: "Forecast horizon: periods ahead.")
    var horizon: Int = 3

    func validate() throws {
        try checkRange("--horizon", horizon, Self.range)
    }
}
