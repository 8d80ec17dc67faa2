// swift-tools-version: 6.1
// Benchmarks live in their own package so `swift test` never builds or runs them.
//
//   cd Benchmarks && swift package benchmark                     # run every suite
//   cd Benchmarks && swift package benchmark thresholds check    # fail (exit 2) on a regression
//
// One ordo-one/benchmark suite per stage (Benchmarks/<Suite>/<Suite>.swift), data made in-process
// by SampleData; `scorecard-bench` is the plain timer behind side_by_side.py.
import PackageDescription

let package = Package(
    name: "ScorecardBenchmarks",
    dependencies: [
        .package(name: "Scorecard", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "scorecard-bench",
            dependencies: [.product(name: "ScorecardKit", package: "Scorecard")],
            path: "Sources/scorecard-bench"
        ),
        // Deterministic datasets for the suites, generated once per machine into the temp folder.
        .target(
            name: "BenchmarkData",
            dependencies: [
                .product(name: "ScorecardKit", package: "Scorecard"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Sources/BenchmarkData"
        ),
    ]
)

// MARK: - Suites, one per stage of the pipeline

for suite in ["CSVParse", "PanelBuild", "Trend", "LeadLag", "Forecast", "Quartiles"] {
    package.targets.append(
        .executableTarget(
            name: suite,
            dependencies: [
                "BenchmarkData",
                .product(name: "ScorecardKit", package: "Scorecard"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/\(suite)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}
