// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Periodize",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Events", targets: ["Events"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Projections", targets: ["Projections"]),
        .library(name: "Coaching", targets: ["Coaching"]),
        .library(name: "LLM", targets: ["LLM"]),
        .library(name: "Periodize", targets: ["Periodize"]),
        .executable(name: "periodize", targets: ["PeriodizeCLI"]),
        .executable(name: "periodize-bench", targets: ["PeriodizeBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // What happened: the event catalog. Foundation only.
        .target(name: "Events", path: "events", swiftSettings: strict),
        // The append-only log: envelopes, hash chain, SQLite store. Knows no domain.
        .target(
            name: "EventLog",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EventLog",
            swiftSettings: strict),
        // The coaching domain as pure values: catalog, calendar, SMS text. No I/O.
        .target(name: "Coaching", dependencies: ["Events"], path: "Sources/Coaching", swiftSettings: strict),
        // Coaches backed by language models (Gemini, OpenAI-compatible): prompts, schemas
        // derived from the event types, retries, repair, rate limits. HTTP through URLSession.
        .target(
            name: "LLM",
            dependencies: [
                "Events", "Coaching",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/LLM",
            resources: [.copy("Prompts")],
            swiftSettings: strict),
        // What we read: read-models rebuilt from the log.
        .target(
            name: "Projections",
            dependencies: [
                "Events", "EventLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "projections",
            swiftSettings: strict),
        // The one entry point the CLI, servers and tests share.
        .target(
            name: "Periodize",
            dependencies: [
                "Events", "EventLog", "Projections", "Coaching", "LLM",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Periodize",
            swiftSettings: strict),
        .executableTarget(
            name: "PeriodizeCLI",
            dependencies: [
                "Periodize", "EventLog", "Events", "LLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/PeriodizeCLI",
            swiftSettings: strict),
        .executableTarget(
            name: "PeriodizeBenchmarks",
            dependencies: [
                "Periodize", "EventLog", "Events", "Projections", "Coaching", "LLM", "LoopbackProviders",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Benchmarks",
            swiftSettings: strict),
        // Loopback HTTP servers speaking the LLM providers' wire formats, for tests and benchmarks.
        .target(
            name: "LoopbackProviders",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/LoopbackProviders",
            swiftSettings: strict),
        .target(name: "TestSupport", path: "Tests/Support", swiftSettings: strict),
        .testTarget(
            name: "EventsTests",
            dependencies: ["Events"],
            path: "Tests/EventsTests",
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "CoachingTests",
            dependencies: ["Coaching", "Events"],
            path: "Tests/CoachingTests",
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "PeriodizeTests",
            dependencies: [
                "Periodize", "Coaching", "Events", "EventLog", "PeriodizeCLI", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/PeriodizeTests",
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM", "LoopbackProviders", "Periodize", "Coaching", "Events", "EventLog", "PeriodizeCLI", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/LLMTests",
            swiftSettings: strict),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "Events", "Periodize", "PeriodizeCLI", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/EventLogTests",
            swiftSettings: strict),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Projections", "EventLog", "Events", "Periodize", "PeriodizeCLI", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/ProjectionsTests",
            swiftSettings: strict),
    ]
)
