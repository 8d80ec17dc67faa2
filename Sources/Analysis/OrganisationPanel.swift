import Ingest

extension Panel {
    /// The organisation as a one-team panel (METHODS.md, Status and organisation level):
    /// per period, `sum` measures add the teams that have a value, `mean` and `last` measures
    /// average them; a period where no team has a value stays missing.
    public func organisation(aggregations: [Aggregation], name: String = "(organisation)") -> Panel {
        precondition(aggregations.count == measureCount, "one aggregation per measure")
        var out = [Double](repeating: .nan, count: measureCount * periodCount)
        for m in 0..<measureCount {
            for t in 0..<periodCount {
                var sum = 0.0
                var n = 0
                for team in 0..<teamCount {
                    let v = values[offset(team: team, measure: m) + t]
                    if !v.isNaN {
                        sum += v
                        n += 1
                    }
                }
                guard n > 0 else { continue }
                out[m * periodCount + t] = aggregations[m] == .sum ? sum : sum / Double(n)
            }
        }
        return Panel(
            teams: [name], measures: measures, frequency: frequency, firstPeriod: firstPeriod,
            periodCount: periodCount, values: out)
    }
}
