import Foundation
import FuzzDriver
import FuzzSupport
import SalesopsCore
import SalesopsMail

/// libFuzzer target: the mbox splitter, the MIME scanner and every header decoder on any bytes.
@main
enum FuzzMail {
    static func main() {
        exit(salesops_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
            FuzzFile.withInput(data, size, suffix: "mbox") { path in
                _ = try? MboxReader.read(path: path) { raw in
                    let headers = MailHeaders(raw.scanned.headers)
                    _ = headers.from.map(\.address).count + headers.recipients.count + headers.subject.count
                    for field in raw.scanned.headers.fields {
                        _ = EncodedWords.decodeHeader(field.value)
                        _ = MailboxAddress.parseList(field.value)
                        _ = MailDate.parse(String(decoding: field.value, as: UTF8.self))
                    }
                }
                _ = try? MboxReader.readEML(path: path)
            }
        })
    }
}
