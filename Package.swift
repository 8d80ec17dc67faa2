// swift-tools-version: 6.1
// Scorecard: a sales-performance analytics engine on the balanced scorecard.
// Targets follow the data flow: input → panel → analyses → output.
import PackageDescription

let package = Package(
    name: "Scorecard",
    products: [
        .executable(name: "scorecard", targets: ["scorecard"]),
        .library(name: "ScorecardKit", targets: ["Distributions", "LinearAlgebra", "Ingest", "SampleData", "Analysis", "Rendering"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // SQLite in and out (sqlite:path.db?table=T); its GRDB target links the system libsqlite3.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // Excel workbooks in (--data book.xlsx): the zip container; the sheet XML is scanned by hand.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: - Implementation details
        .systemLibrary(
            name: "CLapack",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        // PostgreSQL's C client (COPY in and out); only Ingest's Database folder uses it directly.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libxlsxwriter: Excel workbooks out (--format xlsx); only Rendering's XLSXWriter uses it.
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),

        // MARK: - Public API, in the order data flows through them
        // Pure Swift special functions and distributions (t, F, normal, χ², incomplete beta and gamma),
        // kept apart from the matrices as swift-numerics keeps RealModule apart.
        .target(name: "Distributions"),
        .target(name: "LinearAlgebra", dependencies: ["Distributions", "CLapack"]),
        .target(
            name: "Ingest",
            dependencies: [
                "CLibPQ", .product(name: "Yams", package: "Yams"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .target(name: "SampleData", dependencies: ["Distributions", "Rendering"]),
        .target(name: "Analysis", dependencies: ["Distributions", "LinearAlgebra", "Ingest"]),
        // Notebook/python/*.py are the notebook's Python: compiled in as `NotebookPython` by NotebookCellsPlugin at
        // build time (not resources: a scorecard copied to /usr/local/bin carries no resource bundle).
        .target(
            name: "Rendering", dependencies: ["Analysis", "Ingest", "CXLSXWriter", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Notebook/python"], plugins: ["NotebookCellsPlugin"]),
        .executableTarget(
            name: "scorecard",
            dependencies: [
                "LinearAlgebra", "Ingest", "SampleData", "Analysis", "Rendering",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Build tools
        // Writes NotebookPython (Swift) from Rendering's Notebook/python/*.py at build time.
        .executableTarget(name: "NotebookCells"),
        .plugin(
            name: "NotebookCellsPlugin", capability: .buildTool(), dependencies: ["NotebookCells"],
            path: "Sources/NotebookCellsPlugin"),

        // MARK: - Unit test bundles
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DistributionsTests", dependencies: ["Distributions"], resources: [.copy("Reference")]),
        .testTarget(
            name: "LinearAlgebraTests", dependencies: ["Distributions", "LinearAlgebra", "TestSupport"], resources: [.copy("Reference")]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "SampleData", "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Analysis", "Ingest", "TestSupport"]),
        .testTarget(
            name: "CLITests",
            dependencies: ["scorecard", "atomic-write-probe", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // Streams a file through AtomicFileWriter and pauses, for InterruptTests' signals.
        .executableTarget(name: "atomic-write-probe", dependencies: ["Rendering"], path: "Tests/AtomicWriteProbe"),
        .testTarget(
            name: "AnalysisTests", dependencies: ["Analysis", "Distributions", "Ingest", "Rendering", "SampleData", "TestSupport"],
            resources: [.copy("Reference")]),
    ]
)
