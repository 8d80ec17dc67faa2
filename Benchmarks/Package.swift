// swift-tools-version: 6.1
// Benchmarks live in their own package so `swift test` never builds or runs them.
import PackageDescription

let package = Package(
    name: "ScorecardBenchmarks",
    dependencies: [.package(name: "Scorecard", path: "..")],
    targets: [
        .executableTarget(
            name: "scorecard-bench",
            dependencies: [.product(name: "ScorecardKit", package: "Scorecard")],
            path: "Sources/scorecard-bench"
        )
    ]
)
