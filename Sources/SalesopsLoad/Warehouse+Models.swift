import Foundation
import SalesopsCore
import SalesopsSQLite

extension Warehouse {
    /// Builds the models after a load, in dependency order, for the as-of date: the per-source daily
    /// tables for the dates the run touched (every date when `allDates`), missed calls for the client
    /// numbers of the calls it wrote (every number when `allDates`), the CRM's models when it holds CRM
    /// data, `rep_daily`, then `rep_period` and `alerts`. With `crmChanged` false (the run wrote no CRM
    /// record and the funnels are as configured before), the CRM models that read only CRM facts and
    /// funnels — `crm_owners`, `stage_violations`, the CRM figures of `rep_daily` — stay as they are,
    /// unless this version defines some model differently.
    public func buildModels(asOf: Int, clock: ZoneClock, allDates: Bool, crmChanged: Bool = true) throws {
        modelSeconds = []
        func build(_ names: [String]) throws { try Models.build(names, db, dialect) { modelSeconds.append(($0, $1)) } }
        /// A step of the build that is not a model, timed like one (`run -v` lists both).
        func step(_ name: String, _ body: () throws -> Void) throws {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            modelSeconds.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        }
        var redefined = false
        try step("(install views)") { redefined = try Models.install(db, dialect) }
        if dialect.engine == .postgres {
            // The server's planner knows the rows of this run only from statistics taken inside it (the
            // autovacuum daemon sees them after the commit), and an empty table never analysed is guessed
            // to hold rows: without them `alerts` took 1.3 s instead of 0.1 s on 20,000 CDR rows.
            try step("(statistics)") {
                let tables = try db.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
                try db.execute("ANALYZE " + tables.compactMap { $0[0].string }.joined(separator: ", "))
            }
        }
        let crmChanged = crmChanged || allDates || redefined
        try setAsOf(asOf, clock: clock)
        try db.execute("DELETE FROM model_dates; DELETE FROM model_phones;")
        // A warehouse upgraded to the models has facts but no daily rows of them yet.
        let unbuilt = try db.scalar("""
            SELECT NOT EXISTS (SELECT 1 FROM rep_daily_calls) AND EXISTS (SELECT 1 FROM calls)
                OR NOT EXISTS (SELECT 1 FROM rep_daily_mail) AND EXISTS (SELECT 1 FROM emails)
            """)?.int == 1
        let d = dialect
        try step("(dates to build)") {
            if allDates || unbuilt {
                try db.execute(d.insertIgnoring(into: "model_dates", """

                    SELECT local_date FROM rep_daily UNION SELECT local_date FROM calls UNION SELECT local_date FROM emails
                    """))
                try db.execute(d.insertIgnoring(into: "model_phones", """

                    SELECT COALESCE(client_phone, '') FROM calls WHERE direction = 'inbound' AND disposition != 'answered'
                    UNION SELECT COALESCE(client_phone, '') FROM missed_calls
                    """))
            } else {
                try db.execute(d.insertIgnoring(into: "model_dates", " SELECT local_date FROM \(d.temp("touched_dates"))"))
                // A new call may be the callback of an earlier miss of its number; calls without a number
                // ('') are few and rebuilt each time.
                try db.execute(d.insertIgnoring(into: "model_phones", " SELECT client_phone FROM \(d.temp("touched_phones")) UNION SELECT ''"))
            }
        }
        try build(["rep_daily_calls", "rep_daily_mail", "missed_calls"])
        if try hasCRMData() {
            try build(ProcessModels.crm.filter { crmChanged || !ProcessModels.crmFactsOnly.contains($0) })
            // The dates whose CRM figures differ from what rep_daily holds (a CRM snapshot changes past days).
            if crmChanged { try step("(CRM dates)") { try db.execute(Self.changedCRMDates(d)) } }
        }
        // Work time is rebuilt whole (its snapshots update earlier days; an open day grows to the as-of time):
        // the dates whose figures differ from what rep_daily holds.
        try build(["worktime_days"])
        try step("(work time dates)") { try db.execute(d.insertIgnoring(into: "model_dates", """

            SELECT w.local_date FROM worktime_days w
            WHERE NOT EXISTS (SELECT 1 FROM rep_daily d WHERE d.rep_id = w.rep_id AND d.local_date = w.local_date
                                 AND d.work_mins = w.work_mins AND d.field_mins = w.field_mins)
            UNION
            SELECT d.local_date FROM rep_daily d
            WHERE (d.work_mins != 0 OR d.field_mins != 0)
              AND NOT EXISTS (SELECT 1 FROM worktime_days w WHERE w.rep_id = d.rep_id AND w.local_date = d.local_date)
            """)) }
        try build(["rep_daily", "rep_period", "alerts"])
    }

    /// The dates whose CRM figures (`rep_daily_crm`) differ from what `rep_daily` holds.
    static func changedCRMDates(_ d: SQLDialect) -> String { d.insertIgnoring(into: "model_dates", """

        SELECT c.local_date FROM rep_daily_crm c
        WHERE c.rep_id IS NOT NULL AND c.local_date IS NOT NULL
          AND c.meetings + c.meeting_mins + c.chats + c.leads_new + c.leads_junk + c.deals_won + c.revenue_won
              + c.payments_amount != 0
          AND NOT EXISTS (
            SELECT 1 FROM rep_daily d WHERE d.rep_id = c.rep_id AND d.local_date = c.local_date
               AND d.meetings = c.meetings AND d.meeting_mins = c.meeting_mins AND d.chats = c.chats
               AND d.leads_new = c.leads_new AND d.leads_junk = c.leads_junk AND d.deals_won = c.deals_won
               AND d.revenue_won = c.revenue_won AND d.payments_amount = c.payments_amount)
        UNION
        SELECT d.local_date FROM rep_daily d
        WHERE d.meetings + d.meeting_mins + d.chats + d.leads_new + d.leads_junk + d.deals_won + d.revenue_won
              + d.payments_amount != 0
          AND NOT EXISTS (SELECT 1 FROM rep_daily_crm c WHERE c.rep_id = d.rep_id AND c.local_date = d.local_date)
        """) }

    /// Before a report: the models as this version defines them, and, for another date than the last
    /// build's, the as-of relations (funnel, stuck deals, overdue tasks, `rep_period`, `alerts`) for it,
    /// from what was known at its end. A report for the last build's date writes nothing (a full disk
    /// then fails the workbook, not this).
    public func prepareReport(asOf: Int, clock: ZoneClock) throws {
        try Models.install(db, dialect)
        if try db.scalar("SELECT as_of FROM as_of_context")?.string == CivilTime.dateString(days: asOf) { return }
        try setAsOf(asOf, clock: clock)
        let crm = try hasCRMData()
        try Models.build(Models.asOfTables.filter { crm || !ProcessModels.crm.contains($0) }, db, dialect)
    }

    /// Sets the as-of date the models are built for: the date, the end of that local day (UTC), and the
    /// previous working day and its end (alerts are "new" after it).
    /// `as_of_time` is the end of that day, or now when it has not ended: a workday still open is
    /// counted up to it.
    func setAsOf(_ asOf: Int, clock: ZoneClock) throws {
        let asOfText = CivilTime.dateString(days: asOf)
        let since = try db.scalar("SELECT MAX(local_date) FROM calendar WHERE is_business_day = 1 AND local_date < ?",
                                  [.text(asOfText)])?.string.flatMap(CivilTime.days(fromDateString:)) ?? asOf - 1
        let asOfEnd = clock.utc(fromLocal: Int64(asOf + 1) * 86_400)
        let sinceEnd = clock.utc(fromLocal: Int64(since + 1) * 86_400)
        try db.execute("DELETE FROM as_of_context")
        try db.run("""
            INSERT INTO as_of_context(as_of, as_of_end, as_of_end_epoch, since_date, since_end, since_end_epoch, as_of_time)
            VALUES (?,?,?,?,?,?,?)
            """, [.text(asOfText), .text(CivilTime.utcString(epoch: asOfEnd)), .integer(asOfEnd),
                  .text(CivilTime.dateString(days: since)), .text(CivilTime.utcString(epoch: sinceEnd)), .integer(sinceEnd),
                  .integer(min(asOfEnd, Int64(Date().timeIntervalSince1970)))])
    }
}

/// The as-of day's department figures for the run summary, read from `rep_period` (department,
/// day) and `missed_calls` — the same rows the Summary sheet shows.
public struct DayHeadline: Sendable, Equatable {
    public var callsOut = 0
    public var callsIn = 0
    public var effective = 0
    public var effectiveNorm = 0.0
    public var missed = 0
    public var missedWithoutCallback = 0
    public var emailsOut = 0
    public var proposals = 0
    public var alerts = 0
    public var highAlerts = 0

    public init(callsOut: Int = 0, callsIn: Int = 0, effective: Int = 0, effectiveNorm: Double = 0, missed: Int = 0,
                missedWithoutCallback: Int = 0, emailsOut: Int = 0, proposals: Int = 0, alerts: Int = 0, highAlerts: Int = 0) {
        self.callsOut = callsOut
        self.callsIn = callsIn
        self.effective = effective
        self.effectiveNorm = effectiveNorm
        self.missed = missed
        self.missedWithoutCallback = missedWithoutCallback
        self.emailsOut = emailsOut
        self.proposals = proposals
        self.alerts = alerts
        self.highAlerts = highAlerts
    }
}

extension Warehouse {
    /// Department totals for the as-of date the models were built for.
    public func dayHeadline(localDate: String) throws -> DayHeadline {
        var values: [String: (value: Double, norm: Double?)] = [:]
        for row in try db.query("""
            SELECT metric, value, norm FROM rep_period
            WHERE as_of = ?1 AND period = 'day' AND scope = 'department'
            """, [.text(localDate)]) {
            if let metric = row[0].string { values[metric] = (row[1].double ?? 0, row[2].double) }
        }
        func count(_ metric: String) -> Int { Int((values[metric]?.value ?? 0).rounded()) }
        return DayHeadline(
            callsOut: count("calls_out"), callsIn: count("calls_in"), effective: count("calls_effective"),
            effectiveNorm: values["calls_effective"]?.norm ?? 0, missed: count("missed_in"),
            missedWithoutCallback: try db.scalar("""
                SELECT COUNT(*) FROM missed_calls m, as_of_context c
                WHERE m.local_date = ? AND (m.within_window = 0 OR m.callback_at > c.as_of_end)
                """, [.text(localDate)])?.int ?? 0,
            emailsOut: count("emails_out"), proposals: count("proposals"),
            alerts: try db.scalar("SELECT COUNT(*) FROM alerts WHERE as_of = ?", [.text(localDate)])?.int ?? 0,
            highAlerts: try db.scalar("SELECT COUNT(*) FROM alerts WHERE as_of = ? AND severity = 'high'",
                                      [.text(localDate)])?.int ?? 0)
    }
}
