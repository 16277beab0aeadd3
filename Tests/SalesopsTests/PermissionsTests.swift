import Foundation
import XCTest

/// What a run writes is owner-only unless the pipeline says otherwise (`sinks.permissions`).
final class PermissionsTests: XCTestCase {
    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func modes(_ project: TestProject) throws -> [String] {
        let out = project.dir.appendingPathComponent("output").path
        return try ["", "/warehouse.sqlite", "/.salesops.lock", "/reports", "/reports/2026-11-10",
                    "/reports/2026-11-10/department.xlsx"].map { String(try mode(out + $0), radix: 8) }
    }

    func testAWarehouseAndItsReportsAreOwnerOnlyByDefaultAndGroupReadableWhenConfigured() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let (code, _, err) = try runProcess("/bin/sh", ["-c", "umask 022; exec \"$0\" run --project \"$1\" --as-of 2026-11-10",
                                                        salesopsBinary, project.dir.path])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try modes(project), ["700", "600", "600", "700", "700", "600"])

        let other = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { other.remove() }
        let pipeline = other.dir.appendingPathComponent("pipelines/nightly.yml")
        try (try String(contentsOf: pipeline, encoding: .utf8) + "sinks:\n  permissions: group\n")
            .write(to: pipeline, atomically: true, encoding: .utf8)
        let (groupCode, _, groupErr) = try runProcess(salesopsBinary, ["run", "--project", other.dir.path, "--as-of", "2026-11-10"])
        XCTAssertEqual(groupCode, 0, groupErr)
        XCTAssertEqual(try modes(other), ["750", "640", "600", "750", "750", "640"])
    }
}
