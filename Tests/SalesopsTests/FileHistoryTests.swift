import Foundation
import SalesopsExtract
import SalesopsIO
import SalesopsPipeline
import XCTest

/// Facts loaded from a file version are history: they stay when the file is moved, truncated,
/// rotated, compressed or deleted; only the operator's `run --forget FILE` removes them.
final class FileHistoryTests: XCTestCase {
    /// Two answered outbound calls (billsec 30 and 31) on 2026-11-10.
    let firstCalls = "SELECT call_id FROM calls ORDER BY call_id"
    /// A row the PBX writes after the first night (a third call).
    let laterRow = #""","101","+79165550032","from-internal","""101"" <101>","SIP/101-1762780200.52","SIP/trunk-1762780200.52","Dial","","2026-11-10 16:10:00","2026-11-10 16:10:05","2026-11-10 16:11:05",65,60,"ANSWERED","DOCUMENTATION","1762780200.52","","","1762780200.52",1"#
        + "\n"

    /// An Asterisk project whose glob also matches rotated logs (`Master.csv-20261121`, `.gz`).
    func masterProject() throws -> (TestProject, URL) {
        let project = try TestProject.asterisk()
        let folder = project.dir.appendingPathComponent("input/pbx")
        try FileManager.default.copyItem(atPath: Fixtures.telephony("billsec_30_vs_31.csv"),
                                         toPath: folder.appendingPathComponent("Master.csv").path)
        let pipeline = project.dir.appendingPathComponent("pipelines/nightly.yml")
        let yaml = try String(contentsOf: pipeline, encoding: .utf8)
            .replacingOccurrences(of: "path: input/pbx/*.csv", with: "path: input/pbx/Master.csv*")
        try yaml.write(to: pipeline, atomically: true, encoding: .utf8)
        return (project, folder.appendingPathComponent("Master.csv"))
    }

    func write(_ text: String, to file: URL) throws { try text.write(to: file, atomically: false, encoding: .utf8) }

    func append(_ text: String, to file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    func gzip(_ file: URL) throws {
        let (code, _, err) = try runProcess("/bin/gzip", ["-9", "-n", file.path])
        XCTAssertEqual(code, 0, err)
    }

    func testMovingMasterCsvAwayAndStartingANewOneKeepsItsCalls() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        let archive = project.dir.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: master, to: archive.appendingPathComponent("Master.csv"))
        try FileManager.default.copyItem(atPath: Fixtures.telephony("unanswered_row.csv"), toPath: master.path)
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [1])
        XCTAssertEqual(try project.rows(firstCalls), [["1762779600.50"], ["1762779900.51"], ["1762783200.80"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_out, calls_out_effective FROM rep_daily WHERE calls_out > 0 ORDER BY rep_id"),
                       [["r01", "2", "1"], ["r02", "1", "0"]])
    }

    func testTruncatedMasterCsvKeepsItsCallsAndIsReadFromItsStartWhenItGrowsAgain() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        try write("", to: master)                        // `: > Master.csv`
        let emptied = try project.run()
        XCTAssertEqual(emptied.stats.map(\.rowsRead), [0])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(is_effective) FROM calls"), [["2", "1"]])
        try append(laterRow, to: master)                 // the PBX writes again, from line 1
        let grown = try project.run()
        XCTAssertEqual(grown.stats.map(\.rowsRead), [1])
        XCTAssertEqual(try project.rows("SELECT src_line, run_id FROM call_legs ORDER BY run_id, src_line"),
                       [["1", "1"], ["2", "1"], ["1", "3"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(is_effective) FROM calls"), [["3", "2"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM rejects"), [["0"]])
    }

    func testDeletedMasterCsvKeepsItsCalls() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        try FileManager.default.removeItem(at: master)
        try project.run()
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
    }

    func testLogrotateCompressReadsTheGzipOnFromWhereTheLogWasLeft() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        // After the night's run the PBX appended a row; then logrotate moved the log, compressed it
        // (`Master.csv-20261121.gz`) and a new Master.csv started with one row.
        try append(laterRow, to: master)
        let rotated = master.deletingLastPathComponent().appendingPathComponent("Master.csv-20261121")
        try FileManager.default.moveItem(at: master, to: rotated)
        try gzip(rotated)
        try FileManager.default.copyItem(atPath: Fixtures.telephony("unanswered_row.csv"), toPath: master.path)
        let second = try project.run()
        // The new log's row and the row appended before the rotation: nothing read twice, no junk.
        XCTAssertEqual(second.stats.map(\.rowsRead), [2])
        XCTAssertEqual(second.stats.map(\.rowsRejected), [0])
        XCTAssertEqual(try project.rows("SELECT call_id, src_file, src_line FROM calls ORDER BY call_id"), [
            ["1762779600.50", "input/pbx/Master.csv-20261121.gz", "1"],
            ["1762779900.51", "input/pbx/Master.csv-20261121.gz", "2"],
            ["1762780200.52", "input/pbx/Master.csv-20261121.gz", "3"],
            ["1762783200.80", "input/pbx/Master.csv", "1"],
        ])
        XCTAssertEqual(try project.rows("SELECT path, bytes > 0, resume_line FROM etl_files WHERE run_id = 2 ORDER BY path"), [
            ["input/pbx/Master.csv", "1", "2"], ["input/pbx/Master.csv-20261121.gz", "1", "4"],
        ])
        // The next night both are known: nothing is read.
        let third = try project.run()
        XCTAssertEqual(third.stats.map(\.rowsRead), [0])
        XCTAssertEqual(third.stats.map(\.filesSkipped), [2])
    }

    func testACompressedCopyOfALoadedLogIsRecognisedAsTheSameContent() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        let rotated = master.deletingLastPathComponent().appendingPathComponent("Master.csv-20261121")
        try FileManager.default.copyItem(at: master, to: rotated)
        try gzip(rotated)
        let second = try project.run()
        XCTAssertEqual(second.stats.map(\.rowsRead), [0])
        XCTAssertEqual(second.stats.map(\.filesSkipped), [2])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
    }

    func testForgetDropsAFilesFactsAndReadsItAgain() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        try write(laterRow, to: master)   // rewritten: the two first calls are no longer in it
        try project.run()
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["3"]])
        let (code, _, err) = try runProcess(salesopsBinary, ["run", "--project", project.dir.path, "--as-of", "2026-11-10",
                                                             "--no-report", "--forget", "input/pbx/Master.csv"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try project.rows(firstCalls), [["1762780200.52"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_out FROM rep_daily WHERE calls_out > 0"), [["r01", "1"]])
    }

    func testAGzipFileReadsAsTheContentItHolds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("Master.csv")
        try FileManager.default.copyItem(atPath: Fixtures.telephony("billsec_30_vs_31.csv"), toPath: plain.path)
        let before = try InputFiles.fingerprint(path: plain.path, projectDir: dir, prefixLengths: [0, 100, 1 << 30])
        try gzip(plain)
        let after = try InputFiles.fingerprint(path: plain.path + ".gz", projectDir: dir, prefixLengths: [0, 100, 1 << 30])
        XCTAssertFalse(before.isCompressed)
        XCTAssertTrue(after.isCompressed)
        XCTAssertEqual(after.sha256, before.sha256)
        XCTAssertEqual(after.bytes, before.bytes)
        XCTAssertEqual(after.prefixSHA256, before.prefixSHA256)
        XCTAssertEqual(Set(after.prefixSHA256.keys), [0, 100])
        // A truncated gzip stream is an error, never a silent short read.
        let gz = try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
        let cut = dir.appendingPathComponent("cut.gz")
        try gz.prefix(gz.count - 12).write(to: cut)
        XCTAssertThrowsError(try InputFiles.fingerprint(path: cut.path, projectDir: dir))
    }

    func testAFIFOIsNotOpenedAsAnInputFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("Master.csv").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try InputByteStream(path: fifo)) { error in
            XCTAssertEqual((error as? InputStreamError)?.message, "not a regular file")
        }
    }
}

final class InputMatchTests: XCTestCase {
    func testAGlobReadsRegularFilesAndNamesEverythingElseItMatched() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        let folder = project.dir.appendingPathComponent("input/pbx")
        XCTAssertEqual(mkfifo(folder.appendingPathComponent("live.csv").path, 0o600), 0)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("old.csv"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("gone.csv").path,
                                                   withDestinationPath: folder.appendingPathComponent("nowhere.csv").path)
        let matches = InputFiles.match(glob: "input/pbx/*.csv", in: project.dir)
        XCTAssertEqual(matches.files.map { ($0 as NSString).lastPathComponent }, ["billsec_30_vs_31.csv"])
        XCTAssertEqual(matches.skipped.map { "\(($0.path as NSString).lastPathComponent): \($0.reason)" }, [
            "gone.csv: a dangling symbolic link", "live.csv: a FIFO (named pipe), not a file", "old.csv: a directory",
        ])
        // The run reads the file, does not block on the FIFO, and notes each skipped path.
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRead), [2])
        XCTAssertEqual(try project.rows("SELECT src_file, message FROM etl_notes ORDER BY src_file"), [
            ["input/pbx/gone.csv", "not read: a dangling symbolic link"],
            ["input/pbx/live.csv", "not read: a FIFO (named pipe), not a file"],
            ["input/pbx/old.csv", "not read: a directory"],
        ])
    }
}

final class RepeatedRowTests: XCTestCase {
    func testARowRepeatedInAFileIsOneLegAndCountedAsFiltered() throws {
        let project = try TestProject.asterisk()
        defer { project.remove() }
        let rows = try Fixtures.telephonyText("ring_group_one_answer.csv").split(separator: "\n").map(String.init)
        // The answering leg written twice (a PBX that repeated a batch after a restart).
        try ([rows[0], rows[1], rows[1], rows[2]].joined(separator: "\n") + "\n")
            .write(to: project.dir.appendingPathComponent("input/pbx/Master.csv"), atomically: true, encoding: .utf8)
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRead), [4])
        XCTAssertEqual(outcome.stats.map(\.rowsLoaded), [3])
        XCTAssertEqual(outcome.stats.map(\.filtered), [["duplicate row": 1]])
        XCTAssertEqual(try project.rows("SELECT call_id, legs, disposition, rep_id, talk_secs FROM calls"),
                       [["1762761600.10", "3", "answered", "r02", "95"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM call_legs"), [["3"]])
    }
}

final class UnterminatedLastLineTests: XCTestCase {
    func testAnExportWhoseValidLastLineHasNoLineEndLoadsIt() throws {
        // Many exports end without a final line end: a last line that parses is a row like any other.
        let project = try TestProject(sources: [("spb", "freepbx_cdr", [], "")])
        defer { project.remove() }
        var text = try Fixtures.telephonyText("freepbx_header.csv")
        while text.hasSuffix("\n") { text.removeLast() }
        try text.write(to: project.dir.appendingPathComponent("input/spb/cdr.csv"), atomically: true, encoding: .utf8)
        let outcome = try project.run()
        XCTAssertEqual(outcome.stats.map(\.rowsRead), [3])
        XCTAssertEqual(outcome.stats.map(\.rowsRejected), [0])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM call_legs"), [["3"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM etl_notes"), [["0"]])
    }
}
