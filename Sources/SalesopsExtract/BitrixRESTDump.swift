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
        try forEachRecord(path: path, withPage: { value, line, _ in try record(value, line) })
    }

    /// As ``forEachRecord(path:_:)``, with the scalar members of the page a record came in beside it
    /// (a wrapper's `USER_ID`: `timeman.status` does not name its user). A single-record `result` is
    /// handed over after its page is read, so the page's members may come before or after it.
    @discardableResult
    public static func forEachRecord(path: String, withPage record: (JSONValue, Int, [String: String]) throws -> Void) throws -> Int64 {
        let reader = try JSONStreamReader(path: path)
        while let first = try reader.nextValueStart() {
            switch first {
            case UInt8(ascii: "["):
                try reader.forEachElement {
                    let line = reader.line
                    let element = try reader.value()
                    if element["result"] != nil || element["error"] != nil {
                        let members = scalars(element)
                        try page(element, line: line) { try record($0, $1, members) }
                    } else {
                        try record(element, line, [:])
                    }
                }
            case UInt8(ascii: "{"):
                let pageLine = reader.line
                var error: String?
                var members: [String: String] = [:]
                var held: (JSONValue, Int)?
                try reader.forEachMember { key in
                    switch key {
                    case "result":
                        if try reader.nextValueStart() == UInt8(ascii: "[") {
                            try reader.forEachElement {
                                let line = reader.line
                                try record(try reader.value(), line, members)
                            }
                        } else {
                            let line = reader.line
                            held = (try reader.value(), line)
                        }
                    case "error", "error_description":
                        let value = try reader.value().text ?? ""
                        error = error.map { $0 + ": " + value } ?? value
                    default:
                        if let text = try reader.value().text { members[key] = text }
                    }
                }
                if let error { throw ErrorPage(line: pageLine, message: error) }
                if let (value, line) = held { try result(value, line: line) { try record($0, $1, members) } }
            default:
                throw reader.fail("expected a page object or an array of records")
            }
        }
        return reader.offset
    }

    /// The scalar members of a page object, as text.
    static func scalars(_ page: JSONValue) -> [String: String] {
        guard case let .object(members) = page else { return [:] }
        var out: [String: String] = [:]
        for (key, value) in members where key != "result" {
            if let text = value.text, out[key] == nil { out[key] = text }
        }
        return out
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
