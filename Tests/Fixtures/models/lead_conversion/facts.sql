-- Leads of Anna (A1-A6) and Boris (B1), as of Friday 2026-11-20 (Moscow, UTC+3), each first contacted
-- by an outbound call the given minutes after it came in (A4 never):
--   A1  3 Nov  converted (closed 4 Nov)            5 min    month only
--   A2 17 Nov  junk (closed 17 Nov)                20 min
--   A3 18 Nov  open                                10 min
--   A4 19 Nov  open                                never
--   A5 20 Nov  open, but a deal was made from it   40 min   -> converted
--   A6 18 Nov  converted on 21 Nov (after as-of)    2 min   -> open as of the 20th
--   B1 16 Nov  converted (closed 16 Nov)            1 min
WITH v(id, rep, at, status, semantic, closed, phone, contact_mins) AS (VALUES
    ('A1', 'r01', '2026-11-03T07:00:00Z', 'CONVERTED', 'converted', '2026-11-04T07:00:00Z', '+79990000001', 5),
    ('A2', 'r01', '2026-11-17T07:00:00Z', 'JUNK', 'junk', '2026-11-17T09:00:00Z', '+79990000002', 20),
    ('A3', 'r01', '2026-11-18T07:00:00Z', 'IN_PROCESS', 'open', NULL, '+79990000003', 10),
    ('A4', 'r01', '2026-11-19T07:00:00Z', 'NEW', 'open', NULL, '+79990000004', NULL),
    ('A5', 'r01', '2026-11-20T07:00:00Z', 'IN_PROCESS', 'open', NULL, '+79990000005', 40),
    ('A6', 'r01', '2026-11-18T08:00:00Z', 'CONVERTED', 'converted', '2026-11-21T08:00:00Z', '+79990000006', 2),
    ('B1', 'r02', '2026-11-16T07:00:00Z', 'CONVERTED', 'converted', '2026-11-16T08:00:00Z', '+79990000007', 1))
INSERT INTO leads(lead_id, title, created_at, created_epoch, local_date, rep_id, status_id, status_semantic,
                  status_description, junk_reason, source_name, src_file, src_line, run_id, closed_epoch)
SELECT id, 'Lead ' || id, at, CAST(strftime('%s', at) AS INTEGER), date(at, '+3 hours'), rep, status, semantic, 'a reason',
       CASE WHEN semantic = 'junk' THEN 'a reason' END, 'crm', 'facts.sql', 0, 1, CAST(strftime('%s', closed) AS INTEGER)
FROM v;
INSERT INTO lead_contacts(lead_id, kind, value, normalized)
SELECT lead_id, 'phone', '8' || substr(normalized, 3), normalized FROM (
    SELECT lead_id, '+7999000000' || substr(lead_id, 2) AS normalized FROM leads WHERE lead_id LIKE 'A%'
    UNION ALL SELECT 'B1', '+79990000007');
WITH v(id, lead, rep, mins) AS (VALUES ('CA1', 'A1', 'r01', 5), ('CA2', 'A2', 'r01', 20), ('CA3', 'A3', 'r01', 10),
                                        ('CA5', 'A5', 'r01', 40), ('CA6', 'A6', 'r01', 2), ('CB1', 'B1', 'r02', 1),
                                        -- a later call to A1's number: the last contact of the deal made from A1
                                        ('CD1', 'A1', 'r01', 23040))
INSERT INTO calls(call_id, started_at, start_epoch, local_date, direction, rep_id, client_phone, raw_number, disposition,
                  ring_secs, talk_secs, is_effective, legs, source, src_file, src_line, run_id)
SELECT v.id, strftime('%Y-%m-%dT%H:%M:%SZ', l.created_epoch + v.mins * 60, 'unixepoch'), l.created_epoch + v.mins * 60,
       date(l.created_epoch + v.mins * 60, 'unixepoch', '+3 hours'), 'outbound', v.rep, lc.normalized, lc.value, 'answered',
       5, 60, 1, 1, 'pbx', 'facts.sql', 0, 1
FROM v JOIN leads l ON l.lead_id = v.lead JOIN lead_contacts lc ON lc.lead_id = v.lead;

-- Deals: from A5 today, with a meeting planned for Monday (not untouched); from A1 on 4 Nov, nothing
-- planned but A1's number called on 19 Nov (untouched: nothing planned, low); an old one with a
-- completed meeting on 10 Nov and one planned for the 24th (no contact for 10 days, medium).
WITH v(id, lead, rep, at) AS (VALUES ('D-A5', 'A5', 'r01', '2026-11-20T09:00:00Z'), ('D-A1', 'A1', 'r01', '2026-11-04T07:00:00Z'),
                                      ('D-OLD', NULL, 'r02', '2026-11-05T07:00:00Z'))
INSERT INTO deals(deal_id, title, pipeline, stage_id, stage_semantic, rep_id, amount, currency, created_at, created_epoch,
                  local_date, lead_id, source_name, src_file, src_line, run_id)
SELECT id, 'Deal ' || id, '0', 'NEW', 'open', rep, 1000, 'RUB', at, CAST(strftime('%s', at) AS INTEGER), date(at, '+3 hours'),
       lead, 'crm', 'facts.sql', 0, 1
FROM v;
WITH v(id, deal, at, done) AS (VALUES ('M1', 'D-A5', '2026-11-23T07:00:00Z', 0), ('M2', 'D-OLD', '2026-11-10T07:00:00Z', 1),
                                       ('M3', 'D-OLD', '2026-11-24T07:00:00Z', 0))
INSERT INTO activities(activity_id, kind, rep_id, owner_type, owner_id, start_at, start_epoch, end_at, end_epoch, local_date,
                       completed, subject, source_name, src_file, src_line, run_id)
SELECT id, 'meeting', 'r01', 'deal', deal, at, CAST(strftime('%s', at) AS INTEGER), at, CAST(strftime('%s', at) AS INTEGER) + 3600,
       date(at, '+3 hours'), done, 'Meeting', 'crm', 'facts.sql', 0, 1
FROM v;
