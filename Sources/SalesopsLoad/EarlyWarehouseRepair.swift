import SalesopsSQLite

/// What warehouses made by the first commits of main lack compared with the migration 001 that
/// migrations 002–006 were written against (see ``Migrations/repairs``).
enum EarlyWarehouseRepair {
    /// The first `call_legs` had no `leg_hash` (the identity of a CDR row, which migration 004 moves
    /// into each call's legs). The real identity hashes fields those warehouses did not keep (the
    /// uniqueid), so early legs get a stand-in made from what they kept: a leg loaded then is not
    /// recognised as the same CDR row when that row is read again from another file.
    static func callLegs(_ db: SQLiteDatabase) throws {
        guard try db.scalar("SELECT type FROM sqlite_master WHERE name = 'call_legs'")?.string == "table" else { return }
        let columns = Set(try db.query("SELECT name FROM pragma_table_info('call_legs')").compactMap { $0[0].string })
        guard !columns.contains("leg_hash") else { return }
        try db.execute("ALTER TABLE call_legs ADD COLUMN leg_hash INTEGER NOT NULL DEFAULT 0")
        let identity = ["call_id", "leg_key", "sequence", "channel", "dstchannel", "start_epoch", "src", "dst", "duration",
                        "billsec"].filter(columns.contains)
        let hash = try db.prepare("UPDATE call_legs SET leg_hash = ? WHERE rowid = ?")
        defer { hash.finalize() }
        for row in try db.query("SELECT rowid, \(identity.map { "COALESCE(\($0), '')" }.joined(separator: " || x'1f' || ")) FROM call_legs") {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in (row[1].string ?? "").utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            try hash.run([.integer(Int64(bitPattern: h)), row[0]])
        }
    }
}

extension EarlyWarehouseRepair {
    /// Migrations 001, 004, 005 and 006 were edited after they shipped, so a warehouse made by an
    /// earlier commit of main can lack tables, columns, views or indexes that the current text of those
    /// migrations creates (`email_recipients`, `funnel_stages`, the lead contact columns, `calls_daily`,
    /// …). This step compares the warehouse with a reference built in memory from migrations 001–009
    /// exactly as they are now (frozen: later schema changes come as later migrations) and adds what is
    /// missing: tables and views as the reference creates them, columns by `ALTER TABLE ADD COLUMN` with
    /// the reference's type and default (a NOT NULL column without one gets its type's zero), indexes.
    /// Existing rows are kept; the derived relations are rebuilt by the next run. A view whose columns
    /// differ is replaced. CHECK constraints of added columns are not recreated (SQLite cannot add them).
    static func addWhatShippedSchemasLack(_ db: SQLiteDatabase) throws {
        let reference = try SQLiteDatabase(path: ":memory:")
        defer { reference.close() }
        for migration in Migrations.all.prefix(while: { $0.name != "010_shipped_schema_reconciled" }) {
            try reference.execute(migration.sql)
        }
        func objects(_ db: SQLiteDatabase, _ type: String) throws -> [(name: String, table: String, sql: String)] {
            try db.query("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL ORDER BY rowid",
                         [.text(type)]).map { ($0[0].string ?? "", $0[1].string ?? "", $0[2].string ?? "") }
        }
        func columns(_ db: SQLiteDatabase, _ table: String) throws -> [(name: String, type: String, notNull: Bool, dflt: String?)] {
            try db.query("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info(?) ORDER BY cid", [.text(table)])
                .map { ($0[0].string ?? "", $0[1].string ?? "", $0[2].int == 1, $0[3].string) }
        }
        let existing = Set(try db.query("SELECT name FROM sqlite_master").compactMap { $0[0].string })
        for table in try objects(reference, "table") {
            guard existing.contains(table.name) else {
                try db.execute(table.sql)
                continue
            }
            let have = Set(try columns(db, table.name).map(\.name))
            for column in try columns(reference, table.name) where !have.contains(column.name) {
                var definition = "\"\(column.name)\" \(column.type)"
                if let dflt = column.dflt {
                    definition += (column.notNull ? " NOT NULL" : "") + " DEFAULT \(dflt)"
                } else if column.notNull {
                    let zero = column.type.uppercased().contains("INT") || column.type.uppercased().contains("REAL") ? "0" : "''"
                    definition += " NOT NULL DEFAULT \(zero)"
                }
                try db.execute("ALTER TABLE \"\(table.name)\" ADD COLUMN \(definition)")
            }
        }
        for view in try objects(reference, "view") {
            if existing.contains(view.name) {
                let want = try columns(reference, view.name).map(\.name)
                let have = try columns(db, view.name).map(\.name)
                guard want != have else { continue }
                try db.execute("DROP VIEW \"\(view.name)\"")
            }
            try db.execute(view.sql)
        }
        let indexes = Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'index'").compactMap { $0[0].string })
        for index in try objects(reference, "index") where !indexes.contains(index.name) {
            try db.execute(index.sql)
        }
        // Mail loaded before email_recipients existed: its outbound client is the one outside recipient known.
        try db.execute("""
            INSERT OR IGNORE INTO email_recipients(message_id, address)
            SELECT message_id, client_email FROM emails WHERE direction = 'outbound' AND client_email IS NOT NULL
            """)
    }
}
