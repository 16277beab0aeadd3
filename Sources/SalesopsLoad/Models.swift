import Dispatch
import SalesopsSQLite

/// One derived relation of the warehouse, defined once in SQL with its grain (as a dbt model is): a
/// view computed when read, or a table whose rows the model's statements rebuild. The statements
/// read their parameters from the warehouse — thresholds from `settings`, the as-of date from
/// `as_of_context`, the dates to rebuild from `model_dates` — so each runs as it stands in `sqlite3`,
/// and the definitions are stored in the `models` table for analysts to read.
public struct Model: Sendable {
    public enum Kind: String, Sendable {
        /// `sql` is the view's SELECT.
        case view
        /// `sql` holds the statements that rebuild the table's rows in scope (`DELETE …; INSERT …`).
        case table
    }

    public let name: String
    public let kind: Kind
    public let grain: String
    public let dependsOn: [String]
    /// The definition, written once: `SQLDialect` supplies what the engines write differently.
    private let definition: @Sendable (SQLDialect) -> String

    /// A definition both engines read alike.
    public init(_ name: String, _ kind: Kind, grain: String, dependsOn: [String], sql: String) {
        self.init(name, kind, grain: grain, dependsOn: dependsOn, sql: { _ in sql })
    }

    /// A definition with parts the engines write differently.
    public init(_ name: String, _ kind: Kind, grain: String, dependsOn: [String], sql: @escaping @Sendable (SQLDialect) -> String) {
        self.name = name
        self.kind = kind
        self.grain = grain
        self.dependsOn = dependsOn
        definition = sql
    }

    /// The definition as SQLite runs it (and as the `models` table shows it).
    public var sql: String { definition(.sqlite) }

    /// The definition as `dialect`'s engine runs it.
    public func sql(for dialect: SQLDialect) -> String { definition(dialect) }

    /// The statement that creates the view in `dialect`'s engine (for SQLite, the text `sqlite_master` keeps).
    public func createView(for dialect: SQLDialect = .sqlite) -> String { "CREATE VIEW \(name) AS\n\(sql(for: dialect))" }
}

/// The models in dependency order: each reads only tables and the models before it.
public enum Models {
    public static let all: [Model] = ActivityModels.sources + ProcessModels.all + ConversionModels.all + WorktimeModels.calendar
        + ActivityModels.daily + AlertModels.all

    /// The models rebuilt for an as-of date (a `report --as-of` rebuilds them for its date).
    public static let asOfTables = ["funnel", "stuck_deals", "overdue_tasks", "lead_conversion", "untouched_deals", "rep_period",
                                    "alerts"]

    /// Creates or replaces every view whose definition changed and records the definitions in `models`;
    /// returns whether any definition changed (a new version of salesops).
    @discardableResult
    public static func install(_ db: SQLConnection, _ dialect: SQLDialect = .sqlite) throws -> Bool {
        let rows = all.map { [$0.name, $0.kind.rawValue, $0.grain, $0.dependsOn.joined(separator: ", "), $0.sql(for: dialect)] }
        let current = try db.query("SELECT name, kind, grain, depends_on, sql FROM models ORDER BY position")
            .map { $0.map { $0.string ?? "" } }
        if dialect.engine == .postgres {
            // PostgreSQL keeps a view's definition in its own words: the recorded definitions say
            // whether the views are this version's. A view is replaced in place, which keeps what
            // depends on it (an analyst's own view, its grants); one whose columns changed cannot be,
            // and every view is then dropped and created again (a view of someone else's over one of
            // ours then stops the run, saying which).
            guard current != rows else { return false }
            let views = all.filter { $0.kind == .view }
            do {
                try db.execute("SAVEPOINT salesops_views")
                for model in views { try db.execute("CREATE OR REPLACE VIEW \(model.name) AS\n\(model.sql(for: dialect))") }
                try db.execute("RELEASE SAVEPOINT salesops_views")
            } catch {
                try db.execute("ROLLBACK TO SAVEPOINT salesops_views")
                for model in views.reversed() { try db.execute("DROP VIEW IF EXISTS \(model.name)") }
                for model in views { try db.execute(model.createView(for: dialect)) }
            }
            try record(rows, db)
            return true
        }
        let stored = Dictionary(try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'view'").compactMap { row in
            row[0].string.map { ($0, row[1].string ?? "") }
        }, uniquingKeysWith: { a, _ in a })
        // A changed view may be read by a later one: drop every view from the first change on, in reverse.
        let views = all.filter { $0.kind == .view }
        if let first = views.firstIndex(where: { stored[$0.name] != $0.createView() }) {
            for model in views[first...].reversed() { try db.execute("DROP VIEW IF EXISTS \(model.name)") }
            for model in views[first...] { try db.execute(model.createView()) }
        }
        guard current != rows else { return false }
        try record(rows, db)
        return true
    }

    /// Records the definitions in `models`.
    private static func record(_ rows: [[String]], _ db: SQLConnection) throws {
        try db.execute("DELETE FROM models")
        let insert = try db.statement("INSERT INTO models(name, position, kind, grain, depends_on, sql) VALUES (?,?,?,?,?,?)")
        defer { insert.finalize() }
        for (i, row) in rows.enumerated() {
            try insert.run([.text(row[0]), .integer(Int64(i + 1)), .text(row[1]), .text(row[2]), .text(row[3]), .text(row[4])])
        }
    }

    /// Runs the statements of the named table models, in dependency order; `timed` hears each one's
    /// wall seconds.
    public static func build(_ names: [String], _ db: SQLConnection, _ dialect: SQLDialect = .sqlite,
                             timed: (String, Double) -> Void = { _, _ in }) throws {
        for model in all where model.kind == .table && names.contains(model.name) {
            let start = DispatchTime.now().uptimeNanoseconds
            try db.execute(model.sql(for: dialect))
            timed(model.name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
}
