import Foundation
import TestSupport
import Testing

@testable import Ingest

/// Loads `yaml` as `sc.yml` and returns the `description` of every error (empty when it loads).
private func problems(_ yaml: String) -> [String] {
    do {
        _ = try ScorecardLoader.load(yaml: yaml, file: "sc.yml")
        return []
    } catch let errors as InputErrors {
        return errors.errors.map(\.description)
    } catch {
        return ["unexpected error \(type(of: error)): \(error)"]
    }
}

/// Lines 1–8: one valid measure; tests append lines from line 9 (measure keys at column 13).
private let oneMeasure = """
    perspectives:
      financial:
        objectives:
          - name: Grow
            measures:
              - id: revenue
                direction: higher
                aggregation: sum

    """

/// A valid scorecard for tests about `links` and `roi` (which start at line 6).
private let twoMeasures = """
    perspectives:
      financial:
        objectives:
          - name: Grow
            measures: [{id: a, direction: higher, aggregation: sum}, {id: b, direction: lower, aggregation: mean}]

    """

@Suite("ScorecardLoader")
struct ScorecardLoaderTests {
    // MARK: - Valid files

    @Test("a full scorecard, every key, parses to the exact model")
    func fullScorecard() throws {
        let yaml = """
            name: B2B sales scorecard
            perspectives:                  # any of financial, customer, process, learning
              financial:
                objectives:
                  - name: Grow profitable revenue
                    weight: 2
                    measures:
                      - id: revenue        # the measure's name in the data
                        name: Revenue      # optional display name
                        unit: USD          # optional
                        direction: higher  # higher | lower is better
                        aggregation: sum   # sum | mean | last, over a window of periods
                        target: 60000      # optional: the organisation's, per period
                        team_target: 800   # optional: each team's, per period
                        thresholds: {green: 1.1, amber: 0.85}   # achievement ratios, optional
                        weight: 0.5        # optional, default 1
                    initiatives:           # optional
                      - {name: Enter mid-market, owner: VP Sales, due: 2025-06, status: in progress}
              learning:
                objectives:
                  - name: Skilled reps
                    measures:
                      - id: training_hours
                        direction: higher
                        aggregation: mean
                      - id: 2024
                        direction: lower
                        aggregation: last
                        target: -0
                        weight: 0
                    initiatives:
                      - name: Academy
                        due: 2025-Q3
                        status: done
            links:                         # strategy-map hypotheses, cause -> effect
              - {from: training_hours, to: revenue, sign: positive}
              - {from: "2024", to: revenue, sign: '-'}
              - from: training_hours
                to: "2024"
            roi: {return: revenue, cost: sales_cost}

            """
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "scorecard.yml")
        let revenue = MeasureDefinition(
            id: "revenue", name: "Revenue", unit: "USD", direction: .higher, aggregation: .sum, target: 60000,
            teamTarget: 800, thresholds: Thresholds(green: 1.1, amber: 0.85), weight: 0.5, perspective: .financial,
            objective: "Grow profitable revenue", line: 8)
        let hours = MeasureDefinition(
            id: "training_hours", direction: .higher, aggregation: .mean, perspective: .learning,
            objective: "Skilled reps", line: 23)
        let year = MeasureDefinition(
            id: "2024", direction: .lower, aggregation: .last, target: 0, weight: 0, perspective: .learning,
            objective: "Skilled reps", line: 26)
        let expected = Scorecard(
            name: "B2B sales scorecard", file: "scorecard.yml",
            perspectives: [
                PerspectiveBlock(
                    perspective: .financial,
                    objectives: [
                        Objective(
                            name: "Grow profitable revenue", weight: 2, measures: [revenue],
                            initiatives: [
                                Initiative(
                                    name: "Enter mid-market", owner: "VP Sales", due: "2025-06", status: "in progress",
                                    line: 18)
                            ], line: 5)
                    ], line: 3),
                PerspectiveBlock(
                    perspective: .learning,
                    objectives: [
                        Objective(
                            name: "Skilled reps", weight: 1, measures: [hours, year],
                            initiatives: [Initiative(name: "Academy", due: "2025-Q3", status: "done", line: 32)],
                            line: 21)
                    ], line: 19),
            ],
            links: [
                StrategyLink(from: "training_hours", to: "revenue", sign: .positive, line: 36),
                StrategyLink(from: "2024", to: "revenue", sign: .negative, line: 37),
                StrategyLink(from: "training_hours", to: "2024", sign: nil, line: 38),
            ],
            roi: ROIDefinition(returnMeasure: "revenue", costMeasure: "sales_cost", line: 40))
        #expect(scorecard == expected)
        #expect(scorecard.measures.map(\.id) == ["revenue", "training_hours", "2024"])
        #expect(scorecard.measure(id: "2024")?.target?.sign == .plus)  // -0 is 0
        #expect(scorecard.perspectives[1].objectives[0].initiatives[0].isClosed)
    }

    @Test("ids and names are the text as written: numbers, YAML 1.1 booleans, nulls spelled in quotes")
    func scalarsStayText() throws {
        let yaml = """
            name: 2025
            perspectives:
              process:
                objectives:
                  - name: yes
                    measures:
                      - {id: no, name: on, unit: OFF, direction: higher, aggregation: sum, target: 010}
                      - {id: 1.50, name: 'null', direction: higher, aggregation: sum, team_target: 1e3}
                      - {id: "~", direction: higher, aggregation: sum, target: -2.5E-1}

            """
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "sc.yml")
        #expect(scorecard.name == "2025")
        #expect(scorecard.perspectives[0].objectives[0].name == "yes")
        let m = scorecard.measures
        #expect(m.map(\.id) == ["no", "1.50", "~"])
        #expect(m.map(\.name) == ["on", "null", "~"])
        #expect(m[0].unit == "OFF")
        #expect(m[0].target == 10)  // decimal, not YAML 1.1 octal
        #expect(m[1].teamTarget == 1000)
        #expect(m[2].target == -0.25)
    }

    @Test("empty optional values count as absent and take their defaults")
    func emptyOptionalValues() throws {
        let yaml = """
            name:
            perspectives:
              customer:
              financial:
                objectives:
                  - name: Grow
                    weight: ~
                    initiatives:
                    measures:
                      - {id: a, name: null, unit: '', direction: higher, aggregation: sum, target: ~, thresholds: {}, weight: }
                      - {id: b, direction: lower, aggregation: mean, thresholds: {amber: 0.5}}
            links:
            roi:

            """
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "sc.yml")
        #expect(scorecard.name == nil)
        #expect(scorecard.perspectives.map(\.perspective) == [.customer, .financial])
        #expect(scorecard.perspectives[0].objectives.isEmpty)
        let objective = scorecard.perspectives[1].objectives[0]
        #expect(objective.weight == 1)
        #expect(objective.initiatives.isEmpty)
        let a = objective.measures[0]
        #expect(a.name == "a" && a.unit == nil && a.target == nil && a.weight == 1)
        #expect(a.thresholds == Thresholds(green: 1.0, amber: 0.9))
        #expect(objective.measures[1].thresholds == Thresholds(green: 1.0, amber: 0.5))
        #expect(scorecard.links.isEmpty)
        #expect(scorecard.roi == nil)
    }

    @Test("an asterisk inside names, quotes and comments is not an alias")
    func asterisksInText() throws {
        let yaml = """
            name: Grow *profitable* revenue
            perspectives:
              financial:
                objectives:
                  - name: "a, *b"   # see *note
                    measures:
                      - {id: a*b, name: '*x', direction: higher, aggregation: sum}
                      - id: c
                        name: |
                          *literal
                        direction: higher
                        aggregation: sum

            """
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "sc.yml")
        #expect(scorecard.name == "Grow *profitable* revenue")
        #expect(scorecard.perspectives[0].objectives[0].name == "a, *b")
        #expect(scorecard.measures.map(\.id) == ["a*b", "c"])
        #expect(scorecard.measures.map(\.name) == ["*x", "*literal\n"])
    }

    @Test("sign: positive, negative, '+', '-', unquoted +, and - just before } in a flow mapping")
    func signs() throws {
        let yaml =
            twoMeasures + """
                links:
                  - {from: a, to: b, sign: positive}
                  - {from: b, to: a, sign: negative}
                  - {from: a, to: c, sign: '+'}
                  - {from: c, to: a, sign: '-'}
                  - {from: b, to: c, sign: +}
                  - {from: c, to: b, sign: -}
                  - {from: a, to: d}

                """
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "sc.yml")
        #expect(scorecard.links.map(\.sign) == [.positive, .negative, .positive, .negative, .positive, .negative, nil])
        #expect(scorecard.links.map(\.line) == Array(7...13))
    }

    @Test("a BOM at the start is not counted in columns")
    func byteOrderMark() {
        #expect(
            problems("\u{FEFF}colour: blue\n" + oneMeasure) == [
                "sc.yml:1:1: unknown key \"colour\" at the top level; expected one of name, perspectives, links, roi, data"
            ])
    }

    @Test("Windows line ends (CR LF) count one line each")
    func crlf() {
        let yaml = (oneMeasure + "            colour: red\n").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(
            problems(yaml) == [
                """
                sc.yml:9:13: unknown key "colour" in measure "revenue"; expected one of id, name, unit, direction, aggregation, target, \
                team_target, thresholds, weight
                """
            ])
    }

    // MARK: - Structure

    @Test("empty file")
    func emptyFile() {
        let message = "sc.yml:1:1: the scorecard is empty; expected a mapping with `perspectives`"
        #expect(problems("") == [message])
        #expect(problems("# only a comment\n\n") == [message])
        #expect(problems("~\n") == [message])
    }

    @Test("top level not a mapping")
    func topLevelNotMapping() {
        #expect(
            problems("- financial\n- customer\n") == [
                "sc.yml:1:1: the top level is a list; expected a mapping with `perspectives` and optionally name, links, roi"
            ])
        #expect(
            problems("hello\n") == [
                "sc.yml:1:1: the top level is the text \"hello\"; expected a mapping with `perspectives` and optionally name, links, roi"
            ])
    }

    @Test("missing perspectives")
    func missingPerspectives() {
        #expect(
            problems("name: x\nlinks: []\n") == [
                """
                sc.yml:1:1: missing key "perspectives" at the top level; expected perspectives: a mapping with at least one of financial, \
                customer, process, learning
                """
            ])
    }

    @Test("perspectives empty or of the wrong type")
    func perspectivesWrongType() {
        #expect(
            problems("perspectives:\n") == [
                """
                sc.yml:1:14: perspectives is empty; expected at least one of financial, customer, process, learning, with objectives and \
                measures
                """
            ])
        #expect(
            problems("perspectives:\n  - financial: {}\n") == [
                """
                sc.yml:2:3: perspectives is a list; expected a mapping from perspective (financial, customer, process, learning) to its \
                objectives
                """
            ])
    }

    @Test("no measures anywhere")
    func noMeasures() {
        let yaml = """
            perspectives:
              financial:
              customer:
                objectives:
                  - name: Delight
                    measures: []

            """
        #expect(
            problems(yaml) == [
                "sc.yml:1:1: the scorecard has no measures; expected at least one measure, under perspectives > objectives > measures"
            ])
    }

    @Test("unknown perspective")
    func unknownPerspective() {
        #expect(
            problems(oneMeasure + "  finance:\n    objectives: []\n") == [
                "sc.yml:9:3: unknown perspective \"finance\"; expected one of financial, customer, process, learning"
            ])
    }

    @Test("unknown key at the top level")
    func unknownTopLevelKey() {
        #expect(
            problems(oneMeasure + "colour: blue\n") == [
                "sc.yml:9:1: unknown key \"colour\" at the top level; expected one of name, perspectives, links, roi, data"
            ])
    }

    @Test("unknown key in a measure")
    func unknownMeasureKey() {
        #expect(
            problems(oneMeasure + "            weigth: 2\n") == [
                """
                sc.yml:9:13: unknown key "weigth" in measure "revenue"; expected one of id, name, unit, direction, aggregation, target, \
                team_target, thresholds, weight
                """
            ])
    }

    @Test("unknown keys in perspective, objective, thresholds, initiative, link and roi")
    func unknownNestedKeys() {
        let yaml = """
            perspectives:
              financial:
                goals: []
                objectives:
                  - name: Grow
                    owner: me
                    measures:
                      - {id: a, direction: higher, aggregation: sum, thresholds: {green: 1, red: 0.5}}
                    initiatives:
                      - {name: Launch, budget: 5}
            links:
              - {from: a, to: b, lag: 2}
            roi: {return: a, cost: b, tax: c}

            """
        #expect(
            problems(yaml) == [
                "sc.yml:3:5: unknown key \"goals\" in perspective \"financial\"; expected one of objectives",
                "sc.yml:6:9: unknown key \"owner\" in objective \"Grow\"; expected one of name, weight, measures, initiatives",
                "sc.yml:8:81: unknown key \"red\" in the thresholds of measure \"a\"; expected one of green, amber",
                "sc.yml:10:28: unknown key \"budget\" in initiative \"Launch\"; expected one of name, owner, due, status",
                "sc.yml:12:22: unknown key \"lag\" in link 1; expected one of from, to, sign",
                "sc.yml:13:27: unknown key \"tax\" in roi; expected one of return, cost",
            ])
    }

    @Test("a list or mapping used as a key")
    func complexKey() {
        #expect(
            problems("? [a, b]\n: c\n" + oneMeasure) == [
                "sc.yml:1:3: a list used as a key at the top level; expected one of name, perspectives, links, roi, data"
            ])
    }

    @Test("duplicate key in one mapping, reported at each repeat with the first's line")
    func duplicateKeys() {
        #expect(
            problems("name: a\n" + oneMeasure + "name: b\n\"name\": c\n") == [
                "sc.yml:10:1: duplicate key \"name\" at the top level (first at line 1); expected each key at most once in a mapping",
                "sc.yml:11:1: duplicate key \"name\" at the top level (first at line 1); expected each key at most once in a mapping",
            ])
        #expect(
            problems(oneMeasure + "            direction: lower\n") == [
                """
                sc.yml:9:13: duplicate key "direction" in measure "revenue" (first at line 7); expected each key at most once in a mapping
                """
            ])
    }

    @Test("duplicate keys Yams cannot set aside (tagged, or lists) stop at the first; more than 100 is a limit")
    func duplicateKeysFallback() {
        #expect(
            problems("!!str name: a\n!!str name: b\n" + oneMeasure) == [
                "sc.yml:1:1: duplicate key \"name\"; expected each key at most once in a mapping"
            ])
        #expect(
            problems("[a]: 1\n[a]: 2\n") == ["sc.yml:1:1: duplicate key; expected each key at most once in a mapping"])
        let many = String(repeating: "name: x\n", count: 102) + oneMeasure
        let error = try? #require(throws: InputErrors.self) { try ScorecardLoader.load(yaml: many, file: "sc.yml") }
        #expect(
            error?.errors.map(\.description) == [
                "sc.yml:101:1: more than 100 duplicate keys; expected each key at most once in a mapping"
            ])
        #expect(error?.errors.first?.kind == .limit)
    }

    @Test("a misspelt perspective does not also report \"no measures\"")
    func noMeasuresNotRepeated() {
        #expect(
            problems("perspectives:\n  finance:\n    objectives: []\n") == [
                "sc.yml:2:3: unknown perspective \"finance\"; expected one of financial, customer, process, learning"
            ])
    }

    @Test("duplicate perspective")
    func duplicatePerspective() {
        #expect(
            problems(oneMeasure + "  financial: {}\n") == [
                "sc.yml:9:3: duplicate key \"financial\" in perspectives (first at line 2); expected each key at most once in a mapping"
            ])
    }

    @Test("duplicate measure id anywhere in the file")
    func duplicateMeasureId() {
        let yaml =
            oneMeasure + """
                  customer:
                    objectives:
                      - name: Delight
                        measures:
                          - {id: revenue, direction: higher, aggregation: mean}

                """
        #expect(
            problems(yaml) == [
                "sc.yml:13:18: duplicate measure id \"revenue\" (first at line 6); expected each measure id once in the scorecard"
            ])
    }

    @Test("objectives, measures and initiatives must be lists of mappings")
    func wrongCollections() {
        let yaml = """
            perspectives:
              financial: [Grow]
              customer:
                objectives: {name: Delight}
              process:
                objectives:
                  - Speed up
                  - name: Faster
                    measures: {id: cycle_time}
                  - name: Cheaper
                    measures:
                      - cost
                      - {id: cost, direction: lower, aggregation: sum}
                    initiatives: Launch
                  - name: Safer
                    measures: [{id: incidents, direction: lower, aggregation: sum}]
                    initiatives: [Audit]

            """
        #expect(
            problems(yaml) == [
                "sc.yml:2:14: perspective \"financial\" is a list; expected a mapping with objectives",
                """
                sc.yml:4:17: objectives in perspective "customer" is a mapping; expected a list of objectives, each starting with "- name:"
                """,
                """
                sc.yml:7:9: objective 1 of perspective "process" is the text "Speed up"; expected a mapping with name, measures and \
                optionally weight, initiatives
                """,
                "sc.yml:9:19: measures in objective \"Faster\" is a mapping; expected a list of measures, each starting with \"- id:\"",
                """
                sc.yml:12:13: measure 1 of objective "Cheaper" is the text "cost"; expected a mapping with id, direction and aggregation
                """,
                """
                sc.yml:14:22: initiatives in objective "Cheaper" is the text "Launch"; expected a list of initiatives, each starting with \
                "- name:"
                """,
                """
                sc.yml:17:23: initiative 1 of objective "Safer" is the text "Audit"; expected a mapping such as {name: Enter mid-market, \
                owner: VP Sales, due: 2025-06}
                """,
            ])
    }

    // MARK: - Required keys

    @Test("measure without id, direction, aggregation")
    func measureRequiredKeys() {
        // Lines 6 and 7: `          - name: Revenue`, `          - id: margin`.
        let yaml = ScorecardYAML.scorecard([.init("financial", "Grow", ["name: Revenue", "id: margin"])])
        #expect(
            problems(yaml) == [
                """
                sc.yml:6:13: missing key "id" in measure 1 of objective "Grow"; expected the measure's name in the data, as text (e.g. id: \
                revenue)
                """,
                """
                sc.yml:6:13: missing key "direction" in measure 1 of objective "Grow"; expected direction: higher or lower (which is \
                better)
                """,
                """
                sc.yml:6:13: missing key "aggregation" in measure 1 of objective "Grow"; expected aggregation: sum, mean or last (how \
                periods combine)
                """,
                "sc.yml:7:13: missing key \"direction\" in measure \"margin\"; expected direction: higher or lower (which is better)",
                """
                sc.yml:7:13: missing key "aggregation" in measure "margin"; expected aggregation: sum, mean or last (how periods combine)
                """,
            ])
    }

    @Test("required text with no value")
    func requiredEmptyValues() {
        let yaml = """
            perspectives:
              financial:
                objectives:
                  - name:
                    measures:
                      - {id: '', direction: higher, aggregation: sum}
                      - {id: ~, direction: higher, aggregation: sum}

            """
        #expect(
            problems(yaml) == [
                "sc.yml:4:14: no value for \"name\" in objective 1 of perspective \"financial\"; expected name: the objective's name",
                """
                sc.yml:6:18: no value for "id" in measure 1 of objective 1 of perspective "financial"; expected the measure's name in the \
                data, as text (e.g. id: revenue)
                """,
                """
                sc.yml:7:18: no value for "id" in measure 2 of objective 1 of perspective "financial"; expected the measure's name in the \
                data, as text (e.g. id: revenue)
                """,
            ])
    }

    @Test("objective and initiative need a name")
    func namesRequired() {
        let yaml = """
            perspectives:
              financial:
                objectives:
                  - weight: 1
                    measures: [{id: a, direction: higher, aggregation: sum}]
                    initiatives:
                      - {owner: VP Sales, due: 2025-06}

            """
        #expect(
            problems(yaml) == [
                "sc.yml:4:9: missing key \"name\" in objective 1 of perspective \"financial\"; expected name: the objective's name",
                """
                sc.yml:7:13: missing key "name" in initiative 1 of objective 1 of perspective "financial"; expected name: the initiative's \
                name
                """,
            ])
    }

    // MARK: - Values

    @Test("a value of the wrong YAML type names the key and the expected type")
    func wrongTypes() {
        let yaml =
            oneMeasure.replacingOccurrences(of: "- id: revenue", with: "- id: [revenue]") + """
                            name: {en: Revenue}
                            target: [1]

                """
        #expect(
            problems(yaml) == [
                """
                sc.yml:6:17: id in measure 1 of objective "Grow" is a list; expected the measure's name in the data, as text (e.g. id: \
                revenue)
                """,
                "sc.yml:9:19: name in measure 1 of objective \"Grow\" is a mapping; expected text, the measure's display name",
                "sc.yml:10:21: target in measure 1 of objective \"Grow\" is a list; expected a finite decimal number such as 60000",
            ])
    }

    @Test("unknown direction and aggregation")
    func badEnums() {
        let yaml = oneMeasure.replacingOccurrences(of: "higher", with: "up").replacingOccurrences(
            of: "sum", with: "avg")
        #expect(
            problems(yaml) == [
                "sc.yml:7:24: unknown direction \"up\" in measure \"revenue\"; expected higher or lower",
                "sc.yml:8:26: unknown aggregation \"avg\" in measure \"revenue\"; expected sum, mean or last",
            ])
    }

    @Test("direction given as a list")
    func directionList() {
        let yaml = oneMeasure.replacingOccurrences(of: "direction: higher", with: "direction: [higher]")
        #expect(
            problems(yaml) == [
                "sc.yml:7:24: direction in measure \"revenue\" is a list; expected direction: higher or lower (which is better)"
            ])
    }

    @Test("target that is not a number")
    func targetNotNumber() {
        #expect(
            problems(oneMeasure + "            target: abc\n") == [
                "sc.yml:9:21: target \"abc\" in measure \"revenue\" is not a number; expected a finite decimal number such as 60000"
            ])
        #expect(
            problems(oneMeasure + "            target: 0x1F\n            team_target: 1_000\n") == [
                "sc.yml:9:21: target \"0x1F\" in measure \"revenue\" is not a number; expected a finite decimal number such as 60000",
                "sc.yml:10:26: team_target \"1_000\" in measure \"revenue\" is not a number; expected a finite decimal number such as 800",
            ])
    }

    @Test("target that is not finite")
    func targetNotFinite() {
        #expect(
            problems(oneMeasure + "            target: .inf\n            team_target: 1e999\n") == [
                "sc.yml:9:21: target .inf in measure \"revenue\" is not finite; expected a finite decimal number such as 60000",
                "sc.yml:10:26: team_target 1e999 in measure \"revenue\" is not finite; expected a finite decimal number such as 800",
            ])
    }

    @Test("a quoted number is text")
    func quotedNumber() {
        #expect(
            problems(oneMeasure + "            target: \"60000\"\n") == [
                """
                sc.yml:9:21: target "60000" in measure "revenue" is quoted, so YAML reads it as text; expected the number without quotes: \
                target: 60000
                """
            ])
    }

    @Test("negative weight")
    func negativeWeight() {
        #expect(
            problems(oneMeasure + "            weight: -1\n") == [
                "sc.yml:9:21: weight -1 is negative; expected a number >= 0 (0 leaves it out of the roll-up)"
            ])
        let objective = oneMeasure.replacingOccurrences(
            of: "- name: Grow",
            with:
                "- {name: Grow, weight: -0.5, measures: [{id: x, direction: higher, aggregation: sum}]}\n      - name: Grow"
        )
        #expect(
            problems(objective) == [
                "sc.yml:4:30: weight -0.5 is negative; expected a number >= 0 (0 leaves it out of the roll-up)"
            ])
    }

    @Test("weight that is not a number")
    func weightNotNumber() {
        #expect(
            problems(oneMeasure + "            weight: heavy\n") == [
                """
                sc.yml:9:21: weight "heavy" in measure "revenue" is not a number; expected a number >= 0 (0 leaves it out of the roll-up)
                """
            ])
        #expect(
            problems(oneMeasure + "            weight: .nan\n") == [
                "sc.yml:9:21: weight .nan in measure \"revenue\" is not finite; expected a number >= 0 (0 leaves it out of the roll-up)"
            ])
    }

    @Test("thresholds of the wrong type")
    func thresholdsWrongType() {
        #expect(
            problems(oneMeasure + "            thresholds: [1.0, 0.9]\n") == [
                "sc.yml:9:25: thresholds in measure \"revenue\" is a list; expected a mapping such as {green: 1.0, amber: 0.9}"
            ])
        #expect(
            problems(oneMeasure + "            thresholds: {green: high}\n") == [
                """
                sc.yml:9:33: green threshold "high" in measure "revenue" is not a number; expected an achievement ratio above 0, such as \
                1.0
                """
            ])
    }

    @Test("thresholds must be above 0")
    func thresholdsPositive() {
        #expect(
            problems(oneMeasure + "            thresholds: {green: 0, amber: -0.5}\n") == [
                "sc.yml:9:33: green threshold 0 in measure \"revenue\" is not above 0; expected an achievement ratio above 0, such as 1.0",
                """
                sc.yml:9:43: amber threshold -0.5 in measure "revenue" is not above 0; expected an achievement ratio above 0, such as 0.9
                """,
            ])
    }

    @Test("amber above green")
    func amberAboveGreen() {
        #expect(
            problems(oneMeasure + "            thresholds: {green: 0.8, amber: 0.95}\n") == [
                """
                sc.yml:9:45: amber threshold 0.95 is above green threshold 0.8 in measure "revenue"; expected amber at most green, e.g. \
                {green: 1.0, amber: 0.9}
                """
            ])
        #expect(
            problems(oneMeasure + "            thresholds: {green: 0.8}\n") == [
                """
                sc.yml:9:33: amber threshold 0.9 (the default) is above green threshold 0.8 in measure "revenue"; expected amber at most \
                green, e.g. {green: 1.0, amber: 0.9}; give amber explicitly, e.g. amber: 0.72
                """
            ])
        #expect(
            problems(oneMeasure + "            thresholds: {amber: 1.2}\n") == [
                """
                sc.yml:9:33: amber threshold 1.2 is above green threshold 1.0 (the default) in measure "revenue"; expected amber at most \
                green, e.g. {green: 1.0, amber: 0.9}
                """
            ])
        // Equal is allowed.
        #expect(problems(oneMeasure + "            thresholds: {green: 0.9, amber: 0.9}\n") == [])
    }

    // MARK: - Links and ROI

    @Test("links must be a list of mappings with from and to")
    func linkShape() {
        #expect(
            problems(twoMeasures + "links: {from: a, to: b}\n") == [
                "sc.yml:6:8: links is a mapping; expected a list of links such as {from: customer_satisfaction, to: revenue}"
            ])
        let yaml =
            twoMeasures + """
                links:
                  - a -> b
                  - {to: b}
                  - {from: a, to: [b]}

                """
        #expect(
            problems(yaml) == [
                """
                sc.yml:7:5: link 1 is the text "a -> b"; expected a mapping such as {from: customer_satisfaction, to: revenue, sign: \
                positive}
                """,
                "sc.yml:8:5: missing key \"from\" in link 2; expected from: the id of the cause measure",
                "sc.yml:9:19: to in link 3 is a list; expected to: the id of the effect measure",
            ])
    }

    @Test("a link from a measure to itself")
    func selfLink() {
        #expect(
            problems(twoMeasures + "links:\n  - {from: a, to: a}\n") == [
                "sc.yml:7:19: link 1 goes from \"a\" to itself; expected two different measures, cause (from) and effect (to)"
            ])
    }

    @Test("unknown sign")
    func unknownSign() {
        #expect(
            problems(twoMeasures + "links:\n  - {from: a, to: b, sign: up}\n") == [
                "sc.yml:7:28: unknown sign \"up\" in link 1; expected positive, negative, '+' or '-' (quote + and -)"
            ])
    }

    @Test("an unquoted - as a sign at the end of a line is a YAML list marker: syntax error with a hint")
    func unquotedMinusSign() {
        #expect(
            problems(twoMeasures + "links:\n  - from: a\n    to: b\n    sign: -\n") == [
                """
                sc.yml:9:11: invalid YAML: block sequence entries are not allowed in this context; expected quotes around a lone minus: \
                sign: '-' (or sign: negative); a bare - starts a YAML list
                """
            ])
    }

    @Test("duplicate link")
    func duplicateLink() {
        #expect(
            problems(twoMeasures + "links:\n  - {from: a, to: b}\n  - {from: a, to: b, sign: +}\n") == [
                "sc.yml:8:5: duplicate link from \"a\" to \"b\" (first at line 7); expected each link once"
            ])
    }

    @Test("roi: wrong type, missing cost, same measure twice")
    func roiRules() {
        #expect(
            problems(twoMeasures + "roi: [a, b]\n") == [
                "sc.yml:6:6: roi is a list; expected a mapping such as {return: revenue, cost: sales_cost}"
            ])
        #expect(
            problems(twoMeasures + "roi: {return: a}\n") == [
                "sc.yml:6:6: missing key \"cost\" in roi; expected cost: the measure summed as the sales cost, e.g. sales_cost"
            ])
        #expect(
            problems(twoMeasures + "roi:\n  return: a\n  cost: a\n") == [
                """
                sc.yml:8:9: roi return and cost are the same measure "a"; expected two different measures, e.g. {return: revenue, cost: \
                sales_cost}
                """
            ])
    }

    @Test("names in links and roi that are not measures are not errors when loading")
    func unknownReferencesLoad() throws {
        let scorecard = try ScorecardLoader.load(
            yaml: twoMeasures + "links:\n  - {from: c, to: a}\nroi: {return: a, cost: sales_cost}\n", file: "sc.yml")
        #expect(scorecard.links == [StrategyLink(from: "c", to: "a", sign: nil, line: 7)])
        #expect(scorecard.roi == ROIDefinition(returnMeasure: "a", costMeasure: "sales_cost", line: 8))
    }

    @Test("unresolvedReferences: names neither in the scorecard nor the data, with the line and a suggestion")
    func unresolvedReferences() throws {
        let yaml =
            twoMeasures + """
                links:
                  - {from: customer_satisfacton, to: a}
                  - {from: b, to: a}
                  - {from: wins, to: b}
                roi: {return: a, cost: sales_cst}

                """
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "sc.yml")
        let errors = scorecard.unresolvedReferences(knownMeasures: ["customer_satisfaction", "sales_cost", "a"])
        #expect(
            errors.map(\.description) == [
                """
                sc.yml:7: link 1 from "customer_satisfacton" is neither a scorecard measure nor a measure in the data; expected a measure \
                id from the scorecard or a measure name in the data (compared exactly); did you mean "customer_satisfaction"?
                """,
                """
                sc.yml:9: link 3 from "wins" is neither a scorecard measure nor a measure in the data; expected a measure id from the \
                scorecard or a measure name in the data (compared exactly)
                """,
                """
                sc.yml:10: roi cost "sales_cst" is neither a scorecard measure nor a measure in the data; expected a measure id from the \
                scorecard or a measure name in the data (compared exactly); did you mean "sales_cost"?
                """,
            ])
        #expect(errors.allSatisfy { $0.kind == .badData })
        #expect(scorecard.unresolvedReferences(knownMeasures: ["customer_satisfacton", "wins", "sales_cst"]).isEmpty)
    }

    // MARK: - Several problems

    @Test("several problems are reported at once, in file order")
    func severalProblems() {
        let yaml = """
            name: [x]
            perspectives:
              finance: {}
              financial:
                objectives:
                  - weight: -1
                    measures:
                      - id: revenue
                        weigth: 2
                        direction: up
                        aggregation: sum
                        target: abc
                      - {id: revenue, direction: higher, aggregation: sum}
            links:
              - {from: revenue, to: revenue}
            roi: {return: revenue}
            colour: blue

            """
        #expect(
            problems(yaml) == [
                "sc.yml:1:7: name at the top level is a list; expected text, the scorecard's title",
                "sc.yml:3:3: unknown perspective \"finance\"; expected one of financial, customer, process, learning",
                "sc.yml:6:9: missing key \"name\" in objective 1 of perspective \"financial\"; expected name: the objective's name",
                "sc.yml:6:17: weight -1 is negative; expected a number >= 0 (0 leaves it out of the roll-up)",
                """
                sc.yml:9:13: unknown key "weigth" in measure "revenue"; expected one of id, name, unit, direction, aggregation, target, \
                team_target, thresholds, weight
                """,
                "sc.yml:10:24: unknown direction \"up\" in measure \"revenue\"; expected higher or lower",
                "sc.yml:12:21: target \"abc\" in measure \"revenue\" is not a number; expected a finite decimal number such as 60000",
                "sc.yml:13:18: duplicate measure id \"revenue\" (first at line 8); expected each measure id once in the scorecard",
                "sc.yml:15:25: link 1 goes from \"revenue\" to itself; expected two different measures, cause (from) and effect (to)",
                "sc.yml:16:6: missing key \"cost\" in roi; expected cost: the measure summed as the sales cost, e.g. sales_cost",
                "sc.yml:17:1: unknown key \"colour\" at the top level; expected one of name, perspectives, links, roi, data",
            ])
    }

    // MARK: - YAML syntax and safety

    @Test("bad YAML syntax gives Yams' line, column and message")
    func syntaxError() {
        #expect(
            problems("name: x\n perspectives: y\n") == [
                """
                sc.yml:2:14: invalid YAML: mapping values are not allowed in this context; expected valid YAML; check the indentation and \
                quoting here
                """
            ])
        #expect(
            problems("perspectives:\n  financial:\n    objectives: [\n") == [
                """
                sc.yml:4:1: invalid YAML: did not find expected node content (while parsing a flow node at line 4, column 1); expected \
                valid YAML; check the indentation and quoting here
                """
            ])
    }

    @Test("a second YAML document")
    func secondDocument() {
        #expect(
            problems(oneMeasure + "---\nname: b\n") == [
                """
                sc.yml:9:1: a second YAML document starts here; expected a single document; remove this `---` and what follows, or split \
                the file
                """
            ])
    }

    @Test("control characters")
    func controlCharacter() {
        #expect(
            problems("name: a\u{7}b\n" + oneMeasure) == [
                """
                sc.yml:1:8: invalid YAML: control characters are not allowed (U+0007); expected printable UTF-8 text; remove or replace \
                this character
                """
            ])
    }

    @Test("anchors and aliases are refused at the first one")
    func anchorsAndAliases() {
        let message = "YAML anchors and aliases are not supported; expected plain YAML"
        #expect(
            problems(oneMeasure + "links:\n  - &l {from: revenue, to: cost}\n  - *l\n") == ["sc.yml:10:5: \(message)"])
        #expect(problems(oneMeasure + "name: *undefined\n") == ["sc.yml:9:7: \(message)"])
        #expect(problems("name: &n Scorecard\n" + oneMeasure) == ["sc.yml:1:7: \(message)"])
        #expect(problems(oneMeasure + "*k : v\n") == ["sc.yml:9:1: \(message)"])
    }

    /// The classic billion laughs, `levels` deep: `a0` is 9 strings, each next level 9 aliases of
    /// the previous (9^(levels+1) strings when expanded); optionally the last one used as a key,
    /// which would make a composer that hashes keys walk the whole expansion.
    static func billionLaughs(levels: Int, asKey: Bool) -> String {
        var yaml = "a0: &a0 [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]\n"
        for level in 1...levels {
            yaml +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        if asKey { yaml += "? *a\(levels)\n: boom\n" }
        return yaml
    }

    @Test("billion laughs (10 levels, also as a mapping key) is refused well under a second", arguments: [false, true])
    func billionLaughsRefused(asKey: Bool) {
        let yaml = Self.billionLaughs(levels: 10, asKey: asKey)
        let clock = ContinuousClock()
        var result: [String] = []
        let elapsed = clock.measure { result = problems(yaml) }
        #expect(result == ["sc.yml:1:5: YAML anchors and aliases are not supported; expected plain YAML"])
        #expect(elapsed < .milliseconds(500))
    }

    @Test("nesting deeper than 64 levels")
    func tooDeep() {
        let deep = "name: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n"
        #expect(
            problems(deep + oneMeasure) == [
                """
                sc.yml:1:70: mappings and lists nested more than 64 levels deep; expected a scorecard nested at most 64 levels deep (raise \
                the limit with --max-scorecard-depth)
                """
            ])
        // Past libyaml's own limit (1000 levels) the parser stops first; same message, its place.
        let deeper = "name: " + String(repeating: "[", count: 1500) + String(repeating: "]", count: 1500) + "\n"
        let result = problems(deeper)
        #expect(result.count == 1)
        #expect(
            result.first?.hasSuffix(
                """
                mappings and lists nested more than 64 levels deep; expected a scorecard nested at most 64 levels deep (raise the limit \
                with --max-scorecard-depth)
                """
            ) == true)
        let error = try? #require(throws: InputErrors.self) { try ScorecardLoader.load(yaml: deep, file: "sc.yml") }
        #expect(error?.errors.first?.kind == .limit)
    }

    @Test("documents over 1 MiB are refused")
    func tooLarge() {
        let yaml = oneMeasure + "# " + String(repeating: "x", count: ScorecardLoader.maxBytes) + "\n"
        #expect(
            problems(yaml) == [
                """
                sc.yml: the scorecard is \(yaml.utf8.count) bytes, more than the limit of 1048576 bytes (1 MiB); expected a scorecard file \
                of at most 1 MiB (raise the limit with --max-scorecard-bytes)
                """
            ])
    }

    // MARK: - Files

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("scorecard-\(UUID().uuidString).yml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("load(contentsOf:) reads a file; missing file and folder are missingInput")
    func loadFromFile() throws {
        let path = try temporaryFile(Array(oneMeasure.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scorecard = try ScorecardLoader.load(contentsOf: path)
        #expect(scorecard.file == path)
        #expect(scorecard.measures.map(\.id) == ["revenue"])

        let missing = path + ".missing"
        let error = try #require(throws: InputErrors.self) { try ScorecardLoader.load(contentsOf: missing) }
        #expect(
            error.errors.map(\.description) == ["\(missing): no such file; expected a scorecard YAML file at this path"]
        )
        #expect(error.errors.first?.kind == .missingInput)
        #expect(error.errors.map(\.kind) == [.missingInput])  // exit 66

        let folder = FileManager.default.temporaryDirectory.path
        let folderError = try #require(throws: InputErrors.self) { try ScorecardLoader.load(contentsOf: folder) }
        #expect(
            folderError.errors.map(\.description) == [
                "\(folder): this is a folder, not a file; expected the path of a scorecard YAML file"
            ])
        #expect(folderError.errors.map(\.kind) == [.missingInput])  // exit 66
    }

    @Test("invalid UTF-8 names the line and column of the first bad byte")
    func invalidUTF8() throws {
        // Line 3 is "  fin\xC3ncial: {}": \xC3 starts a 2-byte sequence that "n" does not continue.
        let path = try temporaryFile(Array("name: é\nperspectives:\n  fin".utf8) + [0xC3] + Array("ncial: {}\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: InputErrors.self) { try ScorecardLoader.load(contentsOf: path) }
        #expect(
            error.errors.map(\.description) == [
                "\(path):3:6: the file is not valid UTF-8 (byte 0xC3); expected UTF-8 text; save the scorecard as UTF-8"
            ])
        #expect(error.errors.map(\.kind) == [.badData])  // exit 65

        // A UTF-8 BOM is fine and not counted; a UTF-16 file fails at its first byte.
        let bom = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("colour: x\n".utf8) + Array(oneMeasure.utf8))
        defer { try? FileManager.default.removeItem(atPath: bom) }
        let bomError = try #require(throws: InputErrors.self) { try ScorecardLoader.load(contentsOf: bom) }
        #expect(
            bomError.errors.map(\.description) == [
                "\(bom):1:1: unknown key \"colour\" at the top level; expected one of name, perspectives, links, roi, data"
            ])
        let utf16 = try temporaryFile([0xFF, 0xFE] + Array("n\0a\0".utf8))
        defer { try? FileManager.default.removeItem(atPath: utf16) }
        let utf16Error = try #require(throws: InputErrors.self) { try ScorecardLoader.load(contentsOf: utf16) }
        #expect(
            utf16Error.errors.map(\.description) == [
                "\(utf16):1:1: the file is not valid UTF-8 (byte 0xFF); expected UTF-8 text; save the scorecard as UTF-8"
            ])
    }
}
