import Foundation
import Logging
import SalesopsConfig
import SalesopsCore
import SalesopsPipeline
import SalesopsSQLite
import XCTest

/// Paths of the repository's test fixtures.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static func telephony(_ name: String) -> String { root.appendingPathComponent("telephony/\(name)").path }
    /// The text of a telephony fixture.
    static func telephonyText(_ name: String) throws -> String { try String(contentsOfFile: telephony(name), encoding: .utf8) }
}

/// Collects what an extractor emits.
final class CollectingSink: CallLegSink {
    var legs: [CallLeg] = []
    var rejects: [Reject] = []
    var filtered: [(String, SourcePosition)] = []
    func accept(_ leg: CallLeg) throws { legs.append(leg) }
    func reject(_ reject: Reject) { rejects.append(reject) }
    func filter(reason: String, at position: SourcePosition) { filtered.append((reason, position)) }
}

/// A throw-away project folder with the fixture config, given sources and fixture files.
struct TestProject {
    let dir: URL

    /// `sources`: (name, extractor type, fixture file names, extra YAML lines for the source).
    init(sources: [(name: String, type: String, files: [String], extra: String)]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-test-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try fm.copyItem(at: Fixtures.root.appendingPathComponent("project/config"), to: dir.appendingPathComponent("config"))
        var yaml = "name: test\nsources:\n"
        for source in sources {
            let folder = dir.appendingPathComponent("input/\(source.name)")
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            // Mail sources (mbox, eml) take fixtures from Fixtures/mail, CRM ones from Fixtures/crm,
            // telephony ones from Fixtures/telephony.
            // `mapped_csv_crm` stands for a mapped_csv source of kind crm, `bitrix24_rest_telephony` for a
            // bitrix24_rest source of kind telephony (Bitrix24's own telephony).
            let kind = source.type == "mbox" || source.type == "eml" ? "mail"
                : source.type == "mapped_csv_worktime" ? "worktime"
                : source.type == "bitrix24_rest_telephony" ? "telephony"
                : source.type.hasPrefix("bitrix24") || source.type == "mapped_csv_crm" ? "crm" : "telephony"
            let type = source.type == "mapped_csv_crm" || source.type == "mapped_csv_worktime" ? "mapped_csv" : source.type == "bitrix24_rest_telephony" ? "bitrix24_rest" : source.type
            for file in source.files {
                let from = kind == "telephony" ? Fixtures.telephony(file) : Fixtures.root.appendingPathComponent("\(kind)/\(file)").path
                try fm.copyItem(atPath: from, toPath: folder.appendingPathComponent((file as NSString).lastPathComponent).path)
            }
            let glob = kind == "mail" ? "*.\(source.type)" : type == "bitrix24_rest" ? "*.json" : "*.csv"
            yaml += "  - name: \(source.name)\n    kind: \(kind)\n    type: \(type)\n    path: input/\(source.name)/\(glob)\n"
            yaml += source.extra
        }
        try yaml.write(to: dir.appendingPathComponent("pipelines/nightly.yml"), atomically: true, encoding: .utf8)
    }

    /// An Asterisk project over some fixture files.
    static func asterisk(_ files: String...) throws -> TestProject {
        try TestProject(sources: [("pbx", "asterisk_cdr", files, "")])
    }

    var warehouse: String { dir.appendingPathComponent("output/warehouse.sqlite").path }

    /// Runs the pipeline in-process.
    @discardableResult
    func run(asOf: String = "2026-11-10", reports: Bool = false) throws -> RunOutcome {
        let (config, pipeline) = try ConfigLoader.load(projectDir: dir,
                                                       pipelineFile: dir.appendingPathComponent("pipelines/nightly.yml"),
                                                       pipelineName: "pipelines/nightly.yml")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try PipelineRunner(projectDir: dir, config: config, pipeline: pipeline,
                                  asOf: CivilTime.days(fromDateString: asOf)!, logger: logger).run(writeReports: reports)
    }

    /// Rows of a query on the warehouse, each value as text ("NULL" for null).
    func rows(_ sql: String) throws -> [[String]] {
        let db = try SQLiteDatabase(path: warehouse, readOnly: true)
        defer { db.close() }
        return try db.query(sql).map { $0.map { $0.string ?? "NULL" } }
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// Runs a process and returns (exit code, stdout, stderr).
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], cwd: URL? = nil) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = cwd }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// The built `salesops` executable next to the test bundle.
var salesopsBinary: String {
    var dir = Bundle.main.bundleURL
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("salesops").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/salesops").path
}
