// swift-tools-version: 6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "crawler",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crawler", targets: ["crawler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries behind one small seam each.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CGumbo", pkgConfig: "gumbo",
                       providers: [.apt(["libgumbo-dev"])]),
        .systemLibrary(name: "CUchardet", pkgConfig: "uchardet",
                       providers: [.apt(["libuchardet-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),

        // Stages: each depends on FeedModel and its own C module only.
        .target(name: "FeedModel", swiftSettings: strictSettings),
        // Pure HTML lexing shared by Parse (text, first image) and Convert (body rewrites).
        .target(name: "Markup", swiftSettings: strictSettings),
        // The allowlist sanitizer for item bodies, on gumbo's HTML5 tree (pure).
        .target(name: "Sanitize", dependencies: ["CGumbo", "Markup"], swiftSettings: strictSettings),
        .target(name: "Config",
                dependencies: ["FeedModel", "Markup", "Yams"],
                swiftSettings: strictSettings),
        .target(name: "Fetch",
                dependencies: ["FeedModel", "CCurl"], exclude: ["README.md"],
                swiftSettings: strictSettings),
        .target(name: "Parse",
                dependencies: ["FeedModel", "Markup", "CLibXML2", "CUchardet", "CLinux"],
                swiftSettings: strictSettings),
        .target(name: "Convert",
                dependencies: ["FeedModel", "Markup", "Sanitize", .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Mustache", package: "swift-mustache")],
                swiftSettings: strictSettings),
        .target(name: "Store",
                dependencies: ["FeedModel", "CSQLite", "CLinux", "CZlib", "CZstd", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strictSettings),
        // Past one machine: feed state, dedupe and documents shared in PostgreSQL.
        .target(name: "Fleet",
                dependencies: ["FeedModel", "Store", "CLibPQ"],
                swiftSettings: strictSettings),
        .target(name: "Schedule", dependencies: ["FeedModel"], swiftSettings: strictSettings),
        // An article page's tree → its main content (full_content): a scorer or the feed's selectors (pure).
        .target(name: "Extract", dependencies: ["Markup"], swiftSettings: strictSettings),
        .target(name: "CrawlerApp",
                dependencies: ["FeedModel", "Config", "Fetch", "Parse", "Convert", "Store", "Schedule", "Fleet", "Extract", "CLinux",
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: strictSettings),
        .executableTarget(name: "crawler",
                          dependencies: ["CrawlerApp", "FeedModel", "Config", "Parse", "Store", "Fleet", "CLinux",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")],
                          swiftSettings: strictSettings),

        // Benchmarks (bench/): built with the package, run by the scripts beside them.
        .executableTarget(name: "store-bench", dependencies: ["Store", "FeedModel"], path: "bench/StoreBench",
                          swiftSettings: strictSettings),
        .executableTarget(name: "sanitize-bench", dependencies: ["Sanitize"], path: "bench/sanitize/SanitizeBench",
                          swiftSettings: strictSettings),
        .executableTarget(name: "fetch-bench", dependencies: ["Fetch", "FeedModel"], path: "bench/fetch/FetchBench",
                          swiftSettings: strictSettings),

        // Test support: a real loopback HTTP server and fixture helpers.
        .target(name: "CrawlerTestKit",
                dependencies: ["FeedModel", "Fleet", "CLinux"],
                swiftSettings: strictSettings),

        .testTarget(name: "FeedModelTests", dependencies: ["FeedModel"], swiftSettings: strictSettings),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "FeedModel"],
                    swiftSettings: strictSettings),
        .testTarget(name: "ParseTests", dependencies: ["Parse", "FeedModel"],
                    resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "MarkupTests", dependencies: ["Markup"], swiftSettings: strictSettings),
        .testTarget(name: "SanitizeTests", dependencies: ["Sanitize"], swiftSettings: strictSettings),
        .testTarget(name: "ConvertTests", dependencies: ["Convert", "FeedModel", "Markup", "Yams"],
                    swiftSettings: strictSettings),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "FeedModel", "CrawlerTestKit"],
                    swiftSettings: strictSettings),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "Parse", "Markup"],
                    resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "ScheduleTests", dependencies: ["Schedule", "FeedModel"], swiftSettings: strictSettings),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "Store", "FeedModel", "CrawlerTestKit"],
                    swiftSettings: strictSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "FeedModel"],
                    swiftSettings: strictSettings),
        .testTarget(name: "CrawlerAppTests",
                    dependencies: ["CrawlerApp", "FeedModel", "Config", "Store", "Schedule", "CrawlerTestKit", "crawler", "Fleet", "CLinux",
                                   .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)

// The whole-path fuzzer (scripts/fuzz-feed-path.sh): only with CRAWLER_FUZZ=1, so ordinary builds
// and CI skip it.
if Context.environment["CRAWLER_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "feed-path-fuzz",
        dependencies: ["CrawlerApp", "Fetch", "Convert", "FeedModel", "Schedule"],
        path: "Fuzz/FeedPathFuzz", swiftSettings: strictSettings))
}
