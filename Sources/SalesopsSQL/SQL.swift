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
    /// A statement prepared for repeated use with different arguments (bulk loops).
    func statement(_ sql: String) throws -> SQLStatement
}

/// A statement run many times: bind arguments (1-based, as SQLite numbers `?` and `?N`), step through its
/// rows, reset for the next arguments. Arguments not bound are NULL.
public protocol SQLStatement: AnyObject {
    func bind(_ index: Int32, _ value: Int64?) throws
    func bind(_ index: Int32, _ value: Double?) throws
    func bind(_ index: Int32, _ value: String?) throws
    /// Binds UTF-8 bytes as text; they need not outlive the call.
    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws
    /// Runs the statement on its first call after binding; true while a row is available.
    func step() throws -> Bool
    /// Clears the arguments and the result for the next execution.
    func reset()
    /// Rows changed by this statement's last execution.
    var changes: Int { get }
    var columnCount: Int { get }
    func isNull(_ column: Int) -> Bool
    func int(_ column: Int) -> Int64
    func double(_ column: Int) -> Double
    func text(_ column: Int) -> String?
    func value(_ column: Int) -> SQLValue
    /// Binds, runs to completion and resets: for INSERT/UPDATE in loops. An engine may send it without
    /// waiting for its outcome, reporting a failure by the connection's next call.
    func run(_ values: [SQLValue]) throws
    /// Releases the statement; safe to call twice.
    func finalize()
}

extension SQLStatement {
    public func bind(_ index: Int32, _ value: Int?) throws { try bind(index, value.map(Int64.init)) }

    public func bind(_ index: Int32, _ value: SQLValue) throws {
        switch value {
        case let .integer(v): try bind(index, v)
        case let .real(v): try bind(index, v)
        case let .text(v): try bind(index, v)
        case .null: try bind(index, nil as Int64?)
        }
    }

    /// Binds values to parameters 1…n.
    public func bind(_ values: [SQLValue]) throws {
        for (i, v) in values.enumerated() { try bind(Int32(i + 1), v) }
    }

    /// Binds, runs to completion and resets: for INSERT/UPDATE in loops.
    public func run(_ values: [SQLValue]) throws {
        defer { reset() }
        try bind(values)
        while try step() {}
    }

    /// Runs the statement without arguments.
    public func run() throws { try run([]) }

    /// The current row as values.
    public func row() -> [SQLValue] { (0..<columnCount).map(value) }
}

extension SQLConnection {
    /// The statement without arguments.
    public func query(_ sql: String) throws -> [[SQLValue]] { try query(sql, []) }
    public func table(_ sql: String) throws -> SQLTable { try table(sql, []) }
    public func scalar(_ sql: String) throws -> SQLValue? { try scalar(sql, []) }

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
    /// The statement with `$N` placeholders and the numbers it uses (a statement of a family sharing an
    /// argument list may skip some).
    public static func dollarNumbered(_ sql: String) -> (sql: String, used: Set<Int>) {
        var used = Set<Int>()
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
                used.insert(n)
                out.append(UInt8(ascii: "$"))
                out.append(contentsOf: String(n).utf8)
                i = j
            default:
                out.append(b)
                i += 1
            }
        }
        return (String(decoding: out, as: UTF8.self), used)
    }
}

/// The SQL dialect a statement is written for. The warehouse's SQL is written once: in the part both
/// engines read alike, and through this type where they differ (date arithmetic, JSON arrays, text
/// aggregation), so each difference is written in one place and a definition stays one definition.
public struct SQLDialect: Sendable, Equatable {
    public enum Engine: Sendable, Equatable {
        case sqlite, postgres
    }

    public let engine: Engine

    public static let sqlite = SQLDialect(engine: .sqlite)
    public static let postgres = SQLDialect(engine: .postgres)

    /// Whether `text` holds `part` (SQLite's `instr`, PostgreSQL's `strpos`).
    public func contains(_ text: String, _ part: String) -> String {
        engine == .sqlite ? "instr(\(text), \(part)) > 0" : "strpos(\(text), \(part)) > 0"
    }

    /// A condition as 1, 0 or NULL (SQLite's comparisons are numbers already; PostgreSQL's are booleans).
    public func flag(_ condition: String) -> String {
        engine == .sqlite ? condition : "(\(condition))::integer"
    }

    /// The date `days` (a whole-number expression) before `date` (SQLite keeps dates as `YYYY-MM-DD` text).
    public func daysBefore(_ date: String, _ days: String) -> String {
        engine == .sqlite ? "date(\(date), '-' || (\(days)) || ' days')" : "(\(date) - (\(days))::integer)"
    }

    /// A date's month as `YYYY-MM`.
    public func month(_ date: String) -> String {
        engine == .sqlite ? "substr(\(date), 1, 7)" : "to_char(\(date), 'YYYY-MM')"
    }

    /// The date `days` days after `date` (before, when negative).
    public func addDays(_ date: String, _ days: Int) -> String {
        engine == .sqlite ? "date(\(date), '\(days < 0 ? "-" : "+")\(abs(days)) days')" : "(\(date) + \(days))"
    }

    /// Days since the Monday of a date's week: 0 on Monday, 6 on Sunday.
    public func daysSinceMonday(_ date: String) -> String {
        engine == .sqlite ? "(CAST(strftime('%w', \(date)) AS INTEGER) + 6) % 7" : "(extract(isodow from \(date))::integer - 1)"
    }

    /// The first day of a date's month.
    public func monthStart(_ date: String) -> String {
        engine == .sqlite ? "substr(\(date), 1, 8) || '01'" : "date_trunc('month', \(date))::date"
    }

    /// The join that SQLite's planner keeps in the written order (`CROSS JOIN … ON`); a plain join for
    /// PostgreSQL, whose planner is not steered that way.
    public var orderedJoin: String { engine == .sqlite ? "CROSS JOIN" : "JOIN" }

    /// Seconds since the epoch of an instant (SQLite keeps instants as `YYYY-MM-DDTHH:MM:SSZ` text).
    public func epoch(_ instant: String) -> String {
        engine == .sqlite ? "CAST(strftime('%s', \(instant)) AS INTEGER)" : "extract(epoch from \(instant))::bigint"
    }

    /// The UTC calendar date of an instant.
    public func utcDate(_ instant: String) -> String {
        engine == .sqlite ? "substr(\(instant), 1, 10)" : "(\(instant) AT TIME ZONE 'UTC')::date"
    }

    /// `printf` with a template of `%s` and `%d` (and `%%`); PostgreSQL's `format` knows `%s` only.
    public func printf(_ template: String, _ arguments: String...) -> String {
        let list = ([engine == .sqlite ? template : "replace(\(template), '%d', '%s')"] + arguments).joined(separator: ", ")
        return engine == .sqlite ? "printf(\(list))" : "format(\(list))"
    }

    /// The text values joined by `separator`, in the order of `order` (SQLite's `group_concat` before 3.44
    /// takes no order: it joins in the order the rows come, which `order` must then be).
    public func groupConcat(_ value: String, _ separator: String, order: String) -> String {
        engine == .sqlite ? "group_concat(\(value), \(separator))" : "string_agg(\(value), \(separator) ORDER BY \(order))"
    }

    /// A FROM item of the elements of a JSON array as `alias(key, value)`: `key` the 0-based index, `value`
    /// the element (text for a string).
    public func jsonEach(_ array: String, as alias: String) -> String {
        engine == .sqlite ? "json_each(\(array)) \(alias)"
            : "LATERAL (SELECT e.value, e.n - 1 AS key FROM jsonb_array_elements_text(\(array)) WITH ORDINALITY AS e(value, n)) \(alias)"
    }

    /// A FROM item of the items of a comma-separated list as `alias(key, value)`, `key` in list order.
    public func splitList(_ list: String, as alias: String) -> String {
        engine == .sqlite ? "json_each('[\"' || replace(\(list), ',', '\",\"') || '\"]') \(alias)"
            : "unnest(string_to_array(\(list), ',')) WITH ORDINALITY AS \(alias)(value, key)"
    }

    /// The instant of an epoch in seconds, as each engine keeps instants (SQLite: `YYYY-MM-DDTHH:MM:SSZ`).
    public func instant(_ epoch: String) -> String {
        engine == .sqlite ? "strftime('%Y-%m-%dT%H:%M:%SZ', \(epoch), 'unixepoch')" : "to_timestamp(\(epoch))"
    }

    /// A scratch table of the connection (SQLite's `temp` schema, PostgreSQL's `pg_temp`).
    public func temp(_ table: String) -> String { (engine == .sqlite ? "temp." : "pg_temp.") + table }

    /// Creates an index on a scratch table (`table(columns)`).
    public func createTempIndex(_ name: String, on table: String, _ columns: String, ifNotExists: Bool = false) -> String {
        let create = ifNotExists ? "CREATE INDEX IF NOT EXISTS" : "CREATE INDEX"
        return engine == .sqlite ? "\(create) temp.\(name) ON \(table)(\(columns))" : "\(create) \(name) ON pg_temp.\(table)(\(columns))"
    }

    /// Statistics of a scratch table just filled, as a statement with its `;` (PostgreSQL's planner
    /// otherwise guesses its size; SQLite's needs none): empty for SQLite.
    public func analyze(_ table: String) -> String { engine == .sqlite ? "" : "ANALYZE pg_temp.\(table);" }

    /// A `YYYY-MM-DD` text as a date (SQLite keeps dates as that text).
    public func date(_ text: String) -> String { engine == .sqlite ? text : "(\(text))::date" }

    /// The last day of the month that starts at `monthStart`.
    public func monthEnd(_ monthStart: String) -> String {
        engine == .sqlite ? "date(\(monthStart), '+1 month', '-1 day')" : "(\(monthStart) + interval '1 month - 1 day')::date"
    }

    /// The smallest of the values, NULL when any is NULL (SQLite's many-argument `MIN`; PostgreSQL's
    /// `LEAST` skips NULLs, so it is guarded).
    public func min(_ values: String...) -> String { extremum("MIN", "LEAST", values) }

    /// The largest of the values, NULL when any is NULL (SQLite's many-argument `MAX`).
    public func max(_ values: String...) -> String { extremum("MAX", "GREATEST", values) }

    private func extremum(_ sqlite: String, _ postgres: String, _ values: [String]) -> String {
        let list = values.joined(separator: ", ")
        if engine == .sqlite { return "\(sqlite)(\(list))" }
        return "(CASE WHEN " + values.map { "(\($0)) IS NULL" }.joined(separator: " OR ") + " THEN NULL ELSE \(postgres)(\(list)) END)"
    }

    /// Seconds after midnight as `HH:MM` (NULL reads as 0, as SQLite's `printf` reads it).
    public func clock(_ secs: String) -> String {
        engine == .sqlite ? "printf('%02d:%02d', \(secs) / 3600, \(secs) % 3600 / 60)"
            : "lpad(COALESCE((\(secs)) / 3600, 0)::text, 2, '0') || ':' || lpad(COALESCE((\(secs)) % 3600 / 60, 0)::text, 2, '0')"
    }

    /// `x` rounded to `digits` decimals, halves away from zero (PostgreSQL rounds a double's halves to
    /// even: the value is rounded as a decimal).
    public func round(_ x: String, _ digits: Int = 0) -> String {
        engine == .sqlite ? (digits == 0 ? "ROUND(\(x))" : "ROUND(\(x), \(digits))")
            : (digits == 0 ? "round((\(x))::numeric)" : "round((\(x))::numeric, \(digits))")
    }

    /// `x` without its fraction, toward zero (SQLite's `CAST … AS INTEGER`; PostgreSQL's cast rounds).
    public func truncate(_ x: String) -> String {
        engine == .sqlite ? "CAST(\(x) AS INTEGER)" : "trunc(\(x))::bigint"
    }

    /// A whole number with `,` between thousands.
    public func thousands(_ x: String) -> String {
        engine == .sqlite ? "printf('%,d', CAST(ROUND(\(x)) AS INTEGER))" : "to_char(round((\(x))::numeric), 'FM999,999,999,999,999,990')"
    }

    /// A number with one decimal and `.` before it.
    public func oneDecimal(_ x: String) -> String {
        engine == .sqlite ? "printf('%.1f', \(x))" : "to_char(round((\(x))::numeric, 1), 'FM999999999999999990.0')"
    }

    /// A JSON array of the values.
    public func jsonArray(_ values: String...) -> String {
        (engine == .sqlite ? "json_array(" : "jsonb_build_array(") + values.joined(separator: ", ") + ")"
    }

    /// The aggregate that makes a JSON array of a column's values.
    public var jsonArrayAgg: String { engine == .sqlite ? "json_group_array" : "jsonb_agg" }

    /// The column type of a calendar date in a scratch table (SQLite keeps dates as text).
    public var dateType: String { engine == .sqlite ? "TEXT" : "date" }

    /// The column type of a JSON array in a scratch table.
    public var jsonType: String { engine == .sqlite ? "TEXT" : "jsonb" }

    /// A whole-number key the engine numbers itself (SQLite's `INTEGER PRIMARY KEY`).
    public var autoKey: String { engine == .sqlite ? "INTEGER PRIMARY KEY" : "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" }

    /// A FROM item of the elements of a JSON array as JSON values (`alias.value`, read with `->>`), `alias.key`
    /// their order.
    public func jsonElements(_ array: String, as alias: String) -> String {
        engine == .sqlite ? "json_each(\(array)) \(alias)" : "jsonb_array_elements(\(array)) WITH ORDINALITY AS \(alias)(value, key)"
    }

    /// An element of ``jsonElements(_:as:)`` as JSON (SQLite's `value` of an array is text until made JSON).
    public func jsonValue(_ element: String) -> String { engine == .sqlite ? "json(\(element))" : element }

    /// The aggregate of JSON values into an array in `order` (SQLite joins them in the order the rows
    /// come, which `order` must then be); an empty array when there are none.
    public func jsonAgg(_ value: String, order: String) -> String {
        engine == .sqlite ? "json_group_array(\(value))" : "COALESCE(jsonb_agg(\(value) ORDER BY \(order)), '[]'::jsonb)"
    }

    /// A JSON array (`element`) with its element `index` set to the text `value`.
    public func jsonSet(_ element: String, _ index: Int, _ value: String) -> String {
        engine == .sqlite ? "json_replace(\(element), '$[\(index)]', \(value))"
            : "jsonb_set(\(element), '{\(index)}', to_jsonb(CAST(\(value) AS text)))"
    }

    /// The JSON array of `array`'s elements (arrays themselves) without their element `index`.
    public func jsonElementsWithout(_ array: String, index: Int) -> String {
        "(SELECT \(jsonAgg(engine == .sqlite ? "json_remove(j.value, '$[\(index)]')" : "j.value - \(index)", order: "j.key")) "
            + "FROM \(jsonElements(array, as: "j")))"
    }

    /// Whether the JSON `json` holds the text `text` as a JSON string.
    public func jsonMentions(_ json: String, _ text: String) -> String {
        engine == .sqlite ? "instr(\(json), json_quote(\(text))) > 0" : "strpos(\(json)::text, to_jsonb(CAST(\(text) AS text))::text) > 0"
    }

    /// One INSERT statement (`rest`: its columns and `VALUES`/`SELECT`) that skips a row whose key is
    /// taken (SQLite's `INSERT OR IGNORE`, PostgreSQL's `ON CONFLICT DO NOTHING`). No `;` in `rest`.
    public func insertIgnoring(into table: String, _ rest: String) -> String {
        engine == .sqlite ? "INSERT OR IGNORE INTO \(table)\(rest)" : "INSERT INTO \(table)\(rest) ON CONFLICT DO NOTHING"
    }

    /// One INSERT statement that replaces the row whose `key` is taken (SQLite's `INSERT OR REPLACE`;
    /// PostgreSQL updates the row's other columns in place).
    public func insertReplacing(into table: String, columns: [String], key: [String]) -> String {
        let values = "(\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))"
        if engine == .sqlite { return "INSERT OR REPLACE INTO \(table)\(values)" }
        let updates = columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(table)\(values) ON CONFLICT(\(key.joined(separator: ", "))) DO UPDATE SET \(updates)"
    }
}
