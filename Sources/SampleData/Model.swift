/// The synthetic organisation's model: which measures exist, how each team is drawn, and
/// the equations that generate a team's monthly series.
///
/// Every series is built from latent AR(1) processes `z` (standard-normal innovations)
/// that are then scaled into real units around team-specific levels. The planted causal
/// chain runs through the latent processes, one month or two apart:
///
///     training_hours ─1→ win_rate ─1→ customer_satisfaction ─2→ revenue
///     pipeline_value ─1→ sales_cycle_days     (the scorecard states the reverse)
///     employee_retention ╳ customer_retention (independent; the scorecard links them)
///
/// Two-way fixed effects (team and period) must not explain the chain away, so everything
/// shared by all teams (the seasonality table, company-wide shocks) is either additive in
/// the measure's units, which period effects absorb, or sits on a measure whose own
/// Granger test does not depend on it (revenue). Pipeline value gets its seasonality as a
/// common dollar amount, not as a per-team factor: a team-size × month interaction that
/// period effects cannot absorb would make the pipeline's own lags a poor summary of its
/// past and let sales-cycle lags "predict" it, a spurious forward link. For the same
/// reason pipeline value has no team-specific growth trend (revenue does), and sales-cycle
/// days vary by the same number of days in every team (a spread proportional to the
/// team's base would tie its variance to the pipeline's and inflate the pooled F test).
/// The true pipeline → cycle effect is kept moderate and the cycle barely persistent:
/// with team effects on 36 months, a feedback variable's lags pick up the within-team
/// demeaning bias (Nickell), so a strong, long-lived response would make the stated
/// direction test "significant" too. The reverse test stays far below 1e-10 at 73 × 36.

/// A measure as the generator writes it and the scorecard declares it.
struct MeasureInfo: Sendable {
    var id: String
    var name: String
    var unit: String
    var perspective: String
    var direction: String
    var aggregation: String
    /// Values are rounded to this many decimals before printing.
    var decimals: Int
    /// One sentence for the data dictionary and truth.json.
    var meaning: String
}

enum Model {
    // MARK: Latent dynamics (all innovations standard normal)

    static let burnIn = 24  // months simulated before the first period, so t = 0 is stationary
    static let phiTraining = 0.5
    static let phiWin = 0.5
    static let phiSatisfaction = 0.5
    static let phiRevenue = 0.3
    static let phiPipeline = 0.5
    static let phiCycle = 0.2
    static let phiEmployeeRetention = 0.7
    static let phiCustomerRetention = 0.6
    static let phiMargin = 0.5
    static let phiFiller = 0.7

    /// Planted effects, on the latent (standardised) scale.
    static let trainingToWin = 0.32  // lag 1
    static let winToSatisfaction = 0.32  // lag 1
    static let satisfactionToRevenue = 0.38  // lag 2
    static let pipelineToCycle = 0.22  // lag 1: the true direction of the reversed link (see top)

    /// Share of cells left empty (missing at random).
    static let missingRate = 0.005

    /// Shared seasonality by calendar month (January first), mean exactly 1: quarter ends
    /// and December close strongly, the northern summer and January are slow. Revenue is
    /// multiplied by it; win rate gets 8 percentage points × (s − 1); pipeline value gets
    /// 400,000 USD × (s − 1), the same amount for every team.
    static let seasonality: [Double] = [0.88, 0.92, 1.08, 0.94, 0.97, 1.10, 0.90, 0.86, 1.07, 0.98, 1.02, 1.28]
    static let winRateSeasonalPoints = 8.0
    static let pipelineSeasonalUSD = 400_000.0

    // MARK: Measures

    static let core: [MeasureInfo] = [
        MeasureInfo(
            id: "training_hours", name: "Training hours", unit: "hours", perspective: "learning",
            direction: "higher", aggregation: "sum", decimals: 1,
            meaning: "Hours of sales training completed by the team's reps in the month."),
        MeasureInfo(
            id: "employee_retention", name: "Employee retention", unit: "%", perspective: "learning",
            direction: "higher", aggregation: "mean", decimals: 1,
            meaning: "Share of the reps employed twelve months ago who are still with the team."),
        MeasureInfo(
            id: "win_rate", name: "Win rate", unit: "%", perspective: "process",
            direction: "higher", aggregation: "mean", decimals: 1,
            meaning: "Share of opportunities closed in the month that were won."),
        MeasureInfo(
            id: "pipeline_value", name: "Pipeline value", unit: "USD", perspective: "process",
            direction: "higher", aggregation: "sum", decimals: 0,
            meaning: "Value of open qualified opportunities at month end."),
        MeasureInfo(
            id: "sales_cycle_days", name: "Sales cycle", unit: "days", perspective: "process",
            direction: "lower", aggregation: "mean", decimals: 1,
            meaning: "Mean days from qualification to close for deals closed in the month."),
        MeasureInfo(
            id: "customer_satisfaction", name: "Customer satisfaction", unit: "score", perspective: "customer",
            direction: "higher", aggregation: "mean", decimals: 1,
            meaning: "Mean post-purchase survey score of the team's customers, 0 to 100."),
        MeasureInfo(
            id: "customer_retention", name: "Customer retention", unit: "%", perspective: "customer",
            direction: "higher", aggregation: "mean", decimals: 1,
            meaning: "Share of the team's customers of twelve months ago still buying (logo retention)."),
        MeasureInfo(
            id: "revenue", name: "Revenue", unit: "USD", perspective: "financial",
            direction: "higher", aggregation: "sum", decimals: 2,
            meaning: "Booked revenue in the month."),
        MeasureInfo(
            id: "gross_margin", name: "Gross margin", unit: "%", perspective: "financial",
            direction: "higher", aggregation: "mean", decimals: 1,
            meaning: "Gross margin on the month's bookings."),
        MeasureInfo(
            id: "sales_cost", name: "Sales cost", unit: "USD", perspective: "financial",
            direction: "lower", aggregation: "sum", decimals: 2,
            meaning: "Cost of selling in the month: salaries, commission, travel, tools."),
    ]

    static let fillerPerspectives = ["learning", "process", "customer", "financial"]

    /// The measure list for `count` measures: the core ten, then `extra_01`, `extra_02`, …
    /// assigned to the four perspectives in turn.
    static func measures(count: Int) -> [MeasureInfo] {
        let fillers = count - core.count
        let width = max(2, String(fillers).count)
        var list = core
        for f in 0..<max(0, fillers) {
            let number = String(f + 1)
            let padded = String(repeating: "0", count: width - number.count) + number
            list.append(
                MeasureInfo(
                    id: "extra_" + padded, name: "Extra indicator " + padded, unit: "index",
                    perspective: fillerPerspectives[f % 4], direction: "higher", aggregation: "mean",
                    decimals: 2,
                    meaning: "Filler: persistent AR(1) noise around a team level, linked to nothing."))
        }
        return list
    }

    // MARK: Teams

    static let regions = ["NA", "EMEA", "APAC", "LATAM"]
    static let regionShares = [0.35, 0.30, 0.20, 0.15]
    /// Used in the one team name that carries a comma.
    static let subregions = ["West", "DACH", "ANZ", "Brazil"]
    static let segments = ["Enterprise", "Mid-Market", "SMB"]
    static let segmentShares = [0.30, 0.40, 0.30]
    static let revenuePerRep = [95_000.0, 60_000.0, 32_000.0]
    static let winRateBase = [22.0, 28.0, 34.0]
    static let cycleDaysBase = [95.0, 55.0, 28.0]
    static let customerRetentionBase = [93.0, 89.0, 84.0]
    static let marginBase = [62.0, 58.0, 54.0]

    /// Stream purposes: each (team, purpose) pair has its own random stream.
    static let purposeProfile: UInt64 = 0
    static let purposeSeries: UInt64 = 1
    /// The common shock's stream (drawn only when `--common-shock` > 0).
    static let purposeCommonShock: UInt64 = 2
    /// Additive noise: the season's swing and the noise are the same in dollars for every
    /// team, those of a typical team (10 Mid-Market reps): season (s − 1)·R, noise 0.08·R·z.
    static let additiveTypicalRevenue = 10 * 60_000.0
    static let purposeFillerBase: UInt64 = 1 << 20
    static let purposeMissingBase: UInt64 = 1 << 40
    /// The "team" key of the organisation-wide stream (late starters).
    static let organisationStream: UInt64 = .max
}

/// One sales team's fixed characteristics, drawn from its own stream.
struct TeamProfile: Sendable {
    var index: Int
    var name: String
    var region: Int
    var segment: Int
    var reps: Int
    /// Mean monthly revenue of the team at t = 0, before seasonality (USD).
    var baseRevenue: Double
    /// Linear growth of revenue per month, as a share of `baseRevenue`.
    var growth: Double
    /// Sales cost as a share of revenue: fixes the team's ROI ≈ 1/ratio − 1.
    var costRatio: Double
    var trainingPerRep: Double
    var winRateBase: Double
    var cycleDaysBase: Double
    var satisfactionBase: Double
    var customerRetentionBase: Double
    var employeeRetentionBase: Double
    var marginBase: Double
    /// Pipeline value as a multiple of monthly base revenue.
    var pipelineCoverage: Double
    /// Period index of the team's first row (0 unless the team started late).
    var startPeriod: Int

    var regionName: String { Model.regions[region] }
    var segmentName: String { Model.segments[segment] }
}

/// A whole organisation: its teams (with unique names), measures and periods.
struct Organisation: Sendable {
    var spec: SalesOrganisationSpec
    var teams: [TeamProfile]
    var measures: [MeasureInfo]

    init(_ spec: SalesOrganisationSpec) {
        self.spec = spec
        measures = Model.measures(count: spec.measures)
        var teams: [TeamProfile] = []
        teams.reserveCapacity(spec.teams)
        for i in 0..<spec.teams { teams.append(Self.drawProfile(spec, index: i)) }

        // Names: region + segment + a running number per (region, segment), so they are
        // unique; one team gets a comma in its name and one a pair of double quotes, so
        // CSV quoting is exercised.
        var counters = [Int](repeating: 0, count: Model.regions.count * Model.segments.count)
        let commaTeam = spec.teams / 3
        let quoteTeam = spec.teams >= 2 ? (2 * spec.teams) / 3 : -1
        for i in teams.indices {
            let key = teams[i].region * Model.segments.count + teams[i].segment
            counters[key] += 1
            let number = String(counters[key])
            let nn = number.count < 2 ? "0" + number : number
            let region = teams[i].regionName
            let segment = teams[i].segmentName
            if i == commaTeam {
                teams[i].name = "\(region) \(segment), \(Model.subregions[teams[i].region]) \(nn)"
            } else if i == quoteTeam {
                teams[i].name = "\(region) \(segment) \"Greenfield\" \(nn)"
            } else {
                teams[i].name = "\(region) \(segment) \(nn)"
            }
        }

        // Late starters: teams opened after the first period have no rows before it.
        // Only in organisations large and long enough for the gap to matter.
        if spec.teams >= 12 && spec.periods >= 12 {
            var rng = Xoshiro256StarStar(seed: spec.seed, team: Model.organisationStream, purpose: 0)
            let starts = spec.teams >= 40 ? [spec.periods / 6, spec.periods / 3] : [spec.periods / 4]
            var chosen: [Int] = []
            for start in starts {
                var pick = rng.below(spec.teams)
                while chosen.contains(pick) { pick = rng.below(spec.teams) }
                chosen.append(pick)
                teams[pick].startPeriod = start
            }
        }
        self.teams = teams
    }

    private static func pick(_ u: Double, _ shares: [Double]) -> Int {
        var acc = 0.0
        for (k, share) in shares.enumerated() {
            acc += share
            if u < acc { return k }
        }
        return shares.count - 1
    }

    private static func drawProfile(_ spec: SalesOrganisationSpec, index: Int) -> TeamProfile {
        var rng = Xoshiro256StarStar(seed: spec.seed, team: UInt64(index), purpose: Model.purposeProfile)
        let region = pick(rng.uniform(), Model.regionShares)
        let segment = pick(rng.uniform(), Model.segmentShares)
        let reps = 5 + rng.below(11)  // 5…15 reps
        let perRep = Model.revenuePerRep[segment] * max(0.6, 1 + 0.15 * rng.normal())
        let growth = -0.003 + 0.012 * rng.uniform()  // −0.3 % … +0.9 % of base per month
        let costRatio = 0.22 + 0.20 * rng.uniform()  // ROI from about 1.4 to 3.5
        let trainingPerRep = 8 + 8 * rng.uniform()
        let winBase = Model.winRateBase[segment] + 3 * rng.normal()
        let cycleBase = Model.cycleDaysBase[segment] * max(0.7, 1 + 0.1 * rng.normal())
        let satisfactionBase = min(92, 78 + 4 * rng.normal())
        let customerRetentionBase = min(97, Model.customerRetentionBase[segment] + 1.5 * rng.normal())
        let employeeRetentionBase = min(96, 88 + 3 * rng.normal())
        let marginBase = Model.marginBase[segment] + 3 * rng.normal()
        let coverage = 2.5 + rng.uniform()
        return TeamProfile(
            index: index, name: "", region: region, segment: segment, reps: reps,
            baseRevenue: Double(reps) * perRep, growth: growth, costRatio: costRatio,
            trainingPerRep: trainingPerRep, winRateBase: winBase, cycleDaysBase: cycleBase,
            satisfactionBase: satisfactionBase, customerRetentionBase: customerRetentionBase,
            employeeRetentionBase: employeeRetentionBase, marginBase: marginBase,
            pipelineCoverage: coverage, startPeriod: 0)
    }
}

/// A cell with no row: the team had not started yet.
let noRowCell = Int64.min
/// A cell whose row is written with an empty value: missing.
let emptyValueCell = Int64.min + 1

/// Powers of ten for the decimals used (0…6), exact in binary64.
let powersOfTen: [Double] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000]

/// `x` rounded to `decimals` decimals, as the integer `x × 10^decimals`.
@inline(__always)
func scaled(_ x: Double, _ decimals: Int) -> Int64 {
    Int64((x * powersOfTen[decimals]).rounded())
}

extension Organisation {
    /// Simulates team `team` into `cells` (periods × measures, row-major by period): each
    /// value as an integer count of 10^-decimals of its measure, `noRowCell` or `emptyValueCell`.
    ///
    /// Draw order is fixed per stream, and each stream belongs to one (team, purpose), so
    /// the core series do not change when filler measures are added.
    func simulate(team: TeamProfile, into cells: inout [Int64]) {
        let periods = spec.periods
        let m = measures.count
        cells.removeAll(keepingCapacity: true)
        cells.append(contentsOf: repeatElement(noRowCell, count: periods * m))

        var rng = Xoshiro256StarStar(seed: spec.seed, team: UInt64(team.index), purpose: Model.purposeSeries)
        var zT = 0.0
        var zW = 0.0
        var zS = 0.0
        var zSPrev = 0.0
        var zR = 0.0
        var zP = 0.0
        var zC = 0.0
        var zE = 0.0
        var zCR = 0.0
        var zG = 0.0
        let reps = Double(team.reps)
        var shocks: [Double] = []
        if spec.commonShock > 0 {
            var srng = Xoshiro256StarStar(seed: spec.seed, team: Model.organisationStream, purpose: Model.purposeCommonShock)
            shocks = (0..<periods).map { _ in spec.commonShock * srng.normal() }
        }
        for step in -Model.burnIn..<periods {
            let eT = rng.normal()
            let eW = rng.normal()
            let eS = rng.normal()
            let eR = rng.normal()
            let eP = rng.normal()
            let eC = rng.normal()
            let eE = rng.normal()
            let eCR = rng.normal()
            let eG = rng.normal()
            let eCost = rng.normal()
            // Every right-hand side uses last month's latents: simultaneous update.
            let newT = Model.phiTraining * zT + eT
            let newW = Model.phiWin * zW + Model.trainingToWin * zT + eW
            let newS = Model.phiSatisfaction * zS + Model.winToSatisfaction * zW + eS
            let newR = Model.phiRevenue * zR + Model.satisfactionToRevenue * zSPrev + eR  // zS two months back
            let newP = Model.phiPipeline * zP + eP
            let newC = Model.phiCycle * zC + Model.pipelineToCycle * zP + eC
            zSPrev = zS
            zT = newT
            zW = newW
            zS = newS
            zR = newR
            zP = newP
            zC = newC
            zE = Model.phiEmployeeRetention * zE + eE
            zCR = Model.phiCustomerRetention * zCR + eCR
            zG = Model.phiMargin * zG + eG
            guard step >= team.startPeriod else { continue }
            let t = step
            let season = Model.seasonality[spec.calendarMonth(t)]
            let growth = min(2.5, max(0.6, 1 + team.growth * Double(t)))

            let training = reps * max(0.5, team.trainingPerRep + 1.8 * zT)
            let employeeRetention = min(99.5, team.employeeRetentionBase + 1.2 * zE)
            let winRate = min(95, max(1, team.winRateBase + Model.winRateSeasonalPoints * (season - 1) + 2.5 * zW))
            let pipelineBase = team.baseRevenue * team.pipelineCoverage
            let pipeline = max(
                0.1 * pipelineBase, pipelineBase * (1 + 0.12 * zP) + Model.pipelineSeasonalUSD * (season - 1))
            // Additive in days, the same spread for every team: a spread proportional to the
            // team's base would tie the leader's variance to the pipeline's (both large for
            // Enterprise teams) and inflate the pooled F test of the stated direction.
            let cycle = max(5, team.cycleDaysBase + 4 * zC)
            let satisfaction = min(100, max(0, team.satisfactionBase + 3 * zS))
            let customerRetention = min(99.5, team.customerRetentionBase + 1.0 * zCR)
            var revenueRaw =
                spec.noise == .multiplicative
                ? team.baseRevenue * growth * season * max(0.2, 1 + 0.08 * zR)
                : max(
                    0.2 * team.baseRevenue * growth,
                    team.baseRevenue * growth + Model.additiveTypicalRevenue * (season - 1) + 0.08 * Model.additiveTypicalRevenue * zR)
            if !shocks.isEmpty { revenueRaw *= max(0.2, 1 + shocks[t]) }
            let revenue = scaled(revenueRaw, 2)
            let margin = team.marginBase + 1.5 * zG
            // Cost follows the printed revenue, so ROI from the file is 1/ratio − 1 ± noise.
            let cost = max(1, scaled(Double(revenue) / 100 * team.costRatio * (1 + 0.04 * eCost), 2))

            let row = t * m
            cells[row + 0] = scaled(training, 1)
            cells[row + 1] = scaled(employeeRetention, 1)
            cells[row + 2] = scaled(winRate, 1)
            cells[row + 3] = scaled(pipeline, 0)
            cells[row + 4] = scaled(cycle, 1)
            cells[row + 5] = scaled(satisfaction, 1)
            cells[row + 6] = scaled(customerRetention, 1)
            cells[row + 7] = revenue
            cells[row + 8] = scaled(margin, 1)
            cells[row + 9] = cost
        }

        // Filler measures: a team level plus persistent AR(1) noise, one stream each.
        for j in Model.core.count..<m {
            var frng = Xoshiro256StarStar(
                seed: spec.seed, team: UInt64(team.index), purpose: Model.purposeFillerBase + UInt64(j))
            let level = 50 + 10 * frng.normal()
            var z = 0.0
            for step in -Model.burnIn..<periods {
                z = Model.phiFiller * z + frng.normal()
                if step >= team.startPeriod {
                    cells[step * m + j] = scaled(level + 4 * z, 2)
                }
            }
        }

        // Missing at random: each (team, measure) has its own stream, one draw per period.
        for j in 0..<m {
            var mrng = Xoshiro256StarStar(
                seed: spec.seed, team: UInt64(team.index), purpose: Model.purposeMissingBase + UInt64(j))
            for t in 0..<periods where mrng.uniform() < Model.missingRate && t >= team.startPeriod {
                cells[t * m + j] = emptyValueCell
            }
        }
    }
}
