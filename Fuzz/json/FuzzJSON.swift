import Foundation
import FuzzDriver
import FuzzSupport
import SalesopsExtract

/// libFuzzer target: the strict JSON reader through the Bitrix24 dump walker on any bytes.
@main
enum FuzzJSON {
    static func main() {
        exit(salesops_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
            FuzzFile.withInput(data, size, suffix: "json") { path in
                _ = try? BitrixRESTDump.forEachRecord(path: path) { value, _ in _ = String(describing: value).count }
            }
        })
    }
}
