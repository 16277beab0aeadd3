/// A parsed JSON value. Numbers keep their text: Bitrix24 sends most numbers as strings anyway, and a
/// caller decides how to read an amount (`"19999.99"`) or an id.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in file order (a duplicate key keeps both; lookups take the first).
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// A scalar as text: strings as they are, numbers as written, booleans `true`/`false`; nil for null,
    /// arrays and objects.
    public var text: String? {
        switch self {
        case let .string(s): return s
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var array: [JSONValue]? {
        if case let .array(items) = self { return items }
        return nil
    }
}
