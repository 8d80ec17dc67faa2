/// What the scorecard's targets and truth.json need from the generated values, gathered
/// while the CSV is streamed (or by a values-only pass): nothing here holds the whole panel.
struct OrganisationSummary {
    /// Per team: Σ revenue and Σ sales cost over present values (USD), and whether any.
    var teamReturn: [Double]
    var teamCost: [Double]
    var teamHasReturn: [Bool]
    var teamHasCost: [Bool]
    /// Per measure at the last period: Σ over teams with a value, and how many teams.
    var lastSum: [Double]
    var lastCount: [Int]
    var rows = 0
    var emptyValues = 0

    init(teams: Int, measures: Int) {
        teamReturn = Array(repeating: 0, count: teams)
        teamCost = Array(repeating: 0, count: teams)
        teamHasReturn = Array(repeating: false, count: teams)
        teamHasCost = Array(repeating: false, count: teams)
        lastSum = Array(repeating: 0, count: measures)
        lastCount = Array(repeating: 0, count: measures)
    }

    /// Adds one simulated team (cells as `Organisation.simulate` leaves them).
    mutating func add(team: Int, cells: [Int64], organisation: Organisation) {
        let m = organisation.measures.count
        let periods = organisation.spec.periods
        let revenue = 7
        let cost = 9  // indices in Model.core
        for t in 0..<periods {
            for j in 0..<m {
                let cell = cells[t * m + j]
                if cell == noRowCell { continue }
                rows += 1
                if cell == emptyValueCell {
                    emptyValues += 1
                    continue
                }
                // Exactly the Double a reader parses from the printed decimal.
                let value = Double(cell) / powersOfTen[organisation.measures[j].decimals]
                if j == revenue {
                    teamReturn[team] += value
                    teamHasReturn[team] = true
                } else if j == cost {
                    teamCost[team] += value
                    teamHasCost[team] = true
                }
                if t == periods - 1 {
                    lastSum[j] += value
                    lastCount[j] += 1
                }
            }
        }
    }

    /// The organisation's value of measure `j` at the last period (METHODS.md, Status:
    /// `sum` measures add the teams with a value, others average them), nil when no team has one.
    func lastActual(_ j: Int, aggregation: String) -> Double? {
        guard lastCount[j] > 0 else { return nil }
        return aggregation == "sum" ? lastSum[j] : lastSum[j] / Double(lastCount[j])
    }

    /// Per-team ROI = (Σ return − Σ cost) / Σ cost, nil when undefined (METHODS.md, rank).
    func roi(_ team: Int) -> Double? {
        guard teamHasReturn[team], teamHasCost[team], teamCost[team] > 0 else { return nil }
        return (teamReturn[team] - teamCost[team]) / teamCost[team]
    }

    /// ROI quartiles as `rank` defines them: numpy's linear percentiles, Q1 above q75,
    /// Q4 at or below q25.
    func roiQuartiles() -> (q25: Double, q50: Double, q75: Double, top: [Double], bottom: [Double])? {
        let values = teamReturn.indices.compactMap { roi($0) }
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func percentile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let lower = Int(position)  // position >= 0: truncation is floor
            let upper = min(lower + 1, sorted.count - 1)
            let fraction = position - Double(lower)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
        }
        let q25 = percentile(0.25)
        let q50 = percentile(0.5)
        let q75 = percentile(0.75)
        return (q25, q50, q75, values.filter { $0 > q75 }, values.filter { $0 <= q25 })
    }
}
