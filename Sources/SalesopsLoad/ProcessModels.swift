import SalesopsSQL

/// The process-quality models (SPEC "Leads", "Deals and stages", "Tasks", "Calls"): missed calls and
/// their callbacks, first contact and SLA of leads, stage skips, the funnel, stuck deals and overdue
/// tasks. The CRM ones are rebuilt whole each run (they depend on the calls and mail as much as on the
/// CRM snapshot, and the CRM tables are small next to the call logs); the as-of ones read the date from
/// `as_of_context`, so a report for an earlier date rebuilds them from what was known then.
enum ProcessModels {
    static let all: [Model] = [stageNames, missedCalls, crmOwners, leadContact, stageViolations, funnel, stuckDeals,
                               overdueTasks]

    static let stageNames = Model("stage_names", .view, grain: "one row per pipeline, stage and source of its name",
                                  dependsOn: ["funnel_stages", "crm_statuses"], sql: """
        -- A deal stage's names: the funnel's configured one (rank 1), the CRM's own from crm.status.list
        -- (rank 2: entity DEAL_STAGE for the general pipeline "0", DEAL_STAGE_<pipeline> for the others).
        SELECT pipeline, stage_id, name, 1 AS rank FROM funnel_stages WHERE name IS NOT NULL
        UNION ALL
        SELECT CASE WHEN entity_id = 'DEAL_STAGE' THEN '0' ELSE substr(entity_id, 12) END, status_id, name, 2
        FROM crm_statuses WHERE entity_id = 'DEAL_STAGE' OR entity_id LIKE 'DEAL!_STAGE!_%' ESCAPE '!'
        """)

    /// The models of the CRM, in build order.
    static let crm = ["crm_owners", "lead_contact", "stage_violations", "funnel", "stuck_deals", "overdue_tasks",
                      "lead_conversion", "untouched_deals"]
    /// The CRM models that read nothing but CRM facts and the funnels (no calls, mail or as-of date).
    static let crmFactsOnly = ["crm_owners", "stage_violations"]

    static let missedCalls = Model("missed_calls", .table,
                                   grain: "one row per missed inbound call, with its first callback",
                                   dependsOn: ["calls", "settings", "model_phones"]) { d in """
        -- Rebuilt for the client numbers in model_phones ('' stands for calls without a number), read
        -- by number through the indexes (the calls of the numbers, not every call). The callback is the
        -- first later outbound call to the number (any outcome) or answered inbound call from it; the
        -- window is compared in seconds (60 min 0 s is in time, 60 min 1 s is not); callback_mins is
        -- floored, for display only. The row of a call whose number changed goes with the call's new
        -- number; a call that is deleted (regrouping) takes its row with it.
        DELETE FROM missed_calls WHERE client_phone IN (SELECT phone FROM model_phones)
            OR (client_phone IS NULL AND EXISTS (SELECT 1 FROM model_phones WHERE phone = ''))
            OR call_id IN (SELECT c.call_id FROM model_phones p \(d.orderedJoin) calls c ON c.client_phone = p.phone);
        INSERT INTO missed_calls(call_id, rep_id, client_phone, raw_number, missed_at, local_date,
            callback_call_id, callback_at, callback_mins, within_window, src_file, src_line)
        WITH missed AS (
            SELECT m.* FROM model_phones p \(d.orderedJoin) calls m ON m.client_phone = p.phone
            WHERE m.direction = 'inbound' AND m.disposition != 'answered'
            UNION ALL
            SELECT m.* FROM calls m
            WHERE m.client_phone IS NULL AND m.direction = 'inbound' AND m.disposition != 'answered'
              AND EXISTS (SELECT 1 FROM model_phones WHERE phone = ''))
        SELECT m.call_id, m.rep_id, m.client_phone, m.raw_number, m.started_at, m.local_date,
               cb.call_id, cb.started_at, (cb.start_epoch - m.start_epoch) / 60,
               COALESCE(\(d.flag("""
                   cb.start_epoch - m.start_epoch
                            <= (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'callback_window_mins') * 60
                   """)), 0),
               m.src_file, m.src_line
        FROM missed m
        LEFT JOIN calls cb ON cb.call_id = (
            SELECT c.call_id FROM calls c
            WHERE c.client_phone = m.client_phone AND c.start_epoch > m.start_epoch
              AND (c.direction = 'outbound' OR (c.direction = 'inbound' AND c.disposition = 'answered'))
            ORDER BY c.start_epoch, c.call_id LIMIT 1);
        """ }

    static let crmOwners = Model("crm_owners", .table,
                                 grain: "the rep of each stage entry and payment: its deal's",
                                 dependsOn: ["deals", "deal_stage_history", "payments"], sql: """
        -- Only the entries whose deal changed hands are written (each rewritten row is a new row version
        -- in PostgreSQL: 500,000 of them took 4.5 s a night); an entry of no known deal has no rep.
        UPDATE deal_stage_history SET rep_id = d.rep_id FROM deals d
        WHERE d.deal_id = deal_stage_history.deal_id AND deal_stage_history.rep_id IS DISTINCT FROM d.rep_id;
        UPDATE deal_stage_history SET rep_id = NULL
        WHERE rep_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = deal_stage_history.deal_id);
        UPDATE payments SET rep_id = (SELECT d.rep_id FROM deals d WHERE d.deal_id = payments.deal_id)
        WHERE rep_id IS NULL AND deal_id IS NOT NULL;
        """)

    static let leadContact = Model("lead_contact", .table,
                                   grain: "one row per lead: first contact, response minutes, SLA, junk without reason",
                                   dependsOn: ["leads", "lead_contacts", "calls", "emails", "email_recipients", "activities",
                                               "lead_status_history", "settings", "as_of_context"]) { d in """
        -- First contact (SPEC "Leads"): the earliest, at or after creation, of an outbound call to one of
        -- the lead's phones, an outbound mail to one of its addresses (in To, Cc or Bcc), or a completed
        -- CRM call, e-mail or meeting bound to it; then response minutes, the SLA (an uncontacted lead is
        -- breached once its SLA has passed at the end of the as-of day) and junk without reason.
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
                          AND a.start_epoch >= leads.created_epoch), 'activity') AS contacts
            WHERE epoch IS NOT NULL ORDER BY epoch, channel LIMIT 1);

        UPDATE leads SET
            first_contact_at = \(d.instant("first_contact_epoch")),
            response_mins = (first_contact_epoch - created_epoch) / 60,
            sla_breached = \(d.flag("""
                COALESCE(first_contact_epoch, (SELECT as_of_end_epoch FROM as_of_context)) - created_epoch
                > (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lead_sla_mins') * 60
                """)),
            junk_without_reason = CASE WHEN status_semantic != 'junk' THEN NULL ELSE \(d.flag("""
                TRIM(status_description) = '' OR first_contact_epoch IS NULL
                OR COALESCE(COALESCE((SELECT MIN(h.entered_epoch) FROM lead_status_history h
                                      WHERE h.lead_id = leads.lead_id AND h.status_id = leads.status_id),
                                     closed_epoch, moved_epoch) < first_contact_epoch, FALSE)
                """)) END;
        """ }

    static let stageViolations = Model("stage_violations", .table,
                                       grain: "one row per deal and entered stage that skipped required stages",
                                       dependsOn: ["deals", "deal_stage_history", "funnel_stages"]) { d in """
        -- An entry into a stage while a required stage of lower order was never entered before it; entering
        -- a lost stage is never a skip, and a deal created in a late stage is one. A deal without history
        -- entered its current stage at creation; entries are ordered by time, then stage id; only a deal's
        -- first entry into a stage counts.
        DELETE FROM stage_violations;
        DROP TABLE IF EXISTS \(d.temp("stage_entries"));
        CREATE TEMP TABLE stage_entries AS
            SELECT d.deal_id, d.pipeline, d.rep_id, h.stage_id, h.entered_epoch FROM deals d
            JOIN deal_stage_history h ON h.deal_id = d.deal_id
            UNION ALL
            SELECT d.deal_id, d.pipeline, d.rep_id, d.stage_id, d.created_epoch FROM deals d
            WHERE NOT EXISTS (SELECT 1 FROM deal_stage_history h WHERE h.deal_id = d.deal_id);
        \(d.createTempIndex("stage_entries_key", on: "stage_entries", "deal_id, stage_id, entered_epoch"));
        \(d.analyze("stage_entries"))
        INSERT INTO stage_violations(deal_id, rep_id, pipeline, entered_stage, entered_at, skipped_stages)
        SELECT deal_id, rep_id, pipeline, stage_id, \(d.instant("entered_epoch")), skipped
        FROM (
            SELECT e.deal_id, e.rep_id, e.pipeline, e.stage_id, e.entered_epoch,
                   (SELECT \(d.groupConcat("stage_id", "','", order: "stage_order")) FROM (
                        SELECT r.stage_id, r.stage_order FROM funnel_stages r
                        WHERE r.pipeline = e.pipeline AND r.required = 1 AND r.stage_order < fs.stage_order
                          AND NOT EXISTS (SELECT 1 FROM \(d.temp("stage_entries")) p
                                          WHERE p.deal_id = e.deal_id AND p.stage_id = r.stage_id
                                            AND (p.entered_epoch, p.stage_id) < (e.entered_epoch, e.stage_id))
                        ORDER BY r.stage_order) AS required) AS skipped
            FROM \(d.temp("stage_entries")) e
            JOIN funnel_stages fs ON fs.pipeline = e.pipeline AND fs.stage_id = e.stage_id AND fs.final IS DISTINCT FROM 'lost'
            WHERE NOT EXISTS (SELECT 1 FROM \(d.temp("stage_entries")) p
                              WHERE p.deal_id = e.deal_id AND p.stage_id = e.stage_id AND p.entered_epoch < e.entered_epoch)) AS entries
        WHERE skipped IS NOT NULL;
        DROP TABLE \(d.temp("stage_entries"));
        """ }

    static let funnel = Model("funnel", .table,
                              grain: "one row per month of creation, pipeline, stage and rep (NULL: the department)",
                              dependsOn: ["deals", "deal_stage_history", "funnel_stages", "as_of_context"]) { d in """
        -- A deal reached stage k if it entered k or any later stage that is not lost (lost stages are not
        -- funnel stages); conversion k = reached(k+1) / reached(k). Only deals created and stage entries
        -- made by the end of the as-of day count.
        DELETE FROM funnel;
        CREATE TEMP TABLE IF NOT EXISTS funnel_top(deal_id TEXT PRIMARY KEY, rep_id TEXT, pipeline TEXT, month TEXT, top INTEGER);
        DELETE FROM \(d.temp("funnel_top"));
        INSERT INTO \(d.temp("funnel_top"))
        SELECT deal_id, rep_id, pipeline, month, MAX(stage_order) FROM (
            SELECT d.deal_id, d.rep_id, d.pipeline, \(d.month("d.local_date")) AS month, fs.stage_order
            FROM deals d JOIN deal_stage_history h ON h.deal_id = d.deal_id
              AND h.entered_epoch <= (SELECT as_of_end_epoch FROM as_of_context)
            JOIN funnel_stages fs ON fs.pipeline = d.pipeline AND fs.stage_id = h.stage_id AND fs.final IS DISTINCT FROM 'lost'
            WHERE d.created_epoch <= (SELECT as_of_end_epoch FROM as_of_context)
            UNION ALL
            -- the current stage, unless the deal moved after the as-of time
            SELECT d.deal_id, d.rep_id, d.pipeline, \(d.month("d.local_date")), fs.stage_order
            FROM deals d JOIN funnel_stages fs ON fs.pipeline = d.pipeline AND fs.stage_id = d.stage_id AND fs.final IS DISTINCT FROM 'lost'
            WHERE d.created_epoch <= (SELECT as_of_end_epoch FROM as_of_context)
              AND NOT EXISTS (SELECT 1 FROM deal_stage_history h WHERE h.deal_id = d.deal_id
                              AND h.entered_epoch > (SELECT as_of_end_epoch FROM as_of_context))) AS entered
        GROUP BY deal_id, rep_id, pipeline, month;
        \(d.analyze("funnel_top"))
        -- Reached counts per month, pipeline, rep and stage, from one pass over the deals' top stages;
        -- the grid of every stage for every (month, pipeline, rep) keeps the zeros.
        CREATE TEMP TABLE IF NOT EXISTS funnel_counts(month TEXT, pipeline TEXT, rep_id TEXT, stage_id TEXT, reached INTEGER);
        DELETE FROM \(d.temp("funnel_counts"));
        INSERT INTO \(d.temp("funnel_counts"))
        SELECT t.month, t.pipeline, t.rep_id, fs.stage_id, COUNT(*) FROM \(d.temp("funnel_top")) t
        JOIN funnel_stages fs ON fs.pipeline = t.pipeline AND fs.final IS DISTINCT FROM 'lost' AND t.top >= fs.stage_order
        GROUP BY t.month, t.pipeline, t.rep_id, fs.stage_id;
        \(d.createTempIndex("funnel_counts_key", on: "funnel_counts", "month, pipeline, stage_id, rep_id", ifNotExists: true));
        \(d.analyze("funnel_counts"))
        INSERT INTO funnel(period_start, period_end, pipeline, stage_id, stage_order, rep_id, reached, conversion)
        SELECT period_start, \(d.monthEnd("period_start")), pipeline, stage_id, stage_order, rep_id, reached,
               CASE WHEN reached > 0 THEN 1.0 * LEAD(reached) OVER (PARTITION BY period_start, pipeline, rep_id
                                                                   ORDER BY stage_order) / reached END
        FROM (
            SELECT \(d.date("g.month || '-01'")) AS period_start, g.pipeline, fs.stage_id, fs.stage_order, g.rep_id,
                   COALESCE(c.reached, 0) AS reached
            FROM (SELECT DISTINCT month, pipeline, rep_id FROM \(d.temp("funnel_top")) WHERE rep_id IS NOT NULL) g
            JOIN funnel_stages fs ON fs.pipeline = g.pipeline AND fs.final IS DISTINCT FROM 'lost'
            LEFT JOIN \(d.temp("funnel_counts")) c ON c.month = g.month AND c.pipeline = g.pipeline AND c.stage_id = fs.stage_id
                                          AND c.rep_id = g.rep_id
            UNION ALL
            SELECT \(d.date("g.month || '-01'")), g.pipeline, fs.stage_id, fs.stage_order, NULL,
                   (SELECT COALESCE(SUM(c.reached), 0) FROM \(d.temp("funnel_counts")) c WHERE c.month = g.month
                      AND c.pipeline = g.pipeline AND c.stage_id = fs.stage_id)
            FROM (SELECT DISTINCT month, pipeline FROM \(d.temp("funnel_top"))) g
            JOIN funnel_stages fs ON fs.pipeline = g.pipeline AND fs.final IS DISTINCT FROM 'lost') AS grid;

        """ }

    static let stuckDeals = Model("stuck_deals", .table, grain: "one row per as-of date and stuck deal",
                                  dependsOn: ["deals", "deal_stage_history", "funnel_stages", "as_of_context"], sql: """
        -- An open deal whose time at its stage (since it last entered it, else since creation) exceeds the
        -- stage's maximum days at the end of the as-of day: the stage it was at then (its last history
        -- entry up to then; its current stage when it has none), open when that stage is not final.
        DELETE FROM stuck_deals WHERE as_of = (SELECT as_of FROM as_of_context);
        INSERT INTO stuck_deals(as_of, deal_id, rep_id, stage_id, days_at_stage, max_days)
        WITH ctx AS (SELECT as_of, as_of_end_epoch AS end_epoch FROM as_of_context),
        at_end AS (
            SELECT d.deal_id, d.rep_id, d.pipeline, d.created_epoch, d.stage_semantic,
                   COALESCE((SELECT h.stage_id FROM deal_stage_history h
                             WHERE h.deal_id = d.deal_id AND h.entered_epoch <= ctx.end_epoch
                             ORDER BY h.entered_epoch DESC, h.stage_id DESC LIMIT 1),
                            CASE WHEN NOT EXISTS (SELECT 1 FROM deal_stage_history h WHERE h.deal_id = d.deal_id)
                                 THEN d.stage_id END) AS stage_id,
                   EXISTS (SELECT 1 FROM deal_stage_history h
                           WHERE h.deal_id = d.deal_id AND h.entered_epoch > ctx.end_epoch) AS moved_later
            FROM deals d, ctx WHERE d.created_epoch <= ctx.end_epoch),
        timed AS (
            SELECT a.deal_id, a.rep_id, a.stage_id, fs.max_days,
                   (ctx.end_epoch - COALESCE((SELECT MAX(h.entered_epoch) FROM deal_stage_history h
                                              WHERE h.deal_id = a.deal_id AND h.stage_id = a.stage_id
                                                AND h.entered_epoch <= ctx.end_epoch),
                                             a.created_epoch)) / 86400 AS days
            FROM ctx, at_end a
            JOIN funnel_stages fs ON fs.pipeline = a.pipeline AND fs.stage_id = a.stage_id
            WHERE fs.final IS NULL AND fs.max_days IS NOT NULL AND (a.stage_semantic = 'open' OR a.moved_later))
        SELECT ctx.as_of, deal_id, rep_id, stage_id, days, max_days FROM timed, ctx
        WHERE days > max_days;
        """)

    static let overdueTasks = Model("overdue_tasks", .table, grain: "one row per as-of date and overdue task",
                                    dependsOn: ["tasks", "as_of_context"], sql: """
        -- Tasks not closed whose deadline passed before the end of the as-of day, and tasks closed after
        -- their deadline, as known then: a task created later is not there yet, one closed later was open.
        DELETE FROM overdue_tasks WHERE as_of = (SELECT as_of FROM as_of_context);
        INSERT INTO overdue_tasks(as_of, task_id, rep_id, title, deadline_at, closed_at, overdue_days)
        WITH ctx AS (SELECT as_of, as_of_end_epoch AS end_epoch, as_of_end FROM as_of_context),
        known AS (
            SELECT t.task_id, t.rep_id, t.title, t.deadline_at, t.deadline_epoch,
                   CASE WHEN t.closed_epoch <= ctx.end_epoch THEN t.closed_epoch END AS closed_epoch,
                   CASE WHEN t.closed_epoch <= ctx.end_epoch THEN t.closed_at END AS closed_at
            FROM tasks t, ctx
            WHERE t.deadline_epoch IS NOT NULL AND (t.created_at IS NULL OR t.created_at <= ctx.as_of_end))
        SELECT ctx.as_of, k.task_id, k.rep_id, k.title, k.deadline_at, k.closed_at,
               (COALESCE(k.closed_epoch, ctx.end_epoch) - k.deadline_epoch) / 86400
        FROM known k, ctx
        WHERE (k.closed_epoch IS NULL AND k.deadline_epoch < ctx.end_epoch) OR k.closed_epoch > k.deadline_epoch;
        """)
}
