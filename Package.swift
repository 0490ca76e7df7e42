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
        .library(name: "PeriodizeApp", targets: ["PeriodizeApp"]),
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
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
    ],
    targets: [
        // What happened: the event catalog. Foundation only.
        .target(name: "Events", path: "events", swiftSettings: strict),
        // The append-only log's contract: the EventStore protocol, envelopes, ExpectedVersion,
        // errors, the hash chain, replay rows, the export format. Knows no domain, no storage.
        .target(
            name: "EventLog",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/EventLog",
            swiftSettings: strict),
        // The log in one SQLite file (WAL, group commit, hash chain checked on import).
        .target(
            name: "EventLogSQLite",
            dependencies: [
                "EventLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/EventLogSQLite",
            swiftSettings: strict),
        // Personal fields encrypted under per-client data keys (crypto-shredding): the sealing
        // and opening, the key store's contract, the log wrapper that seals on append.
        .target(
            name: "Vault",
            dependencies: ["EventLog", "Events", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Vault",
            swiftSettings: strict),
        // The data keys in a table of the log's own SQLite file.
        .target(
            name: "VaultSQLite",
            dependencies: [
                "Vault", "EventLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/VaultSQLite",
            swiftSettings: strict),
        // Signed checkpoints of the chain's head (Ed25519) and their verification.
        .target(
            name: "Checkpoints",
            dependencies: ["EventLog", "Events", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Checkpoints",
            swiftSettings: strict),
        // Reading what clients text back: the rule-based reader of intents and their days and
        // times. Pure, no I/O.
        .target(name: "Replies", dependencies: ["Events"], path: "Sources/Replies", swiftSettings: strict),
        // The coaching domain as pure values: catalog, calendar, SMS text. No I/O.
        .target(name: "Coaching", dependencies: ["Events"], path: "Sources/Coaching", swiftSettings: strict),
        // Coaches backed by language models (Gemini, OpenAI-compatible): prompts, schemas
        // derived from the event types, retries, repair, rate limits. HTTP through URLSession.
        .target(
            name: "LLM",
            dependencies: [
                "Events", "Coaching", "Replies",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/LLM",
            resources: [.copy("Prompts")],
            swiftSettings: strict),
        // What we read: the read-models (tables, how each event changes them, recorded as
        // statements), and the questions the core asks of them (the query port).
        .target(
            name: "Projections",
            dependencies: ["Events", "EventLog", .product(name: "Crypto", package: "swift-crypto")],
            path: "projections",
            swiftSettings: strict),
        // The read-models in the log's SQLite file: inline application, catch-up, blue/green
        // rebuild, checksums, and the query port answered in SQL.
        .target(
            name: "ReadModelsSQLite",
            dependencies: [
                "Events", "EventLog", "EventLogSQLite", "Projections",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/ReadModelsSQLite",
            swiftSettings: strict),
        // The core: the engine's use cases over ports (the log, the read-models' questions, a
        // coach, a sender). Knows no storage and no transport.
        .target(
            name: "Periodize",
            dependencies: [
                "Events", "EventLog", "Projections", "Coaching", "Vault", "Checkpoints", "Replies",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Periodize",
            swiftSettings: strict),
        // The composition root: builds an engine from a configuration (SQLite log and
        // read-models, rule-based or model coach, sender, clocks). The CLI, tests and
        // benchmarks share it, as a server will.
        .target(
            name: "PeriodizeApp",
            dependencies: [
                "Periodize", "Events", "EventLog", "EventLogSQLite", "Projections", "ReadModelsSQLite", "Coaching", "LLM",
                "Vault", "VaultSQLite", "Checkpoints", "Replies", "API", "IdempotencySQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/PeriodizeApp",
            swiftSettings: strict),
        // Message senders that reach something outside the process: a generic HTTP gateway.
        .target(name: "Senders", dependencies: ["Periodize", "Coaching"], path: "Sources/Senders", swiftSettings: strict),
        // Twilio both ways: the Messages API sender and its error classes, the webhook signature.
        .target(
            name: "Twilio",
            dependencies: ["Periodize", "Senders", "EventLog", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Twilio",
            swiftSettings: strict),
        // The operators' API's OpenAPI document and the types and routing swift-openapi-generator
        // made of it (committed in Generated/: scripts/generate-api makes them again).
        // The operators' API under /api/v1 (the other target): the handlers over an Engine, tokens and roles, problem details, If-Match,
        // Idempotency-Key and the live event feed. Knows no storage but through ports.
        .target(
            name: "APIGenerated",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/APIGenerated",
            exclude: ["openapi.yaml", "openapi-generator-config.yaml"],
            swiftSettings: strict),
        .target(
            name: "API",
            dependencies: [
                "APIGenerated", "Periodize", "EventLog", "Events", "Coaching", "Projections", "Vault",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/API",
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: strict),
        // The API's remembered answers (Idempotency-Key) in a table of the log's SQLite file.
        .target(
            name: "IdempotencySQLite",
            dependencies: ["API", "Vault", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/IdempotencySQLite",
            swiftSettings: strict),
        // `periodize serve`: the HTTP server (Twilio's webhooks, metrics, health), the scheduler and
        // the delivery worker as services of one lifecycle. Drives an Engine; knows no storage.
        .target(
            name: "Service",
            dependencies: [
                "Periodize", "EventLog", "Events", "Twilio", "API",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Service",
            swiftSettings: strict),
        .executableTarget(
            name: "PeriodizeCLI",
            dependencies: [
                "Periodize", "PeriodizeApp", "Senders", "EventLog", "Events", "Coaching", "LLM", "Projections", "Vault", "Checkpoints",
                "Twilio", "Service", "API",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/PeriodizeCLI",
            swiftSettings: strict),
        .executableTarget(
            name: "PeriodizeBenchmarks",
            dependencies: [
                "Periodize", "PeriodizeApp", "TestSupport", "EventLog", "EventLogSQLite", "Events", "Projections", "ReadModelsSQLite", "Coaching", "LLM", "LoopbackProviders",
                "Vault", "VaultSQLite", "Service", "Senders", "Twilio", "Replies",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks",
            swiftSettings: strict),
        // Loopback HTTP servers speaking the LLM providers' wire formats, for tests and benchmarks.
        .target(
            name: "LoopbackProviders",
            dependencies: [
                "Twilio", "EventLog",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/LoopbackProviders",
            swiftSettings: strict),
        // Test and benchmark helpers: temporary folders, the built binary as a process, a
        // sample coaching history, the SQLite file behind an engine.
        .target(
            name: "TestSupport",
            dependencies: [
                "Periodize", "Coaching", "Events", "EventLog", "EventLogSQLite", "ReadModelsSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/Support",
            swiftSettings: strict),
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
                "Periodize", "PeriodizeApp", "Senders", "LoopbackProviders", "Coaching", "Events", "EventLog", "EventLogSQLite", "Projections", "TestSupport",
                "Vault", "VaultSQLite", "Checkpoints", "Twilio",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/PeriodizeTests",
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "RepliesTests",
            dependencies: ["Replies", "Events", "Coaching"],
            path: "Tests/RepliesTests",
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Service", "API", "IdempotencySQLite", "Periodize", "PeriodizeApp", "Twilio", "Senders", "LoopbackProviders", "Events", "EventLog", "EventLogSQLite", "TestSupport",
                "Coaching",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/ServiceTests",
            swiftSettings: strict),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM", "LoopbackProviders", "Periodize", "PeriodizeApp", "Coaching", "Events", "EventLog", "EventLogSQLite", "Projections", "Replies", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/LLMTests",
            swiftSettings: strict),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "EventLogSQLite", "Events", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/EventLogTests",
            swiftSettings: strict),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Projections", "ReadModelsSQLite", "Periodize", "PeriodizeApp", "EventLog", "EventLogSQLite", "Events", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/ProjectionsTests",
            swiftSettings: strict),
    ]
)
