import Foundation
import FuzzDriver
import FuzzSupport
import SalesopsCSV

/// libFuzzer target: the CSV reader on any bytes, with small limits so that its resynchronisation
/// (stray quotes, overlong lines) is reached. Every field of every record is touched.
@main
enum FuzzCSV {
    static func main() {
        exit(salesops_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
            FuzzFile.withInput(data, size, suffix: "csv") { path in
                for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";")] {
                    guard let reader = try? CSVReader(path: path, delimiter: delimiter, chunkSize: 64) else { return }
                    reader.maxRecordLines = 4
                    reader.maxLineBytes = 512
                    var total = 0
                    try? reader.forEachRecord { record in
                        for i in 0..<record.count { total &+= record.bytes(i).count }
                        total &+= record.raw.count + (record.brokenReason?.count ?? 0)
                    }
                    reader.close()
                }
            }
        })
    }
}
