import SalesopsSQLite
import SalesopsXLSX

/// Work time (SPEC "Work time"): a block under the Summary (`worktime_period`: day, week and month to
/// date) and a sheet of each day of the month — start, end, office, field, late — for the reps whose
/// work time is loaded, with the working days that have no workday shown as such.
enum WorktimeSheet {
    /// Whether any work time is loaded (the block and the sheet are left out otherwise).
    static func hasData(_ c: ReportContext) throws -> Bool {
        try c.db.scalar("SELECT EXISTS (SELECT 1 FROM worktime_days)")?.int == 1
    }

    /// The Work time block on the Summary, from `titleRow`; returns the last row written.
    @discardableResult
    static func summaryBlock(_ sheet: XLSXSheet, context c: ReportContext, titleRow: Int) throws -> Int {
        let t = c.captions
        let table = try c.db.table("""
            SELECT CASE w.period WHEN 'day' THEN ?3 WHEN 'wtd' THEN ?4 ELSE ?5 END AS period,
                   CASE w.scope WHEN 'rep' THEN COALESCE(r.name, w.rep_id) ELSE ?6 END AS rep,
                   CASE w.scope WHEN 'department' THEN 'total' END AS row_style,
                   w.days, w.work_mins / 60.0 AS work_hours, w.office_mins / 60.0 AS office_hours,
                   w.field_mins / 60.0 AS field_hours, w.late_days, w.late_mins, w.flagged_days
            FROM worktime_period w LEFT JOIN reps r ON r.rep_id = w.rep_id
            WHERE w.as_of = ?1 AND w.period != 'prev_week' AND \(c.rep == nil ? "TRUE" : "w.scope = 'rep' AND w.rep_id = ?2")
            ORDER BY CASE w.period WHEN 'day' THEN 0 WHEN 'wtd' THEN 1 ELSE 2 END, w.scope = 'department', r.team, r.name, w.rep_id
            """, [.text(c.asOfText), c.rep.map(SQLValue.text) ?? .null, .text(t("period.day")), .text(t("period.wtd")),
                  .text(t("period.mtd")), .text(t("total"))])
        guard !table.rows.isEmpty else { return titleRow }
        sheet.write(titleRow, 0, t("title.worktime"), ReportContext.title)
        return try TableWriter.write(sheet, context: c, columns: [
            .init("period", t("period"), 22, .text), .init("rep", t("rep"), 22, .text),
            .init("days", t("worktime.days"), 10, .count), .init("work_hours", t("worktime.work_hours"), 10, .decimal),
            .init("office_hours", t("worktime.office_hours"), 10, .decimal),
            .init("field_hours", t("worktime.field_hours"), 10, .decimal),
            .init("late_days", t("worktime.late_days"), 10, .count), .init("late_mins", t("worktime.late_mins"), 10, .count),
            .init("flagged_days", t("worktime.flagged_days"), 12, .count),
        ], table: table, headerRow: titleRow + 1, printHeader: false)
    }

    /// The Work time sheet: each working day of the month to date (and any other day with a workday).
    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        guard try hasData(c) else { return }
        let t = c.captions
        let repColumns: [ColumnSpec] = c.rep == nil ? [.init("rep", t("rep"), 22, .text)] : []
        try ListSheet(name: t("sheet.worktime"), title: "\(t("title.worktime_days")) \(c.asOfText)",
                      note: t("note.worktime_days"), columns: repColumns + [
            .init("local_date", t("date"), 12, .date), .init("work_start", t("worktime.start"), 9, .text),
            .init("work_end", t("worktime.end"), 9, .text), .init("work_hours", t("worktime.work_hours"), 10, .decimal),
            .init("office_hours", t("worktime.office_hours"), 10, .decimal),
            .init("field_hours", t("worktime.field_hours"), 10, .decimal),
            .init("break_mins", t("worktime.break_mins"), 10, .count), .init("late_mins", t("worktime.late_mins"), 10, .count),
            .init("status", t("status"), 22, .caption(prefix: "worktime.status.")), .init("note", t("worktime.note"), 24, .text),
        ]).write(book: book, context: c, sql: """
            WITH days AS (
                SELECT rep_id, local_date FROM rep_days WHERE local_date BETWEEN ?2 AND ?1
                UNION SELECT rep_id, local_date FROM worktime_days WHERE local_date BETWEEN ?2 AND ?1)
            SELECT COALESCE(r.name, d.rep_id) AS rep, d.local_date, w.work_start, w.work_end, w.work_mins / 60.0 AS work_hours,
                   w.office_mins / 60.0 AS office_hours, w.field_mins / 60.0 AS field_hours, w.break_mins, w.late_mins,
                   COALESCE(w.status, CASE WHEN rd.working = 0 THEN 'absent' ELSE 'missing' END) AS status,
                   rd.absence_kind AS note
            FROM days d
            LEFT JOIN worktime_days w ON w.rep_id = d.rep_id AND w.local_date = d.local_date
            LEFT JOIN rep_days rd ON rd.rep_id = d.rep_id AND rd.local_date = d.local_date
            LEFT JOIN reps r ON r.rep_id = d.rep_id
            WHERE d.rep_id IN (SELECT rep_id FROM worktime_days) AND (CAST(?3 AS TEXT) IS NULL OR d.rep_id = ?3)
            ORDER BY r.team, r.name, d.rep_id, d.local_date
            """, [.text(c.asOfText), .text(c.monthStart), c.rep.map(SQLValue.text) ?? .null])
    }
}
