extension Scorecard {
    /// The link and ROI measure names that are neither measures of this scorecard nor in
    /// `knownMeasures` (typically the measures found in the data), one error per name and
    /// place, in file order, each at the line of its link or of `roi`.
    ///
    /// `ScorecardLoader` does not check these names, since a link or the ROI may name a measure
    /// that exists only in the data (e.g. `sales_cost`); call this once the data is loaded.
    /// Names are compared exactly (case-sensitive); a close match is suggested.
    public func unresolvedReferences(knownMeasures: Set<String>) -> [InputError] {
        let known = knownMeasures.union(measures.map(\.id))
        var errors: [InputError] = []
        func check(_ name: String, _ role: String, line: Int) {
            guard !known.contains(name) else { return }
            var expected = "a measure id from the scorecard or a measure name in the data (compared exactly)"
            if let close = Self.closest(to: name, in: known) { expected += "; did you mean \"\(close)\"?" }
            errors.append(
                InputError(
                    file: file, line: line,
                    problem: "\(role) \"\(name)\" is neither a scorecard measure nor a measure in the data",
                    expected: expected))
        }
        for (i, link) in links.enumerated() {
            check(link.from, "link \(i + 1) from", line: link.line)
            check(link.to, "link \(i + 1) to", line: link.line)
        }
        if let roi {
            check(roi.returnMeasure, "roi return", line: roi.line)
            check(roi.costMeasure, "roi cost", line: roi.line)
        }
        return errors
    }

    /// The known name nearest to `name` by edit distance, if it is a plausible typo (at most
    /// 2 edits, and fewer than half the name's length); ties go to the alphabetically first.
    private static func closest(to name: String, in known: Set<String>) -> String? {
        let target = Array(name.unicodeScalars)
        let limit = min(2, (target.count - 1) / 2)
        guard limit >= 1 else { return nil }
        var best: (distance: Int, name: String)?
        for candidate in known {
            let other = Array(candidate.unicodeScalars)
            guard abs(other.count - target.count) <= limit else { continue }
            let distance = editDistance(target, other)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (distance, candidate)
            }
        }
        return best?.name
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
