import SalesopsSQL

/// The intensity models (SPEC "Metric definitions", "Norms"): what each rep did per day, the norms
/// that apply to each working day, and the figures per period against them.
enum ActivityModels {
    /// Each reported metric as an expression over `rep_daily`'s columns (or their sums: every metric is
    /// a sum of daily figures, so summing first and naming after gives the same value). The one place
    /// a metric is defined from the daily columns; `metric` names the metric to pick.
    static func metricValue(_ row: String, metric: String = "m.metric") -> String {
        """
        CASE \(metric)
                   WHEN 'work_mins' THEN \(row).work_mins
                   WHEN 'field_mins' THEN \(row).field_mins
                   WHEN 'calls_out' THEN \(row).calls_out
                   WHEN 'calls_in' THEN \(row).calls_in
                   WHEN 'calls_effective' THEN \(row).calls_out_effective + \(row).calls_in_effective
                   WHEN 'talk_mins' THEN \(row).talk_secs / 60.0
                   WHEN 'missed_in' THEN \(row).missed_in
                   WHEN 'meetings' THEN \(row).meetings
                   WHEN 'meeting_mins' THEN \(row).meeting_mins
                   WHEN 'proposals' THEN \(row).proposals
                   WHEN 'emails_out' THEN \(row).emails_out
                   WHEN 'chats' THEN \(row).chats
                   WHEN 'leads_new' THEN \(row).leads_new
                   WHEN 'deals_won' THEN \(row).deals_won
                   WHEN 'revenue_won' THEN \(row).revenue_won
                   WHEN 'payments_amount' THEN \(row).payments_amount
               END
        """
    }

    /// The daily figures of the reps and those of no rep (calls and mail), in `rep_daily`'s columns;
    /// with `dates`, a condition on `local_date`, only those days (read through the date indexes).
    static func dailyFigures(dates: String = "TRUE") -> String {
        """
            SELECT rep_id, local_date, work_mins, field_mins, calls_out, calls_in, calls_out_effective, calls_in_effective,
                   talk_secs, missed_in, emails_out, proposals, meetings, meeting_mins, chats, leads_new, deals_won, revenue_won,
                   payments_amount
            FROM rep_daily WHERE \(dates)
            UNION ALL
            SELECT NULL, local_date, 0, 0, calls_out, calls_in, calls_out_effective, calls_in_effective, talk_secs, missed_in,
                   0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM rep_daily_calls WHERE rep_id IS NULL AND \(dates)
            UNION ALL
            SELECT NULL, local_date, 0, 0, 0, 0, 0, 0, 0, 0, emails_out, proposals, 0, 0, 0, 0, 0, 0, 0
            FROM rep_daily_mail WHERE rep_id IS NULL AND \(dates)
        """
    }

    /// The periods of the as-of date (`ctx`, `periods`): the day, the week and month to date, the
    /// previous week — for every relation reported per period.
    static func periods(_ d: SQLDialect) -> String {
        """
        WITH ctx AS (
            SELECT as_of, \(d.daysBefore("as_of", d.daysSinceMonday("as_of"))) AS week_start
            FROM as_of_context),
        periods AS (
            SELECT 'day' AS period, as_of AS period_start, as_of AS period_end FROM ctx
            UNION ALL SELECT 'wtd', week_start, as_of FROM ctx
            UNION ALL SELECT 'mtd', \(d.monthStart("as_of")), as_of FROM ctx
            UNION ALL SELECT 'prev_week', \(d.addDays("week_start", -7)), \(d.addDays("week_start", -1)) FROM ctx)
        """
    }

    /// The per-source daily tables, built first.
    static let sources: [Model] = [callsDaily, mailDaily]
    /// The daily and period models, built after the CRM's (`rep_daily_crm` reads the payments' reps).
    static let daily: [Model] = [repDailyCRM, repDays, WorktimeModels.worktimeDays] + WorktimeModels.periods
        + [repDaily, repNorms, normDaily, repMetricDaily, repPeriod]

    static let callsDaily = Model("rep_daily_calls", .table,
                                  grain: "one row per rep (NULL: no rep) and local date with calls, for the dates in model_dates",
                                  dependsOn: ["calls", "settings", "model_dates"]) { d in """
        -- Every outbound call, every inbound call attributed to the rep (missed ones too); internal calls
        -- count in neither. Effective: answered and talking longer than settings.effective_call_secs.
        DELETE FROM rep_daily_calls WHERE local_date IN (SELECT local_date FROM model_dates);
        INSERT INTO rep_daily_calls(rep_id, local_date, calls_out, calls_in, calls_out_effective, calls_in_effective, talk_secs,
                                missed_in)
        SELECT c.rep_id, c.local_date,
               SUM(\(d.flag("c.direction = 'outbound'"))),
               SUM(\(d.flag("c.direction = 'inbound'"))),
               SUM(\(d.flag("c.direction = 'outbound' AND c.disposition = 'answered' AND c.talk_secs > t.secs"))),
               SUM(\(d.flag("c.direction = 'inbound' AND c.disposition = 'answered' AND c.talk_secs > t.secs"))),
               SUM(c.talk_secs),
               SUM(\(d.flag("c.direction = 'inbound' AND c.disposition != 'answered'")))
        FROM calls c
        CROSS JOIN (SELECT CAST(value AS INTEGER) AS secs FROM settings WHERE key = 'effective_call_secs') AS t
        WHERE c.direction != 'internal' AND c.local_date IN (SELECT local_date FROM model_dates)
        GROUP BY c.local_date, c.rep_id;   -- the order of calls_daily: no sort
        """ }

    static let mailDaily = Model("rep_daily_mail", .table,
                                 grain: "one row per rep (NULL: no rep) and local date with outbound mail, for the dates in model_dates",
                                 dependsOn: ["emails", "model_dates"], sql: """
        DELETE FROM rep_daily_mail WHERE local_date IN (SELECT local_date FROM model_dates);
        INSERT INTO rep_daily_mail(rep_id, local_date, emails_out, proposals)
        SELECT rep_id, local_date, COUNT(*), SUM(is_proposal)
        FROM emails
        WHERE direction = 'outbound' AND local_date IN (SELECT local_date FROM model_dates)
        GROUP BY rep_id, local_date;
        """)

    static let repDailyCRM = Model("rep_daily_crm", .view, grain: "one row per rep and local date with CRM facts",
                                   dependsOn: ["activities", "leads", "deals", "payments"]) { d in """
        -- Completed meetings and their minutes, chats (by their start); new and junk leads (by creation);
        -- deals won (by the date they closed) and their amounts; payments (by the date paid).
        SELECT rep_id, local_date, SUM(meetings) AS meetings, SUM(meeting_mins) AS meeting_mins, SUM(chats) AS chats,
               SUM(leads_new) AS leads_new, SUM(leads_junk) AS leads_junk, SUM(deals_won) AS deals_won,
               SUM(revenue_won) AS revenue_won, SUM(payments_amount) AS payments_amount
        FROM (
            SELECT rep_id, local_date, \(d.flag("kind = 'meeting' AND completed = 1")) AS meetings,
                   CASE WHEN kind = 'meeting' AND completed = 1 AND end_epoch > start_epoch
                        THEN (end_epoch - start_epoch) / 60 ELSE 0 END AS meeting_mins,
                   \(d.flag("kind = 'chat'")) AS chats, 0 AS leads_new, 0 AS leads_junk, 0 AS deals_won, 0 AS revenue_won,
                   0 AS payments_amount
            FROM activities WHERE (kind = 'meeting' OR kind = 'chat') AND local_date IS NOT NULL
            UNION ALL
            SELECT rep_id, local_date, 0, 0, 0, 1, \(d.flag("status_semantic = 'junk'")), 0, 0, 0 FROM leads
            UNION ALL
            SELECT rep_id, closed_at, 0, 0, 0, 0, 0, 1, COALESCE(amount, 0), 0 FROM deals
            WHERE stage_semantic = 'won' AND closed_at IS NOT NULL
            UNION ALL
            SELECT rep_id, local_date, 0, 0, 0, 0, 0, 0, 0, amount FROM payments) AS facts
        GROUP BY rep_id, local_date
        """ }

    static let repDaily = Model("rep_daily", .table,
                                grain: "one row per rep and local date (every active rep on every business day, and any day with activity)",
                                dependsOn: ["rep_daily_calls", "rep_daily_mail", "rep_daily_crm", "worktime_days", "reps", "calendar",
                                            "model_dates"],
                                sql: """
        DELETE FROM rep_daily WHERE local_date IN (SELECT local_date FROM model_dates);
        INSERT INTO rep_daily(rep_id, local_date, calls_out, calls_in, calls_out_effective, calls_in_effective, talk_secs,
                              missed_in, emails_out, proposals, meetings, meeting_mins, chats, leads_new, leads_junk,
                              deals_won, revenue_won, payments_amount, work_mins, field_mins)
        SELECT rep_id, local_date, SUM(calls_out), SUM(calls_in), SUM(calls_out_effective), SUM(calls_in_effective),
               SUM(talk_secs), SUM(missed_in), SUM(emails_out), SUM(proposals), SUM(meetings), SUM(meeting_mins),
               SUM(chats), SUM(leads_new), SUM(leads_junk), SUM(deals_won), SUM(revenue_won), SUM(payments_amount),
               SUM(work_mins), SUM(field_mins)
        FROM (
            SELECT rep_id, local_date, calls_out, calls_in, calls_out_effective, calls_in_effective, talk_secs, missed_in,
                   0 AS emails_out, 0 AS proposals, 0 AS meetings, 0 AS meeting_mins, 0 AS chats, 0 AS leads_new,
                   0 AS leads_junk, 0 AS deals_won, 0 AS revenue_won, 0 AS payments_amount, 0 AS work_mins, 0 AS field_mins
            FROM rep_daily_calls WHERE rep_id IS NOT NULL AND local_date IN (SELECT local_date FROM model_dates)
            UNION ALL
            SELECT rep_id, local_date, 0, 0, 0, 0, 0, 0, emails_out, proposals, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM rep_daily_mail WHERE rep_id IS NOT NULL AND local_date IN (SELECT local_date FROM model_dates)
            UNION ALL
            SELECT rep_id, local_date, 0, 0, 0, 0, 0, 0, 0, 0, meetings, meeting_mins, chats, leads_new, leads_junk,
                   deals_won, revenue_won, payments_amount, 0, 0
            FROM rep_daily_crm WHERE rep_id IS NOT NULL AND local_date IN (SELECT local_date FROM model_dates)
            UNION ALL
            SELECT rep_id, local_date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, work_mins, field_mins
            FROM worktime_days WHERE local_date IN (SELECT local_date FROM model_dates)
            UNION ALL
            SELECT r.rep_id, c.local_date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            FROM reps r JOIN calendar c ON c.is_business_day = 1
             AND (r.active_from IS NULL OR c.local_date >= r.active_from)
             AND (r.active_to IS NULL OR c.local_date <= r.active_to)
            WHERE c.local_date IN (SELECT local_date FROM model_dates)) AS day_facts
        GROUP BY rep_id, local_date;
        """)

    static let repDays = Model("rep_days", .view,
                               grain: "one row per rep and business day of the calendar while the rep is active",
                               dependsOn: ["reps", "calendar", "absences", "calendar_absences"], sql: """
        -- working = 1 unless an absence (vacation, sick leave, training…) covers the day: configured, or
        -- an absence event of the rep's calendar.
        SELECT r.rep_id, c.local_date,
               CASE WHEN a.kind IS NULL THEN 1 ELSE 0 END AS working,
               a.kind AS absence_kind
        FROM reps r
        JOIN calendar c ON c.is_business_day = 1
         AND (r.active_from IS NULL OR c.local_date >= r.active_from)
         AND (r.active_to IS NULL OR c.local_date <= r.active_to)
        LEFT JOIN (SELECT rep_id, local_date, MIN(kind) AS kind
                   FROM (SELECT rep_id, local_date, kind FROM absences JOIN calendar ON local_date BETWEEN from_date AND to_date
                         UNION ALL
                         SELECT rep_id, local_date, kind FROM calendar_absences) AS absent
                   GROUP BY rep_id, local_date) AS a
          ON a.rep_id = r.rep_id AND a.local_date = c.local_date
        """)

    static let repNorms = Model("rep_norms", .view, grain: "one row per rep and normed metric",
                                dependsOn: ["reps", "norm_rules"], sql: """
        -- The norm that applies to a rep: the rep's own, else the team's, else the department's.
        SELECT rep_id, metric, per, value, scope
        FROM (
            SELECT r.rep_id, n.metric, n.per, n.value, n.scope,
                   ROW_NUMBER() OVER (PARTITION BY r.rep_id, n.metric
                                      ORDER BY CASE n.scope WHEN 'rep' THEN 1 WHEN 'team' THEN 2 ELSE 3 END) AS rank
            FROM reps r
            JOIN norm_rules n ON (n.scope = 'rep' AND n.scope_id = r.rep_id)
                              OR (n.scope = 'team' AND n.scope_id = r.team)
                              OR n.scope = 'department') AS ranked
        WHERE rank = 1
        """)

    static let normDaily = Model("norm_daily", .view, grain: "one row per rep, working day and normed metric",
                                 dependsOn: ["rep_days", "rep_norms", "calendar"]) { d in """
        -- A working day's share of the rep's norm: a norm per day as is; a week's or a month's divided by
        -- the business days of that week or month. A period's norm is the sum over the rep's working
        -- days in it, so a rep who started mid-month, left, or was absent gets a smaller one.
        -- (days is materialised once and joined after rep_days, so a filter on local_date reaches rep_days)
        WITH days AS MATERIALIZED (
            SELECT local_date, COUNT(*) OVER (PARTITION BY week_start) AS week_n, COUNT(*) OVER (PARTITION BY month) AS month_n
            FROM (SELECT local_date, \(d.daysBefore("local_date", "iso_weekday - 1")) AS week_start,
                         \(d.month("local_date")) AS month
                  FROM calendar WHERE is_business_day = 1) AS business_days)
        SELECT d.rep_id, d.local_date, n.metric,
               CASE n.per WHEN 'day' THEN n.value WHEN 'week' THEN n.value / c.week_n ELSE n.value / c.month_n END AS norm
        FROM rep_days d
        \(d.orderedJoin) days c ON c.local_date = d.local_date
        JOIN rep_norms n ON n.rep_id = d.rep_id
        WHERE d.working = 1
        """ }

    static let repMetricDaily = Model("rep_metric_daily", .view,
                                      grain: "one row per rep (NULL: no rep), local date and reported metric",
                                      dependsOn: ["rep_daily", "rep_daily_calls", "rep_daily_mail", "metrics"], sql: """
        -- The daily figures in long form, one name per metric (the names of norms and of rep_period).
        -- The calls and mail no rep is credited with (answered by someone who is not a rep, missed on
        -- lines no rep owns, sent from company addresses of no rep) have rep_id NULL.
        SELECT d.rep_id, d.local_date, m.metric, \(metricValue("d")) AS value
        FROM (\(dailyFigures())) AS d
        CROSS JOIN metrics m
        """)

    static let repPeriod = Model("rep_period", .table,
                                 grain: "one row per as-of date, period, scope (rep / no_rep / department), rep and metric",
                                 dependsOn: ["rep_daily", "rep_daily_calls", "rep_daily_mail", "metrics", "norm_daily", "rep_norms",
                                             "rep_days", "as_of_context"]) { d in """
        DELETE FROM rep_period WHERE as_of = (SELECT as_of FROM as_of_context);
        INSERT INTO rep_period(as_of, period, period_start, period_end, scope, rep_id, metric, value, norm, pct_of_norm,
                               working_days)
        \(periods(d)),
        shown_reps AS (
            -- every rep active on a day of the periods shown
            SELECT r.rep_id FROM reps r, ctx
            WHERE (r.active_from IS NULL OR r.active_from <= ctx.as_of)
              AND (r.active_to IS NULL OR r.active_to >= \(d.min(d.addDays("ctx.week_start", -7), d.monthStart("ctx.as_of"))))),
        -- each period's sums of the daily columns (read through the index on local_date), then by metric
        sums AS (
            SELECT p.period, d.rep_id, SUM(d.work_mins) AS work_mins, SUM(d.field_mins) AS field_mins,
                   SUM(d.calls_out) AS calls_out, SUM(d.calls_in) AS calls_in,
                   SUM(d.calls_out_effective) AS calls_out_effective, SUM(d.calls_in_effective) AS calls_in_effective,
                   SUM(d.talk_secs) AS talk_secs, SUM(d.missed_in) AS missed_in, SUM(d.emails_out) AS emails_out,
                   SUM(d.proposals) AS proposals, SUM(d.meetings) AS meetings, SUM(d.meeting_mins) AS meeting_mins,
                   SUM(d.chats) AS chats, SUM(d.leads_new) AS leads_new, SUM(d.deals_won) AS deals_won,
                   SUM(d.revenue_won) AS revenue_won, SUM(d.payments_amount) AS payments_amount
            FROM periods p
            JOIN (\(dailyFigures(dates: "local_date BETWEEN (SELECT MIN(period_start) FROM periods) AND (SELECT MAX(period_end) FROM periods)")))
                AS d ON d.local_date BETWEEN p.period_start AND p.period_end
            GROUP BY p.period, d.rep_id),
        done AS (
            SELECT s.period, s.rep_id, m.metric, \(metricValue("s")) AS value
            FROM sums s CROSS JOIN metrics m),
        normed AS (
            SELECT p.period, n.rep_id, n.metric, SUM(n.norm) AS norm
            FROM periods p JOIN norm_daily n ON n.local_date BETWEEN p.period_start AND p.period_end
            GROUP BY p.period, n.rep_id, n.metric),
        workdays AS (
            SELECT p.period, d.rep_id, SUM(d.working) AS days
            FROM periods p JOIN rep_days d ON d.local_date BETWEEN p.period_start AND p.period_end
            GROUP BY p.period, d.rep_id),
        rep_rows AS (
            SELECT p.period, p.period_start, p.period_end, s.rep_id, m.metric, COALESCE(d.value, 0) AS value,
                   CASE WHEN rn.rep_id IS NOT NULL THEN COALESCE(n.norm, 0) END AS norm, COALESCE(w.days, 0) AS days
            FROM periods p CROSS JOIN shown_reps s CROSS JOIN metrics m
            LEFT JOIN done d ON d.period = p.period AND d.rep_id = s.rep_id AND d.metric = m.metric
            LEFT JOIN rep_norms rn ON rn.rep_id = s.rep_id AND rn.metric = m.metric
            LEFT JOIN normed n ON n.period = p.period AND n.rep_id = s.rep_id AND n.metric = m.metric
            LEFT JOIN workdays w ON w.period = p.period AND w.rep_id = s.rep_id),
        no_rep_rows AS (
            SELECT p.period, p.period_start, p.period_end, m.metric, COALESCE(d.value, 0) AS value
            FROM periods p CROSS JOIN metrics m
            LEFT JOIN done d ON d.period = p.period AND d.rep_id IS NULL AND d.metric = m.metric)
        SELECT ctx.as_of, period, period_start, period_end, 'rep', rep_id, metric, value, norm,
               CASE WHEN norm > 0 THEN 1.0 * value / norm END, days
        FROM rep_rows, ctx
        UNION ALL
        SELECT ctx.as_of, period, period_start, period_end, 'no_rep', NULL, metric, value, NULL, NULL, NULL
        FROM no_rep_rows, ctx
        UNION ALL
        SELECT ctx.as_of, t.period, t.period_start, t.period_end, 'department', NULL, t.metric, t.value + nr.value, t.norm,
               CASE WHEN t.norm > 0 THEN 1.0 * (t.value + nr.value) / t.norm END, NULL
        FROM (SELECT period, period_start, period_end, metric, SUM(value) AS value, SUM(norm) AS norm
              FROM rep_rows GROUP BY period, period_start, period_end, metric) AS t
        JOIN no_rep_rows nr ON nr.period = t.period AND nr.metric = t.metric, ctx;
        """ }
}
