import Foundation
import XCTest

/// The shipped cron line works as written on a fresh copy of the demo, and the README shows it.
final class SchedulingTests: XCTestCase {
    let repo = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()

    /// The command of the cron entry (after schedule and user), for a project at `dir` and the built binary.
    func cronCommand(for dir: URL) throws -> String {
        let file = try String(contentsOf: repo.appendingPathComponent("deploy/cron.d/salesops"), encoding: .utf8)
        let entry = try XCTUnwrap(file.split(separator: "\n").last { !$0.hasPrefix("#") && !$0.contains("=") && !$0.isEmpty })
        let readme = try String(contentsOf: repo.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains(String(entry)), "the README shows another cron line than deploy/cron.d/salesops")
        let fields = entry.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: true)
        XCTAssertEqual(fields.count, 7)
        XCTAssertEqual(fields[5], "salesops")
        return String(fields[6]).replacingOccurrences(of: "/srv/salesops", with: dir.path)
            .replacingOccurrences(of: ".build/release/salesops", with: salesopsBinary)
    }

    func testTheDocumentedCronLineRunsOnAFreshDemoAndMailsOnlyWhenANightFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-cron-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for sub in ["config", "pipelines", "input"] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: repo.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
        }
        // The default as-of (yesterday) is fine: the demo's files load whatever the date.
        let command = try cronCommand(for: dir)
        // cron runs the line with /bin/sh from the user's home, with little in the environment.
        let (code, mail, _) = try runProcess("/usr/bin/env", ["-i", "HOME=/tmp", "PATH=/usr/bin:/bin", "/bin/sh", "-c", command],
                                             cwd: URL(fileURLWithPath: "/tmp"))
        XCTAssertEqual(code, 0)
        XCTAssertEqual(mail, "", "cron would mail: \(mail)")
        let log = try String(contentsOf: dir.appendingPathComponent("output/salesops.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("salesops run 1 as of "), log)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("output/reports").path).count, 1)
        // A night on which the PBX export is missing: one line for cron to mail, the details in the log.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("input/telephony/sipuni"))
        let (failed, failedMail, _) = try runProcess("/bin/sh", ["-c", command])
        XCTAssertEqual(failed, 0)
        XCTAssertEqual(failedMail, "salesops run exited 65 - see \(dir.path)/output/salesops.log\n")
        let second = try String(contentsOf: dir.appendingPathComponent("output/salesops.log"), encoding: .utf8)
        XCTAssertTrue(second.contains("NO DATA  regions_sipuni: the folder input/telephony/sipuni does not exist"), second)
    }
}
