import SalesopsSQL

/// One run at a time per warehouse: a session-level advisory lock on the schema's name, taken without
/// waiting. The server releases it when the session ends, however it ends (a run killed at any point
/// leaves no lock behind); analysts' queries take no advisory lock and neither wait for it nor hold it up.
public final class PostgresRunLock {
    /// Who holds the lock when it cannot be taken: the server process of that session, and its client.
    public struct Held: Error, CustomStringConvertible {
        public var schema: String
        public var holderPID: Int?
        public var holderApplication: String?
        public var description: String {
            "another session holds the run lock of schema \(schema)"
                + (holderPID.map { " (server process \($0)" + (holderApplication.map { ", \($0)" } ?? "") + ")" } ?? "")
        }
    }

    private let connection: PostgresConnection
    private let schema: String
    private var held = false

    /// The lock's key: PostgreSQL's own hash of the schema's name, under a fixed first key that keeps
    /// salesops' locks apart from other applications' (two-key form: `pg_try_advisory_lock(int, int)`).
    static let keys = "x'5a1e5095'::int, hashtext(?)"

    /// Takes the lock of `schema` on `connection`, or throws ``Held``.
    public init(connection: PostgresConnection, schema: String) throws {
        self.connection = connection
        self.schema = schema
        guard try connection.scalar("SELECT pg_try_advisory_lock(\(Self.keys))", [.text(schema)]) == .integer(1) else {
            let holder = try connection.query("""
                SELECT l.pid, NULLIF(a.application_name, '') FROM pg_locks l
                LEFT JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = x'5a1e5095'::int::oid
                  AND l.objid = hashtext(?)::oid AND l.objsubid = 2
                """, [.text(schema)]).first
            throw Held(schema: schema, holderPID: holder?[0].int, holderApplication: holder?[1].string)
        }
        held = true
    }

    /// Releases the lock (closing the connection does too). Safe to call twice.
    public func release() {
        guard held else { return }
        _ = try? connection.scalar("SELECT pg_advisory_unlock(\(Self.keys))", [.text(schema)])
        held = false
    }
}
