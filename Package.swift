// swift-tools-version:6.1
import PackageDescription

/// Compiler settings every Airlock target shares: Swift 6 language mode comes with the tools version;
/// these add the stricter checks the codebase is written for.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "airlock",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "airlock", targets: ["airlock"]),
        .executable(name: "airlock-server", targets: ["airlock-server"]),
        .library(name: "AirlockAWS", targets: ["AirlockAWS"]),
        .library(name: "AirlockTesting", targets: ["AirlockTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3" ..< "5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.34.0"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/swift-openapi-vapor.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // AWS core: SigV4, STS, shared config files, credential cache, TOTP. No web framework here.
        .target(
            name: "AirlockAWS",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // Real test peers started on loopback: the project's own test STS, moto, free ports.
        // The demo uses the test STS too, so this is a library rather than a test-only target.
        .target(
            name: "AirlockTesting",
            dependencies: [
                "AirlockAWS",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        // In-process fixtures for the server's own tests: the app configured on a scratch database (SQLite or
        // PostgreSQL), a movable clock, the test STS; requests through VaporTesting.
        .target(
            name: "AirlockServerTesting",
            dependencies: [
                "AirlockAWS",
                "AirlockServer",
                "AirlockTesting",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strictSettings
        ),
        // `airlock serve`: the Vapor app. A folder per domain (Accounts/, ...), each with its models,
        // migrations and routes; Core/ holds configuration and the database choice.
        .target(
            name: "AirlockServer",
            dependencies: [
                "AirlockAWS",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIVapor", package: "swift-openapi-vapor"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // ID token signatures (RSA: `_RSA.Signing.PublicKey`).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            // openapi.yaml is the API's contract: swift-openapi-generator builds the JSON API's types and
            // routing from it (API/APIHandler.swift implements the operations).
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The JSON API's client, generated from the same openapi.yaml (a link to the server's), for the CLI.
        .target(
            name: "AirlockAPIClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The `airlock` commands, as a library so tests can call them.
        .target(
            name: "AirlockCLI",
            dependencies: [
                "AirlockAWS",
                "AirlockAPIClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "airlock",
            dependencies: ["AirlockCLI"],
            swiftSettings: strictSettings
        ),
        // `airlock serve` and `airlock admin`, which `airlock` runs as `airlock-server` installed beside it: the
        // server stays out of the client binary (Linux-only: the run sandbox is bubblewrap).
        .target(
            name: "AirlockServerCLI",
            dependencies: [
                "AirlockAWS", "AirlockServer", "AirlockCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "airlock-server",
            dependencies: ["AirlockCLI", "AirlockServerCLI"],
            swiftSettings: strictSettings
        ),
        // The test STS as a program, for the demo (scripts/demo.sh).
        .executableTarget(
            name: "airlock-test-sts",
            dependencies: ["AirlockTesting"],
            swiftSettings: strictSettings
        ),
        // `Benchmarks/run.sh` runs this against botocore's signer in the same run.
        .executableTarget(
            name: "airlock-benchmarks",
            dependencies: ["AirlockAWS"],
            path: "Benchmarks/SigV4Benchmark",
            swiftSettings: strictSettings
        ),
        // `Benchmarks/run.sh` runs this (debug) to time a release `airlock whoami` against `aws sts get-caller-identity`.
        .executableTarget(
            name: "airlock-cli-benchmark",
            dependencies: ["AirlockAWS", "AirlockTesting"],
            path: "Benchmarks/CLIBenchmark",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AirlockAWSTests",
            dependencies: ["AirlockAWS", "AirlockTesting"],
            swiftSettings: strictSettings
        ),
        // The server's rules and authorization in-process (AirlockServerTesting), on SQLite and on PostgreSQL.
        .testTarget(
            name: "AirlockServerTests",
            dependencies: [
                "AirlockAWS", "AirlockServer", "AirlockServerTesting", "AirlockTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The client: the built `airlock` binary on AWS profiles, in tmux for terminal behaviour, beside the real AWS CLI
        // and the test STS. No server, no database.
        .testTarget(
            name: "AirlockClientTests",
            dependencies: ["AirlockAWS", "AirlockTesting", "AirlockCLI",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // End to end, one test per user flow: the built binaries, a real server (on SQLite and PostgreSQL), Terraform in
        // its sandbox, the stock terraform CLI, Chromium.
        .testTarget(
            name: "AirlockEndToEndTests",
            dependencies: ["AirlockAWS", "AirlockTesting", "AirlockCLI", "AirlockServer", .product(name: "Vapor", package: "vapor"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
    ]
)
