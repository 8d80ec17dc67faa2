// swift-tools-version: 6.1
// Benchmarks live in their own package so `swift test` never builds or runs them.
import PackageDescription

let package = Package(
    name: "ScorecardBenchmarks",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "scorecard-bench",
            dependencies: [.product(name: "ScorecardKit", package: "main")],
            path: "Sources/scorecard-bench"
        )
    ]
)
