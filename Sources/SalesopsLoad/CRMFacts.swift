import SalesopsCore
import SalesopsSQLite

/// The process-quality relations derived from the CRM tables (SPEC "Leads", "Deals and stages"):
/// first contact and SLA of leads, stage skips, the funnel, stuck deals and overdue tasks. All are
/// rebuilt whole each run: they depend on the calls and mail as much as on the
/// CRM snapshot, and the CRM tables are small next to the call logs.
extension Warehouse {
    /// Whether any CRM record is loaded.
    public func hasCRMData() throws -> Bool {
        try db.scalar("""
            SELECT EXISTS (SELECT 1 FROM leads) OR EXISTS (SELECT 1 FROM deals) OR EXISTS (SELECT 1 FROM activities)
                OR EXISTS (SELECT 1 FROM tasks) OR EXISTS (SELECT 1 FROM payments)
            """)?.int == 1
    }

    /// Writes the configured funnels to `funnel_stages`.
    public func refreshFunnels(_ funnels: [Funnel]) throws {
        try db.execute("DELETE FROM funnel_stages; DELETE FROM pipelines;")
        for funnel in funnels {
            try db.run("INSERT INTO pipelines(pipeline, name) VALUES (?,?)", [.text(funnel.pipeline), .text(funnel.name)])
        }
        let insert = try db.prepare("""
            INSERT INTO funnel_stages(pipeline, stage_id, name, stage_order, required, final, max_days) VALUES (?,?,?,?,?,?,?)
            """)
        defer { insert.finalize() }
        for funnel in funnels {
            for (i, stage) in funnel.stages.enumerated() {
                try insert.run([.text(funnel.pipeline), .text(stage.id), stage.name.map(SQLValue.text) ?? .null,
                                .integer(Int64(i + 1)), .integer(stage.required ? 1 : 0),
                                stage.final.map { .text($0 == .won ? "won" : "lost") } ?? .null,
                                stage.maxDays.map { .integer(Int64($0)) } ?? .null])
            }
        }
    }

    /// Rebuilds every CRM-derived relation for the as-of date (`asOfEnd`: the end of that local day, UTC).
    public func rebuildCRMFacts(leadSLAMins: Int, asOf: String, asOfEnd: Int64) throws {
        try db.execute("""
            UPDATE deal_stage_history SET rep_id = (SELECT d.rep_id FROM deals d WHERE d.deal_id = deal_stage_history.deal_id);
            UPDATE payments SET rep_id = (SELECT d.rep_id FROM deals d WHERE d.deal_id = payments.deal_id)
            WHERE rep_id IS NULL AND deal_id IS NOT NULL;
            """)
        try rebuildLeadContacts(slaMins: leadSLAMins, asOfEnd: asOfEnd)
        try rebuildStageViolations()
        try rebuildFunnel(asOfEnd: asOfEnd)
        try rebuildStuckDeals(asOf: asOf, asOfEnd: asOfEnd)
        try rebuildOverdueTasks(asOf: asOf, asOfEnd: asOfEnd)
    }

    /// Tasks not closed whose deadline passed before the as-of time, and tasks closed after their
    /// deadline, as known at the as-of time: a task created later is not there yet, one closed later
    /// was still open.
    func rebuildOverdueTasks(asOf: String, asOfEnd: Int64) throws {
        try db.run("DELETE FROM overdue_tasks WHERE as_of = ?", [.text(asOf)])
        try db.run("""
            INSERT INTO overdue_tasks(as_of, task_id, rep_id, title, deadline_at, closed_at, overdue_days)
            SELECT ?1, task_id, rep_id, title, deadline_at, CASE WHEN closed_epoch <= ?2 THEN closed_at END,
                   (COALESCE(closed, ?2) - deadline_epoch) / 86400
            FROM (SELECT t.*, CASE WHEN t.closed_epoch <= ?2 THEN t.closed_epoch END AS closed FROM tasks t
                  WHERE t.created_at IS NULL OR t.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch')) AS known
            WHERE deadline_epoch IS NOT NULL
              AND ((closed IS NULL AND deadline_epoch < ?2) OR closed > deadline_epoch)
            """, [.text(asOf), .integer(asOfEnd)])
    }

    /// First contact (SPEC "Leads"): the earliest, at or after creation, of an outbound call to one of
    /// the lead's phones, an outbound mail to one of its addresses (in To, Cc or Bcc), or a completed
    /// CRM call, e-mail or meeting bound to it; then response minutes, the SLA and junk without reason.
    func rebuildLeadContacts(slaMins: Int, asOfEnd: Int64) throws {
        try db.execute("""
            UPDATE leads SET (first_contact_epoch, first_contact_channel) = (
                SELECT epoch, channel FROM (
                    SELECT (SELECT MIN(c.start_epoch) FROM calls c
                            WHERE c.direction = 'outbound' AND c.start_epoch >= leads.created_epoch
                              AND c.client_phone IN (SELECT lc.normalized FROM lead_contacts lc
                                                     WHERE lc.lead_id = leads.lead_id AND lc.kind = 'phone')) AS epoch,
                           'call' AS channel
                    UNION ALL
                    SELECT (SELECT MIN(e.sent_epoch) FROM email_recipients r JOIN emails e ON e.message_id = r.message_id
                            WHERE r.address IN (SELECT lc.normalized FROM lead_contacts lc
                                                WHERE lc.lead_id = leads.lead_id AND lc.kind = 'email')
                              AND e.direction = 'outbound' AND e.sent_epoch >= leads.created_epoch), 'email'
                    UNION ALL
                    SELECT (SELECT MIN(a.start_epoch) FROM activities a
                            WHERE a.owner_type = 'lead' AND a.owner_id = leads.lead_id AND a.completed = 1
                              AND (a.kind = 'call' OR a.kind = 'email' OR a.kind = 'meeting')
                              AND a.start_epoch >= leads.created_epoch), 'activity')
                WHERE epoch IS NOT NULL ORDER BY epoch, channel LIMIT 1);
            """)
        try db.run("""
            UPDATE leads SET
                first_contact_at = strftime('%Y-%m-%dT%H:%M:%SZ', first_contact_epoch, 'unixepoch'),
                response_mins = (first_contact_epoch - created_epoch) / 60,
                sla_breached = CASE
                    WHEN first_contact_epoch IS NOT NULL THEN first_contact_epoch - created_epoch > ?1 * 60
                    ELSE ?2 - created_epoch > ?1 * 60 END,
                junk_without_reason = CASE WHEN status_semantic != 'junk' THEN NULL ELSE
                    TRIM(status_description) = '' OR first_contact_epoch IS NULL
                    OR COALESCE(COALESCE((SELECT MIN(h.entered_epoch) FROM lead_status_history h
                                          WHERE h.lead_id = leads.lead_id AND h.status_id = leads.status_id),
                                         closed_epoch, moved_epoch) < first_contact_epoch, 0) END
            """, [.integer(Int64(slaMins)), .integer(asOfEnd)])
    }

    /// One row per deal and entered stage where a required stage of lower order was never entered
    /// before it; entering a lost stage is never a skip, and a deal created in a late stage is one.
    /// A deal without history entered its current stage at creation; entries are ordered by time,
    /// then stage id; only a deal's first entry into a stage counts.
    func rebuildStageViolations() throws {
        try db.execute("""
            DELETE FROM stage_violations;
            DROP TABLE IF EXISTS temp.stage_entries;
            CREATE TEMP TABLE stage_entries AS
                SELECT d.deal_id, d.pipeline, d.rep_id, h.stage_id, h.entered_epoch FROM deals d
                JOIN deal_stage_history h ON h.deal_id = d.deal_id
                UNION ALL
                SELECT d.deal_id, d.pipeline, d.rep_id, d.stage_id, d.created_epoch FROM deals d
                WHERE NOT EXISTS (SELECT 1 FROM deal_stage_history h WHERE h.deal_id = d.deal_id);
            CREATE INDEX temp.stage_entries_key ON stage_entries(deal_id, stage_id, entered_epoch);
            INSERT INTO stage_violations(deal_id, rep_id, pipeline, entered_stage, entered_at, skipped_stages)
            SELECT deal_id, rep_id, pipeline, stage_id, strftime('%Y-%m-%dT%H:%M:%SZ', entered_epoch, 'unixepoch'), skipped
            FROM (
                SELECT e.deal_id, e.rep_id, e.pipeline, e.stage_id, e.entered_epoch,
                       (SELECT group_concat(stage_id, ',') FROM (
                            SELECT r.stage_id FROM funnel_stages r
                            WHERE r.pipeline = e.pipeline AND r.required = 1 AND r.stage_order < fs.stage_order
                              AND NOT EXISTS (SELECT 1 FROM temp.stage_entries p
                                              WHERE p.deal_id = e.deal_id AND p.stage_id = r.stage_id
                                                AND (p.entered_epoch, p.stage_id) < (e.entered_epoch, e.stage_id))
                            ORDER BY r.stage_order)) AS skipped
                FROM temp.stage_entries e
                JOIN funnel_stages fs ON fs.pipeline = e.pipeline AND fs.stage_id = e.stage_id AND fs.final IS NOT 'lost'
                WHERE NOT EXISTS (SELECT 1 FROM temp.stage_entries p
                                  WHERE p.deal_id = e.deal_id AND p.stage_id = e.stage_id AND p.entered_epoch < e.entered_epoch))
            WHERE skipped IS NOT NULL;
            DROP TABLE temp.stage_entries;
            """)
    }

    /// The funnel per month of creation: a deal reached stage k if it entered k or any later stage that
    /// is not lost (lost stages are not funnel stages); conversion k = reached(k+1) / reached(k). Only
    /// deals created and stage entries made by the end of the as-of day count.
    func rebuildFunnel(asOfEnd: Int64) throws {
        try db.run("DROP TABLE IF EXISTS temp.funnel_as_of")
        try db.run("CREATE TEMP TABLE funnel_as_of AS SELECT ? AS end_epoch", [.integer(asOfEnd)])
        try db.execute("""
            DELETE FROM funnel;
            CREATE TEMP TABLE IF NOT EXISTS funnel_top(deal_id TEXT PRIMARY KEY, rep_id TEXT, pipeline TEXT, month TEXT, top INTEGER);
            DELETE FROM temp.funnel_top;
            INSERT INTO temp.funnel_top
            SELECT deal_id, rep_id, pipeline, month, MAX(stage_order) FROM (
                SELECT d.deal_id, d.rep_id, d.pipeline, substr(d.local_date, 1, 7) AS month, fs.stage_order
                FROM deals d JOIN deal_stage_history h ON h.deal_id = d.deal_id
                  AND h.entered_epoch <= (SELECT end_epoch FROM temp.funnel_as_of)
                JOIN funnel_stages fs ON fs.pipeline = d.pipeline AND fs.stage_id = h.stage_id AND fs.final IS NOT 'lost'
                WHERE d.created_epoch <= (SELECT end_epoch FROM temp.funnel_as_of)
                UNION ALL
                -- the current stage, unless the deal moved after the as-of time
                SELECT d.deal_id, d.rep_id, d.pipeline, substr(d.local_date, 1, 7), fs.stage_order
                FROM deals d JOIN funnel_stages fs ON fs.pipeline = d.pipeline AND fs.stage_id = d.stage_id AND fs.final IS NOT 'lost'
                WHERE d.created_epoch <= (SELECT end_epoch FROM temp.funnel_as_of)
                  AND NOT EXISTS (SELECT 1 FROM deal_stage_history h WHERE h.deal_id = d.deal_id
                                  AND h.entered_epoch > (SELECT end_epoch FROM temp.funnel_as_of)))
            GROUP BY deal_id;
            -- Reached counts per month, pipeline, rep and stage, from one pass over the deals' top stages;
            -- the grid of every stage for every (month, pipeline, rep) keeps the zeros.
            CREATE TEMP TABLE IF NOT EXISTS funnel_counts(month TEXT, pipeline TEXT, rep_id TEXT, stage_id TEXT, reached INTEGER);
            DELETE FROM temp.funnel_counts;
            INSERT INTO temp.funnel_counts
            SELECT t.month, t.pipeline, t.rep_id, fs.stage_id, COUNT(*) FROM temp.funnel_top t
            JOIN funnel_stages fs ON fs.pipeline = t.pipeline AND fs.final IS NOT 'lost' AND t.top >= fs.stage_order
            GROUP BY t.month, t.pipeline, t.rep_id, fs.stage_id;
            CREATE INDEX IF NOT EXISTS temp.funnel_counts_key ON funnel_counts(month, pipeline, stage_id, rep_id);
            INSERT INTO funnel(period_start, period_end, pipeline, stage_id, stage_order, rep_id, reached, conversion)
            SELECT period_start, date(period_start, '+1 month', '-1 day'), pipeline, stage_id, stage_order, rep_id, reached,
                   CASE WHEN reached > 0 THEN 1.0 * LEAD(reached) OVER (PARTITION BY period_start, pipeline, rep_id
                                                                       ORDER BY stage_order) / reached END
            FROM (
                SELECT g.month || '-01' AS period_start, g.pipeline, fs.stage_id, fs.stage_order, g.rep_id,
                       COALESCE(c.reached, 0) AS reached
                FROM (SELECT DISTINCT month, pipeline, rep_id FROM temp.funnel_top WHERE rep_id IS NOT NULL) g
                JOIN funnel_stages fs ON fs.pipeline = g.pipeline AND fs.final IS NOT 'lost'
                LEFT JOIN temp.funnel_counts c ON c.month = g.month AND c.pipeline = g.pipeline AND c.stage_id = fs.stage_id
                                              AND c.rep_id = g.rep_id
                UNION ALL
                SELECT g.month || '-01', g.pipeline, fs.stage_id, fs.stage_order, NULL,
                       (SELECT COALESCE(SUM(c.reached), 0) FROM temp.funnel_counts c WHERE c.month = g.month
                          AND c.pipeline = g.pipeline AND c.stage_id = fs.stage_id)
                FROM (SELECT DISTINCT month, pipeline FROM temp.funnel_top) g
                JOIN funnel_stages fs ON fs.pipeline = g.pipeline AND fs.final IS NOT 'lost');
            """)
    }

    /// Open deals whose time at their stage (since they last entered it, else since creation) exceeds
    /// the stage's maximum days, as of the end of the as-of day: the stage a deal was at then (its last
    /// history entry up to then; its current stage when it has none), open when that stage is not final.
    func rebuildStuckDeals(asOf: String, asOfEnd: Int64) throws {
        try db.run("DELETE FROM stuck_deals WHERE as_of = ?", [.text(asOf)])
        try db.run("""
            INSERT INTO stuck_deals(as_of, deal_id, rep_id, stage_id, days_at_stage, max_days)
            SELECT ?1, deal_id, rep_id, stage_id, days, max_days FROM (
                SELECT a.deal_id, a.rep_id, a.stage_id, fs.max_days,
                       (?2 - COALESCE((SELECT MAX(h.entered_epoch) FROM deal_stage_history h
                                       WHERE h.deal_id = a.deal_id AND h.stage_id = a.stage_id AND h.entered_epoch <= ?2),
                                      a.created_epoch)) / 86400 AS days
                FROM (SELECT d.deal_id, d.rep_id, d.pipeline, d.created_epoch, d.stage_semantic,
                             COALESCE((SELECT h.stage_id FROM deal_stage_history h
                                       WHERE h.deal_id = d.deal_id AND h.entered_epoch <= ?2
                                       ORDER BY h.entered_epoch DESC, h.stage_id DESC LIMIT 1),
                                      CASE WHEN NOT EXISTS (SELECT 1 FROM deal_stage_history h WHERE h.deal_id = d.deal_id)
                                           THEN d.stage_id END) AS stage_id
                      FROM deals d WHERE d.created_epoch <= ?2) AS a
                JOIN funnel_stages fs ON fs.pipeline = a.pipeline AND fs.stage_id = a.stage_id
                WHERE fs.final IS NULL AND fs.max_days IS NOT NULL
                  AND (a.stage_semantic = 'open' OR EXISTS (SELECT 1 FROM deal_stage_history h
                                                            WHERE h.deal_id = a.deal_id AND h.entered_epoch > ?2)))
            WHERE days > max_days
            """, [.text(asOf), .integer(asOfEnd)])
    }
}
