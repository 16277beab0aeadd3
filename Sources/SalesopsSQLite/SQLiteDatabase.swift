import CSQLite
@_exported import SalesopsSQL

/// A SQLite failure with the statement or operation that caused it.
public struct SQLiteError: Error, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var sql: String?
    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in: \($0.prefix(200))" } ?? "")
    }
}

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection. No C type or pointer leaves this wrapper; close it explicitly.
public final class SQLiteDatabase {
    private var handle: OpaquePointer?
    public let path: String

    /// Opens (creating unless `readOnly`) the database at `path`.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: "\(message): \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Closes the connection; statements must be finalized first. Safe to call twice.
    public func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    func check(_ rc: Int32, _ sql: String? = nil) throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// Prepares a statement for repeated use.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil), sql)
        return SQLiteStatement(stmt!, database: self, sql: sql)
    }

    /// Runs a statement with arguments and returns all rows.
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[SQLValue]] {
        let stmt = try prepare(sql)
        defer { stmt.finalize() }
        try stmt.bind(arguments)
        var rows: [[SQLValue]] = []
        while try stmt.step() { rows.append(stmt.row()) }
        return rows
    }

    /// Runs a statement with arguments and returns its column names and all rows. Queries of one
    /// family can share an argument list: the arguments past the statement's highest `?N` are not bound.
    public func table(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLTable {
        let stmt = try prepare(sql)
        defer { stmt.finalize() }
        try stmt.bind(Array(arguments.prefix(stmt.parameterCount)))
        var rows: [[SQLValue]] = []
        while try stmt.step() { rows.append(stmt.row()) }
        return SQLTable(columns: stmt.columnNames, rows: rows)
    }

    /// Runs a statement with arguments that returns no rows (INSERT, UPDATE, DELETE).
    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws {
        let stmt = try prepare(sql)
        defer { stmt.finalize() }
        try stmt.run(arguments)
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLValue? {
        try query(sql, arguments).first?.first
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// A transaction takes the write lock at once (a reader upgrading later could deadlock with a writer).
    public var beginTransaction: String { "BEGIN IMMEDIATE" }

    fileprivate var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A prepared statement with raw binds, for bulk loops.
///
/// Text is copied into the statement's own arena and bound without a further copy by SQLite
/// (`SQLITE_STATIC`), so a bulk loop makes no allocation per text value; ``reset()`` empties the arena.
public final class SQLiteStatement {
    private var stmt: OpaquePointer?
    private unowned let database: SQLiteDatabase
    public let sql: String
    private let arena: UnsafeMutablePointer<UInt8>
    private let arenaCapacity = 1 << 16
    private var arenaUsed = 0

    init(_ stmt: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.stmt = stmt
        self.database = database
        self.sql = sql
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        finalize()
        arena.deallocate()
    }

    /// Releases the statement; safe to call twice.
    public func finalize() {
        if let stmt { sqlite3_finalize(stmt) }
        stmt = nil
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: database.errorMessage, sql: sql) }
    }

    public func bind(_ index: Int32, _ value: Int64?) throws {
        if let value { try check(sqlite3_bind_int64(stmt, index, value)) } else { try check(sqlite3_bind_null(stmt, index)) }
    }

    public func bind(_ index: Int32, _ value: Double?) throws {
        if let value { try check(sqlite3_bind_double(stmt, index, value)) } else { try check(sqlite3_bind_null(stmt, index)) }
    }

    public func bind(_ index: Int32, _ value: String?) throws {
        guard var value else { return try check(sqlite3_bind_null(stmt, index)) }
        try value.withUTF8 { try bind(index, utf8: $0) }
    }

    /// Binds UTF-8 bytes as text without making a `String`: copied into the arena (no allocation)
    /// when they fit, else copied by SQLite.
    public func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws {
        if arenaUsed + bytes.count <= arenaCapacity {
            let start = arena + arenaUsed
            if let base = bytes.baseAddress { start.update(from: base, count: bytes.count) }
            arenaUsed += bytes.count
            try check(sqlite3_bind_text(stmt, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self),
                                        Int32(bytes.count), nil))   // nil = SQLITE_STATIC: valid until reset
        } else {
            try check(sqlite3_bind_text(stmt, index, UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(arena))
                .assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient))
        }
    }

    /// Advances; true when a row is available.
    public func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw SQLiteError(code: rc, message: database.errorMessage, sql: sql)
    }

    /// Resets for the next execution and clears the bindings (and the text arena).
    public func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
        arenaUsed = 0
    }

    public var columnCount: Int { Int(sqlite3_column_count(stmt)) }

    /// The statement's highest parameter index.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(stmt)) }

    /// The result columns' names (their `AS` names).
    public var columnNames: [String] { (0..<Int32(columnCount)).map { String(cString: sqlite3_column_name(stmt, $0)) } }

    /// Rows changed by this statement's last execution.
    public var changes: Int { Int(sqlite3_changes(sqlite3_db_handle(stmt))) }

    public func isNull(_ column: Int) -> Bool { sqlite3_column_type(stmt, Int32(column)) == SQLITE_NULL }

    public func int(_ column: Int) -> Int64 { sqlite3_column_int64(stmt, Int32(column)) }

    public func double(_ column: Int) -> Double { sqlite3_column_double(stmt, Int32(column)) }

    public func text(_ column: Int) -> String? {
        guard let p = sqlite3_column_text(stmt, Int32(column)) else { return nil }
        let n = Int(sqlite3_column_bytes(stmt, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    public func value(_ column: Int) -> SQLValue {
        switch sqlite3_column_type(stmt, Int32(column)) {
        case SQLITE_INTEGER: return .integer(int(column))
        case SQLITE_FLOAT: return .real(double(column))
        case SQLITE_NULL: return .null
        default: return .text(text(column) ?? "")
        }
    }

}

extension SQLiteStatement: SQLStatement {}

extension SQLiteDatabase: SQLConnection {
    public func statement(_ sql: String) throws -> SQLStatement { try prepare(sql) }
}
