import SalesopsJSON

/// The records of a saved Bitrix24 REST response file, whatever its shape: one page
/// (`{"result": [...], "total": …, "next": …}`), pages one after another or in an array, a plain
/// array of records, `crm.stagehistory.list`'s `{"result": {"items": [...]}}`, `tasks.task.list`'s
/// `{"result": {"tasks": [...]}}`, or a single `get` result. Records are read one at a time.
public enum BitrixRESTDump {
    /// An error response saved instead of data (`{"error": …, "error_description": …}`).
    public struct ErrorPage: Error, Equatable {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// Calls `record` with each record and the line it starts on; returns the bytes read. Throws
    /// ``JSONSyntaxError`` at the first byte that is not strict JSON, ``ErrorPage`` for a saved error response.
    @discardableResult
    public static func forEachRecord(path: String, _ record: (JSONValue, Int) throws -> Void) throws -> Int64 {
        let reader = try JSONStreamReader(path: path)
        while let first = try reader.nextValueStart() {
            switch first {
            case UInt8(ascii: "["):
                try reader.forEachElement {
                    let line = reader.line
                    let element = try reader.value()
                    if element["result"] != nil || element["error"] != nil {
                        try page(element, line: line, record)
                    } else {
                        try record(element, line)
                    }
                }
            case UInt8(ascii: "{"):
                let pageLine = reader.line
                var error: String?
                try reader.forEachMember { key in
                    switch key {
                    case "result":
                        if try reader.nextValueStart() == UInt8(ascii: "[") {
                            try reader.forEachElement {
                                let line = reader.line
                                try record(try reader.value(), line)
                            }
                        } else {
                            let line = reader.line
                            try result(try reader.value(), line: line, record)
                        }
                    case "error", "error_description":
                        let value = try reader.value().text ?? ""
                        error = error.map { $0 + ": " + value } ?? value
                    default:
                        try reader.skipValue()
                    }
                }
                if let error { throw ErrorPage(line: pageLine, message: error) }
            default:
                throw reader.fail("expected a page object or an array of records")
            }
        }
        return reader.offset
    }

    static func page(_ page: JSONValue, line: Int, _ record: (JSONValue, Int) throws -> Void) throws {
        if let error = page["error"] {
            let text = [error.text, page["error_description"]?.text].compactMap { $0 }.joined(separator: ": ")
            throw ErrorPage(line: line, message: text)
        }
        try result(page["result"] ?? .null, line: line, record)
    }

    /// `result` as a list of records: an array, an object holding `items` or `tasks`, or one record.
    static func result(_ value: JSONValue, line: Int, _ record: (JSONValue, Int) throws -> Void) throws {
        switch value {
        case let .array(items):
            for item in items { try record(item, line) }
        case .object:
            if let items = value["items"]?.array ?? value["tasks"]?.array {
                for item in items { try record(item, line) }
            } else if value["item"] != nil || value["task"] != nil {
                try record(value["item"] ?? value["task"]!, line)
            } else {
                try record(value, line)
            }
        default:
            break   // `"result": []` in PHP's empty-object form, or null: no records
        }
    }
}
