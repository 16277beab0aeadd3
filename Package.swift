// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "salesops",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "salesops", targets: ["salesops"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C system libraries, each wrapped by exactly one Swift module below.
        .systemLibrary(name: "CCSV", path: "Sources/CCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CXLSXWriter", path: "Sources/CXLSXWriter", pkgConfig: "xlsxwriter",
                       providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // OpenSSL's libcrypto for SHA-256 of input files (1.5 GB/s with SHA-NI; pure Swift did 0.2 GB/s).
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        // zlib: gzip-compressed rotated logs are read as the content they hold.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // libpq: a warehouse in a PostgreSQL database (`sinks.warehouse: postgresql://…`).
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", providers: [.apt(["libpq-dev"])]),

        // Typed records, configuration model, errors; no I/O.
        .target(name: "SalesopsCore"),
        // Thin wrappers: no C type leaves them.
        // The CSV hot loop: exclusivity checks on the reader's buffers cost ~15 % of the parse.
        // Every input file's bytes, plain or gzip-compressed.
        .target(name: "SalesopsIO", dependencies: ["CZlib"]),
        .target(name: "SalesopsCSV", dependencies: ["CCSV", "SalesopsIO"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // What the warehouse code asks of an engine (values, results, a connection), and the engines.
        .target(name: "SalesopsSQL"),
        .target(name: "SalesopsSQLite", dependencies: ["CSQLite", "SalesopsSQL"]),
        .target(name: "SalesopsPostgres", dependencies: ["CPostgres", "SalesopsSQL"]),
        .target(name: "SalesopsXLSX", dependencies: ["CXLSXWriter", "CZlib"]),
        // Strict YAML configuration loading.
        .target(name: "SalesopsConfig", dependencies: ["SalesopsCore", "SalesopsCSV", .product(name: "Yams", package: "Yams")]),
        // Strict streaming JSON (CRM REST dumps).
        .target(name: "SalesopsJSON", dependencies: ["SalesopsIO"]),
        // Mail formats: mbox, RFC 5322 headers, RFC 2047 words, RFC 2231 parameters, MIME, charsets.
        .target(name: "SalesopsMail", dependencies: ["SalesopsCore", "SalesopsIO"]),
        // The stages of the house.
        .target(name: "SalesopsExtract", dependencies: ["SalesopsCore", "SalesopsCSV", "SalesopsMail", "SalesopsJSON", "SalesopsIO", "CCrypto"]),
        .target(name: "SalesopsTransform", dependencies: ["SalesopsCore"]),
        .target(name: "SalesopsLoad", dependencies: ["SalesopsCore", "SalesopsSQL", "SalesopsSQLite", "SalesopsPostgres"]),
        .target(name: "SalesopsReport", dependencies: ["SalesopsCore", "SalesopsSQLite", "SalesopsXLSX"]),
        // Wires the stages from a pipeline file: the run, validation and reports.
        .target(name: "SalesopsPipeline", dependencies: [
            "SalesopsCore", "SalesopsConfig", "SalesopsExtract", "SalesopsTransform", "SalesopsLoad", "SalesopsSQLite",
            "SalesopsReport", "SalesopsPostgres", .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "salesops", dependencies: [
            "SalesopsCore", "SalesopsConfig", "SalesopsLoad", "SalesopsPipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SalesopsTests", dependencies: [
            "SalesopsCore", "SalesopsIO", "SalesopsCSV", "SalesopsSQLite", "SalesopsConfig", "SalesopsMail", "SalesopsJSON", "SalesopsExtract",
            "SalesopsTransform", "SalesopsLoad", "SalesopsReport", "SalesopsPipeline", "SalesopsSQL", "SalesopsPostgres", "salesops",
        ]),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzzing (not in CI): `scripts/fuzz` builds these libFuzzer targets with SALESOPS_FUZZ=1 and
// `-sanitize=fuzzer,address`; a normal build never sees them.
if Context.environment["SALESOPS_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/support"),
        .target(name: "FuzzDriver", path: "Fuzz/driver"),
        .executableTarget(name: "fuzz-csv", dependencies: ["SalesopsCSV", "FuzzSupport", "FuzzDriver"], path: "Fuzz/csv"),
        .executableTarget(name: "fuzz-mail", dependencies: ["SalesopsCore", "SalesopsMail", "FuzzSupport", "FuzzDriver"], path: "Fuzz/mail"),
        .executableTarget(name: "fuzz-json", dependencies: ["SalesopsExtract", "FuzzSupport", "FuzzDriver"], path: "Fuzz/json"),
    ]
}
