import Foundation
import SalesopsCore
import SalesopsReport

enum ReportFacade {
    static func department(warehousePath: String, asOf: Int, company: CompanySettings, path: String) throws {
        guard FileManager.default.fileExists(atPath: warehousePath) else {
            throw SalesopsError(.input, "no warehouse at \(warehousePath): run `salesops run` first")
        }
        try DepartmentReport(warehousePath: warehousePath, asOf: asOf, company: company).write(to: path)
    }
}
