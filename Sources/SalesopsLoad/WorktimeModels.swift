import SalesopsSQL

/// The work-time models (SPEC "Work time"): what each calendar event is, the days calendar absences
/// take, and each rep's workday from the CRM's worktime, access-control passes and calendar.
enum WorktimeModels {
    /// Views read by `rep_days` (absences) and by `worktime_days`.
    static let calendar: [Model] = [calendarItems, calendarAbsences]
    /// Read by the reports, after `worktime_days`.
    static let periods: [Model] = [worktimePeriod]

    static let worktimePeriod = Model("worktime_period", .view,
                                      grain: "one row per period (day, wtd, mtd, prev_week), scope (rep / department) and rep with a workday",
                                      dependsOn: ["worktime_days", "as_of_context"]) { d in """
        -- Work time for the as-of day, the week and the month to date, the previous week: days with a workday, the minutes of
        -- work, in the office and out, the days late and their minutes, and the days flagged (still open,
        -- closed by the system, no exit).
        \(ActivityModels.periods(d)),
        days AS (
            SELECT p.period, p.period_start, p.period_end, w.*
            FROM periods p JOIN worktime_days w ON w.local_date BETWEEN p.period_start AND p.period_end)
        SELECT ctx.as_of, period, period_start, period_end, scope, rep_id, COUNT(*) AS days, SUM(work_mins) AS work_mins,
               SUM(office_mins) AS office_mins, SUM(field_mins) AS field_mins, SUM(\(d.flag("late_mins > 0"))) AS late_days,
               SUM(late_mins) AS late_mins, SUM(\(d.flag("status IN ('open', 'expired', 'no_exit')"))) AS flagged_days
        FROM (SELECT 'rep' AS scope, * FROM days UNION ALL SELECT 'department', period, period_start, period_end, NULL,
                     local_date, work_start, work_end, work_mins, break_mins, office_mins, field_mins, late_mins, status, source
              FROM days) AS scoped, ctx
        GROUP BY ctx.as_of, period, period_start, period_end, scope, rep_id
        """ }

    static let calendarItems = Model("calendar_items", .view,
                                     grain: "one row per rep, calendar event occurrence and local date it covers",
                                     dependsOn: ["calendar_segments", "calendar_events", "rep_keys", "calendar_patterns"]) { d in """
        -- What a rep's calendar event is: an absence (a name among calendar_patterns 'absence': vacation,
        -- sick leave), a business trip or a marketing event (by name), time away (ACCESSIBILITY absent),
        -- or a meeting at a location outside the office (not among calendar_patterns 'office'); other
        -- events (internal meetings, reminders) have no category and count nowhere.
        SELECT k.rep_id, g.event_id, e.name, g.local_date, g.start_sec, g.end_sec, g.occurrence_start, g.occurrence_end,
               e.all_day,
               CASE
                   WHEN EXISTS (SELECT 1 FROM calendar_patterns p
                                WHERE p.category = 'absence' AND \(d.contains("e.name_folded", "p.pattern"))) THEN 'absence'
                   WHEN EXISTS (SELECT 1 FROM calendar_patterns p
                                WHERE p.category = 'trip' AND \(d.contains("e.name_folded", "p.pattern"))) THEN 'trip'
                   WHEN EXISTS (SELECT 1 FROM calendar_patterns p
                                WHERE p.category = 'marketing' AND \(d.contains("e.name_folded", "p.pattern"))) THEN 'marketing'
                   WHEN e.accessibility = 'absent' THEN 'away'
                   WHEN e.all_day = 0 AND e.location_folded != ''
                        AND NOT EXISTS (SELECT 1 FROM calendar_patterns p
                                        WHERE p.category = 'office' AND \(d.contains("e.location_folded", "p.pattern"))) THEN 'meeting'
               END AS category
        FROM calendar_segments g
        JOIN calendar_events e ON e.event_id = g.event_id AND e.deleted = 0
        JOIN rep_keys k ON k.kind = 'crm_user' AND k.key = e.owner_user_id
        """ }

    static let calendarAbsences = Model("calendar_absences", .view,
                                        grain: "one row per rep and local date an absence event takes",
                                        dependsOn: ["calendar_items"], sql: """
        -- An absence takes the day when it lasts all day or at least 4 hours of it; the kind is its name.
        SELECT rep_id, local_date, MIN(name) AS kind
        FROM calendar_items
        WHERE category = 'absence' AND (all_day = 1 OR end_sec - start_sec >= 4 * 3600)
        GROUP BY rep_id, local_date
        """)

    /// Intervals `(rep_id, local_date, s, e)` of the relation `spans`, merged where they overlap or
    /// touch (gaps and islands): their lengths add up without counting an overlap twice.
    static func merged(_ spans: String) -> String {
        """
        SELECT rep_id, local_date, MIN(s) AS s, MAX(e) AS e
                FROM (SELECT rep_id, local_date, s, e,
                             SUM(starts) OVER (PARTITION BY rep_id, local_date ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
                      FROM (SELECT rep_id, local_date, s, e,
                                   CASE WHEN s <= MAX(e) OVER (PARTITION BY rep_id, local_date ORDER BY s, e
                                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                                        THEN 0 ELSE 1 END AS starts
                            FROM \(spans)) AS marked) AS islands
                GROUP BY rep_id, local_date, island
        """
    }

    static let worktimeDays = Model("worktime_days", .table,
                                    grain: "one row per rep and local date with a workday, up to the as-of date",
                                    dependsOn: ["workday_snapshots", "access_events", "calendar_items", "rep_keys", "rep_schedules",
                                                "rep_days", "calendar", "as_of_context"]) { d in """
        -- The workday: from the CRM's worktime (timeman) when there is one, else from access-control passes
        -- (first entry, last exit), else from field time alone. Field time: business trips, marketing
        -- events, time away, and completed meetings outside the office, merged so an overlap counts once
        -- (an all-day event counts the rep's working hours on a business day). Office time: time inside by
        -- the passes when there are any, else the workday minus the field time inside it. A workday still
        -- open is counted up to as_of_time; one closed by the system (expired) ends at the schedule's end.
        -- Late: minutes after the schedule's start of the first moment at work, on a working day.
        DELETE FROM worktime_days;
        INSERT INTO worktime_days(rep_id, local_date, work_start, work_end, work_mins, break_mins, office_mins, field_mins,
                                  late_mins, status, source)
        WITH ctx AS (SELECT as_of, COALESCE(as_of_time, as_of_end_epoch) AS as_of_time FROM as_of_context),
        timeman AS (
            SELECT rep_id, local_date, status, start_sec, end_sec, break_secs FROM (
                SELECT k.rep_id, w.local_date, w.status, w.start_sec, w.break_secs,
                       CASE WHEN w.finish_epoch IS NOT NULL THEN \(d.min("86400", "w.start_sec + w.finish_epoch - w.start_epoch"))
                            WHEN w.status = 'expired' THEN \(d.max("w.start_sec", "s.end_sec"))
                            ELSE \(d.min("86400", "w.start_sec + \(d.max("0", "ctx.as_of_time - w.start_epoch"))")) END AS end_sec,
                       ROW_NUMBER() OVER (PARTITION BY k.rep_id, w.local_date ORDER BY w.start_epoch, w.crm_user_id) AS n
                FROM workday_snapshots w
                JOIN rep_keys k ON k.kind = 'crm_user' AND k.key = w.crm_user_id
                JOIN rep_schedules s ON s.rep_id = k.rep_id
                CROSS JOIN ctx
                WHERE w.local_date <= ctx.as_of) AS snapshots
            WHERE n = 1),
        passes AS (
            SELECT k.rep_id, a.local_date, a.second, a.direction,
                   MIN(CASE WHEN a.direction = 'out' THEN a.second END)
                       OVER (PARTITION BY k.rep_id, a.local_date ORDER BY a.second, a.direction
                             ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_exit,
                   MAX(a.second) OVER (PARTITION BY k.rep_id, a.local_date) AS last_pass
            FROM access_events a
            JOIN rep_keys k ON k.kind IN ('badge', 'name') AND k.key = a.person_key
            CROSS JOIN ctx
            WHERE a.local_date <= ctx.as_of),
        -- each entry to the next exit; without one, to the day's last pass (flagged)
        inside_spans AS (
            SELECT rep_id, local_date, second AS s, COALESCE(next_exit, last_pass) AS e, \(d.flag("next_exit IS NULL")) AS no_exit
            FROM passes WHERE direction = 'in'),
        inside AS (\(merged("inside_spans"))),
        field_spans AS (
            SELECT i.rep_id, i.local_date, COALESCE(i.start_sec, s.start_sec) AS s, COALESCE(i.end_sec, s.end_sec) AS e
            FROM calendar_items i
            JOIN rep_schedules s ON s.rep_id = i.rep_id
            JOIN calendar c ON c.local_date = i.local_date
            CROSS JOIN ctx
            WHERE i.category IN ('trip', 'marketing', 'away', 'meeting') AND i.local_date <= ctx.as_of
              AND (i.category != 'meeting' OR i.occurrence_end <= ctx.as_of_time)
              AND (i.all_day = 0 OR c.is_business_day = 1)),
        field AS (\(merged("field_spans"))),
        field_day AS (SELECT rep_id, local_date, SUM(e - s) AS secs, MIN(s) AS s, MAX(e) AS e FROM field GROUP BY rep_id, local_date),
        inside_day AS (SELECT rep_id, local_date, SUM(e - s) AS secs, MIN(s) AS s, MAX(e) AS e FROM inside GROUP BY rep_id, local_date),
        exits AS (SELECT rep_id, local_date, MAX(no_exit) AS no_exit FROM inside_spans GROUP BY rep_id, local_date),
        field_inside AS (
            SELECT i.rep_id, i.local_date, SUM(\(d.max("0", "\(d.min("i.e", "f.e")) - \(d.max("i.s", "f.s"))"))) AS secs
            FROM inside i JOIN field f ON f.rep_id = i.rep_id AND f.local_date = i.local_date
            GROUP BY i.rep_id, i.local_date),
        field_in_timeman AS (
            SELECT t.rep_id, t.local_date, SUM(\(d.max("0", "\(d.min("t.end_sec", "f.e")) - \(d.max("t.start_sec", "f.s"))"))) AS secs
            FROM timeman t JOIN field f ON f.rep_id = t.rep_id AND f.local_date = t.local_date
            GROUP BY t.rep_id, t.local_date),
        days AS (
            SELECT rep_id, local_date FROM timeman
            UNION SELECT rep_id, local_date FROM inside_day
            UNION SELECT rep_id, local_date FROM field_day),
        figures AS (
            SELECT d.rep_id, d.local_date,
                   CASE WHEN t.rep_id IS NOT NULL THEN 'timeman' WHEN i.rep_id IS NOT NULL THEN 'access' ELSE 'calendar' END
                       AS source,
                   CASE WHEN t.rep_id IS NOT NULL THEN t.start_sec
                        WHEN i.rep_id IS NOT NULL THEN \(d.min("i.s", "COALESCE(f.s, i.s)")) ELSE f.s END AS start_sec,
                   CASE WHEN t.rep_id IS NOT NULL THEN t.end_sec
                        WHEN i.rep_id IS NOT NULL THEN \(d.max("i.e", "COALESCE(f.e, i.e)")) ELSE f.e END AS end_sec,
                   CASE WHEN t.rep_id IS NOT NULL THEN \(d.max("0", "t.end_sec - t.start_sec - t.break_secs"))
                        WHEN i.rep_id IS NOT NULL THEN i.secs + COALESCE(f.secs, 0) - COALESCE(fi.secs, 0)
                        ELSE f.secs END AS work_secs,
                   CASE WHEN i.rep_id IS NOT NULL THEN i.secs - COALESCE(fi.secs, 0)
                        WHEN t.rep_id IS NOT NULL THEN \(d.max("0", "t.end_sec - t.start_sec - t.break_secs - COALESCE(ft.secs, 0)"))
                        ELSE 0 END AS office_secs,
                   COALESCE(f.secs, 0) AS field_secs,
                   -- the first moment at work, in the office or out
                   \(d.min("COALESCE(t.start_sec, 86400)", "COALESCE(i.s, 86400)", "COALESCE(f.s, 86400)")) AS first_sec,
                   CASE WHEN t.rep_id IS NOT NULL THEN CASE t.status WHEN 'paused' THEN 'open' ELSE t.status END
                        WHEN i.rep_id IS NOT NULL THEN CASE WHEN x.no_exit = 1 THEN 'no_exit' ELSE 'closed' END
                        ELSE 'field' END AS status
            FROM days d
            LEFT JOIN timeman t ON t.rep_id = d.rep_id AND t.local_date = d.local_date
            LEFT JOIN inside_day i ON i.rep_id = d.rep_id AND i.local_date = d.local_date
            LEFT JOIN exits x ON x.rep_id = d.rep_id AND x.local_date = d.local_date
            LEFT JOIN field_day f ON f.rep_id = d.rep_id AND f.local_date = d.local_date
            LEFT JOIN field_inside fi ON fi.rep_id = d.rep_id AND fi.local_date = d.local_date
            LEFT JOIN field_in_timeman ft ON ft.rep_id = d.rep_id AND ft.local_date = d.local_date)
        SELECT f.rep_id, f.local_date, \(d.clock("f.start_sec")), \(d.clock("f.end_sec")), f.work_secs / 60,
               \(d.max("0", "f.end_sec - f.start_sec - f.work_secs")) / 60, f.office_secs / 60, f.field_secs / 60,
               CASE WHEN r.working = 1 AND f.source != 'calendar' THEN \(d.max("0", "f.first_sec - s.start_sec")) / 60 END,
               f.status, f.source
        FROM figures f
        JOIN rep_schedules s ON s.rep_id = f.rep_id
        LEFT JOIN rep_days r ON r.rep_id = f.rep_id AND r.local_date = f.local_date;
        """ }
}
