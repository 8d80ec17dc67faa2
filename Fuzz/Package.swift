// swift-tools-version: 6.1
// libFuzzer targets (issue #9), in their own package so `swift build`/`swift test` of the
// main package never see them. Build and run with Fuzz/run.sh (AddressSanitizer + libFuzzer).
//
// The Ingest module is compiled here from the main package's sources (Sources/Ingest is a
// symbolic link to ../../Sources/Ingest) rather than taken from the package at "..": only
// what the targets fuzz is built, with no plugin tools, so run.sh can pass coverage flags to
// every Swift compile (-Xswiftc) without breaking a tool's own main().
import PackageDescription

let fuzzTarget: (String) -> Target = { name in
    .executableTarget(
        name: name,
        dependencies: ["Ingest"],
        path: "Sources/\(name)",
        // libFuzzer supplies main(); the target only defines LLVMFuzzerTestOneInput.
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "ScorecardFuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Ingest's database sources (issue #15): libpq (Sources/CLibPQ is a link to the main package's) and GRDB;
        // its Excel source: ZIPFoundation.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(
            name: "Ingest",
            dependencies: [
                "CLibPQ", .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Sources/Ingest"),
    ] + ["fuzz-csv", "fuzz-period", "fuzz-scorecard", "fuzz-names"].map(fuzzTarget)
)
