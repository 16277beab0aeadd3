import CPostgres
import SalesopsSQL
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL failure: the server's message, its SQLSTATE when it sent one, and the statement.
public struct PostgresError: Error, CustomStringConvertible {
    public var message: String
    public var sqlState: String?
    public var sql: String?

    public var description: String {
        "PostgreSQL error" + (sqlState.map { " \($0)" } ?? "") + ": \(message)" + (sql.map { " in: \($0.prefix(200))" } ?? "")
    }
}

/// One libpq connection. No C type or pointer leaves this wrapper; close it explicitly.
///
/// The connection string is a `postgresql://` URL or `key=value` pairs; libpq itself takes the password
/// from `PGPASSWORD`, `~/.pgpass` or a `PGSERVICE` entry, and the host, port, user and database it
/// does not name from `PGHOST`, `PGPORT`, `PGUSER` and `PGDATABASE`.
public final class PostgresConnection: SQLConnection {
    private var conn: OpaquePointer?

    public init(_ conninfo: String) throws {
        let c = PQconnectdb(conninfo)
        guard let c, PQstatus(c) == CONNECTION_OK else {
            let message = c.map { Self.trimmed(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(c)
            throw PostgresError(message: message)
        }
        conn = c
        // Instants are read back in UTC, as the SQLite warehouse writes them (``table(_:_:)``); the server's
        // notices (a table that exists, a cascade) are not the log's business; and no query is compiled to
        // machine code: the models' statements are large and their data small, so the JIT's compile time
        // was most of theirs (1M CDR rows: `rep_period` 3.6 s with it, 0.48 s without).
        try execute("SET TIME ZONE 'UTC'; SET client_min_messages TO warning; SET jit = off")
    }

    deinit { close() }

    /// Closes the connection. Safe to call twice.
    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// Where the connection went: `host:port/database as user` (a socket folder as the host).
    public var endpoint: String {
        func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        return "\(text(PQhost(conn))):\(text(PQport(conn)))/\(text(PQdb(conn))) as \(text(PQuser(conn)))"
    }

    /// Runs one or more statements that return no rows (no parameters: the simple query protocol).
    public func execute(_ sql: String) throws {
        // A transaction that is being rolled back has failed already: its statements' failures go with it.
        do { try finishPipeline() } catch where sql == "ROLLBACK" {}
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        try check(result, sql)
        // The server answers COMMIT of a transaction that failed with ROLLBACK, not with an error: the
        // caller must not take it for a commit.
        if sql == "COMMIT" && String(cString: PQcmdStatus(result)) == "ROLLBACK" {
            throw PostgresError(message: "the transaction had failed: the server rolled it back instead of committing", sql: sql)
        }
    }

    /// Rows changed by the last statement run through ``run(_:_:)``, ``query(_:_:)`` or ``table(_:_:)``.
    public private(set) var changes = 0

    /// Runs one statement with arguments (`?` and `?N` placeholders, as for SQLite) and returns its
    /// column names and rows: integers (`int2`, `int4`, `int8`, `bool` as 0/1) as `.integer`, `float4`,
    /// `float8` and `numeric` as `.real`, `timestamptz` as `YYYY-MM-DDTHH:MM:SSZ` text, everything else as
    /// `.text` (a `date` is `YYYY-MM-DD`). Arguments past the highest placeholder are not sent; integers
    /// and reals are sent as `int8` and `float8`.
    public func table(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLTable {
        try finishPipeline()
        let (statement, used) = SQLPlaceholders.dollarNumbered(sql)
        let count = used.max() ?? 0
        guard arguments.count >= count else {
            throw PostgresError(message: "\(count) placeholders, \(arguments.count) arguments", sql: sql)
        }
        let bound = Array(arguments.prefix(count))
        let types = Self.parameterTypes(bound, used: used)
        let result = withCStrings(Self.texts(bound)) { values in
            types.withUnsafeBufferPointer { PQexecParams(conn, statement, Int32(count), $0.baseAddress, values, nil, nil, 0) }
        }
        return try read(result, sql)
    }

    /// Integers and reals go typed (`int8`, `float8`), so one placeholder used in two places (a `bigint`
    /// and a `numeric` column) is one type; text is left for the server to infer, except for a number
    /// the statement skips (nothing to infer it from), sent as text.
    static func parameterTypes(_ arguments: [SQLValue], used: Set<Int>) -> [Oid] {
        arguments.enumerated().map { i, value in
            guard used.contains(i + 1) else { return 25 }
            switch value {
            case .integer: return 20
            case .real: return 701
            case .text, .null: return 0
            }
        }
    }

    /// The arguments in PostgreSQL's text form (nil: NULL).
    static func texts(_ arguments: [SQLValue]) -> [String?] {
        arguments.map {
            switch $0 {
            case let .integer(v): return String(v)
            case let .real(v): return v.isNaN ? "NaN" : v.isInfinite ? (v > 0 ? "Infinity" : "-Infinity") : "\(v)"
            case let .text(v): return v
            case .null: return nil
            }
        }
    }

    /// Prepares `statement` (with `$N` placeholders) under `name` with the parameters' types.
    func prepare(_ name: String, _ statement: String, types: [Oid], sql: String) throws {
        try finishPipeline()
        let result = types.withUnsafeBufferPointer { PQprepare(conn, name, statement, Int32(types.count), $0.baseAddress) }
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs the statement prepared under `name`.
    func executePrepared(_ name: String, _ arguments: [SQLValue], sql: String) throws -> SQLTable {
        try finishPipeline()
        let result = withCStrings(Self.texts(arguments)) { values in
            PQexecPrepared(conn, name, Int32(arguments.count), values, nil, nil, 0)
        }
        return try read(result, sql)
    }

    /// Statements sent in pipeline mode whose results are not read yet, in order: the text (for an
    /// error's message) and the statement whose `changes` the result sets.
    private var pipelined: [(sql: String, statement: PostgresStatement)] = []
    /// At most this many results outstanding: the server's replies must not fill the socket while the
    /// client is still sending (a blocking connection would then wait on both ends).
    static let pipelineDepth = 1024

    /// Sends a prepared statement without waiting for its result (libpq's pipeline mode); the result is
    /// read, and a failure thrown, by the next synchronous call on the connection or at `pipelineDepth`.
    func sendPipelined(_ name: String, _ arguments: [SQLValue], sql: String, statement: PostgresStatement) throws {
        if pipelined.isEmpty && PQpipelineStatus(conn) == PQ_PIPELINE_OFF {
            guard PQenterPipelineMode(conn) == 1 else { throw PostgresError(message: Self.trimmed(PQerrorMessage(conn)), sql: sql) }
        }
        let sent = withCStrings(Self.texts(arguments)) { values in
            PQsendQueryPrepared(conn, name, Int32(arguments.count), values, nil, nil, 0)
        }
        guard sent == 1 else {
            let error = PostgresError(message: Self.trimmed(PQerrorMessage(conn)), sql: sql)
            try? finishPipeline()
            throw error
        }
        pipelined.append((sql, statement))
        statement.pending += 1
        if pipelined.count >= Self.pipelineDepth { try finishPipeline() }
    }

    /// A pipelined statement's failure read where it could not be thrown, thrown by the next call.
    var unreported: Error?

    /// Reads the results of every statement sent in pipeline mode and leaves it; throws the first
    /// failure (the server skipped the statements after it), or one read earlier and not yet thrown.
    /// Nothing is left pending either way.
    func finishPipeline() throws {
        // The pipeline is left in any case (a synchronous call may follow: a ROLLBACK), then the first
        // failure is thrown.
        var failure: Error? = unreported
        unreported = nil
        guard PQpipelineStatus(conn) != PQ_PIPELINE_OFF else {
            if let failure { throw failure }
            return
        }
        if PQpipelineSync(conn) != 1 && failure == nil { failure = PostgresError(message: Self.trimmed(PQerrorMessage(conn))) }
        for (sql, statement) in pipelined {
            // A statement's results end with NULL.
            while let result = PQgetResult(conn) {
                switch PQresultStatus(result) {
                case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
                    statement.changes = Int(String(cString: PQcmdTuples(result))) ?? 0
                case PGRES_PIPELINE_ABORTED:
                    statement.changes = 0
                default:
                    statement.changes = 0
                    if failure == nil { failure = Self.error(result, sql) }
                }
                PQclear(result)
            }
            statement.pending -= 1
        }
        pipelined.removeAll()
        // The synchronisation point's own result.
        while let result = PQgetResult(conn) {
            let done = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
            if done { break }
        }
        if PQexitPipelineMode(conn) != 1 && failure == nil {
            failure = PostgresError(message: Self.trimmed(PQerrorMessage(conn)))
        }
        if let failure { throw failure }
    }

    /// A name for a statement prepared on this connection.
    func nextStatementName() -> String {
        preparedCount += 1
        return "salesops_\(preparedCount)"
    }

    private var preparedCount = 0

    /// A statement's result as a table (``table(_:_:)`` says how values are typed); clears it.
    private func read(_ result: OpaquePointer?, _ sql: String) throws -> SQLTable {
        defer { PQclear(result) }
        try check(result, sql)
        changes = Int(String(cString: PQcmdTuples(result))) ?? 0
        let rows = Int(PQntuples(result)), columns = Int(PQnfields(result))
        let types = (0..<columns).map { PQftype(result, Int32($0)) }
        let names = (0..<columns).map { String(cString: PQfname(result, Int32($0))) }
        return SQLTable(columns: names, rows: (0..<rows).map { r in
            (0..<columns).map { c in
                guard PQgetisnull(result, Int32(r), Int32(c)) == 0 else { return .null }
                let text = String(cString: PQgetvalue(result, Int32(r), Int32(c)))
                switch types[c] {
                case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)   // int8, int2, int4
                case 16: return .integer(text == "t" ? 1 : 0)                               // bool
                case 700, 701, 1700: return Double(text).map(SQLValue.real) ?? .text(text)  // float4, float8, numeric
                case 1184: return .text(Self.isoUTC(text))                                  // timestamptz
                default: return .text(text)
                }
            }
        })
    }

    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        try table(sql, arguments).rows
    }

    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws {
        _ = try table(sql, arguments)
    }

    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLValue? {
        try query(sql, arguments).first?.first
    }

    public var beginTransaction: String { "BEGIN" }

    public func statement(_ sql: String) throws -> SQLStatement { PostgresStatement(sql, connection: self) }

    /// Streams rows into `COPY table (columns) FROM STDIN` in the text format: `body` calls its
    /// argument once per row; values are escaped here (nil is NULL). Returns the number of rows copied.
    @discardableResult
    public func copy(into table: String, columns: [String], _ body: ((_ row: [String?]) throws -> Void) throws -> Void) throws -> Int {
        try copyIn(table, columns) { send in try withoutActuallyEscaping(send) { send in
            var rows = PostgresCopyRows()
            try body { row in
                guard row.count == columns.count else {
                    throw PostgresError(message: "a row of \(row.count) values for \(columns.count) columns", sql: "COPY \(table)")
                }
                for value in row { rows.add(value) }
                rows.endRow()
                if rows.bytes.count >= 1 << 16 {
                    try send(rows)
                    rows.removeAll()
                }
            }
            try send(rows)
        } }
    }

    /// Copies rows encoded beforehand (``PostgresCopyRows``) into `COPY table (columns) FROM STDIN`.
    @discardableResult
    public func copy(into table: String, columns: [String], rows: PostgresCopyRows) throws -> Int {
        try copyIn(table, columns) { send in try send(rows) }
    }

    /// Runs `COPY … FROM STDIN`; `body` sends the rows through its argument. A failure in `body` ends the
    /// copy with an error, so the server undoes it. Returns the number of rows copied.
    private func copyIn(_ table: String, _ columns: [String],
                        _ body: (_ send: (PostgresCopyRows) throws -> Void) throws -> Void) throws -> Int {
        try finishPipeline()
        let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        let start = PQexec(conn, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql)
            throw PostgresError(message: "the server did not start COPY", sql: sql)
        }
        PQclear(start)
        var failure: Error?
        do {
            try body { rows in
                guard !rows.bytes.isEmpty else { return }
                let rc = rows.bytes.withUnsafeBufferPointer { b in
                    b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { PQputCopyData(conn, $0, Int32(b.count)) }
                }
                guard rc == 1 else { throw PostgresError(message: Self.trimmed(PQerrorMessage(conn)), sql: sql) }
            }
        } catch {
            failure = error
        }
        // Ending the copy with an error message makes the server roll the statement back.
        let end = failure == nil ? PQputCopyEnd(conn, nil) : PQputCopyEnd(conn, "the client stopped the copy")
        guard end == 1 else { throw failure ?? PostgresError(message: Self.trimmed(PQerrorMessage(conn)), sql: sql) }
        var copied = 0
        var serverError: PostgresError?
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if serverError == nil {
                serverError = Self.error(result, sql)
            }
        }
        if let failure { throw failure }
        if let serverError { throw serverError }
        return copied
    }

    /// A `timestamptz` as the session (in UTC) prints it, `2026-11-20 09:15:00+00`, written as the SQLite
    /// warehouse writes instants: `2026-11-20T09:15:00Z` (fractions of a second kept).
    static func isoUTC(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard bytes.count >= 22, bytes.suffix(3).elementsEqual("+00".utf8), bytes[10] == UInt8(ascii: " ") else { return text }
        bytes.removeLast(3)
        bytes[10] = UInt8(ascii: "T")
        return String(decoding: bytes, as: UTF8.self) + "Z"
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default: throw result.map { Self.error($0, sql) } ?? PostgresError(message: Self.trimmed(PQerrorMessage(conn)), sql: sql)
        }
    }

    private static func error(_ result: OpaquePointer, _ sql: String) -> PostgresError {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        return PostgresError(message: trimmed(PQresultErrorMessage(result)), sqlState: state, sql: sql)
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        var s = String(cString: text)
        while s.last == "\n" || s.last == " " { s.removeLast() }
        return s
    }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings` (NULL for nil), valid during the call.
private func withCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) rethrows -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    let pointers = copies.map { UnsafePointer($0) }
    return try pointers.withUnsafeBufferPointer { try body($0.baseAddress) }
}

/// A statement run many times on a PostgreSQL connection, prepared on the server once per combination
/// of argument types it is run with (integers and reals typed, text inferred: ``PostgresConnection/table(_:_:)``),
/// so the server parses and plans it once; its rows are kept until ``reset()``.
public final class PostgresStatement: SQLStatement {
    private unowned let connection: PostgresConnection
    public let sql: String
    /// The statement with `$N` placeholders, and the numbers it uses.
    private let statement: String
    private let used: Set<Int>
    /// The highest placeholder number: arguments not bound up to it are NULL.
    private let count: Int
    private var arguments: [SQLValue]
    /// The server's prepared statements of this one, by parameter types.
    private var prepared: [[UInt32]: String] = [:]
    private var result: SQLTable?
    private var current = -1
    /// Results of this statement sent in pipeline mode and not read yet.
    var pending = 0
    private var lastChanges = 0

    /// Rows changed by this statement's last execution (a pipelined one's result is read first).
    public internal(set) var changes: Int {
        get {
            if pending > 0 {
                // A failure here is the connection's to report at its next call (a getter cannot throw).
                do { try connection.finishPipeline() } catch { connection.unreported = error }
            }
            return lastChanges
        }
        set { lastChanges = newValue }
    }

    init(_ sql: String, connection: PostgresConnection) {
        self.sql = sql
        self.connection = connection
        (statement, used) = SQLPlaceholders.dollarNumbered(sql)
        count = used.max() ?? 0
        arguments = Array(repeating: .null, count: count)
    }

    private func set(_ index: Int32, _ value: SQLValue) {
        let i = Int(index) - 1
        if i >= 0 && i < count { arguments[i] = value }
    }

    public func bind(_ index: Int32, _ value: Int64?) throws { set(index, value.map(SQLValue.integer) ?? .null) }
    public func bind(_ index: Int32, _ value: Double?) throws { set(index, value.map(SQLValue.real) ?? .null) }
    public func bind(_ index: Int32, _ value: String?) throws { set(index, value.map(SQLValue.text) ?? .null) }
    public func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws {
        set(index, .text(String(decoding: bytes, as: UTF8.self)))
    }

    /// The server's statement for the arguments' types, prepared when new.
    private func preparedName() throws -> String {
        let types = PostgresConnection.parameterTypes(arguments, used: used)
        if let known = prepared[types] { return known }
        let name = connection.nextStatementName()
        try connection.prepare(name, statement, types: types, sql: sql)
        prepared[types] = name
        return name
    }

    /// Binds and sends the statement without waiting for its result (pipeline mode): rows it returns
    /// are not read; a failure is thrown by a later call on the connection, the run's transaction then
    /// failing as a whole.
    public func run(_ values: [SQLValue]) throws {
        defer { reset() }
        try bind(values)
        try connection.sendPipelined(try preparedName(), arguments, sql: sql, statement: self)
    }

    public func step() throws -> Bool {
        if result == nil {
            let name = try preparedName()
            result = try connection.executePrepared(name, arguments, sql: sql)
            changes = connection.changes
            current = -1
        }
        current += 1
        return current < result!.rows.count
    }

    public func reset() {
        for i in arguments.indices { arguments[i] = .null }
        result = nil
        current = -1
    }

    public var columnCount: Int { result?.columns.count ?? 0 }
    public func value(_ column: Int) -> SQLValue { result?.rows[current][column] ?? .null }
    public func isNull(_ column: Int) -> Bool { value(column) == .null }
    public func int(_ column: Int) -> Int64 {
        switch value(column) {
        case let .integer(v): return v
        case let .real(v): return Int64(v)
        case let .text(v): return Int64(v) ?? 0
        case .null: return 0
        }
    }
    public func double(_ column: Int) -> Double { value(column).double ?? 0 }
    public func text(_ column: Int) -> String? { value(column).string }

    /// Forgets the statement; the server's prepared statements end with the session (a run's connection).
    public func finalize() {
        reset()
        prepared = [:]
    }
}

/// Rows in COPY's text format, encoded as they are added: fields separated by tabs, rows ended by a
/// newline, NULL as `\N`, and backslash, tab, newline and carriage return escaped in a value.
public struct PostgresCopyRows {
    public private(set) var bytes: [UInt8] = []
    /// Rows ended so far.
    public private(set) var count = 0
    private var rowStarted = false

    public init() {}

    private mutating func separate() {
        if rowStarted { bytes.append(0x09) }
        rowStarted = true
    }

    /// A text field (nil: NULL).
    public mutating func add(_ value: String?) {
        guard var value else {
            separate()
            bytes.append(contentsOf: [0x5C, 0x4E])   // \N
            return
        }
        value.withUTF8 { add(utf8: $0) }
    }

    /// A text field given as UTF-8 bytes.
    public mutating func add(utf8 value: UnsafeBufferPointer<UInt8>) {
        separate()
        for b in value {
            switch b {
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            default: bytes.append(b)
            }
        }
    }

    /// A whole-number field.
    public mutating func add(_ value: Int64) {
        separate()
        var v = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                                                              0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(0x0A)
        rowStarted = false
        count += 1
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
        rowStarted = false
    }
}
