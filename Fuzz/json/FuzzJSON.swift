import Foundation
import FuzzDriver
import FuzzSupport
import SalesopsExtract

/// libFuzzer target: the strict JSON reader through the Bitrix24 dump walker on any bytes.
@main
enum FuzzJSONMain {
    static func main() {
        exit(salesops_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv, { data, size in fuzzJSON(data!, size) }))
    }
}

func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = FuzzFile.write(data, size, suffix: "json")
    defer { unlink(path) }
    _ = try? BitrixRESTDump.forEachRecord(path: path) { value, line in
        precondition(line >= 0)
        _ = String(describing: value).count
    }
    return 0
}
