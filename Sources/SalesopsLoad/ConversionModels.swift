import SalesopsSQL

/// Lead conversion and untouched deals (SPEC "Lead conversion"), as of the date in `as_of_context`:
/// what was known at the end of that day.
enum ConversionModels {
    static let all: [Model] = [leadConversion, untouchedDeals]

    static let leadConversion = Model("lead_conversion", .table,
                                      grain: "one row per as-of date, period (wtd / mtd), scope (rep / department) and rep",
                                      dependsOn: ["leads", "deals", "settings", "as_of_context"]) { d in """
        -- For the leads created in the period: converted (a converted status, or a deal made from the
        -- lead), junk, still open — as they stood at the end of the as-of day (a lead closed later was
        -- open then); conversion of the closed leads and of all; the median and the 90th percentile
        -- (nearest rank) of the whole minutes to first contact; the share of the leads due by then
        -- (contacted, or past their SLA) that were contacted within the SLA.
        DELETE FROM lead_conversion WHERE as_of = (SELECT as_of FROM as_of_context);
        INSERT INTO lead_conversion(as_of, period, period_start, period_end, scope, rep_id, created, converted, junk, open,
                                    conversion_of_closed, conversion_of_created, response_median_mins, response_p90_mins,
                                    within_sla_share)
        WITH ctx AS (
            SELECT as_of, as_of_end_epoch AS end_epoch,
                   \(d.daysBefore("as_of", d.daysSinceMonday("as_of"))) AS week_start
            FROM as_of_context),
        sla AS (SELECT CAST(value AS INTEGER) * 60 AS secs FROM settings WHERE key = 'lead_sla_mins'),
        periods AS (
            SELECT 'wtd' AS period, week_start AS period_start, as_of AS period_end FROM ctx
            UNION ALL SELECT 'mtd', \(d.monthStart("as_of")), as_of FROM ctx),
        known AS (
            SELECT l.lead_id, l.rep_id, l.local_date, l.created_epoch,
                   CASE WHEN l.first_contact_epoch <= ctx.end_epoch THEN l.first_contact_epoch END AS contact_epoch,
                   CASE WHEN EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = l.lead_id AND d.created_epoch <= ctx.end_epoch)
                             THEN 'converted'
                        WHEN COALESCE(l.closed_epoch, l.moved_epoch, 0) > ctx.end_epoch THEN 'open'
                        ELSE l.status_semantic END AS outcome
            FROM leads l, ctx WHERE l.created_epoch <= ctx.end_epoch),
        scoped AS (
            SELECT p.period, p.period_start, p.period_end, 'rep' AS scope, k.rep_id AS who, k.*
            FROM periods p JOIN known k ON k.local_date BETWEEN p.period_start AND p.period_end WHERE k.rep_id IS NOT NULL
            UNION ALL
            SELECT p.period, p.period_start, p.period_end, 'department', NULL, k.*
            FROM periods p JOIN known k ON k.local_date BETWEEN p.period_start AND p.period_end),
        ranked AS (
            SELECT period, scope, who, (contact_epoch - created_epoch) / 60 AS mins,
                   ROW_NUMBER() OVER (PARTITION BY period, scope, who ORDER BY contact_epoch - created_epoch) AS k,
                   COUNT(*) OVER (PARTITION BY period, scope, who) AS n
            FROM scoped WHERE contact_epoch IS NOT NULL),
        response AS (
            SELECT period, scope, who,
                   AVG(CASE WHEN k = (n + 1) / 2 OR k = (n + 2) / 2 THEN mins END) AS median,
                   MIN(CASE WHEN k = (9 * n + 9) / 10 THEN mins END) AS p90
            FROM ranked GROUP BY period, scope, who),
        counts AS (
            SELECT s.period, s.period_start, s.period_end, s.scope, s.who, COUNT(*) AS created,
                   SUM(\(d.flag("s.outcome = 'converted'"))) AS converted, SUM(\(d.flag("s.outcome = 'junk'"))) AS junk,
                   SUM(\(d.flag("s.outcome = 'open'"))) AS open,
                   SUM(\(d.flag("s.contact_epoch IS NOT NULL AND s.contact_epoch - s.created_epoch <= sla.secs"))) AS in_time,
                   SUM(\(d.flag("s.contact_epoch IS NOT NULL OR ctx.end_epoch - s.created_epoch > sla.secs"))) AS due
            FROM scoped s, sla, ctx
            GROUP BY s.period, s.period_start, s.period_end, s.scope, s.who)
        SELECT ctx.as_of, c.period, c.period_start, c.period_end, c.scope, c.who, c.created, c.converted, c.junk, c.open,
               CASE WHEN c.created > c.open THEN 1.0 * c.converted / (c.created - c.open) END,
               1.0 * c.converted / c.created, r.median, r.p90,
               CASE WHEN c.due > 0 THEN 1.0 * c.in_time / c.due END
        FROM ctx, counts c
        LEFT JOIN response r ON r.period = c.period AND r.scope = c.scope AND r.who IS NOT DISTINCT FROM c.who;
        """ }

    static let untouchedDeals = Model("untouched_deals", .table, grain: "one row per as-of date and untouched open deal",
                                      dependsOn: ["deals", "deal_stage_history", "funnel_stages", "activities", "calls", "emails",
                                                  "lead_contacts", "settings", "as_of_context"]) { d in """
        -- A deal open at the end of the as-of day (its stage then is not final) with no planned activity
        -- (a CRM activity bound to it, not completed, starting later), or with no contact in any channel
        -- for more than settings.deal_touch_days: a completed CRM activity bound to it, or a call or a
        -- mail with a phone or address of the lead it was made from (counted from its creation when none).
        DELETE FROM untouched_deals WHERE as_of = (SELECT as_of FROM as_of_context);
        INSERT INTO untouched_deals(as_of, deal_id, rep_id, stage_id, last_contact_at, days_without_contact, planned)
        WITH ctx AS (SELECT as_of, as_of_end_epoch AS end_epoch FROM as_of_context),
        limit_days AS (SELECT CAST(value AS INTEGER) AS days FROM settings WHERE key = 'deal_touch_days'),
        at_end AS (
            SELECT d.deal_id, d.rep_id, d.pipeline, d.lead_id, d.created_epoch,
                   COALESCE((SELECT h.stage_id FROM deal_stage_history h
                             WHERE h.deal_id = d.deal_id AND h.entered_epoch <= ctx.end_epoch
                             ORDER BY h.entered_epoch DESC, h.stage_id DESC LIMIT 1), d.stage_id) AS stage_id,
                   d.stage_semantic = 'open' OR EXISTS (SELECT 1 FROM deal_stage_history h
                                                        WHERE h.deal_id = d.deal_id AND h.entered_epoch > ctx.end_epoch) AS open
            FROM deals d, ctx WHERE d.created_epoch <= ctx.end_epoch),
        open_deals AS (
            SELECT a.* FROM at_end a
            LEFT JOIN funnel_stages fs ON fs.pipeline = a.pipeline AND fs.stage_id = a.stage_id
            WHERE a.open AND fs.final IS NULL),
        touches AS (
            SELECT a.owner_id AS deal_id, a.start_epoch AS at FROM activities a, ctx
            WHERE a.owner_type = 'deal' AND a.completed = 1 AND a.start_epoch <= ctx.end_epoch
            UNION ALL
            SELECT o.deal_id, c.start_epoch FROM ctx, open_deals o
            JOIN lead_contacts lc ON lc.lead_id = o.lead_id AND lc.kind = 'phone'
            JOIN calls c ON c.client_phone = lc.normalized
            WHERE c.start_epoch <= ctx.end_epoch
            UNION ALL
            SELECT o.deal_id, e.sent_epoch FROM ctx, open_deals o
            JOIN lead_contacts lc ON lc.lead_id = o.lead_id AND lc.kind = 'email'
            JOIN emails e ON e.client_email = lc.normalized
            WHERE e.sent_epoch <= ctx.end_epoch),
        last_touch AS (SELECT deal_id, MAX(at) AS at FROM touches GROUP BY deal_id),
        planned AS (
            SELECT DISTINCT a.owner_id AS deal_id FROM activities a, ctx
            WHERE a.owner_type = 'deal' AND a.completed = 0 AND a.start_epoch > ctx.end_epoch),
        judged AS (
            SELECT o.deal_id, o.rep_id, o.stage_id, t.at AS last_contact,
                   (ctx.end_epoch - COALESCE(t.at, o.created_epoch)) / 86400 AS days, \(d.flag("p.deal_id IS NOT NULL")) AS planned
            FROM ctx, open_deals o
            LEFT JOIN last_touch t ON t.deal_id = o.deal_id
            LEFT JOIN planned p ON p.deal_id = o.deal_id)
        SELECT ctx.as_of, j.deal_id, j.rep_id, j.stage_id, \(d.instant("j.last_contact")),
               j.days, j.planned
        FROM judged j, ctx, limit_days
        WHERE j.planned = 0 OR j.days > limit_days.days;
        """ }
}
