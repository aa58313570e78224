// swift-tools-version:6.1
import PackageDescription

// Settings every Swift target gets: strict, explicit imports keep the C libraries
// from leaking into the public API of the layers above them (DESIGN.md, "Layers").
let strictness: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "Steward",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "steward", targets: ["steward"]),
    .library(name: "StewardEngine", targets: ["StewardEngine"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    // Runbook steps run commands; reports and announcements render templates.
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    // One history for a whole organisation: the PostgreSQL store (decision 0032).
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
  ],
  targets: [
    // C: the Debian libraries and the shim for what Swift cannot import.
    .systemLibrary(
      name: "CLua", pkgConfig: "lua5.4",
      providers: [.apt(["liblua5.4-dev"])]),
    .systemLibrary(
      name: "CYAML", pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]),
    // The Markdown bodies of Hugging Face model cards (tables need the gfm extensions).
    .systemLibrary(
      name: "CMark", pkgConfig: "libcmark-gfm",
      providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
    .target(name: "CLuaShim", dependencies: ["CLua"]),

    // Swift layers; arrows point down only.
    // SHA-256 blocks on the x86-64 SHA extensions (decision 0019).
    .target(name: "CSHA256"),
    // Runs a runbook step's command and kills its group when steward dies (decision 0027).
    .target(name: "CStepSupervisor"),
    .target(name: "StewardCore", dependencies: ["CSHA256"], swiftSettings: strictness),
    .target(
      name: "StewardYAML",
      dependencies: ["StewardCore", "CYAML", "CMark", .product(name: "CSV", package: "CSV.swift")],
      swiftSettings: strictness),
    // steward.lib, the Lua module every plugin can require, is compiled in (decision 0040).
    .target(
      name: "StewardLua", dependencies: ["StewardCore", "CLua", "CLuaShim"],
      resources: [.embedInCode("Lua/steward/lib.lua")],
      swiftSettings: strictness),
    .target(
      name: "StewardEngine",
      dependencies: [
        "StewardCore", "StewardYAML", "StewardLua", "CStepSupervisor",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ],
      swiftSettings: strictness),
    .executableTarget(
      name: "steward",
      dependencies: [
        "StewardEngine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strictness,
      linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))]),

    // Release-mode benchmarks: `swift run -c release steward-bench`.
    .executableTarget(
      name: "steward-bench", dependencies: ["StewardCore", "StewardYAML", "StewardLua"],
      path: "Benchmarks/StewardBench", swiftSettings: strictness),

    // Temporary folders for the tests, removed when the test process exits.
    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictness),
    .testTarget(name: "StewardCoreTests", dependencies: ["StewardCore"], swiftSettings: strictness),
    .testTarget(
      name: "StewardYAMLTests", dependencies: ["StewardYAML", "TestSupport"],
      swiftSettings: strictness),
    .testTarget(
      name: "StewardLuaTests", dependencies: ["StewardLua"], exclude: ["Fixtures"],
      swiftSettings: strictness),
    .testTarget(
      name: "StewardEngineTests",
      dependencies: [
        "StewardEngine", "StewardLua", "TestSupport",
        // To look inside history stores (schema, migrations) the way a user's sqlite3 would.
        .product(name: "GRDB", package: "GRDB.swift"),
      ], exclude: ["Golden", "Fixtures"], swiftSettings: strictness),
    // Runs the built `steward` binary, as a user or CI would.
    .testTarget(
      name: "StewardEndToEndTests",
      dependencies: [
        "StewardEngine", "steward", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ],
      // The Hugging Face cards the pack runs over (scripts/gen-hf-card-fixtures).
      exclude: ["Fixtures"], swiftSettings: strictness),
  ],
  swiftLanguageModes: [.v6]
)
