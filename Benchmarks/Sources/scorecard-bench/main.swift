// Times the numeric core and the reader on this machine; run by Benchmarks/side_by_side.py,
// which runs numpy/pandas/polars on the same data in the same session and prints ratios.
//
//   scorecard-bench trend SERIES PERIODS [MISSING_FRACTION]   batched trend lines
//   scorecard-bench dgemm N                                   BLAS ceiling, GFLOP/s
//   scorecard-bench read FILE                                 measurements CSV → panel
import Foundation
import Ingest
import LinearAlgebra

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// The same pseudo-random series numpy builds in side_by_side.py (a line plus noise from a
/// 64-bit LCG), so both sides fit identical data.
func makeSeries(series: Int, periods: Int, missing: Double) -> [Double] {
    var state: UInt64 = 42
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    var v = [Double](repeating: 0, count: series * periods)
    for s in 0..<series {
        let slope = uniform() - 0.5
        let level = 100 * uniform()
        for t in 0..<periods {
            let x = level + slope * Double(t) + (uniform() - 0.5)
            v[s * periods + t] = uniform() < missing ? .nan : x
        }
    }
    return v
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: scorecard-bench trend SERIES PERIODS [MISSING] | dgemm N | read FILE")
    exit(64)
}
switch args[1] {
case "trend":
    let s = Int(args[2])!
    let p = Int(args[3])!
    let missing = args.count > 4 ? Double(args[4])! : 0
    let values = makeSeries(series: s, periods: p, missing: missing)
    var best = Double.infinity
    var bestNoP = Double.infinity
    var check = 0.0
    for _ in 0..<5 {
        best = min(
            best,
            seconds {
                let f = TrendLines(values: values, periods: p)
                check = f.slope[0] + f.pValue[s - 1]
            })
        bestNoP = min(
            bestNoP,
            seconds {
                let f = TrendLines(values: values, periods: p, computePValues: false)
                check += f.slope[1]
            })
    }
    let bytes = Double(values.count * 8)
    print(
        String(
            format: "trend series=%d periods=%d missing=%.2f all_columns_s=%.4f without_p_s=%.4f read_GBps=%.1f check=%.6g",
            s, p, missing, best, bestNoP, bytes / bestNoP / 1e9, check))
case "dgemm":
    let n = Int(args[2])!
    let a = Matrix(rows: n, columns: n, columnMajor: (0..<(n * n)).map { Double($0 % 7) - 3 })
    var best = Double.infinity
    for _ in 0..<3 { best = min(best, seconds { _ = a.multiplied(by: a) }) }
    print(String(format: "dgemm n=%d s=%.4f GFLOPs=%.1f", n, best, 2 * pow(Double(n), 3) / best / 1e9))
case "read":
    var result: MeasurementsReader.Result?
    let t = try seconds { result = try MeasurementsReader.read(path: args[2]) }
    let size = (try FileManager.default.attributesOfItem(atPath: args[2])[.size] as? NSNumber)?.doubleValue ?? 0
    let p = result!.panel
    print(
        String(
            format: "read s=%.4f MBps=%.0f teams=%d measures=%d periods=%d present=%d", t, size / t / 1e6,
            p.teamCount, p.measureCount, p.periodCount, p.presentCount))
default:
    print("unknown benchmark \(args[1])")
    exit(64)
}
