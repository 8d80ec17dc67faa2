import Rendering

/// The texts of `scorecard.yml` and `truth.json`, built from an organisation and the
/// summary of its generated values.

/// Where each core measure's organisation target puts it at the last period: the planned
/// achievement ratio (actual/target, or target/actual for `lower` measures) and, for some,
/// non-default thresholds. Ratios sit well inside their bands, so rounding the targets to
/// three significant digits cannot change the colour.
private struct TargetPlan: Sendable {
    var ratio: Double
    var green: Double?
    var amber: Double?
}

private let targetPlans: [String: TargetPlan] = [
    "training_hours": TargetPlan(ratio: 1.08),
    "employee_retention": TargetPlan(ratio: 0.95),
    "win_rate": TargetPlan(ratio: 1.04),
    "pipeline_value": TargetPlan(ratio: 0.80),
    "sales_cycle_days": TargetPlan(ratio: 0.92, green: 1.0, amber: 0.85),
    "customer_satisfaction": TargetPlan(ratio: 0.93, green: 1.0, amber: 0.95),
    "customer_retention": TargetPlan(ratio: 1.02),
    "revenue": TargetPlan(ratio: 0.94),
    "gross_margin": TargetPlan(ratio: 1.05),
    "sales_cost": TargetPlan(ratio: 0.85),
]

/// `x > 0` rounded to three significant digits, as a decimal string (e.g. `39400000`,
/// `87.5`, `0.0123`): only multiplications and divisions by ten, no `log10`.
func threeSignificant(_ x: Double) -> String {
    precondition(x > 0 && x.isFinite)
    var mantissa = x
    var exponent = 0  // x ≈ mantissa × 10^exponent with 100 <= mantissa < 1000
    while mantissa >= 1000 {
        mantissa /= 10
        exponent += 1
    }
    while mantissa < 100 {
        mantissa *= 10
        exponent -= 1
    }
    var digits = Int(mantissa.rounded())
    if digits == 1000 {
        digits = 100
        exponent += 1
    }
    if exponent >= 0 {
        return String(digits) + String(repeating: "0", count: exponent)
    }
    // Negative exponent: place the decimal point, then drop trailing zeros.
    var text = String(digits)
    let point = text.count + exponent
    if point <= 0 {
        text = "0." + String(repeating: "0", count: -point) + text
    } else {
        text.insert(".", at: text.index(text.startIndex, offsetBy: point))
    }
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

/// One measure's targets and its colour at the last period.
struct MeasureStatus {
    var id: String
    var actual: Double
    var target: String
    var teamTarget: String
    var achievement: Double
    var status: String
}

/// Targets for the core measures that have a value at the last period.
func plannedStatuses(_ organisation: Organisation, _ summary: OrganisationSummary) -> [String: MeasureStatus] {
    var out: [String: MeasureStatus] = [:]
    for (j, measure) in organisation.measures.enumerated() {
        guard let plan = targetPlans[measure.id],
            let actual = summary.lastActual(j, aggregation: measure.aggregation), actual > 0
        else { continue }
        let lower = measure.direction == "lower"
        let target = threeSignificant(lower ? actual * plan.ratio : actual / plan.ratio)
        let targetValue = Double(target)!
        let teamTarget =
            measure.aggregation == "sum" ? threeSignificant(targetValue / Double(summary.lastCount[j])) : target
        let achievement = lower ? targetValue / actual : actual / targetValue
        let status =
            achievement >= (plan.green ?? 1.0) ? "green" : achievement >= (plan.amber ?? 0.9) ? "amber" : "red"
        out[measure.id] = MeasureStatus(
            id: measure.id, actual: actual, target: target, teamTarget: teamTarget, achievement: achievement,
            status: status)
    }
    return out
}

/// A strategy-map link as stated in the scorecard, with what is really behind it.
struct LinkTruth: Sendable {
    var from: String
    var to: String
    var statedSign: String
    var truth: String  // planted | null | reversed
    var trueFrom: String?
    var trueTo: String?
    var lag: Int?
    var sign: String?
    var coefficient: Double
    var note: String
}

let linkTruths: [LinkTruth] = [
    LinkTruth(
        from: "training_hours", to: "win_rate", statedSign: "positive", truth: "planted",
        trueFrom: "training_hours", trueTo: "win_rate", lag: 1, sign: "positive",
        coefficient: Model.trainingToWin,
        note: "A month with more training than the team's norm raises next month's win rate."),
    LinkTruth(
        from: "win_rate", to: "customer_satisfaction", statedSign: "positive", truth: "planted",
        trueFrom: "win_rate", trueTo: "customer_satisfaction", lag: 1, sign: "positive",
        coefficient: Model.winToSatisfaction,
        note: "Better-qualified wins make happier customers one month later."),
    LinkTruth(
        from: "customer_satisfaction", to: "revenue", statedSign: "positive", truth: "planted",
        trueFrom: "customer_satisfaction", trueTo: "revenue", lag: 2, sign: "positive",
        coefficient: Model.satisfactionToRevenue,
        note: "Satisfied customers expand and refer: revenue follows two months later."),
    LinkTruth(
        from: "employee_retention", to: "customer_retention", statedSign: "positive", truth: "null",
        trueFrom: nil, trueTo: nil, lag: nil, sign: nil, coefficient: 0,
        note: "No effect: the two series are generated independently."),
    LinkTruth(
        from: "sales_cycle_days", to: "pipeline_value", statedSign: "negative", truth: "reversed",
        trueFrom: "pipeline_value", trueTo: "sales_cycle_days", lag: 1, sign: "positive",
        coefficient: Model.pipelineToCycle,
        note:
            """
            Stated backwards: a swollen pipeline stretches the reps and lengthens next month's sales cycle; cycle length does not move the \
            pipeline.
            """
    ),
]

/// The equation behind each core measure, for truth.json (z are latent AR(1) processes
/// with standard-normal innovations e; m is the calendar month, s[m] the seasonality table).
let measureModels: [String: String] = [
    "training_hours":
        "reps × max(0.5, training_per_rep + 1.8 z_T); z_T[t] = 0.5 z_T[t-1] + e",
    "employee_retention": "min(99.5, employee_retention_base + 1.2 z_E); z_E[t] = 0.7 z_E[t-1] + e",
    "win_rate":
        "clamp(win_rate_base + 8 (s[m] - 1) + 2.5 z_W, 1, 95); z_W[t] = 0.5 z_W[t-1] + 0.32 z_T[t-1] + e",
    "pipeline_value":
        "max(0.1 P, P (1 + 0.12 z_P) + 400000 (s[m] - 1)), P = base_revenue × pipeline_coverage; z_P[t] = 0.5 z_P[t-1] + e",
    "sales_cycle_days":
        "max(5, cycle_days_base + 4 z_C); z_C[t] = 0.2 z_C[t-1] + 0.22 z_P[t-1] + e",
    "customer_satisfaction":
        "clamp(satisfaction_base + 3 z_S, 0, 100); z_S[t] = 0.5 z_S[t-1] + 0.32 z_W[t-1] + e",
    "customer_retention": "min(99.5, customer_retention_base + 1.0 z_CR); z_CR[t] = 0.6 z_CR[t-1] + e",
    "revenue":
        "base_revenue × clamp(1 + growth t, 0.6, 2.5) × s[m] × max(0.2, 1 + 0.08 z_R); z_R[t] = 0.3 z_R[t-1] + 0.38 z_S[t-2] + e",
    "gross_margin": "margin_base + 1.5 z_G; z_G[t] = 0.5 z_G[t-1] + e",
    "sales_cost": "revenue (as printed) × cost_ratio × (1 + 0.04 e), at least 0.01",
]

// MARK: - scorecard.yml

/// The objectives of each perspective: (name, weight, measure ids, initiative).
private struct ObjectivePlan: Sendable {
    var name: String
    var weight: Int?
    var measures: [String]
    var measureWeights: [String: Int] = [:]
    var initiative: InitiativePlan?
}

private struct InitiativePlan: Sendable {
    var name: String
    var owner: String
    var due: Due
    var status: String

    /// When an initiative is due, relative to the data, so that whatever the number of
    /// periods one `done` initiative lies in the past, one still `in progress` is overdue
    /// at the last period, and the others lie ahead.
    enum Due: Sendable {
        case midway
        case beforeLast(Int)
        case afterLast(Int)

        func periodIndex(periods: Int) -> Int {
            switch self {
            case .midway: periods / 2
            case .beforeLast(let k): max(0, periods - 1 - k)
            case .afterLast(let k): periods - 1 + k
            }
        }
    }
}

private let objectivePlans: [(String, [ObjectivePlan])] = [
    (
        "learning",
        [
            ObjectivePlan(
                name: "Build sales capability", weight: nil, measures: ["training_hours"],
                initiative: InitiativePlan(
                    name: "Sales academy for every rep", owner: "Head of Sales Enablement",
                    due: .midway, status: "done")),
            ObjectivePlan(name: "Keep experienced sellers", weight: nil, measures: ["employee_retention"]),
        ]
    ),
    (
        "process",
        [
            ObjectivePlan(
                name: "Win the right deals faster", weight: nil, measures: ["win_rate", "sales_cycle_days"],
                measureWeights: ["win_rate": 2],
                initiative: InitiativePlan(
                    name: "Deal-desk qualification rules", owner: "Sales Operations Director",
                    due: .beforeLast(2), status: "in progress")),
            ObjectivePlan(name: "Build a healthy pipeline", weight: nil, measures: ["pipeline_value"]),
        ]
    ),
    (
        "customer",
        [
            ObjectivePlan(
                name: "Delight customers", weight: nil, measures: ["customer_satisfaction"],
                initiative: InitiativePlan(
                    name: "Customer success playbook", owner: "VP Customer Success",
                    due: .afterLast(3), status: "in progress")),
            ObjectivePlan(name: "Keep customers", weight: nil, measures: ["customer_retention"]),
        ]
    ),
    (
        "financial",
        [
            ObjectivePlan(name: "Grow revenue", weight: 2, measures: ["revenue"]),
            ObjectivePlan(
                name: "Sell profitably", weight: nil, measures: ["gross_margin", "sales_cost"],
                initiative: InitiativePlan(
                    name: "Discount approval workflow", owner: "CFO",
                    due: .afterLast(6), status: "not started")),
        ]
    ),
]

func scorecard(_ organisation: Organisation, _ summary: OrganisationSummary) -> String {
    let spec = organisation.spec
    let last = spec.periods - 1
    let statuses = plannedStatuses(organisation, summary)
    let byId = Dictionary(uniqueKeysWithValues: organisation.measures.map { ($0.id, $0) })
    var y = ""
    y += "# Balanced scorecard of a synthetic B2B sales organisation, written by\n"
    y += "# `scorecard generate --teams \(spec.teams) --periods \(spec.periods)"
    y += spec.measures == SalesOrganisationSpec.coreMeasureCount ? "" : " --measures \(spec.measures)"
    y += " --seed \(spec.seed)` (module SampleData).\n"
    y += "# Periods \(spec.periodLabel(0)) to \(spec.periodLabel(last)), monthly. Targets are per period (one month):\n"
    y += "# `target` for the whole organisation, `team_target` for each team. The links below are the\n"
    y += "# strategy map's hypotheses; what the data really contain is in truth.json, not here.\n"
    y += "name: \(yamlScalar("B2B sales scorecard (synthetic, seed \(spec.seed))"))\n"
    y += "perspectives:\n"
    for (perspective, objectives) in objectivePlans {
        y += "  \(perspective):\n"
        y += "    objectives:\n"
        var all = objectives
        let fillers = organisation.measures.dropFirst(Model.core.count).filter { $0.perspective == perspective }
        if !fillers.isEmpty {
            all.append(ObjectivePlan(name: "Other indicators", weight: nil, measures: fillers.map(\.id)))
        }
        for objective in all {
            y += "      - name: \(yamlScalar(objective.name))\n"
            if let weight = objective.weight { y += "        weight: \(weight)\n" }
            y += "        measures:\n"
            for id in objective.measures {
                let measure = byId[id]!
                y += "          - id: \(yamlScalar(measure.id))\n"
                y += "            name: \(yamlScalar(measure.name))\n"
                y += "            unit: \(yamlScalar(measure.unit))\n"
                y += "            direction: \(measure.direction)\n"
                y += "            aggregation: \(measure.aggregation)\n"
                if let status = statuses[id] {
                    y += "            target: \(status.target)\n"
                    y += "            team_target: \(status.teamTarget)\n"
                }
                if let plan = targetPlans[id], let green = plan.green, let amber = plan.amber {
                    y += "            thresholds: {green: \(decimalString(green, decimals: 2)), "
                    y += "amber: \(decimalString(amber, decimals: 2))}\n"
                }
                if let weight = objective.measureWeights[id] { y += "            weight: \(weight)\n" }
            }
            if let initiative = objective.initiative {
                let due = spec.periodLabel(initiative.due.periodIndex(periods: spec.periods))
                y += "        initiatives:\n"
                y += "          - {name: \(yamlScalar(initiative.name)), owner: \(yamlScalar(initiative.owner)), "
                y += "due: \(due), status: \(yamlScalar(initiative.status))}\n"
            }
        }
    }
    y += "links:                         # cause -> effect, as the strategy map claims\n"
    for link in linkTruths {
        y += "  - {from: \(link.from), to: \(link.to), sign: \(link.statedSign)}\n"
    }
    y += "roi: {return: revenue, cost: sales_cost}\n"
    return y
}

// MARK: - truth.json

func truth(_ organisation: Organisation, _ summary: OrganisationSummary) -> String {
    let spec = organisation.spec
    let last = spec.periods - 1
    func num(_ x: Double, _ decimals: Int = 6) -> String { decimalString(x, decimals: decimals) }
    func str(_ s: String?) -> String { s.map(JSONWriter.quoted) ?? "null" }
    var j = "{\n"
    j += "  \"generator\": \"SampleData.SalesOrganisationGenerator\",\n"
    j += "  \"spec\": {\"teams\": \(spec.teams), \"periods\": \(spec.periods), \"measures\": \(spec.measures), "
    j += "\"seed\": \(spec.seed), \"first_period\": \"\(spec.periodLabel(0))\", "
    j += "\"last_period\": \"\(spec.periodLabel(last))\"},\n"
    j += "  \"rows\": \(summary.rows),\n"
    j += "  \"empty_values\": \(summary.emptyValues),\n"
    j += "  \"missing_rate\": \(num(Model.missingRate)),\n"
    j += "  \"burn_in_months\": \(Model.burnIn),\n"

    j += "  \"links\": [\n"
    j += linkTruths.map { link in
        var s = "    {\"from\": \(str(link.from)), \"to\": \(str(link.to)), \"stated_sign\": \(str(link.statedSign)), "
        s += "\"truth\": \(str(link.truth)), \"true_from\": \(str(link.trueFrom)), \"true_to\": \(str(link.trueTo)), "
        s += "\"lag\": \(link.lag.map(String.init) ?? "null"), \"sign\": \(str(link.sign)), "
        s += "\"latent_coefficient\": \(num(link.coefficient)), \"note\": \(str(link.note))}"
        return s
    }.joined(separator: ",\n")
    j += "\n  ],\n"

    j += "  \"seasonality\": {\"table\": [" + Model.seasonality.map { num($0) }.joined(separator: ", ") + "], "
    j += "\"revenue\": \"multiplied by s[m]\", "
    j += "\"win_rate\": \"plus \(num(Model.winRateSeasonalPoints)) points × (s[m] - 1)\", "
    j += "\"pipeline_value\": \"plus \(num(Model.pipelineSeasonalUSD)) USD × (s[m] - 1), the same for every team\"},\n"

    j += "  \"measures\": [\n"
    j += organisation.measures.map { m in
        var s = "    {\"id\": \(str(m.id)), \"name\": \(str(m.name)), \"unit\": \(str(m.unit)), "
        s += "\"perspective\": \(str(m.perspective)), \"direction\": \(str(m.direction)), "
        s += "\"aggregation\": \(str(m.aggregation)), \"decimals\": \(m.decimals), "
        s += "\"meaning\": \(str(m.meaning)), "
        s += "\"model\": \(str(measureModels[m.id] ?? "team level 50 + 10 e plus 4 z; z[t] = 0.7 z[t-1] + e"))}"
        return s
    }.joined(separator: ",\n")
    j += "\n  ],\n"

    let statuses = plannedStatuses(organisation, summary)
    j += "  \"status_at_last_period\": {\"period\": \"\(spec.periodLabel(last))\", \"measures\": [\n"
    j += organisation.measures.compactMap { m -> String? in
        guard let st = statuses[m.id] else { return nil }
        var s = "    {\"id\": \(str(m.id)), \"actual\": \(num(st.actual, 4)), \"target\": \(st.target), "
        s += "\"team_target\": \(st.teamTarget), \"achievement\": \(num(st.achievement)), \"status\": \(str(st.status))}"
        return s
    }.joined(separator: ",\n")
    j += "\n  ]},\n"

    if let q = summary.roiQuartiles() {
        let topMean = q.top.reduce(0, +) / Double(max(1, q.top.count))
        let bottomMean = q.bottom.reduce(0, +) / Double(max(1, q.bottom.count))
        j += "  \"roi\": {\"return\": \"revenue\", \"cost\": \"sales_cost\", \"q25\": \(num(q.q25)), "
        j += "\"q50\": \(num(q.q50)), \"q75\": \(num(q.q75)), \"top_n\": \(q.top.count), "
        j += "\"bottom_n\": \(q.bottom.count), \"top_mean\": \(num(topMean)), \"bottom_mean\": \(num(bottomMean)), "
        j += "\"ratio\": " + (q.top.isEmpty || q.bottom.isEmpty || bottomMean <= 0 ? "null" : num(topMean / bottomMean))
        j += "},\n"
    } else {
        j += "  \"roi\": {\"return\": \"revenue\", \"cost\": \"sales_cost\"},\n"
    }

    let late = organisation.teams.filter { $0.startPeriod > 0 }
    j += "  \"late_start_teams\": ["
    j += late.map { "{\"team\": \(str($0.name)), \"first_period\": \"\(spec.periodLabel($0.startPeriod))\"}" }
        .joined(separator: ", ")
    j += "],\n"
    let quoted = organisation.teams.filter { csvField($0.name) != $0.name }.map { str($0.name) }
    j += "  \"teams_needing_csv_quotes\": [" + quoted.joined(separator: ", ") + "],\n"

    j += "  \"teams\": [\n"
    j += organisation.teams.map { t in
        var s = "    {\"name\": \(str(t.name)), \"region\": \(str(t.regionName)), \"segment\": \(str(t.segmentName)), "
        s += "\"reps\": \(t.reps), \"first_period\": \"\(spec.periodLabel(t.startPeriod))\", "
        s += "\"base_revenue\": \(num(t.baseRevenue, 2)), \"growth_per_month\": \(num(t.growth)), "
        s += "\"cost_ratio\": \(num(t.costRatio)), "
        s += "\"roi\": \(summary.roi(t.index).map { num($0) } ?? "null")}"
        return s
    }.joined(separator: ",\n")
    j += "\n  ]\n}\n"
    return j
}
