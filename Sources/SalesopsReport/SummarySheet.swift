import SalesopsSQLite
import SalesopsXLSX

/// Summary: per rep, the as-of day, week to date and month to date against the norm, mail sent and
/// proposals, and a department total.
enum SummarySheet {
    /// Per rep: day figures, WTD and MTD effective calls and their norms (norm per day × business days).
    static let repQuery = """
        WITH bd AS (
            SELECT SUM(local_date = ?1 AND is_business_day) AS d,
                   SUM(local_date BETWEEN ?2 AND ?1 AND is_business_day) AS w,
                   SUM(local_date BETWEEN ?3 AND ?1 AND is_business_day) AS m
            FROM calendar)
        SELECT r.rep_id, r.name, r.team,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.calls_out END), 0) AS day_out,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.calls_in END), 0) AS day_in,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.calls_out_effective + d.calls_in_effective END), 0) AS day_eff,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.talk_secs END), 0) / 60.0 AS day_talk_mins,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.missed_in END), 0) AS day_missed,
               COALESCE(n.per_day, 0) * bd.d AS day_norm,
               COALESCE(SUM(CASE WHEN d.local_date >= ?2 THEN d.calls_out_effective + d.calls_in_effective END), 0) AS wtd_eff,
               COALESCE(n.per_day, 0) * bd.w AS wtd_norm,
               COALESCE(SUM(CASE WHEN d.local_date >= ?3 THEN d.calls_out_effective + d.calls_in_effective END), 0) AS mtd_eff,
               COALESCE(n.per_day, 0) * bd.m AS mtd_norm,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.emails_out END), 0) AS day_emails,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.proposals END), 0) AS day_proposals,
               COALESCE(SUM(CASE WHEN d.local_date >= ?3 THEN d.emails_out END), 0) AS mtd_emails,
               COALESCE(SUM(CASE WHEN d.local_date >= ?3 THEN d.proposals END), 0) AS mtd_proposals,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.meetings END), 0) AS day_meetings,
               COALESCE(SUM(CASE WHEN d.local_date = ?1 THEN d.leads_new END), 0) AS day_leads,
               COALESCE(SUM(CASE WHEN d.local_date >= ?3 THEN d.deals_won END), 0) AS mtd_won,
               COALESCE(SUM(CASE WHEN d.local_date >= ?3 THEN d.revenue_won END), 0) AS mtd_revenue
        FROM reps r CROSS JOIN bd
        LEFT JOIN rep_daily d ON d.rep_id = r.rep_id AND d.local_date BETWEEN MIN(?2, ?3) AND ?1
        LEFT JOIN norms n ON n.rep_id = r.rep_id AND n.metric = 'calls_effective'
        WHERE (r.active_from IS NULL OR r.active_from <= ?1) AND (r.active_to IS NULL OR r.active_to >= MIN(?2, ?3))
        GROUP BY r.rep_id
        """

    static let query = """
        SELECT rep_id, name, team, day_out, day_in, day_eff, day_talk_mins, day_missed, day_norm,
               CASE WHEN day_norm > 0 THEN 1.0 * day_eff / day_norm END,
               wtd_eff, wtd_norm, CASE WHEN wtd_norm > 0 THEN 1.0 * wtd_eff / wtd_norm END,
               mtd_eff, mtd_norm, CASE WHEN mtd_norm > 0 THEN 1.0 * mtd_eff / mtd_norm END,
               day_emails, day_proposals, mtd_emails, mtd_proposals, day_meetings, day_leads, mtd_won, mtd_revenue
        FROM (\(repQuery)) ORDER BY team, name, rep_id
        """

    static let totalQuery = """
        SELECT SUM(day_out), SUM(day_in), SUM(day_eff), SUM(day_talk_mins), SUM(day_missed), SUM(day_norm),
               CASE WHEN SUM(day_norm) > 0 THEN 1.0 * SUM(day_eff) / SUM(day_norm) END,
               SUM(wtd_eff), SUM(wtd_norm), CASE WHEN SUM(wtd_norm) > 0 THEN 1.0 * SUM(wtd_eff) / SUM(wtd_norm) END,
               SUM(mtd_eff), SUM(mtd_norm), CASE WHEN SUM(mtd_norm) > 0 THEN 1.0 * SUM(mtd_eff) / SUM(mtd_norm) END,
               SUM(day_emails), SUM(day_proposals), SUM(mtd_emails), SUM(mtd_proposals),
               SUM(day_meetings), SUM(day_leads), SUM(mtd_won), SUM(mtd_revenue)
        FROM (\(repQuery))
        """

    static func write(book: XLSXWorkbook, context c: ReportContext) throws {
        let t = c.captions
        let sheet = try book.addSheet(t("sheet.summary"))
        sheet.write(0, 0, "\(t("title.summary")) \(c.asOfText)", ReportContext.title)
        let effective = String(format: t("effective"), c.effectiveSecs)
        sheet.write(1, 3, "\(t("day")) \(c.asOfText)", ReportContext.title)
        sheet.write(1, 10, "\(t("wtd")) \(c.weekStart)…", ReportContext.title)
        sheet.write(1, 13, "\(t("mtd")) \(c.monthStart)…", ReportContext.title)
        sheet.write(1, 16, t("mail"), ReportContext.title)
        sheet.write(1, 20, t("crm"), ReportContext.title)
        c.header(sheet, row: 2, [
            (t("rep_id"), 8), (t("rep"), 24), (t("team"), 18), (t("calls_out"), 11), (t("calls_in"), 11),
            (effective, 14), (t("talk_mins"), 11), (t("missed"), 11), (t("norm"), 9), (t("pct_norm"), 9),
            (effective, 14), (t("norm"), 9), (t("pct_norm"), 9), (effective, 14), (t("norm"), 9), (t("pct_norm"), 9),
            (t("emails_out"), 11), (t("proposals"), 11), (t("mtd_emails_out"), 11), (t("mtd_proposals"), 11),
            (t("meetings"), 11), (t("leads_new"), 11), (t("mtd_deals_won"), 11), (t("mtd_revenue_won"), 14),
        ])
        let args: [SQLValue] = [.text(c.asOfText), .text(c.weekStart), .text(c.monthStart)]
        let rows = try c.db.query(query, args)
        var row = 3
        for values in rows {
            for (col, value) in values.enumerated() {
                let style: CellStyle? = [9, 12, 15].contains(col) ? ReportContext.percent
                    : col == 6 || col == 23 ? ReportContext.decimal : nil
                c.writeValue(sheet, row, col, value, style)
            }
            row += 1
        }
        let lastRepRow = row - 1
        if let total = try c.db.query(totalQuery, args).first {
            sheet.write(row, 0, "", ReportContext.totalText)
            sheet.write(row, 1, t("total"), ReportContext.totalText)
            sheet.write(row, 2, "", ReportContext.totalText)
            for (i, value) in total.enumerated() {
                let col = i + 3
                let style = [9, 12, 15].contains(col) ? ReportContext.totalPercent
                    : col == 6 || col == 23 ? ReportContext.totalDecimal : ReportContext.totalCount
                c.writeValue(sheet, row, col, value.isNull ? (style == ReportContext.totalPercent ? .null : .integer(0)) : value, style)
            }
        }
        for col in [9, 12, 15] { c.normColours(sheet, col: col, firstRow: 3, lastRow: row) }
        sheet.freeze(rows: 3, cols: 2)
        sheet.autofilter(firstRow: 2, firstCol: 0, lastRow: max(lastRepRow, 3), lastCol: 23)
    }
}
