import ArgumentParser

/// The window flags (METHODS.md "Windows"), declared once with their one check for every
/// command that takes a window: `trend`, `leadlag`, `rank`, `quartiles`, `forecast`, `map`,
/// `report` and `export notebook`, through `SelectionOptions`. (`status` shows one period: its
/// `--period` and `--from` are its own.)
struct WindowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("First period of the window, e.g. 2024-01.", valueName: "period"))
    var from: String?

    @Option(help: ArgumentHelp("Last period of the window.", valueName: "period"))
    var to: String?

    @Option(help: ArgumentHelp("The last N calendar periods (ending at --to when given).", valueName: "n"))
    var last: Int?

    func validate() throws {
        if last != nil && from != nil {
            throw ValidationError("--last cannot be combined with --from (use --from/--to, or --last N with --to)")
        }
        if let last, last < 1 { throw ValidationError("--last \(last): expected a whole number of periods, 1 or more") }
    }
}
