// swift-tools-version: 6.1
// libFuzzer targets (issue #9), in their own package so `swift build`/`swift test` of the
// main package never see them. Build and run with Fuzz/run.sh (AddressSanitizer + libFuzzer).
import PackageDescription

let fuzzTarget: (String) -> Target = { name in
    .executableTarget(
        name: name,
        dependencies: [.product(name: "ScorecardKit", package: "Scorecard")],
        path: "Sources/\(name)",
        // libFuzzer supplies main(); the target only defines LLVMFuzzerTestOneInput.
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "ScorecardFuzz",
    dependencies: [.package(name: "Scorecard", path: "..")],
    targets: ["fuzz-csv", "fuzz-period", "fuzz-scorecard"].map(fuzzTarget)
)
