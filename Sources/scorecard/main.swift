import Foundation
import Ingest

let t0 = Date()
do {
    let r = try MeasurementsReader.read(path: CommandLine.arguments[1])
    let dt = Date().timeIntervalSince(t0)
    print("teams \(r.panel.teamCount) measures \(r.panel.measureCount) periods \(r.panel.periodCount) rows \(r.rowCount) present \(r.panel.presentCount) in \(dt)s")
} catch {
    print(error)
}
