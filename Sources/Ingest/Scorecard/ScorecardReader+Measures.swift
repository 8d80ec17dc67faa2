import Foundation
import Yams

extension ScorecardReader {
    /// A perspective's objectives; an empty perspective (no value, `{}`, no objectives) is allowed.
    mutating func objectives(_ entry: Entry, perspective: Perspective) -> [Objective] {
        let context = "in perspective \(quote(entry.key))"
        if isYAMLNull(entry.value) { return [] }
        guard case .mapping(let mapping) = entry.value else {
            fail(
                entry.value, "perspective \(quote(entry.key)) is \(describe(entry.value))",
                "a mapping with objectives")
            return []
        }
        let fields = fields(mapping, allowed: Self.perspectiveKeys, context: context)
        guard let list = fields["objectives"], !isYAMLNull(list.value) else { return [] }
        guard case .sequence(let items) = list.value else {
            fail(
                list.value, "objectives \(context) is \(describe(list.value))",
                "a list of objectives, each starting with \"- name:\"")
            return []
        }
        var objectives: [Objective] = []
        for (i, item) in items.enumerated() {
            if let objective = self.objective(item, index: i + 1, perspective: perspective) {
                objectives.append(objective)
            }
        }
        return objectives
    }

    mutating func objective(_ node: Node, index: Int, perspective: Perspective) -> Objective? {
        let position = "objective \(index) of perspective \(quote(perspective.rawValue))"
        guard case .mapping(let mapping) = node else {
            fail(
                node, "\(position) is \(describe(node))",
                "a mapping with name, measures and optionally weight, initiatives")
            return nil
        }
        let label = peek(mapping, "name").map { "objective \(quote($0))" } ?? position
        let context = "in \(label)"
        let fields = fields(mapping, allowed: Self.objectiveKeys, context: context)
        let name = requiredText(
            fields, "name", owner: node, context: context, expected: "name: the objective's name")
        let weight = self.weight(fields["weight"], context: context)
        var measures: [MeasureDefinition] = []
        if let list = fields["measures"], !isYAMLNull(list.value) {
            if case .sequence(let items) = list.value {
                for (i, item) in items.enumerated() {
                    measuresWritten += 1
                    if let measure = self.measure(
                        item, index: i + 1, objectiveLabel: label, objective: name ?? "", perspective: perspective)
                    {
                        measures.append(measure)
                    }
                }
            } else {
                fail(
                    list.value, "measures \(context) is \(describe(list.value))",
                    "a list of measures, each starting with \"- id:\"")
            }
        }
        var initiatives: [Initiative] = []
        if let list = fields["initiatives"], !isYAMLNull(list.value) {
            if case .sequence(let items) = list.value {
                for (i, item) in items.enumerated() {
                    if let initiative = self.initiative(item, index: i + 1, objectiveLabel: label) {
                        initiatives.append(initiative)
                    }
                }
            } else {
                fail(
                    list.value, "initiatives \(context) is \(describe(list.value))",
                    "a list of initiatives, each starting with \"- name:\"")
            }
        }
        guard let name else { return nil }
        return Objective(name: name, weight: weight, measures: measures, initiatives: initiatives, line: line(node))
    }

    mutating func measure(
        _ node: Node, index: Int, objectiveLabel: String, objective: String, perspective: Perspective
    ) -> MeasureDefinition? {
        let position = "measure \(index) of \(objectiveLabel)"
        guard case .mapping(let mapping) = node else {
            fail(node, "\(position) is \(describe(node))", "a mapping with id, direction and aggregation")
            return nil
        }
        let label = peek(mapping, "id").map { "measure \(quote($0))" } ?? position
        let context = "in \(label)"
        let fields = fields(mapping, allowed: Self.measureKeys, context: context)

        let id = requiredText(
            fields, "id", owner: node, context: context,
            expected: "the measure's name in the data, as text (e.g. id: revenue)")
        if let id, let entry = fields["id"] {
            if let first = measureLines[id] {
                fail(
                    entry.value, "duplicate measure id \(quote(id)) (first at line \(first))",
                    "each measure id once in the scorecard")
            } else {
                measureLines[id] = line(node)
            }
        }
        let name = optionalText(fields["name"], "name \(context)", expected: "text, the measure's display name")
        let unit = optionalText(fields["unit"], "unit \(context)", expected: "text, such as USD or %")

        var direction: Direction?
        if let text = requiredText(
            fields, "direction", owner: node, context: context,
            expected: "direction: higher or lower (which is better)")
        {
            direction = Direction(rawValue: text)
            if direction == nil {
                fail(fields["direction"]!.value, "unknown direction \(quote(text)) \(context)", "higher or lower")
            }
        }
        var aggregation: Aggregation?
        if let text = requiredText(
            fields, "aggregation", owner: node, context: context,
            expected: "aggregation: sum, mean or last (how periods combine)")
        {
            aggregation = Aggregation(rawValue: text)
            if aggregation == nil {
                fail(
                    fields["aggregation"]!.value, "unknown aggregation \(quote(text)) \(context)",
                    "sum, mean or last")
            }
        }
        let target = number(fields["target"], "target", context, expected: "a finite decimal number such as 60000")
        let teamTarget = number(
            fields["team_target"], "team_target", context, expected: "a finite decimal number such as 800")
        let thresholds = fields["thresholds"].map { self.thresholds($0, measureLabel: label) } ?? Thresholds()
        let weight = self.weight(fields["weight"], context: context)

        guard let id, let direction, let aggregation else { return nil }
        return MeasureDefinition(
            id: id, name: name, unit: unit, direction: direction, aggregation: aggregation, target: target,
            teamTarget: teamTarget, thresholds: thresholds, weight: weight, perspective: perspective,
            objective: objective, line: line(node))
    }

    mutating func thresholds(_ entry: Entry, measureLabel: String) -> Thresholds {
        let example = "a mapping such as {green: 1.0, amber: 0.9}"
        if isYAMLNull(entry.value) { return Thresholds() }
        guard case .mapping(let mapping) = entry.value else {
            fail(entry.value, "thresholds in \(measureLabel) is \(describe(entry.value))", example)
            return Thresholds()
        }
        let fields = fields(
            mapping, allowed: Self.thresholdKeys, context: "in the thresholds of \(measureLabel)")
        let defaults = Thresholds()
        func ratio(_ key: String) -> Double? {
            let expected = "an achievement ratio above 0, such as \(key == "green" ? "1.0" : "0.9")"
            guard let entry = fields[key],
                let value = number(entry, "\(key) threshold", "in \(measureLabel)", expected: expected)
            else { return nil }
            if value <= 0 {
                fail(
                    entry.value,
                    "\(key) threshold \(entry.value.scalar?.string ?? "") in \(measureLabel) is not above 0",
                    expected)
                return nil
            }
            return value
        }
        // `ratio` reports through self; Swift needs the calls sequenced.
        let green = ratio("green")
        let amber = ratio("amber")
        let g = green ?? defaults.green
        let a = amber ?? defaults.amber
        let greenBad = fields["green"] != nil && green == nil
        let amberBad = fields["amber"] != nil && amber == nil
        if !greenBad && !amberBad && a > g {
            let greenText = fields["green"]?.value.scalar?.string ?? "1.0 (the default)"
            let amberText = fields["amber"]?.value.scalar?.string ?? "0.9 (the default)"
            let at = fields["amber"]?.value ?? fields["green"]!.value
            let fix = fields["amber"] == nil ? "; give amber explicitly, e.g. amber: \(Self.format(g * 0.9))" : ""
            fail(
                at, "amber threshold \(amberText) is above green threshold \(greenText) in \(measureLabel)",
                "amber at most green, e.g. {green: 1.0, amber: 0.9}\(fix)")
        }
        return Thresholds(green: g, amber: a)
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() ? String(Int(rounded)) : "\(rounded)"
    }

    mutating func initiative(_ node: Node, index: Int, objectiveLabel: String) -> Initiative? {
        let position = "initiative \(index) of \(objectiveLabel)"
        guard case .mapping(let mapping) = node else {
            fail(
                node, "\(position) is \(describe(node))",
                "a mapping such as {name: Enter mid-market, owner: VP Sales, due: 2025-06}")
            return nil
        }
        let label = peek(mapping, "name").map { "initiative \(quote($0))" } ?? position
        let context = "in \(label)"
        let fields = fields(mapping, allowed: Self.initiativeKeys, context: context)
        let name = requiredText(
            fields, "name", owner: node, context: context, expected: "name: the initiative's name")
        let owner = optionalText(fields["owner"], "owner \(context)", expected: "text, who is responsible")
        let due = optionalText(fields["due"], "due \(context)", expected: "a period label such as 2025-06")
        let status = optionalText(
            fields["status"], "status \(context)", expected: "text, such as in progress or done")
        guard let name else { return nil }
        return Initiative(name: name, owner: owner, due: due, status: status, line: line(node))
    }
}
