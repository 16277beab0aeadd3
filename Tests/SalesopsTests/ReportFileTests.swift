import Foundation
import SalesopsSQLite
import SalesopsXLSX
import XCTest

/// A workbook is written whole under its final name or not at all.
final class ReportFileTests: XCTestCase {
    func reportsFolder(_ project: TestProject) -> URL {
        project.dir.appendingPathComponent("output/reports/2026-11-10")
    }

    func report(_ project: TestProject, asOf: String = "2026-11-10", fileSizeLimitKB: Int? = nil) throws -> (Int32, String) {
        var command = "exec \"$0\" report --project \"$1\" --as-of \(asOf)"
        // A full disk, as a process sees it: writes past the limit fail with EFBIG (SIGXFSZ ignored).
        if let limit = fileSizeLimitKB { command = "trap '' XFSZ; ulimit -f \(limit); " + command }
        let (code, _, err) = try runProcess("/bin/bash", ["-c", command, salesopsBinary, project.dir.path])
        return (code, err)
    }

    func testAFullDiskLeavesTheOldWorkbookAndNoTemporaryFile() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv", "billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try report(project).0, 0)
        let book = reportsFolder(project).appendingPathComponent("department.xlsx")
        let good = try Data(contentsOf: book)
        XCTAssertGreaterThan(good.count, 8 * 1024)
        let written = try FileManager.default.contentsOfDirectory(atPath: reportsFolder(project).path).sorted()
        XCTAssertEqual(written, ["department.xlsx", "rep-r01.xlsx", "rep-r02.xlsx", "rep-r03.xlsx"])
        // An analyst has the warehouse open, so its WAL index (-shm, 32 KB) exists: what the full disk
        // refuses is the workbook, not the warehouse.
        let analyst = try SQLiteDatabase(path: project.warehouse, readOnly: true)
        defer { analyst.close() }
        XCTAssertEqual(try analyst.scalar("SELECT COUNT(*) FROM calls")?.int, 9)
        let (code, err) = try report(project, fileSizeLimitKB: 8)
        XCTAssertEqual(code, 73, err)
        XCTAssertTrue(err.contains("department.xlsx"), err)
        XCTAssertEqual(try Data(contentsOf: book), good)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: reportsFolder(project).path).sorted(), written)
        // Without an old workbook, nothing is left under the final name either.
        try FileManager.default.removeItem(at: book)
        XCTAssertEqual(try report(project, fileSizeLimitKB: 8).0, 73)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: reportsFolder(project).path).sorted(),
                       Array(written.dropFirst()))
    }

    func testAPartCutShortInsideAValidZipIsRefused() throws {
        let project = try TestProject.asterisk("billsec_30_vs_31.csv")
        defer { project.remove() }
        try project.run()
        XCTAssertEqual(try report(project).0, 0)
        let book = reportsFolder(project).appendingPathComponent("department.xlsx").path
        XCTAssertNoThrow(try XLSXPackageCheck.verify(path: book))
        // What libxlsxwriter produces when its temporary part file hit a full disk: a valid zip holding
        // the first 16 KB of a sheet (or less), with a correct checksum of the cut text.
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: cut) }
        let script = """
            import sys, zipfile
            src, dst = sys.argv[1], sys.argv[2]
            with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    if item.filename == "xl/worksheets/sheet1.xml":
                        data = data[: min(len(data) // 2, 16384)]
                    zout.writestr(item, data)
            """
        let (code, _, err) = try runProcess("/usr/bin/env", ["python3", "-c", script, book, cut])
        XCTAssertEqual(code, 0, err)
        XCTAssertThrowsError(try XLSXPackageCheck.verify(path: cut)) { error in
            XCTAssertTrue("\(error)".contains("xl/worksheets/sheet1.xml was cut short"), "\(error)")
        }
        // A file cut at the end (no central directory) is refused too.
        let data = try Data(contentsOf: URL(fileURLWithPath: book))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try XLSXPackageCheck.verify(path: cut))
    }

    func testNonFiniteNumbersAndOverlongTextNeverCorruptACell() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cells-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let book = try XLSXWorkbook(path: path, created: Date(timeIntervalSince1970: 0))
        let sheet = try book.addSheet("Cells")
        sheet.write(0, 0, Double.infinity)
        sheet.write(0, 1, Double.nan)
        sheet.write(0, 2, 1e308 * 10)
        sheet.write(0, 3, 42.5)
        sheet.write(1, 0, String(repeating: "я", count: 40_000))
        sheet.write(1, 1, "=HYPERLINK(\"http://x\")")
        XCTAssertEqual(book.nonFiniteCells, 3)
        XCTAssertEqual(book.truncatedCells, 1)
        try book.close()
        let script = """
            import sys, openpyxl
            ws = openpyxl.load_workbook(sys.argv[1]).active
            print(repr([ws.cell(1, c).value for c in range(1, 5)]))
            text = ws.cell(2, 1).value
            print(len(text), text[-60:])
            print(ws.cell(2, 2).data_type, ws.cell(2, 2).value)
            """
        let (code, out, err) = try runProcess("/usr/bin/env", ["python3", "-c", script, path])
        XCTAssertEqual(code, 0, err)
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "[None, None, None, 42.5]")
        XCTAssertTrue(lines[1].hasPrefix("32767 "), lines[1])
        XCTAssertTrue(lines[1].hasSuffix("… [cut: 7284 more characters are in the warehouse]"), lines[1])
        XCTAssertEqual(lines[2], "s =HYPERLINK(\"http://x\")")
    }

    func testEveryTableSheetPrintsOnA4LandscapeWithRepeatedHeadersAPageFooterAndGroupedNumbers() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv")
        defer { project.remove() }
        try project.run(reports: true)
        let book = reportsFolder(project).appendingPathComponent("department.xlsx").path
        let script = """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1])
            for name in ("Summary", "Activity", "Missed calls"):
                ws = wb[name]
                print(name, ws.page_setup.paperSize, ws.page_setup.orientation, ws.print_title_rows,
                      ws.page_setup.fitToWidth, ws.oddFooter.left.text, "|", ws.oddFooter.right.text)
            print("counts:", wb["Summary"].cell(4, 4).number_format)
            """
        let (code, out, err) = try runProcess("/usr/bin/env", ["python3", "-c", script, book])
        XCTAssertEqual(code, 0, err)
        var lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.popLast(), "counts: #,##0")   // thousands separators
        XCTAssertEqual(lines.count, 3, out)
        for line in lines {
            XCTAssertTrue(line.contains(" 9 landscape $1:$"), line)
            XCTAssertTrue(line.hasSuffix("salesops · Sales department as of 2026-11-10 | Page &P of &N"), line)
        }
    }

    func testANoOpNightLeavesTheWorkbooksByteIdentical() throws {
        let project = try TestProject.asterisk("ring_group_one_answer.csv", "callback_window.csv", "malformed_rows.csv")
        defer { project.remove() }
        func books() throws -> [String: Data] {
            let folder = reportsFolder(project)
            return try Dictionary(uniqueKeysWithValues: FileManager.default.contentsOfDirectory(atPath: folder.path).map {
                ($0, try Data(contentsOf: folder.appendingPathComponent($0)))
            })
        }
        try project.run(reports: true)
        let first = try books()
        XCTAssertEqual(first.keys.sorted(), ["department.xlsx", "rep-r01.xlsx", "rep-r02.xlsx", "rep-r03.xlsx"])
        try project.run(reports: true)      // nothing new: a no-op night
        XCTAssertEqual(try project.rows("SELECT COUNT(*) FROM etl_runs"), [["2"]])
        XCTAssertEqual(try books(), first)
        XCTAssertEqual(try report(project).0, 0)   // and a report on its own, twice
        XCTAssertEqual(try books(), first)
        XCTAssertEqual(try report(project).0, 0)
        XCTAssertEqual(try books(), first)
        // A report for another date, then for this one again: the as-of models are rebuilt, the same bytes.
        XCTAssertEqual(try report(project, asOf: "2026-11-09").0, 0)
        XCTAssertEqual(try report(project).0, 0)
        XCTAssertEqual(try books(), first)
    }
}
