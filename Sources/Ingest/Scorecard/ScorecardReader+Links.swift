import Foundation
import Yams

// Links between measures and the ROI definition.
extension ScorecardReader {
    mutating func links(_ entry: Entry) -> [StrategyLink] {
        if isYAMLNull(entry.value) { return [] }
        guard case .sequence(let items) = entry.value else {
            fail(
                entry.value, "links is \(describe(entry.value))",
                "a list of links such as {from: customer_satisfaction, to: revenue}")
            return []
        }
        var links: [StrategyLink] = []
        var firstLine: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            let label = "link \(i + 1)"
            guard case .mapping(let mapping) = item else {
                fail(
                    item, "\(label) is \(describe(item))",
                    "a mapping such as {from: customer_satisfaction, to: revenue, sign: positive}")
                continue
            }
            let context = "in \(label)"
            let fields = fields(mapping, allowed: Self.linkKeys, context: context)
            let from = requiredText(
                fields, "from", owner: item, context: context, expected: "from: the id of the cause measure")
            let to = requiredText(
                fields, "to", owner: item, context: context, expected: "to: the id of the effect measure")
            var sign: LinkSign?
            var signValid = true
            let signExpected = "positive, negative, '+' or '-' (quote + and -)"
            switch text(fields["sign"], "sign \(context)", expected: signExpected) {
            case .absent: break
            case .invalid: signValid = false
            case .value(let text):
                switch text {
                case "positive", "+": sign = .positive
                case "negative", "-": sign = .negative
                default:
                    fail(fields["sign"]!.value, "unknown sign \(quote(text)) \(context)", signExpected)
                    signValid = false
                }
            }
            guard let from, let to else { continue }
            if from == to {
                fail(
                    fields["to"]!.value, "\(label) goes from \(quote(from)) to itself",
                    "two different measures, cause (from) and effect (to)")
                continue
            }
            let key = from + "\u{0}" + to
            if let first = firstLine[key] {
                fail(
                    item, "duplicate link from \(quote(from)) to \(quote(to)) (first at line \(first))",
                    "each link once")
                continue
            }
            firstLine[key] = line(item)
            if signValid { links.append(StrategyLink(from: from, to: to, sign: sign, line: line(item))) }
        }
        return links
    }

    mutating func roi(_ entry: Entry) -> ROIDefinition? {
        if isYAMLNull(entry.value) { return nil }
        guard case .mapping(let mapping) = entry.value else {
            fail(
                entry.value, "roi is \(describe(entry.value))",
                "a mapping such as {return: revenue, cost: sales_cost}")
            return nil
        }
        let context = "in roi"
        let fields = fields(mapping, allowed: Self.roiKeys, context: context)
        let ret = requiredText(
            fields, "return", owner: entry.value, context: context,
            expected: "return: the measure summed as the sales return, e.g. revenue")
        let cost = requiredText(
            fields, "cost", owner: entry.value, context: context,
            expected: "cost: the measure summed as the sales cost, e.g. sales_cost")
        guard let ret, let cost else { return nil }
        if ret == cost {
            fail(
                fields["cost"]!.value, "roi return and cost are the same measure \(quote(ret))",
                "two different measures, e.g. {return: revenue, cost: sales_cost}")
            return nil
        }
        return ROIDefinition(returnMeasure: ret, costMeasure: cost, line: line(entry.keyNode))
    }
}
