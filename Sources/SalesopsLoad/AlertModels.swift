import SalesopsSQL
import SalesopsCore

/// The `alerts` model (SPEC "Alerts"): what a head of sales acts on today, each with a severity, a
/// one-line message in the report language and the ids of the rows behind it.
enum AlertModels {
    static let all: [Model] = [alertItems, alerts, alertEvidence, sourceFreshness, sourceQuality]

    /// SQL that shows a figure in a message: whole numbers with thousands separators, else one decimal,
    /// with the report language's separators (captions `format.thousands`, `format.decimal`; the
    /// message's CTE `t` holds the captions).
    static func number(_ x: String, _ d: SQLDialect) -> String {
        """
        CASE WHEN \(d.round(x, 1)) = \(d.round(x))
             THEN replace(\(d.thousands(x)), ',', (SELECT text FROM t WHERE key = 'format.thousands'))
             ELSE \(decimal(x, d)) END
        """
    }

    /// SQL that shows a figure with one decimal and the report language's decimal separator.
    static func decimal(_ x: String, _ d: SQLDialect) -> String {
        "replace(\(d.oneDecimal(x)), '.', (SELECT text FROM t WHERE key = 'format.decimal'))"
    }

    /// How long a lead has waited for its first contact, in seconds: to it, or to `asOfEnd` (the end of
    /// the as-of day) when it has none by then. Alerts and their evidence both read it from here.
    static func leadWaitedSecs(_ lead: String, asOfEnd: String, _ d: SQLDialect) -> String {
        "\(d.min("COALESCE(\(lead).first_contact_epoch, \(asOfEnd))", asOfEnd)) - \(lead).created_epoch"
    }

    /// The list findings, one row per item, before they are grouped into alerts per rep and severity.
    static let alertItems = Model("alert_items", .view,
                                  grain: "one row per alerting item (lead, missed call, deal, task) for the as-of date",
                                  dependsOn: ["as_of_context", "leads", "missed_calls", "stage_violations", "stuck_deals",
                                              "untouched_deals", "overdue_tasks", "calendar", "settings"]) { d in """
        -- waited_secs: how long a lead has waited for its first contact (to it, or to the end of the as-of
        -- day when it has none yet).
        -- "New" means since the end of the previous working day (as_of_context.since_end) up to the end
        -- of the as-of day; "still open" items are listed whatever their age (the uncontacted leads, the
        -- open overdue tasks, the stuck deals) or, for missed calls, within the last 5 working days.
        WITH ctx AS (SELECT * FROM as_of_context),
        recent AS (
            SELECT MIN(local_date) AS first_day FROM (
                SELECT local_date FROM calendar, ctx WHERE is_business_day = 1 AND local_date <= ctx.as_of
                ORDER BY local_date DESC LIMIT 5) AS last_days),
        sla AS (SELECT CAST(value AS INTEGER) * 60 AS secs FROM settings WHERE key = 'lead_sla_mins')
        -- leads with no contact at the as-of time once their SLA has passed, still open then: high
        SELECT 'lead_sla' AS kind, l.rep_id, 'high' AS severity, l.lead_id AS item_id, l.created_epoch AS sort_key,
               \(leadWaitedSecs("l", asOfEnd: "ctx.as_of_end_epoch", d)) AS waited_secs
        FROM leads l, ctx, sla
        WHERE l.created_epoch <= ctx.as_of_end_epoch
          AND (l.first_contact_epoch IS NULL OR l.first_contact_epoch > ctx.as_of_end_epoch)
          AND ctx.as_of_end_epoch - l.created_epoch > sla.secs
          AND (l.status_semantic = 'open' OR COALESCE(l.closed_epoch, l.moved_epoch) > ctx.as_of_end_epoch)
        UNION ALL
        -- leads first contacted after the SLA, the contact made since the previous working day: medium
        SELECT 'lead_sla', l.rep_id, 'medium', l.lead_id, l.created_epoch, \(leadWaitedSecs("l", asOfEnd: "ctx.as_of_end_epoch", d))
        FROM leads l, ctx, sla
        WHERE l.first_contact_epoch > ctx.since_end_epoch AND l.first_contact_epoch <= ctx.as_of_end_epoch
          AND l.first_contact_epoch - l.created_epoch > sla.secs
        UNION ALL
        -- missed calls of the last 5 working days with no callback by the as-of time: high
        SELECT 'missed_no_callback', m.rep_id, 'high', m.call_id, \(d.epoch("m.missed_at")), NULL
        FROM missed_calls m, ctx, recent
        WHERE m.local_date >= recent.first_day AND m.missed_at <= ctx.as_of_end
          AND (m.callback_at IS NULL OR m.callback_at > ctx.as_of_end)
        UNION ALL
        -- missed calls since the previous working day called back, but later than the window: medium
        -- (found by their local dates, which the times imply, through the date index: the unary +
        -- keeps SQLite from building a throw-away index on within_window each night instead)
        SELECT 'missed_no_callback', m.rep_id, 'medium', m.call_id, \(d.epoch("m.missed_at")), NULL
        FROM missed_calls m, ctx
        WHERE m.local_date > ctx.since_date AND m.local_date <= ctx.as_of
          AND m.missed_at > ctx.since_end AND m.missed_at <= ctx.as_of_end AND +m.within_window = 0
          AND m.callback_at <= ctx.as_of_end
        UNION ALL
        -- stage skips entered since the previous working day
        SELECT 'stage_skip', v.rep_id, 'medium', v.deal_id, \(d.epoch("v.entered_at")), NULL
        FROM stage_violations v, ctx
        WHERE v.entered_at > ctx.since_end AND v.entered_at <= ctx.as_of_end
        UNION ALL
        -- deals stuck at the as-of date: high when more than twice the stage's limit
        SELECT 'stuck_deal', s.rep_id, CASE WHEN s.days_at_stage > 2 * s.max_days THEN 'high' ELSE 'medium' END,
               s.deal_id, -s.days_at_stage, NULL
        FROM stuck_deals s, ctx
        WHERE s.as_of = ctx.as_of
        UNION ALL
        -- leads junked since the previous working day without a reason or before any contact
        SELECT 'junk_without_reason', l.rep_id, 'medium', l.lead_id, l.created_epoch, NULL
        FROM leads l, ctx
        WHERE l.junk_without_reason = 1
          AND COALESCE((SELECT MAX(h.entered_epoch) FROM lead_status_history h
                        WHERE h.lead_id = l.lead_id AND h.status_id = l.status_id),
                       l.closed_epoch, l.moved_epoch, l.created_epoch) > ctx.since_end_epoch
          AND COALESCE((SELECT MAX(h.entered_epoch) FROM lead_status_history h
                        WHERE h.lead_id = l.lead_id AND h.status_id = l.status_id),
                       l.closed_epoch, l.moved_epoch, l.created_epoch) <= ctx.as_of_end_epoch
        UNION ALL
        -- open deals not touched: no contact for too long and nothing planned (high), no contact for too
        -- long (medium), nothing planned (low)
        SELECT 'untouched_deal', u.rep_id,
               CASE WHEN u.days_without_contact > (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'deal_touch_days')
                    THEN CASE WHEN u.planned = 1 THEN 'medium' ELSE 'high' END ELSE 'low' END,
               u.deal_id, -u.days_without_contact, NULL
        FROM untouched_deals u, ctx
        WHERE u.as_of = ctx.as_of
        UNION ALL
        -- tasks open and past their deadline at the as-of time: high after a week
        SELECT 'overdue_task', t.rep_id, CASE WHEN t.overdue_days >= 7 THEN 'high' ELSE 'medium' END, t.task_id,
               \(d.epoch("t.deadline_at")), NULL
        FROM overdue_tasks t, ctx
        WHERE t.as_of = ctx.as_of AND (t.closed_at IS NULL OR t.closed_at > ctx.as_of_end)
        UNION ALL
        -- tasks closed after their deadline since the previous working day: low
        SELECT 'overdue_task', t.rep_id, 'low', t.task_id, \(d.epoch("t.deadline_at")), NULL
        FROM overdue_tasks t, ctx
        WHERE t.as_of = ctx.as_of AND t.closed_at > ctx.since_end AND t.closed_at <= ctx.as_of_end
        """ }

    static let alerts = Model("alerts", .table, grain: "one row per alert and as-of date",
                              dependsOn: ["alert_items", "rep_period", "rep_days", "rep_norms", "rep_daily",
                                          "etl_notes", "etl_runs", "captions", "settings", "as_of_context"]) { d in """
        DELETE FROM alerts WHERE as_of = (SELECT as_of FROM as_of_context);
        INSERT INTO alerts(as_of, alert_id, rep_id, kind, severity, metric, message, evidence)
        WITH ctx AS (SELECT * FROM as_of_context),
        t AS (SELECT key, text FROM captions WHERE language = (SELECT value FROM settings WHERE key = 'report_language')),
        -- the reps who work on the as-of day: only they get activity alerts (below_norm, decline)
        at_work AS (SELECT d.rep_id FROM rep_days d, ctx WHERE d.local_date = ctx.as_of AND d.working = 1),
        -- under the norm today (a norm per day) or under the prorated norm week to date (any norm)
        below AS (
            SELECT d.rep_id, d.metric, w.period_start AS week_start, w.norm > 0 AND w.value < w.norm AS wtd_under,
                   \(d.min("CASE WHEN rn.per = 'day' AND d.norm > 0 AND d.value < d.norm THEN d.pct_of_norm ELSE 1 END",
                            "CASE WHEN w.norm > 0 AND w.value < w.norm THEN w.pct_of_norm ELSE 1 END")) AS worst,
                   CASE WHEN rn.per = 'day' AND d.norm > 0 AND d.value < d.norm
                        THEN \(d.printf("(SELECT text FROM t WHERE key = 'alert.below_norm.day')", number("d.value", d),
                                         number("d.norm", d), d.truncate("100 * d.pct_of_norm"))) END AS day_text,
                   CASE WHEN w.norm > 0 AND w.value < w.norm
                        THEN \(d.printf("(SELECT text FROM t WHERE key = 'alert.below_norm.wtd')", number("w.value", d),
                                         number("w.norm", d), d.truncate("100 * w.pct_of_norm"))) END AS wtd_text
            FROM ctx, rep_period d
            JOIN rep_period w ON w.as_of = d.as_of AND w.scope = 'rep' AND w.period = 'wtd'
                             AND w.rep_id = d.rep_id AND w.metric = d.metric
            JOIN rep_norms rn ON rn.rep_id = d.rep_id AND rn.metric = d.metric
            WHERE d.as_of = ctx.as_of AND d.scope = 'rep' AND d.period = 'day'
              AND d.rep_id IN (SELECT rep_id FROM at_work)
              AND ((rn.per = 'day' AND d.norm > 0 AND d.value < d.norm) OR (w.norm > 0 AND w.value < w.norm))),
        -- the rep's working days up to the as-of day, newest first, from the first day with data on
        workdays AS (
            SELECT d.rep_id, d.local_date, ROW_NUMBER() OVER (PARTITION BY d.rep_id ORDER BY d.local_date DESC) AS k
            FROM rep_days d, ctx
            WHERE d.working = 1 AND d.local_date <= ctx.as_of
              AND d.local_date >= (SELECT MIN(local_date) FROM rep_daily)
              AND d.rep_id IN (SELECT rep_id FROM at_work)),
        averages AS (
            SELECT w.rep_id, n.metric,
                   SUM(CASE WHEN w.k <= 5 THEN COALESCE(\(ActivityModels.metricValue("d", metric: "n.metric")), 0) END) / 5.0
                       AS recent,
                   1.0 * SUM(CASE WHEN w.k > 5 THEN COALESCE(\(ActivityModels.metricValue("d", metric: "n.metric")), 0) END)
                       / SUM(\(d.flag("w.k > 5"))) AS past,
                   SUM(\(d.flag("w.k > 5"))) AS past_days, COUNT(*) AS days,
                   MIN(CASE WHEN w.k <= 5 THEN w.local_date END) AS recent_from,
                   MIN(w.local_date) AS past_from, MAX(CASE WHEN w.k > 5 THEN w.local_date END) AS past_to
            FROM workdays w
            JOIN rep_norms n ON n.rep_id = w.rep_id
            LEFT JOIN rep_daily d ON d.rep_id = w.rep_id AND d.local_date = w.local_date
            WHERE w.k <= 25
            GROUP BY w.rep_id, n.metric),
        declines AS (
            SELECT a.*, CAST(\(d.round("100 * (1 - a.recent / a.past)")) AS INTEGER) AS pct
            FROM averages a
            WHERE a.past_days >= 10 AND a.days - a.past_days = 5 AND a.past > 0
              AND a.recent < a.past * (1 - (SELECT CAST(value AS DOUBLE PRECISION) FROM settings WHERE key = 'decline_alert_pct') / 100)),
        groups AS (
            -- one alert per kind, rep and severity; its evidence lists the items oldest first
            SELECT kind, rep_id, severity, n, evidence FROM (
                SELECT kind, rep_id, severity, COUNT(*) OVER grp AS n,
                       \(d.jsonArrayAgg)(item_id) OVER (grp ORDER BY sort_key, item_id
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS evidence,
                       ROW_NUMBER() OVER (grp ORDER BY sort_key, item_id) AS k
                FROM alert_items
                WINDOW grp AS (PARTITION BY kind, rep_id, severity)) AS items
            WHERE k = 1),
        prev_days AS (
            -- the 5 business days before the as-of day
            SELECT local_date FROM calendar, ctx WHERE is_business_day = 1 AND local_date < ctx.as_of
            ORDER BY local_date DESC LIMIT 5),
        source_days AS (
            SELECT source, local_date FROM calls, ctx
            WHERE local_date >= (SELECT MIN(local_date) FROM prev_days) AND local_date <= ctx.as_of GROUP BY source, local_date
            UNION
            SELECT source, local_date FROM emails, ctx
            WHERE local_date >= (SELECT MIN(local_date) FROM prev_days) AND local_date <= ctx.as_of GROUP BY source, local_date),
        silent AS (
            -- a source with a no-data finding in a run for the as-of date (its `expect` settings)
            SELECT n.source, MIN(substr(n.message, 10)) AS finding
            FROM etl_notes n JOIN etl_runs r ON r.run_id = n.run_id, ctx
            WHERE r.as_of = ctx.as_of AND r.status != 'failed' AND n.message LIKE 'no data: %'
            GROUP BY n.source
            UNION ALL
            -- a call or mail source with data on at least 4 of the 5 business days before a business
            -- as-of day, and none on it
            SELECT d.source, (SELECT text FROM t WHERE key = 'alert.no_data.usual')
            FROM source_days d, ctx
            WHERE d.local_date IN (SELECT local_date FROM prev_days)
              AND EXISTS (SELECT 1 FROM calendar WHERE local_date = ctx.as_of AND is_business_day = 1)
              AND NOT EXISTS (SELECT 1 FROM source_days x WHERE x.source = d.source AND x.local_date = ctx.as_of)
              AND NOT EXISTS (SELECT 1 FROM etl_notes n JOIN etl_runs r ON r.run_id = n.run_id
                              WHERE r.as_of = ctx.as_of AND n.source = d.source AND n.message LIKE 'no data: %')
            GROUP BY d.source HAVING COUNT(*) >= 4)
        SELECT ctx.as_of, 'below_norm:' || b.rep_id || ':' || b.metric, b.rep_id, 'below_norm',
               CASE WHEN b.worst < 0.5 THEN 'high' WHEN b.worst < 0.8 THEN 'medium' ELSE 'low' END, b.metric,
               (SELECT text FROM t WHERE key = 'metric.' || b.metric) || ': ' || COALESCE(b.day_text || '; ' || b.wtd_text, b.day_text, b.wtd_text),
               -- the days behind it: the week so far, or the day
               CASE WHEN b.wtd_under THEN \(d.jsonArray("b.week_start || '..' || ctx.as_of")) ELSE \(d.jsonArray("ctx.as_of")) END
        FROM below b, ctx
        UNION ALL
        SELECT ctx.as_of, 'decline:' || d.rep_id || ':' || d.metric, d.rep_id, 'decline',
               CASE WHEN d.pct >= 50 THEN 'high' ELSE 'medium' END, d.metric,
               \(d.printf("(SELECT text FROM t WHERE key = 'alert.decline')", "(SELECT text FROM t WHERE key = 'metric.' || d.metric)",
                          decimal("d.recent", d), "5", decimal("d.past", d), "d.past_days", "d.pct")),
               \(d.jsonArray("d.recent_from || '..' || ctx.as_of", "d.past_from || '..' || d.past_to"))
        FROM declines d, ctx
        UNION ALL
        SELECT ctx.as_of, g.kind || ':' || COALESCE(g.rep_id, '-') || ':' || g.severity, g.rep_id, g.kind, g.severity, NULL,
               CASE
                   WHEN g.kind = 'lead_sla'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'alert.' || g.kind || '.' || g.severity)",
                                        "(SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'lead_sla_mins')", "g.n"))
                   WHEN g.kind = 'missed_no_callback' AND g.severity = 'medium'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'alert.' || g.kind || '.' || g.severity)",
                                        "(SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'callback_window_mins')", "g.n"))
                   ELSE \(d.printf("(SELECT text FROM t WHERE key = 'alert.' || g.kind || '.' || g.severity)", "g.n"))
               END,
               g.evidence
        FROM groups g, ctx
        UNION ALL
        SELECT ctx.as_of, 'no_data:' || s.source, NULL, 'no_data', 'high', NULL,
               \(d.printf("(SELECT text FROM t WHERE key = 'alert.no_data.high')", "s.source", "ctx.as_of", "s.finding")),
               \(d.jsonArray("s.source"))
        FROM silent s, ctx;
        """ }

    /// An evidence lead's waiting time (`l`), for the alerts of the as-of date the models are built for
    /// (`ctx`); none for older alerts.
    static func evidenceWait(_ d: SQLDialect) -> String {
        "(CASE WHEN i.as_of = (SELECT as_of FROM ctx) THEN \(leadWaitedSecs("l", asOfEnd: "(SELECT as_of_end_epoch FROM ctx)", d)) END)"
    }

    static let alertEvidence = Model("alert_evidence", .view,
                                     grain: "one row per alert and evidence item (lead, missed call, deal, task)",
                                     dependsOn: ["alerts", "alert_items", "leads", "lead_contacts", "missed_calls", "calls", "deals", "untouched_deals",
                                                 "stage_violations", "stuck_deals", "tasks", "stage_names",
                                                 "captions", "settings"]) { d in """
        -- What each item is: its title (the lead's, the deal's, the task's, or the client's number), the
        -- time that matters (created, missed, entered, deadline) and a detail in the report language.
        WITH t AS (SELECT key, text FROM captions WHERE language = (SELECT value FROM settings WHERE key = 'report_language')),
        items AS (
            SELECT a.as_of, a.alert_id, a.rep_id, a.kind, a.severity, CAST(e.key AS INTEGER) AS position, e.value AS item_id
            FROM alerts a, \(d.jsonEach("a.evidence", as: "e"))
            WHERE a.kind NOT IN ('below_norm', 'decline', 'no_data')),
        ctx AS (SELECT as_of, as_of_end_epoch FROM as_of_context)
        SELECT i.as_of, i.alert_id, i.rep_id, i.kind, i.severity, i.position, i.item_id,
               CASE WHEN i.kind IN ('lead_sla', 'junk_without_reason') THEN l.title
                    WHEN i.kind = 'missed_no_callback' THEN COALESCE(m.raw_number, m.client_phone)
                    WHEN i.kind IN ('stage_skip', 'stuck_deal', 'untouched_deal') THEN d.title
                    WHEN i.kind = 'overdue_task' THEN k.title END AS item,
               CASE WHEN i.kind IN ('lead_sla', 'junk_without_reason') THEN l.created_epoch
                    WHEN i.kind = 'missed_no_callback' THEN c.start_epoch
                    WHEN i.kind = 'stage_skip' THEN \(d.epoch("v.entered_at"))
                    WHEN i.kind = 'stuck_deal' THEN d.created_epoch
                    WHEN i.kind = 'untouched_deal' THEN \(d.epoch("u.last_contact_at"))
                    WHEN i.kind = 'overdue_task' THEN k.deadline_epoch END AS at_epoch,
               CASE
                   WHEN i.kind = 'lead_sla' AND i.severity = 'high'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.lead_waiting')", "\(evidenceWait(d)) / 86400",
                                       "\(evidenceWait(d)) % 86400 / 3600"))
                               || COALESCE(' · ' || (SELECT MIN(value) FROM lead_contacts lc WHERE lc.lead_id = l.lead_id), '')
                   WHEN i.kind = 'lead_sla'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.lead_late')", "\(evidenceWait(d)) / 60"))
                   WHEN i.kind = 'junk_without_reason'
                       THEN CASE WHEN l.junk_reason = '' THEN (SELECT text FROM t WHERE key = 'evidence.junk_no_reason')
                                 ELSE (SELECT text FROM t WHERE key = 'evidence.junk_no_contact') END
                   WHEN i.kind = 'missed_no_callback' AND (m.callback_at IS NULL OR m.callback_at > (SELECT as_of_end FROM as_of_context))
                       THEN (SELECT text FROM t WHERE key = 'evidence.no_callback')
                   WHEN i.kind = 'missed_no_callback'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.late_callback')", "m.callback_mins"))
                   WHEN i.kind = 'stage_skip'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.skipped')", WarehouseSQL.stageNames("v.skipped_stages", pipeline: "v.pipeline", d)))
                   WHEN i.kind = 'stuck_deal'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.stuck')",
                                       WarehouseSQL.stageName("s.stage_id", pipeline: "d.pipeline"), "s.days_at_stage", "s.max_days"))
                   WHEN i.kind = 'overdue_task'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.overdue')", "o.overdue_days"))
                   WHEN i.kind = 'untouched_deal'
                       THEN \(d.printf("(SELECT text FROM t WHERE key = 'evidence.untouched')", "u.days_without_contact"))
                            || CASE WHEN u.planned = 1 THEN '' ELSE (SELECT text FROM t WHERE key = 'evidence.nothing_planned') END
               END AS detail
        FROM items i
        LEFT JOIN leads l ON i.kind IN ('lead_sla', 'junk_without_reason') AND l.lead_id = i.item_id
        LEFT JOIN missed_calls m ON i.kind = 'missed_no_callback' AND m.call_id = i.item_id
        LEFT JOIN calls c ON c.call_id = m.call_id
        LEFT JOIN deals d ON i.kind IN ('stage_skip', 'stuck_deal', 'untouched_deal') AND d.deal_id = i.item_id
        LEFT JOIN untouched_deals u ON i.kind = 'untouched_deal' AND u.as_of = i.as_of AND u.deal_id = i.item_id
        LEFT JOIN stage_violations v ON i.kind = 'stage_skip' AND v.deal_id = i.item_id
              AND v.entered_at = (SELECT MAX(v2.entered_at) FROM stage_violations v2
                                  WHERE v2.deal_id = i.item_id AND v2.entered_at <= (SELECT as_of_end FROM as_of_context))
        LEFT JOIN stuck_deals s ON i.kind = 'stuck_deal' AND s.as_of = i.as_of AND s.deal_id = i.item_id
        LEFT JOIN tasks k ON i.kind = 'overdue_task' AND k.task_id = i.item_id
        LEFT JOIN overdue_tasks o ON i.kind = 'overdue_task' AND o.as_of = i.as_of AND o.task_id = i.item_id
        """ }

    static let sourceFreshness = Model("source_freshness", .view,
                                       grain: "one row per source with facts in the 31 days up to the as-of date",
                                       dependsOn: ["calls", "emails", "leads", "deals", "activities", "tasks", "payments",
                                                   "calendar", "as_of_context"]) { d in """
        -- The time of a source's newest fact (a call's start, a mail's date, a CRM record's creation, an
        -- activity, a payment) of the 31 days up to the end of the as-of day, and the business days from
        -- its date to the as-of date. The window keeps this to the recent rows the date indexes reach; a
        -- source silent for longer has no row here. A telephony source's newest day (of the sources the
        -- runs read, etl_sources) is found backwards through the calls' date index, then its newest call
        -- of that day: a year holds 12M calls, a month a million.
        WITH ctx AS (SELECT as_of, as_of_end, \(d.addDays("as_of", -31)) AS since FROM as_of_context),
        facts AS (
            SELECT source, at FROM (
                SELECT s.source, (SELECT MAX(c.started_at) FROM calls c
                                  WHERE c.source = s.source AND c.started_at <= ctx.as_of_end AND c.local_date = (
                                      SELECT d.local_date FROM calls d
                                      WHERE d.source = s.source AND d.local_date BETWEEN ctx.since AND ctx.as_of
                                      ORDER BY d.local_date DESC LIMIT 1)) AS at
                FROM ctx, (SELECT DISTINCT source FROM etl_sources WHERE kind = 'telephony') s) AS telephony
            WHERE at IS NOT NULL
            UNION ALL SELECT source, MAX(sent_at) FROM ctx, emails
            WHERE local_date BETWEEN ctx.since AND ctx.as_of AND sent_at <= ctx.as_of_end GROUP BY source
            UNION ALL SELECT source_name, MAX(created_at) FROM ctx, leads
            WHERE local_date BETWEEN ctx.since AND ctx.as_of AND created_at <= ctx.as_of_end GROUP BY source_name
            UNION ALL SELECT source_name, MAX(created_at) FROM ctx, deals
            WHERE local_date BETWEEN ctx.since AND ctx.as_of AND created_at <= ctx.as_of_end GROUP BY source_name
            UNION ALL SELECT source_name, MAX(start_at) FROM ctx, activities
            WHERE local_date BETWEEN ctx.since AND ctx.as_of AND start_at <= ctx.as_of_end GROUP BY source_name
            UNION ALL SELECT source_name, MAX(created_at) FROM ctx, tasks
            WHERE created_at > ctx.since AND created_at <= ctx.as_of_end GROUP BY source_name
            UNION ALL SELECT source_name, MAX(paid_at) FROM ctx, payments
            WHERE local_date BETWEEN ctx.since AND ctx.as_of AND paid_at <= ctx.as_of_end GROUP BY source_name),
        newest AS (SELECT source, MAX(at) AS last_data_at FROM facts GROUP BY source)
        SELECT n.source, n.last_data_at,
               (SELECT COUNT(*) FROM calendar c, ctx
                WHERE c.is_business_day = 1 AND c.local_date > \(d.utcDate("n.last_data_at")) AND c.local_date <= ctx.as_of)
                   AS business_days_since
        FROM newest n
        """ }

    static let sourceQuality = Model("source_quality", .view,
                                     grain: "one row per source read by the runs up to the as-of date",
                                     dependsOn: ["etl_sources", "etl_runs", "source_freshness", "as_of_context"]) { d in """
        -- Data quality per source: the accounting of every committed run whose as-of date is not later
        -- (rows read = loaded + filtered + rejected), summed, and the source's newest data. Files skipped as
        -- already loaded are left out: every quiet night would add to them. A source is stale when it
        -- logs events (calls, mail) and its newest one is more than one working day old (or older than
        -- the 31 days source_freshness looks at).
        SELECT s.source, MIN(s.kind) AS kind, SUM(s.files_read) AS files_read, SUM(s.rows_read) AS rows_read,
               SUM(s.rows_loaded) AS rows_loaded, SUM(s.rows_filtered) AS rows_filtered,
               SUM(s.rows_rejected) AS rows_rejected, f.last_data_at, f.business_days_since,
               \(d.flag("MIN(s.kind) IN ('telephony', 'mail') AND COALESCE(f.business_days_since > 1, TRUE)")) AS stale
        FROM etl_sources s
        JOIN etl_runs r ON r.run_id = s.run_id AND r.status IN ('ok', 'no_data', 'report_failed')
        LEFT JOIN source_freshness f ON f.source = s.source
        WHERE r.as_of <= (SELECT as_of FROM as_of_context)
        GROUP BY s.source, f.last_data_at, f.business_days_since
        """ }
}
