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
