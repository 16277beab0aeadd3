import Foundation
import FuzzDriver
import FuzzSupport
import SalesopsCore
import SalesopsMail

/// libFuzzer target: the mbox splitter, the MIME scanner and every header decoder on any bytes.
@main
enum FuzzMailMain {
    static func main() {
        exit(salesops_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv, { data, size in fuzzMail(data!, size) }))
    }
}

func fuzzMail(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = FuzzFile.write(data, size, suffix: "mbox")
    defer { unlink(path) }
    _ = try? MboxReader.read(path: path) { raw in
        let headers = MailHeaders(raw.scanned.headers)
        _ = headers.from.map(\.address)
        _ = headers.recipients.count + headers.subject.count + raw.scanned.attachments.count
        for field in raw.scanned.headers.fields {
            _ = EncodedWords.decodeHeader(field.value)
            _ = MailboxAddress.parseList(field.value)
            _ = MailDate.parse(String(decoding: field.value, as: UTF8.self))
        }
    }
    _ = try? MboxReader.readEML(path: path)
    return 0
}
