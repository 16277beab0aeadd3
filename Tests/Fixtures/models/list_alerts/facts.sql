-- The items behind every list alert, as of Friday 2026-11-20 (Moscow, UTC+3; the previous working day
-- ends at 2026-11-19T21:00:00Z).
WITH v(id, at, direction, rep, phone, disposition, talk, source, line) AS (VALUES
    -- L2's first contact, 40 minutes after it came in; L3's, 5 minutes after.
    ('C-L2', '2026-11-20T08:40:00Z', 'outbound', 'r01', '+79990000002', 'answered', 90, 'pbx', 1),
    ('C-L3', '2026-11-19T09:05:00Z', 'outbound', 'r02', '+79990000003', 'answered', 90, 'pbx', 2),
    -- M1 never called back; M2 called back after 120 minutes; M3 after 30.
    ('M1', '2026-11-20T10:00:00Z', 'inbound', 'r01', '+79990000011', 'missed', 0, 'pbx', 3),
    ('M2', '2026-11-20T06:00:00Z', 'inbound', 'r02', '+79990000012', 'missed', 0, 'pbx', 4),
    ('C-M2', '2026-11-20T08:00:00Z', 'outbound', 'r02', '+79990000012', 'answered', 60, 'pbx', 5),
    ('M3', '2026-11-20T07:00:00Z', 'inbound', 'r02', '+79990000013', 'missed', 0, 'pbx', 6),
    ('C-M3', '2026-11-20T07:30:00Z', 'outbound', 'r02', '+79990000013', 'answered', 60, 'pbx', 7),
    -- A branch PBX that delivered on each of the five working days before the 20th, and not on it.
    ('B1', '2026-11-13T09:00:00Z', 'outbound', 'r02', '+79990000099', 'answered', 60, 'branch_pbx', 1),
    ('B2', '2026-11-16T09:00:00Z', 'outbound', 'r02', '+79990000099', 'answered', 60, 'branch_pbx', 2),
    ('B3', '2026-11-17T09:00:00Z', 'outbound', 'r02', '+79990000099', 'answered', 60, 'branch_pbx', 3),
    ('B4', '2026-11-18T09:00:00Z', 'outbound', 'r02', '+79990000099', 'answered', 60, 'branch_pbx', 4),
    ('B5', '2026-11-19T09:00:00Z', 'outbound', 'r02', '+79990000099', 'answered', 60, 'branch_pbx', 5))
INSERT INTO calls(call_id, started_at, start_epoch, local_date, direction, rep_id, client_phone, raw_number, disposition,
                  ring_secs, talk_secs, is_effective, legs, source, src_file, src_line, run_id)
SELECT id, at, CAST(strftime('%s', at) AS INTEGER), date(at, '+3 hours'), direction, rep, phone, phone, disposition, 5,
       talk, talk > 30, 1, source, 'facts.sql', line, 1
FROM v;

-- L1 never contacted (open); L2 contacted late; L3 in time; L4 junked with no reason and no contact.
WITH v(id, at, rep, status, semantic, closed) AS (VALUES
    ('L1', '2026-11-20T07:00:00Z', 'r01', 'IN_PROCESS', 'open', NULL),
    ('L2', '2026-11-20T08:00:00Z', 'r01', 'IN_PROCESS', 'open', NULL),
    ('L3', '2026-11-19T09:00:00Z', 'r02', 'IN_PROCESS', 'open', NULL),
    ('L4', '2026-11-20T08:00:00Z', 'r02', 'JUNK', 'junk', '2026-11-20T09:00:00Z'))
INSERT INTO leads(lead_id, title, created_at, created_epoch, local_date, rep_id, status_id, status_semantic,
                  status_description, junk_reason, source_name, src_file, src_line, run_id, closed_epoch)
SELECT id, 'Lead ' || id, at, CAST(strftime('%s', at) AS INTEGER), date(at, '+3 hours'), rep, status, semantic, '',
       CASE WHEN semantic = 'junk' THEN '' END, 'crm', 'facts.sql', 0, 1, CAST(strftime('%s', closed) AS INTEGER)
FROM v;
INSERT INTO lead_contacts(lead_id, kind, value, normalized)
VALUES ('L1', 'phone', '+7 999 000-00-01', '+79990000001'), ('L2', 'phone', '+7 999 000-00-02', '+79990000002'),
       ('L3', 'phone', '+7 999 000-00-03', '+79990000003'), ('L4', 'phone', '+7 999 000-00-04', '+79990000004');

-- D1 went from NEW straight to WON today (skipping PREP); D2 has been at PREP (limit 3 days) since the 11th.
INSERT INTO deals(deal_id, title, pipeline, stage_id, stage_semantic, rep_id, amount, currency, created_at, created_epoch,
                  local_date, closed_at, source_name, src_file, src_line, run_id)
VALUES ('D1', 'Deal D1', '0', 'WON', 'won', 'r01', 1000, 'RUB', '2026-11-20T06:00:00Z',
        CAST(strftime('%s', '2026-11-20T06:00:00Z') AS INTEGER), '2026-11-20', '2026-11-20', 'crm', 'facts.sql', 1, 1),
       ('D2', 'Deal D2', '0', 'PREP', 'open', 'r02', 2000, 'RUB', '2026-11-10T07:00:00Z',
        CAST(strftime('%s', '2026-11-10T07:00:00Z') AS INTEGER), '2026-11-10', NULL, 'crm', 'facts.sql', 2, 1);
WITH v(deal, stage, at, rep) AS (VALUES ('D1', 'NEW', '2026-11-20T06:00:00Z', 'r01'), ('D1', 'WON', '2026-11-20T09:00:00Z', 'r01'),
             ('D2', 'NEW', '2026-11-10T07:00:00Z', 'r02'), ('D2', 'PREP', '2026-11-11T07:00:00Z', 'r02'))
INSERT INTO deal_stage_history(deal_id, stage_id, pipeline, entered_at, entered_epoch, rep_id, source_name, src_file,
                               src_line, run_id)
SELECT deal, stage, '0', at, CAST(strftime('%s', at) AS INTEGER), rep, 'crm', 'facts.sql', 0, 1
FROM v;

-- T1 open 2 days past its deadline, T2 open 15 days past it, T3 closed today after yesterday's deadline.
WITH v(id, rep, deadline, closed) AS (VALUES ('T1', 'r01', '2026-11-18T15:00:00Z', NULL), ('T2', 'r02', '2026-11-05T15:00:00Z', NULL),
             ('T3', 'r01', '2026-11-19T15:00:00Z', '2026-11-20T10:00:00Z'))
INSERT INTO tasks(task_id, title, rep_id, created_at, deadline_at, deadline_epoch, closed_at, closed_epoch, status,
                  source_name, src_file, src_line, run_id)
SELECT id, 'Task ' || id, rep, '2026-11-01T09:00:00Z', deadline, CAST(strftime('%s', deadline) AS INTEGER), closed,
       CAST(strftime('%s', closed) AS INTEGER), CASE WHEN closed IS NULL THEN '3' ELSE '5' END, 'crm', 'facts.sql', 0, 1
FROM v;
