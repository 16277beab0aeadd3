import Foundation
import Logging
import SalesopsCore
import SalesopsReport

enum ReportFacade {
    /// Writes `department.xlsx` at `path`, then the reps' workbooks beside it, logging how long each took.
    static func department(warehousePath: String, asOf: Int, company: CompanySettings, path: String,
                           logger: Logger) throws {
        guard FileManager.default.fileExists(atPath: warehousePath) else {
            throw SalesopsError(.input, "no warehouse at \(warehousePath): run `salesops run` first")
        }
        let report = DepartmentReport(warehousePath: warehousePath, asOf: asOf, company: company)
        var clock = PhaseClock(logger: logger)
        try report.writeDepartment(to: path)
        clock.done("department workbook")
        let books = try report.writeRepBooks(folder: (path as NSString).deletingLastPathComponent)
        clock.done("rep workbooks (\(books.count))")
    }
}
