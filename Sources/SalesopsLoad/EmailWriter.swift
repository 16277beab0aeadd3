import SalesopsCore
import SalesopsSQLite

/// Writes messages: the first sighting of a Message-ID makes the `emails` row (with its attachments
/// and unmatched addresses); every sighting is recorded in `email_sightings`.
public final class EmailWriter {
    let insert: SQLStatement
    let attachment: SQLStatement
    let unmatched: SQLStatement
    let recipient: SQLStatement
    let sighting: SQLStatement
    let touch: SQLStatement
    let runID: Int64
    private var touched = Set<String>()

    init(db: SQLConnection, dialect d: SQLDialect, runID: Int64) throws {
        self.runID = runID
        insert = try db.statement("""
            INSERT INTO emails(message_id, sent_at, sent_epoch, local_date, direction, rep_id, from_email, client_email,
                               subject, attachments, is_proposal, thread_id, has_message_id, undecodable, source, src_file,
                               src_line, src_offset, run_id, headers_cut)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(message_id) DO NOTHING
            """)
        attachment = try db.statement("INSERT INTO email_attachments(message_id, position, filename, content_type) VALUES (?,?,?,?)")
        unmatched = try db.statement(d.insertIgnoring(into: "email_unmatched", "(message_id, address) VALUES (?,?)"))
        recipient = try db.statement(d.insertIgnoring(into: "email_recipients", "(message_id, address) VALUES (?,?)"))
        sighting = try db.statement(d.insertIgnoring(into: "email_sightings",
                                                     "(message_id, source, src_file, src_line, src_offset, run_id) VALUES (?,?,?,?,?,?)"))
        touch = try db.statement(d.insertIgnoring(into: d.temp("touched_dates"), "(local_date) VALUES (?)"))
    }

    /// Writes a message; returns true when it was new (its Message-ID not seen before).
    @discardableResult
    public func write(_ e: EmailFacts) throws -> Bool {
        try sighting.run([.text(e.messageID), .text(e.source), .text(e.position.file), .integer(Int64(e.position.line)),
                          .integer(e.offset), .integer(runID)])
        try insert.run([
            .text(e.messageID), .text(CivilTime.utcString(epoch: e.sentAt)), .integer(e.sentAt), .text(e.localDate),
            .text(e.direction.rawValue), e.repID.map(SQLValue.text) ?? .null, .text(e.fromEmail),
            e.clientEmail.map(SQLValue.text) ?? .null, .text(e.subject), .integer(Int64(e.attachments.count)),
            .integer(e.isProposal ? 1 : 0), .text(e.threadID), .integer(e.hasMessageID ? 1 : 0),
            .integer(e.undecodable ? 1 : 0), .text(e.source), .text(e.position.file), .integer(Int64(e.position.line)),
            .integer(e.offset), .integer(runID), .integer(e.headersCut ? 1 : 0),
        ])
        guard insert.changes > 0 else { return false }
        for (i, a) in e.attachments.enumerated() {
            try attachment.run([.text(e.messageID), .integer(Int64(i + 1)), .text(a.filename), .text(a.contentType)])
        }
        for address in e.unmatched { try unmatched.run([.text(e.messageID), .text(address)]) }
        for address in e.outsideRecipients { try recipient.run([.text(e.messageID), .text(address)]) }
        touched.insert(e.localDate)
        return true
    }

    /// Writes the local dates of the messages written so far to `temp.touched_dates`.
    public func flushTouchedDates() throws {
        for date in touched.sorted() { try touch.run([.text(date)]) }
        touched.removeAll()
    }

    public func close() {
        for s in [insert, attachment, unmatched, recipient, sighting, touch] { s.finalize() }
    }
}

extension Warehouse {
    /// A prepared writer of messages for one run.
    public func makeEmailWriter(runID: Int64) throws -> EmailWriter { try EmailWriter(db: db, dialect: dialect, runID: runID) }

    /// Before a mail file is read whole again: its sightings go; a message seen nowhere else goes
    /// with its attachments; one still seen elsewhere takes its provenance from another sighting.
    public func forgetEmails(ofFile path: String) throws {
        try db.run(dialect.insertIgnoring(into: dialect.temp("touched_dates"), """

            SELECT DISTINCT e.local_date FROM emails e JOIN email_sightings s ON s.message_id = e.message_id
            WHERE s.src_file = ?
            """), [.text(path)])
        try db.run("DELETE FROM email_sightings WHERE src_file = ?", [.text(path)])
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS gone_emails(message_id TEXT PRIMARY KEY);
            DELETE FROM \(dialect.temp("gone_emails"));
            INSERT INTO \(dialect.temp("gone_emails"))
                SELECT message_id FROM emails WHERE message_id NOT IN (SELECT message_id FROM email_sightings);
            DELETE FROM email_attachments WHERE message_id IN (SELECT message_id FROM \(dialect.temp("gone_emails")));
            DELETE FROM email_unmatched WHERE message_id IN (SELECT message_id FROM \(dialect.temp("gone_emails")));
            DELETE FROM email_recipients WHERE message_id IN (SELECT message_id FROM \(dialect.temp("gone_emails")));
            DELETE FROM emails WHERE message_id IN (SELECT message_id FROM \(dialect.temp("gone_emails")));
            """)
        try db.run("""
            UPDATE emails SET (source, src_file, src_line, src_offset) = (
                SELECT s.source, s.src_file, s.src_line, s.src_offset FROM email_sightings s
                WHERE s.message_id = emails.message_id ORDER BY s.run_id, s.src_file, s.src_offset LIMIT 1)
            WHERE src_file = ?
            """, [.text(path)])
    }
}
