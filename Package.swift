// swift-tools-version:6.0
import PackageDescription

// Each C library is wrapped by one systemLibrary target and imported by exactly one Swift module.
let package = Package(
    name: "Frontdesk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "frontdesk", targets: ["frontdesk"])
    ],
    targets: [
        // C at the edge.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CPSL", pkgConfig: "libpsl", providers: [.apt(["libpsl-dev"])]),

        // Pure Swift.
        .target(name: "FrontdeskCore"),
        .target(name: "FrontdeskText", dependencies: ["FrontdeskCore"], resources: [.copy("Resources")]),
        // Scoring apart from the product: corpus and dev-set evaluation, other libraries' semantics.
        .target(name: "FrontdeskEvaluation", dependencies: ["FrontdeskCore", "FrontdeskText"]),

        // One importer per C library.
        // The store as protocols (no SQL, no C); SQLite is its embedded implementation.
        .target(name: "FrontdeskStore", dependencies: ["FrontdeskCore"]),
        .target(name: "FrontdeskSQLite", dependencies: ["FrontdeskCore", "FrontdeskStore", "CSQLite"]),
        // Billing as a protocol (Stripe Billing's semantics) and its built-in ledger over the store.
        .target(name: "FrontdeskBilling", dependencies: ["FrontdeskCore", "FrontdeskStore"]),
        .target(name: "FrontdeskSecurity", dependencies: ["FrontdeskCore", "CCrypto"]),
        // Organizational domains from the Public Suffix List (DMARC alignment).
        .target(name: "FrontdeskDomains", dependencies: ["CPSL"]),
        .target(
            name: "FrontdeskChannels", dependencies: ["FrontdeskCore", "FrontdeskText", "FrontdeskDomains", "CCurl"]),

        // Capabilities and the pipeline.
        .target(
            name: "FrontdeskPlugins",
            dependencies: ["FrontdeskCore", "FrontdeskStore", "FrontdeskSecurity", "FrontdeskBilling"]),
        .target(
            name: "FrontdeskEngine",
            dependencies: ["FrontdeskCore", "FrontdeskStore", "FrontdeskPlugins", "FrontdeskSecurity", "FrontdeskBilling"]),
        .target(
            name: "FrontdeskHTTP",
            dependencies: [
                "FrontdeskCore", "FrontdeskStore", "FrontdeskSecurity", "FrontdeskChannels", "FrontdeskEngine",
                "CMicroHTTPD",
            ]),
        // The web console of each business (issue 19): pages over the engine, served by FrontdeskHTTP's router.
        .target(
            name: "FrontdeskConsole",
            dependencies: ["FrontdeskCore", "FrontdeskStore", "FrontdeskSecurity", "FrontdeskEngine", "FrontdeskHTTP"]),
        .target(
            name: "FrontdeskApp",
            dependencies: [
                "FrontdeskCore", "FrontdeskText", "FrontdeskStore", "FrontdeskSQLite", "FrontdeskSecurity",
                "FrontdeskChannels", "FrontdeskPlugins", "FrontdeskEngine", "FrontdeskHTTP", "FrontdeskBilling",
                "FrontdeskConsole",
            ]),
        .target(
            name: "FrontdeskTesting",
            dependencies: [
                "FrontdeskApp", "FrontdeskCore", "FrontdeskText", "FrontdeskStore", "FrontdeskEngine",
                "FrontdeskChannels",
            ]),
        .executableTarget(name: "frontdesk", dependencies: ["FrontdeskApp"]),

        // Measurements (never run as tests).
        .executableTarget(
            name: "Eval", dependencies: ["FrontdeskCore", "FrontdeskText", "FrontdeskEvaluation"],
            path: "Benchmarks/Eval"),
        .executableTarget(
            name: "PipelineBench",
            dependencies: ["FrontdeskCore", "FrontdeskStore", "FrontdeskTesting", "FrontdeskApp", "FrontdeskSQLite"],
            path: "Benchmarks/PipelineBench"),

        // Fuzzing: the targets are a library (replayed by FrontdeskFuzzingTests); the executable runs libFuzzer only
        // in the opt-in build of scripts/fuzz.sh (-sanitize=fuzzer -DFUZZING), and otherwise replays and seeds.
        .target(
            name: "FrontdeskFuzzing",
            dependencies: [
                "FrontdeskCore", "FrontdeskText", "FrontdeskChannels", "FrontdeskSecurity", "FrontdeskHTTP",
                "FrontdeskEngine", "FrontdeskApp", "FrontdeskTesting",
            ]),
        .executableTarget(name: "frontdesk-fuzz", dependencies: ["FrontdeskFuzzing"]),

        .testTarget(name: "FrontdeskCoreTests", dependencies: ["FrontdeskCore", "FrontdeskTesting"]),
        .testTarget(name: "FrontdeskTextTests", dependencies: ["FrontdeskText", "FrontdeskCore"]),
        .testTarget(
            name: "FrontdeskEvaluationTests",
            dependencies: ["FrontdeskEvaluation", "FrontdeskText", "FrontdeskCore", "FrontdeskSecurity"]),
        .testTarget(
            name: "FrontdeskSQLiteTests",
            dependencies: [
                "FrontdeskSQLite", "FrontdeskStore", "FrontdeskCore", "FrontdeskApp", "FrontdeskTesting",
                "FrontdeskSecurity", "FrontdeskChannels",
            ]),
        .testTarget(name: "FrontdeskSecurityTests", dependencies: ["FrontdeskSecurity", "FrontdeskCore"]),
        .testTarget(name: "FrontdeskDomainsTests", dependencies: ["FrontdeskDomains"]),
        .testTarget(
            name: "FrontdeskBillingTests",
            dependencies: ["FrontdeskBilling", "FrontdeskStore", "FrontdeskCore", "FrontdeskTesting"]),
        .testTarget(
            name: "FrontdeskChannelsTests", dependencies: ["FrontdeskChannels", "FrontdeskCore", "FrontdeskText"]),
        .testTarget(
            name: "FrontdeskHTTPTests",
            dependencies: [
                "FrontdeskHTTP", "FrontdeskApp", "FrontdeskCore", "FrontdeskSecurity", "FrontdeskStore",
                "FrontdeskTesting",
            ]),
        .testTarget(
            name: "FrontdeskPluginsTests",
            dependencies: [
                "FrontdeskPlugins", "FrontdeskEngine", "FrontdeskCore", "FrontdeskTesting", "FrontdeskBilling",
                "FrontdeskStore",
            ]),
        // Conversations/ is read from the source tree by path (see ConversationFileTests), not bundled.
        .testTarget(
            name: "FrontdeskEngineTests",
            dependencies: [
                "FrontdeskEngine", "FrontdeskApp", "FrontdeskCore", "FrontdeskPlugins", "FrontdeskStore",
                "FrontdeskTesting",
            ],
            exclude: ["Conversations"]),
        .testTarget(
            name: "FrontdeskAppTests",
            dependencies: [
                "FrontdeskApp", "FrontdeskChannels", "FrontdeskCore", "FrontdeskStore", "FrontdeskTesting",
                "FrontdeskSQLite",
            ]),
        .testTarget(name: "FrontdeskFuzzingTests", dependencies: ["FrontdeskFuzzing"]),
        .testTarget(
            name: "FrontdeskConsoleTests",
            dependencies: [
                "FrontdeskConsole", "FrontdeskHTTP", "FrontdeskApp", "FrontdeskCore", "FrontdeskEngine", "FrontdeskStore",
                "FrontdeskSecurity", "FrontdeskTesting",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
