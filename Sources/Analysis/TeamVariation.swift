import Ingest

/// A measure with no variation between teams (a national price index, the same for every
/// team in each period): it cannot separate teams, and two-way fixed effects absorb it whole.
/// One home for the rule: `quartiles` leaves its tests undefined, `leadlag` its lag
/// correlations and Granger tests; both keep it out of the BH family (docs/DECISIONS.md).
public enum TeamVariation {
    /// The reason an analysis gives.
    public static let reason = "no variation between teams"

    /// False when every period's present values are the same for all teams (within 1e-12
    /// relative): the measure cannot separate teams.
    public static func variesBetweenTeams(_ panel: Panel, measure m: Int) -> Bool {
        for p in 0..<panel.periodCount {
            var first = Double.nan
            for t in 0..<panel.teamCount {
                let v = panel[t, m, p]
                if v.isNaN { continue }
                if first.isNaN {
                    first = v
                } else if Swift.abs(v - first) > 1e-12 * Swift.max(Swift.abs(v), Swift.abs(first)) {
                    return true
                }
            }
        }
        return false
    }
}
