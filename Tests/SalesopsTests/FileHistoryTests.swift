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

    /// What the ledger holds of the last loaded version of `path`, as the night's fingerprint reads it.
    func known(_ project: TestProject, _ path: String = "input/pbx/Master.csv") throws -> InputFiles.KnownVersion {
        let r = try XCTUnwrap(try project.rows("""
            SELECT sha256, bytes, stat_key, resume_offset, resume_sha256, resume_state, resume_sample_sha256
            FROM etl_files WHERE path = '\(path)' ORDER BY run_id DESC LIMIT 1
            """).first)
        func text(_ i: Int) -> String? { r[i] == "NULL" ? nil : r[i] }
        return InputFiles.KnownVersion(sha256: r[0], bytes: Int64(r[1])!, statKey: text(2), resumeOffset: text(3).flatMap { Int64($0) },
                                       resumeSHA256: text(4), resumeState: text(5), resumeSample: text(6))
    }

    /// A log the PBX appended to is the loaded version with lines after it: its first and last 64 KiB
    /// before the resume offset are as they were, so its hash goes on from the state saved there (the
    /// nightly run reads the new bytes only) and equals the hash of every byte; the night reads the new row.
    func testALogAppendedToIsHashedOnFromTheStateSavedAtItsResumeOffset() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        let loaded = try known(project)
        XCTAssertEqual(loaded.resumeOffset, loaded.bytes)
        XCTAssertEqual(loaded.resumeSHA256, loaded.sha256)
        XCTAssertEqual(loaded.statKey, FileStat(path: master.path)?.identity, "written just now: its times are not trusted")
        try append(laterRow, to: master)
        let grown = try InputFiles.fingerprint(path: master.path, projectDir: project.dir, prefixLengths: [loaded.bytes], known: loaded)
        let whole = try InputFiles.fingerprint(path: master.path, projectDir: project.dir, prefixLengths: [loaded.bytes])
        XCTAssertEqual(grown.hashing, .grown(offset: loaded.bytes, state: loaded.resumeState!))
        XCTAssertEqual(whole.hashing, .read)
        XCTAssertEqual(grown.sha256, whole.sha256)
        XCTAssertEqual(grown.bytes, whole.bytes)
        XCTAssertEqual(grown.prefixSHA256, whole.prefixSHA256)
        XCTAssertEqual(grown.finalState, whole.finalState)

        let night = try project.run()
        XCTAssertEqual(night.stats.map(\.rowsRead), [1])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(is_effective) FROM calls"), [["3", "2"]])
        let after = try known(project)
        XCTAssertEqual(after.sha256, whole.sha256)
        XCTAssertEqual(after.resumeState, whole.finalState)
        XCTAssertEqual(after.resumeSample, try InputFiles.sampleSHA256(path: master.path, length: whole.bytes))
    }

    /// A file of a size no loaded version has is hashed on another thread while it is read: its ledger
    /// entry is the one a hash before the read gives (the SHA-256 `sha256sum` computes, the final hash
    /// state). A copy of a loaded version has its size: it is hashed before anything is read, and skipped.
    func testAFileOfANewSizeIsHashedWhileItIsReadAndACopyOfALoadedOneIsSkipped() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        let loaded = try known(project)
        let (code, out, err) = try runProcess("/usr/bin/sha256sum", [master.path])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(loaded.sha256, String(out.prefix(64)))
        let whole = try InputFiles.fingerprint(path: master.path, projectDir: project.dir)
        XCTAssertEqual(loaded.bytes, whole.bytes)
        XCTAssertEqual(loaded.resumeState, whole.finalState)
        XCTAssertEqual(loaded.statKey, FileStat(path: master.path)?.identity, "written just now: its times are not trusted")

        let rotated = master.deletingLastPathComponent().appendingPathComponent("Master.csv-20261121")
        try FileManager.default.copyItem(at: master, to: rotated)
        try write(laterRow, to: master)
        let night = try project.run()
        XCTAssertEqual(night.stats.map(\.filesSkipped), [1], "the rotated copy")
        XCTAssertEqual(night.stats.map(\.rowsRead), [1], "the new log, read whole")
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["3"]])
        XCTAssertEqual(try project.rows("SELECT path, rows FROM etl_files ORDER BY run_id, path"),
                       [["input/pbx/Master.csv", "2"], ["input/pbx/Master.csv", "1"], ["input/pbx/Master.csv-20261121", "0"]])
        XCTAssertEqual(try known(project).sha256, try InputFiles.fingerprint(path: master.path, projectDir: project.dir).sha256)
    }

    /// Two new files with the same bytes in one night: the first is read, the second skipped as its
    /// copy — files of a size another matched file has are hashed before anything is read.
    func testTwoNewFilesWithTheSameBytesAreReadOnce() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try FileManager.default.copyItem(at: master, to: master.deletingLastPathComponent().appendingPathComponent("Master.csv-copy"))
        let night = try project.run()
        XCTAssertEqual(night.stats.map(\.rowsRead), [2])
        XCTAssertEqual(night.stats.map(\.filesSkipped), [1])
        XCTAssertEqual(try project.rows("SELECT path, rows FROM etl_files ORDER BY path"),
                       [["input/pbx/Master.csv", "2"], ["input/pbx/Master.csv-copy", "0"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["2"]])
    }

    /// `copytruncate` empties the log in place (same inode) and the PBX fills it past the old resume
    /// offset: its bytes before that offset are others, so it is hashed whole and read whole.
    func testALogTruncatedInPlaceAndRefilledPastItsResumeOffsetIsReadWhole() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        let loaded = try known(project)
        let inode = FileStat(path: master.path)?.inode
        let refill = String(repeating: laterRow, count: 3)
            .replacingOccurrences(of: "1762780200.52", with: "1762780500.60")
        XCTAssertGreaterThan(Int64(refill.utf8.count), loaded.bytes)
        try write(refill, to: master)
        XCTAssertEqual(FileStat(path: master.path)?.inode, inode)
        let file = try InputFiles.fingerprint(path: master.path, projectDir: project.dir, prefixLengths: [loaded.bytes], known: loaded)
        XCTAssertEqual(file.hashing, .read)
        XCTAssertNotEqual(file.prefixSHA256[loaded.bytes], loaded.resumeSHA256)
        let night = try project.run()
        XCTAssertEqual(night.stats.map(\.rowsRead), [3])
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM calls"), [["3"]])
    }

    /// A file whose device, inode, size and times are those recorded when it was hashed — and was not
    /// being written then — is the version loaded: known without reading a byte. A `touch` changes its
    /// times: it is hashed again, found loaded, and its new key recorded.
    func testAFileWhoseStatIsAsRecordedIsKnownWithoutReadingIt() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        try project.run()
        let stat = try XCTUnwrap(FileStat(path: master.path))
        let later = max(stat.modified, stat.changed) + 3_000_000_000   // hashed 3 s after the last write
        var loaded = try known(project)
        loaded.statKey = stat.key(hashedAt: later)
        XCTAssertEqual(loaded.statKey, "\(stat.identity):\(stat.size):\(stat.modified):\(stat.changed)")
        XCTAssertEqual(stat.key(hashedAt: later - 1_500_000_000), stat.identity, "written 1.5 s before: not trusted")
        loaded.sha256 = String(repeating: "0", count: 64)   // what the ledger says, not what the bytes hash to
        let same = try InputFiles.fingerprint(path: master.path, projectDir: project.dir, known: loaded, hashedAt: later)
        XCTAssertEqual(same.hashing, .unchanged)
        XCTAssertEqual(same.sha256, loaded.sha256)
        XCTAssertEqual(same.bytes, loaded.bytes)

        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, master.path, &times, 0), 0)
        let touched = try InputFiles.fingerprint(path: master.path, projectDir: project.dir, known: loaded, hashedAt: later)
        XCTAssertEqual(touched.hashing, .read)
        XCTAssertNotEqual(touched.sha256, loaded.sha256)
        let night = try project.run()
        XCTAssertEqual(night.stats.map(\.rowsRead), [0])
        XCTAssertEqual(night.stats.map(\.filesSkipped), [1])
        XCTAssertEqual(try known(project).statKey, FileStat(path: master.path)?.identity, "touched just now: identity only")
    }

    /// A file read whole again (a bad row fixed in place: it no longer continues what was loaded) gives
    /// the same rows at the same lines for the calls already stored: they are left as they are (their
    /// loading run stays, nothing is regrouped), and the fixed row's call is added.
    func testCallsAFileReadWholeAgainGivesUnchangedAreLeftAsTheyAre() throws {
        let (project, master) = try masterProject()
        defer { project.remove() }
        let bad = laterRow.replacingOccurrences(of: "2026-11-10 16:10:00", with: "2026-11-31 16:10:00")
        try append(bad, to: master)
        try project.run()
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM rejects"), [["1"]])
        try write(try String(contentsOf: master, encoding: .utf8).replacingOccurrences(of: bad, with: laterRow), to: master)
        let night = try project.run()
        XCTAssertEqual(night.stats.map(\.rowsRead), [3])
        XCTAssertEqual(try project.rows("SELECT call_id, run_id FROM calls ORDER BY call_id"),
                       [["1762779600.50", "1"], ["1762779900.51", "1"], ["1762780200.52", "2"]])
        XCTAssertEqual(try project.rows("SELECT COUNT(*), SUM(is_effective) FROM calls"), [["3", "2"]])
        XCTAssertEqual(try project.rows("SELECT rep_id, calls_out, calls_out_effective FROM rep_daily WHERE calls_out > 0"),
                       [["r01", "3", "2"]])
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
