import Foundation
import Ingest
import Testing

@testable import Analysis

/// Status against targets and the weighted roll-up, on hand-made cases with numbers worked out
/// by hand, and on the sample organisation.
@Suite("Status and roll-up")
struct StatusTests {
    func dataset(csv: String, yaml: String) throws -> Dataset {
        let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
        let scorecard = try ScorecardLoader.load(yaml: yaml, file: "s.yml")
        return Dataset(panel: panel, scorecard: scorecard, location: DatasetLocation(measurements: "m.csv", scorecard: "s.yml"), notes: [])
    }

    static let csv = """
        team,period,measure,value
        A,2024-01,revenue,100
        B,2024-01,revenue,60
        A,2024-02,revenue,120
        B,2024-02,revenue,80
        A,2024-01,cycle_days,40
        B,2024-01,cycle_days,50
        A,2024-02,cycle_days,50
        B,2024-02,cycle_days,60
        A,2024-02,nps,
        A,2024-02,training,10
        B,2024-02,training,30
        A,2024-02,cost,50
        B,2024-02,cost,50

        """

    static let yaml = """
        perspectives:
          financial:
            objectives:
              - name: Grow
                weight: 2
                measures:
                  - {id: revenue, direction: higher, aggregation: sum, target: 250, team_target: 100}
                  - {id: cost, direction: lower, aggregation: sum, target: 80, weight: 0}
          process:
            objectives:
              - name: Speed
                measures:
                  - {id: cycle_days, direction: lower, aggregation: mean, target: 50, thresholds: {green: 1.0, amber: 0.95}}
          customer:
            objectives:
              - name: Delight
                measures:
                  - {id: nps, direction: higher, aggregation: mean, target: 40}
                initiatives:
                  - {name: Survey, owner: CX, due: 2024-01, status: in progress}
                  - {name: Portal, owner: IT, due: 2024-01, status: done}
                  - {name: Later, due: 2024-03, status: planned}
          learning:
            objectives:
              - name: Skills
                measures:
                  - {id: training, direction: higher, aggregation: mean, target: 10}
        """

    @Test func organisationLevel() throws {
        let report = try StatusAnalysis.run(try dataset(csv: Self.csv, yaml: Self.yaml))
        #expect(report.period.description == "2024-02")
        let fin = try #require(report.perspectives.first { $0.perspective == .financial })
        let revenue = fin.objectives[0].measures[0]
        #expect(revenue.actual == 200)  // sum over teams
        #expect(revenue.previous == 160)
        #expect(revenue.change == 40)
        #expect(revenue.achievement == 0.8)  // 200 / 250
        #expect(revenue.status == .red)
        let cost = fin.objectives[0].measures[1]
        #expect(cost.achievement == 0.8)  // lower is better: 80 / 100
        #expect(fin.objectives[0].score == 0.8)  // cost has weight 0: revenue alone
        #expect(fin.score == 0.8)
        let cycle = try #require(report.perspectives.first { $0.perspective == .process }).objectives[0].measures[0]
        #expect(cycle.actual == 55)  // mean over teams
        #expect(abs(cycle.achievement! - 50.0 / 55.0) < 1e-15)
        #expect(cycle.status == .red)  // 0.909 < its amber 0.95
        let customer = try #require(report.perspectives.first { $0.perspective == .customer })
        #expect(customer.objectives[0].measures[0].actual == nil)
        #expect(customer.objectives[0].measures[0].note == "no value in 2024-02")
        #expect(customer.score == nil)  // nothing to score: never 0/0
        #expect(customer.objectives[0].initiatives.map(\.overdue) == [true, false, false])
        let learning = try #require(report.perspectives.first { $0.perspective == .learning })
        #expect(learning.objectives[0].measures[0].achievement == 2)  // mean 20 vs 10
        #expect(learning.objectives[0].measures[0].score == 1.2)  // capped at 120%
        #expect(learning.status == .green)
        // Overall: mean of the perspectives with a score: (0.8 + 50/55 + 1.2) / 3.
        let overall = try #require(report.overallScore)
        #expect(abs(overall - (0.8 + 50.0 / 55.0 + 1.2) / 3) < 1e-15)
        #expect(report.overallStatus == .amber)  // 0.970: below green 1.0, at or above amber 0.9
        #expect(report.worstPerspective?.perspective == .financial)
    }

    @Test func teamLevelUsesTeamTargets() throws {
        let report = try StatusAnalysis.run(try dataset(csv: Self.csv, yaml: Self.yaml), team: "A")
        let revenue = report.perspectives[0].objectives[0].measures[0]
        #expect(revenue.actual == 120)
        #expect(revenue.target == 100)
        #expect(revenue.achievement == 1.2)
        #expect(revenue.status == .green)
        let cost = report.perspectives[0].objectives[0].measures[1]
        #expect(cost.target == nil && cost.note == "no team_target")
        #expect(report.rank == nil)  // no roi in this scorecard
    }

    @Test func earlierPeriodAndUnknownInputs() throws {
        let d = try dataset(csv: Self.csv, yaml: Self.yaml)
        let jan = try StatusAnalysis.run(d, period: "2024-01")
        #expect(jan.perspectives[0].objectives[0].measures[0].actual == 160)
        #expect(jan.perspectives[0].objectives[0].measures[0].previous == nil)
        #expect(jan.perspectives[2].objectives[0].initiatives.map(\.overdue) == [false, false, false])
        #expect(throws: AnalysisError.self) { _ = try StatusAnalysis.run(d, period: "2024-05") }
        #expect(throws: AnalysisError.self) { _ = try StatusAnalysis.run(d, team: "Nobody") }
    }

    @Test func sampleOrganisation() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let d = try Dataset.load(
            DatasetLocation.resolve(folder: root.appendingPathComponent("datasets/b2b-73").path, data: nil, scorecard: nil))
        let report = try StatusAnalysis.run(d)
        #expect(report.period.description == "2025-12")
        let measures = report.perspectives.flatMap { $0.objectives.flatMap(\.measures) }
        // Every measure scored from its own values and target, independently recomputed here.
        for m in measures {
            let mi = try #require(d.panel.measureIndex(m.definition.id))
            var sum = 0.0
            var n = 0
            for t in 0..<d.panel.teamCount where !d.panel[t, mi, 35].isNaN {
                sum += d.panel[t, mi, 35]
                n += 1
            }
            let actual = m.definition.aggregation == .sum ? sum : sum / Double(n)
            #expect(abs(m.actual! - actual) <= 1e-12 * abs(actual))
            let target = try #require(m.definition.target)
            let achievement = m.definition.direction == .higher ? actual / target : target / actual
            #expect(abs(m.achievement! - achievement) <= 1e-12 * achievement)
            let colour: StatusReport.Colour =
                achievement >= m.definition.thresholds.green ? .green : achievement >= m.definition.thresholds.amber ? .amber : .red
            #expect(m.status == colour, "\(m.definition.id)")
        }
        #expect(Set(measures.compactMap(\.status)) == [.green, .amber, .red])
        let overdue = report.perspectives.flatMap { $0.objectives.flatMap { $0.initiatives.filter(\.overdue) } }
        #expect(overdue.map(\.initiative.name) == ["Deal-desk qualification rules"])
        let team = try StatusAnalysis.run(d, team: d.panel.teams[0])
        #expect(team.rank?.quartile != nil && team.rankedTeams == 73)
    }
}
