// What the warehouse code asks of a database engine, whichever it is (SQLite, PostgreSQL): run
// statements, query with arguments, read values, run a transaction. Statements are written with `?`
// and `?N` placeholders (SQLite's); an engine that numbers them otherwise translates them
// (`SQLPlaceholders`).

/// A value to bind or read.
public enum SQLValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// A query's result: column names and rows.
public struct SQLTable: Sendable {
    public let columns: [String]
    public let rows: [[SQLValue]]

    public init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The index of a column by name.
    public func index(_ name: String) -> Int? { columns.firstIndex(of: name) }
}

public extension SQLValue {
    var int: Int? { if case let .integer(v) = self { return Int(v) }; if case let .real(v) = self { return Int(v) }; return nil }
    var double: Double? { if case let .real(v) = self { return v }; if case let .integer(v) = self { return Double(v) }; return nil }
    var string: String? {
        switch self {
        case let .text(v): return v
        case let .integer(v): return String(v)
        case let .real(v): return String(v)
        case .null: return nil
        }
    }
    var isNull: Bool { self == .null }
}

/// One connection to a warehouse database.
public protocol SQLConnection: AnyObject {
    /// Runs one or more statements that return no rows and take no arguments.
    func execute(_ sql: String) throws
    /// Runs a statement with arguments and returns all rows.
    func query(_ sql: String, _ arguments: [SQLValue]) throws -> [[SQLValue]]
    /// Runs a statement with arguments and returns its column names and all rows; the arguments past
    /// the statement's highest placeholder are not bound (queries of one family share an argument list).
    func table(_ sql: String, _ arguments: [SQLValue]) throws -> SQLTable
    /// Runs a statement with arguments that returns no rows (INSERT, UPDATE, DELETE).
    func run(_ sql: String, _ arguments: [SQLValue]) throws
    /// The first column of the first row, or nil.
    func scalar(_ sql: String, _ arguments: [SQLValue]) throws -> SQLValue?
    /// Rows changed by the last statement.
    var changes: Int { get }
    /// The statement that starts a transaction of ``transaction(_:)``.
    var beginTransaction: String { get }
}

extension SQLConnection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute(beginTransaction)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// SQLite's placeholders (`?` numbered in order, `?N` explicitly) as PostgreSQL's `$N`, outside string
/// literals, quoted identifiers and comments.
public enum SQLPlaceholders {
    /// The statement with `$N` placeholders and the highest number used (0 when none).
    public static func dollarNumbered(_ sql: String) -> (sql: String, count: Int) {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var highest = 0, i = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // A literal or quoted identifier, its doubled quotes included, copied as it is.
                var j = i + 1
                while j < bytes.count {
                    if bytes[j] == b {
                        if j + 1 < bytes.count && bytes[j + 1] == b { j += 2; continue }
                        break
                    }
                    j += 1
                }
                let end = min(j + 1, bytes.count)
                out.append(contentsOf: bytes[i..<end])
                i = end
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                let end = bytes[i...].firstIndex(of: 0x0A) ?? bytes.count
                out.append(contentsOf: bytes[i..<end])
                i = end
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
                let end = min(j + 2, bytes.count)
                out.append(contentsOf: bytes[i..<end])
                i = end
            case UInt8(ascii: "?"):
                var j = i + 1
                while j < bytes.count && isDigit(bytes[j]) { j += 1 }
                // As SQLite numbers them: a bare `?` is one more than the highest number so far.
                let n = j > i + 1 ? Int(String(decoding: bytes[(i + 1)..<j], as: UTF8.self)) ?? 0 : highest + 1
                highest = max(highest, n)
                out.append(UInt8(ascii: "$"))
                out.append(contentsOf: String(n).utf8)
                i = j
            default:
                out.append(b)
                i += 1
            }
        }
        return (String(decoding: out, as: UTF8.self), highest)
    }
}
