import CPostgres
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
public final class PostgresConnection {
    private var conn: OpaquePointer?

    public init(_ conninfo: String) throws {
        let c = PQconnectdb(conninfo)
        guard let c, PQstatus(c) == CONNECTION_OK else {
            let message = c.map { Self.trimmed(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(c)
            throw PostgresError(message: message)
        }
        conn = c
    }

    deinit { close() }

    /// Closes the connection. Safe to call twice.
    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// The server's version as `PG_VERSION_NUM` (150018 for 15.18).
    public var serverVersion: Int { Int(PQserverVersion(conn)) }

    /// Where the connection went: `host:port/database as user` (a socket folder as the host).
    public var endpoint: String {
        func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        return "\(text(PQhost(conn))):\(text(PQport(conn)))/\(text(PQdb(conn))) as \(text(PQuser(conn)))"
    }

    /// Runs one or more statements that return no rows (no parameters: the simple query protocol).
    public func execute(_ sql: String) throws {
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs one statement with text parameters (`$1`, `$2`, …; nil is NULL) and returns every row as
    /// text (nil for NULL).
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        let result = withCStrings(parameters) { values in
            PQexecParams(conn, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, sql)
        let rows = Int(PQntuples(result)), columns = Int(PQnfields(result))
        return (0..<rows).map { r in
            (0..<columns).map { c in
                PQgetisnull(result, Int32(r), Int32(c)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(r), Int32(c)))
            }
        }
    }

    /// The first column of the first row, if any.
    public func scalar(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try query(sql, parameters).first?.first ?? nil
    }

    /// Streams rows into `COPY table (columns) FROM STDIN` in the text format: `body` calls its
    /// argument once per row; values are escaped here (nil is NULL). Returns the number of rows copied.
    @discardableResult
    public func copy(into table: String, columns: [String], _ body: ((_ row: [String?]) throws -> Void) throws -> Void) throws -> Int {
        let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        let start = PQexec(conn, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql)
            throw PostgresError(message: "the server did not start COPY", sql: sql)
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        var failure: Error?
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let rc = buffer.withUnsafeBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { PQputCopyData(conn, $0, Int32(b.count)) }
            }
            guard rc == 1 else { throw PostgresError(message: Self.trimmed(PQerrorMessage(conn)), sql: sql) }
            buffer.removeAll(keepingCapacity: true)
        }
        do {
            try body { row in
                guard row.count == columns.count else {
                    throw PostgresError(message: "a row of \(row.count) values for \(columns.count) columns", sql: sql)
                }
                for (i, value) in row.enumerated() {
                    if i > 0 { buffer.append(0x09) }
                    if let value { Self.appendEscaped(value, to: &buffer) } else { buffer.append(contentsOf: [0x5C, 0x4E]) }   // \N
                }
                buffer.append(0x0A)
                if buffer.count >= 1 << 16 { try flush() }
            }
            try flush()
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

    /// COPY's text format: backslash, tab, newline and carriage return escaped.
    static func appendEscaped(_ value: String, to buffer: inout [UInt8]) {
        for b in value.utf8 {
            switch b {
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
            default: buffer.append(b)
            }
        }
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
