import Foundation
import Logging
import SalesopsCore
import SalesopsReport

enum ReportFacade {
    /// Writes `department.xlsx` at `path`, then the reps' workbooks beside it, logging how long each took.
    static func department(source: DepartmentReport.Source, asOf: Int, company: CompanySettings, path: String,
                           logger: Logger) throws {
        if case let .sqlite(warehousePath) = source, !FileManager.default.fileExists(atPath: warehousePath) {
            throw SalesopsError(.input, "no warehouse at \(warehousePath): run `salesops run` first")
        }
        let report = DepartmentReport(source: source, asOf: asOf, company: company)
        var clock = PhaseClock(logger: logger)
        try report.writeDepartment(to: path)
        clock.done("department workbook")
        let books = try report.writeRepBooks(folder: (path as NSString).deletingLastPathComponent)
        clock.done("rep workbooks (\(books.count))")
    }
}
