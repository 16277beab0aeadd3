-- Effective outbound calls (answered, 60 s), one call a minute from 09:00 UTC, on the business days of
-- the calendar: per rep, from, to and calls a day.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10),
plan(rep_id, first_day, last_day, per_day) AS (VALUES
    ('r01', '2026-10-16', '2026-11-13', 10), ('r01', '2026-11-16', '2026-11-20', 5),
    ('r02', '2026-10-16', '2026-11-20', 10),
    ('r03', '2026-10-16', '2026-11-17', 10),
    ('r04', '2026-10-16', '2026-11-13', 10), ('r04', '2026-11-18', '2026-11-20', 10),
    ('r05', '2026-11-16', '2026-11-20', 6))
INSERT INTO calls(call_id, started_at, start_epoch, local_date, direction, rep_id, client_phone, raw_number, disposition,
                  ring_secs, talk_secs, is_effective, legs, source, src_file, src_line, run_id)
SELECT p.rep_id || '-' || c.local_date || '-' || n.i, c.local_date || 'T09:' || printf('%02d', n.i) || ':00Z',
       CAST(strftime('%s', c.local_date || 'T09:' || printf('%02d', n.i) || ':00') AS INTEGER), c.local_date, 'outbound',
       p.rep_id, '+7999000' || printf('%04d', n.i), '8999000' || printf('%04d', n.i), 'answered', 5, 60, 1, 1, 'pbx',
       'facts.sql', n.i, 1
FROM plan p JOIN calendar c ON c.is_business_day = 1 AND c.local_date BETWEEN p.first_day AND p.last_day
JOIN n ON n.i <= p.per_day;
