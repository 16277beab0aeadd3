import SalesopsSQLite

/// Named schema migrations, applied in order and recorded in `schema_migrations`.
/// A migration that has shipped is never edited; changes come as new migrations.
public enum Migrations {
    public static let all: [(name: String, sql: String)] = [
        ("001_foundation", foundation),
        ("002_file_resume", fileResume),
        ("003_etl_notes", etlNotes),
        ("004_legs_in_calls", legsInCalls),
        ("005_emails", emails),
        ("006_crm", crm),
        ("007_unmatched_leg_identity", unmatchedLegIdentity),
        ("008_email_headers_cut", emailHeadersCut),
        ("009_run_statuses", runStatuses),
        ("010_shipped_schema_reconciled", ""),   // the repair below does the work
        ("011_lead_close_times", leadCloseTimes),
        ("012_models", models),
        ("013_models_complete", modelsComplete),
        ("014_worktime", worktime),
        ("015_lookup_indexes", lookupIndexes),
        ("016_file_stat", fileStat),
        ("017_report_indexes", reportIndexes),
        ("018_deal_lookup_index", dealLookupIndex),
    ]

    /// Repairs of warehouses made by early commits of main, whose migration 001 differed from the
    /// shipped text that later migrations build on (001 was edited after it shipped; it is frozen now).
    /// Each runs just before the migration named by `before`, when that one is still to be applied, and
    /// is recorded in `schema_migrations` like a migration; it checks what is there and does only what
    /// is missing. Made and tested against real warehouses of those commits (`Tests/Fixtures/warehouses`).
    static let repairs: [(name: String, before: String, apply: (SQLiteDatabase) throws -> Void)] = [
        ("003a_early_call_legs", "004_legs_in_calls", EarlyWarehouseRepair.callLegs),
        ("009a_add_what_shipped_schemas_lack", "010_shipped_schema_reconciled", EarlyWarehouseRepair.addWhatShippedSchemasLack),
    ]

    /// Applies every migration not yet recorded, each in its own transaction.
    /// A migration's repairs (``repairs``) run first, in the same transaction.
    public static func migrate(_ db: SQLiteDatabase) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (  -- one row per applied migration
                name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))
            """)
        let applied = Set(try db.query("SELECT name FROM schema_migrations").compactMap { $0[0].string })
        for migration in all where !applied.contains(migration.name) {
            try db.transaction {
                for repair in repairs where repair.before == migration.name && !applied.contains(repair.name) {
                    try repair.apply(db)
                    try db.run("INSERT INTO schema_migrations(name) VALUES (?)", [.text(repair.name)])
                }
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations(name) VALUES (?)", [.text(migration.name)])
            }
        }
    }

    /// Facts are history: a file read whole again (rewritten, truncated, a new log under the old name)
    /// must not count an unmatched leg twice, so each carries the identity of its CDR row.
    /// The tables the models (``Models``) read and write: norms per period, absences, the reported
    /// metrics and captions, the dates and as-of date a build is for, and `rep_period` and `alerts`.
    /// `norms` (per-day norms resolved in Swift) gives way to `norm_rules` and the `rep_norms` view.
    static let models = """
    DROP TABLE norms;
    -- one row per norm as configured: the department's default, a team's or a rep's override
    CREATE TABLE norm_rules (
        scope    TEXT NOT NULL CHECK (scope = 'department' OR scope = 'team' OR scope = 'rep'),
        scope_id TEXT NOT NULL,           -- '' for the department, else the team's name or the rep's id
        metric   TEXT NOT NULL,
        per      TEXT NOT NULL CHECK (per = 'day' OR per = 'week' OR per = 'month'),
        value    REAL NOT NULL,
        PRIMARY KEY (scope, scope_id, metric)
    );
    -- one row per absence: the days from..to (inclusive) are not working days of the rep
    CREATE TABLE absences (
        rep_id    TEXT NOT NULL,
        from_date TEXT NOT NULL,
        to_date   TEXT NOT NULL,
        kind      TEXT NOT NULL,          -- vacation, sick, training…
        origin    TEXT NOT NULL           -- file and line it was written at
    );
    -- one row per metric rep_period reports, in the order reports show them
    CREATE TABLE metrics (
        metric   TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        normable INTEGER NOT NULL CHECK (normable = 0 OR normable = 1),
        unit     TEXT NOT NULL CHECK (unit = 'count' OR unit = 'decimal' OR unit = 'money')
    );
    -- one row per configured CRM pipeline (funnel), with its name
    CREATE TABLE pipelines (
        pipeline TEXT PRIMARY KEY,
        name     TEXT NOT NULL
    );
    -- captions the models use (metric names, alert messages), per report language
    CREATE TABLE captions (
        language TEXT NOT NULL,
        key      TEXT NOT NULL,
        text     TEXT NOT NULL,
        PRIMARY KEY (language, key)
    );
    -- the local dates whose daily rows the last build rebuilt
    CREATE TABLE model_dates (local_date TEXT PRIMARY KEY);
    -- one row per rep (NULL: no rep) and local date with calls
    CREATE TABLE rep_daily_calls (
        rep_id              TEXT,
        local_date          TEXT NOT NULL,
        calls_out           INTEGER NOT NULL,
        calls_in            INTEGER NOT NULL,
        calls_out_effective INTEGER NOT NULL,
        calls_in_effective  INTEGER NOT NULL,
        talk_secs           INTEGER NOT NULL,
        missed_in           INTEGER NOT NULL
    );
    CREATE INDEX rep_daily_calls_date ON rep_daily_calls(local_date, rep_id);
    -- one row per rep (NULL: no rep) and local date with outbound mail
    CREATE TABLE rep_daily_mail (
        rep_id     TEXT,
        local_date TEXT NOT NULL,
        emails_out INTEGER NOT NULL,
        proposals  INTEGER NOT NULL
    );
    CREATE INDEX rep_daily_mail_date ON rep_daily_mail(local_date, rep_id);
    -- the as-of date the as-of models were last built for (one row)
    CREATE TABLE as_of_context (
        as_of           TEXT NOT NULL,    -- local date
        as_of_end       TEXT NOT NULL,    -- the end of that day, UTC
        as_of_end_epoch INTEGER NOT NULL,
        since_date      TEXT NOT NULL,    -- the previous working day: alerts are new after its end
        since_end       TEXT NOT NULL,
        since_end_epoch INTEGER NOT NULL
    );
    -- the derived relations: name, grain, what each reads and its SQL, in build order
    CREATE TABLE models (
        name       TEXT PRIMARY KEY,
        position   INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        grain      TEXT NOT NULL,
        depends_on TEXT NOT NULL,
        sql        TEXT NOT NULL
    );
    -- one row per as-of date, period, scope, rep and metric
    CREATE TABLE rep_period (
        as_of        TEXT NOT NULL,
        period       TEXT NOT NULL CHECK (period = 'day' OR period = 'wtd' OR period = 'mtd' OR period = 'prev_week'),
        period_start TEXT NOT NULL,
        period_end   TEXT NOT NULL,
        scope        TEXT NOT NULL CHECK (scope = 'rep' OR scope = 'no_rep' OR scope = 'department'),
        rep_id       TEXT,                -- NULL for no_rep and department
        metric       TEXT NOT NULL,
        value        NUMERIC NOT NULL,
        norm         NUMERIC,             -- NULL: no norm for the metric
        pct_of_norm  REAL,                -- value / norm when the norm is above 0
        working_days INTEGER              -- the rep's working business days in the period
    );
    CREATE UNIQUE INDEX rep_period_key ON rep_period(as_of, period, scope, COALESCE(rep_id, ''), metric);
    -- one row per alert and as-of date
    CREATE TABLE alerts (
        as_of    TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        rep_id   TEXT,
        kind     TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity = 'high' OR severity = 'medium' OR severity = 'low'),
        metric   TEXT,                    -- below_norm and decline: the metric
        message  TEXT NOT NULL,
        evidence TEXT NOT NULL,           -- JSON array of the ids (calls, leads, deals, tasks) or dates behind it
        PRIMARY KEY (as_of, alert_id)
    );
    """

    /// What the models needed after 012 was first written: the client numbers a build rebuilds, indexes
    /// for `rep_period` and `rep_daily` by date, lead conversion and untouched deals. `IF NOT EXISTS`
    /// throughout, so a warehouse made while these were still part of 012 takes it as well.
    static let modelsComplete = """
    -- the client numbers whose missed calls the last build rebuilt ('' for calls without a number)
    CREATE TABLE IF NOT EXISTS model_phones (phone TEXT PRIMARY KEY);
    CREATE INDEX IF NOT EXISTS rep_period_rep ON rep_period(as_of, rep_id, metric, period);
    CREATE INDEX IF NOT EXISTS rep_daily_date ON rep_daily(local_date);
    -- one row per as-of date, period, scope and rep: the conversion of the leads created in the period
    CREATE TABLE IF NOT EXISTS lead_conversion (
        as_of                 TEXT NOT NULL,
        period                TEXT NOT NULL CHECK (period = 'wtd' OR period = 'mtd'),
        period_start          TEXT NOT NULL,
        period_end            TEXT NOT NULL,
        scope                 TEXT NOT NULL CHECK (scope = 'rep' OR scope = 'department'),
        rep_id                TEXT,
        created               INTEGER NOT NULL,
        converted             INTEGER NOT NULL,
        junk                  INTEGER NOT NULL,
        open                  INTEGER NOT NULL,
        conversion_of_closed  REAL,         -- converted / (created - open)
        conversion_of_created REAL,         -- converted / created
        response_median_mins  REAL,
        response_p90_mins     INTEGER,
        within_sla_share      REAL          -- contacted within the SLA / contacted or past the SLA
    );
    CREATE INDEX IF NOT EXISTS lead_conversion_as_of ON lead_conversion(as_of, rep_id);
    -- one row per as-of date and open deal with no planned activity or no recent contact
    CREATE TABLE IF NOT EXISTS untouched_deals (
        as_of                TEXT NOT NULL,
        deal_id              TEXT NOT NULL,
        rep_id               TEXT,
        stage_id             TEXT NOT NULL,
        last_contact_at      TEXT,          -- NULL: never contacted
        days_without_contact INTEGER NOT NULL,
        planned              INTEGER NOT NULL CHECK (planned = 0 OR planned = 1),
        PRIMARY KEY (as_of, deal_id)
    );
    """

    /// Work time (SPEC "Work time"): `timeman.status` snapshots, user calendars, access-control passes,
    /// what names a rep in them, schedules, and `worktime_days`; `rep_daily` gains `work_mins` and
    /// `field_mins`.
    static let worktime = """
    -- one row per CRM user and local date: the last timeman.status snapshot read of that workday
    CREATE TABLE workday_snapshots (
        crm_user_id  TEXT NOT NULL,
        local_date   TEXT NOT NULL,       -- the date the workday started, in its own zone
        status       TEXT NOT NULL CHECK (status IN ('open', 'paused', 'closed', 'expired')),
        start_epoch  INTEGER NOT NULL,
        start_sec    INTEGER NOT NULL,    -- seconds after that local midnight
        utc_offset   INTEGER NOT NULL,    -- seconds east of UTC the start was written with
        finish_epoch INTEGER,
        break_secs   INTEGER NOT NULL,    -- TIME_LEAKS
        source_name  TEXT NOT NULL,
        src_file     TEXT NOT NULL,
        src_line     INTEGER NOT NULL,
        run_id       INTEGER NOT NULL,
        PRIMARY KEY (crm_user_id, local_date)
    );
    -- one row per user-calendar event (calendar.event.get), recurrence rule as given
    CREATE TABLE calendar_events (
        event_id        TEXT PRIMARY KEY,
        owner_user_id   TEXT NOT NULL,
        name            TEXT NOT NULL,
        name_folded     TEXT NOT NULL,    -- lower case, ё as е: what calendar_patterns match
        all_day         INTEGER NOT NULL CHECK (all_day IN (0, 1)),
        accessibility   TEXT NOT NULL,    -- busy, free, quest, absent
        location        TEXT NOT NULL,
        location_folded TEXT NOT NULL,
        is_meeting      INTEGER NOT NULL CHECK (is_meeting IN (0, 1)),
        deleted         INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        rrule           TEXT NOT NULL,
        crm_bindings    TEXT NOT NULL,    -- JSON array of UF_CRM_CAL_EVENT (CO_1, L_5, D_7…)
        source_name     TEXT NOT NULL,
        src_file        TEXT NOT NULL,
        src_line        INTEGER NOT NULL,
        run_id          INTEGER NOT NULL
    );
    -- one row per event occurrence and local date it covers (recurrences expanded, exceptions skipped)
    CREATE TABLE calendar_segments (
        event_id         TEXT NOT NULL,
        local_date       TEXT NOT NULL,
        start_sec        INTEGER,         -- seconds after local midnight; NULL: all day
        end_sec          INTEGER,
        occurrence_start INTEGER NOT NULL,
        occurrence_end   INTEGER NOT NULL,
        PRIMARY KEY (event_id, occurrence_start, local_date)
    );
    CREATE INDEX calendar_segments_date ON calendar_segments(local_date);
    -- one row per pass through an access-control point
    CREATE TABLE access_events (
        person      TEXT NOT NULL,        -- as the export names them (badge id or name)
        person_key  TEXT NOT NULL,        -- folded: what rep_keys match
        at_epoch    INTEGER NOT NULL,
        local_date  TEXT NOT NULL,
        second      INTEGER NOT NULL,     -- seconds after local midnight
        direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        door        TEXT NOT NULL,
        source_name TEXT NOT NULL,
        src_file    TEXT NOT NULL,
        src_line    INTEGER NOT NULL,
        run_id      INTEGER NOT NULL,
        PRIMARY KEY (person_key, at_epoch, direction, door)
    );
    CREATE INDEX access_events_date ON access_events(local_date);
    -- reference: what names a rep in the work-time sources (CRM user ids, badge ids, folded names)
    CREATE TABLE rep_keys (
        kind   TEXT NOT NULL CHECK (kind IN ('crm_user', 'badge', 'name')),
        key    TEXT NOT NULL,
        rep_id TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    -- reference: each rep's working hours (company default, team or rep override)
    CREATE TABLE rep_schedules (
        rep_id    TEXT PRIMARY KEY,
        start_sec INTEGER NOT NULL,
        end_sec   INTEGER NOT NULL,
        scope     TEXT NOT NULL CHECK (scope IN ('company', 'team', 'rep'))
    );
    -- reference: folded name (or location) fragments that classify calendar events
    CREATE TABLE calendar_patterns (
        category TEXT NOT NULL CHECK (category IN ('absence', 'trip', 'marketing', 'office')),
        pattern  TEXT NOT NULL,
        PRIMARY KEY (category, pattern)
    );
    -- one row per rep and local date with a workday
    CREATE TABLE worktime_days (
        rep_id      TEXT NOT NULL,
        local_date  TEXT NOT NULL,
        work_start  TEXT,                 -- local time of day, HH:MM
        work_end    TEXT,
        work_mins   INTEGER NOT NULL,
        break_mins  INTEGER NOT NULL,
        office_mins INTEGER NOT NULL,
        field_mins  INTEGER NOT NULL,
        late_mins   INTEGER,              -- NULL: not a working day, or no start in the office
        status      TEXT NOT NULL,        -- closed, open, expired, no_exit, field
        source      TEXT NOT NULL,        -- timeman, access, calendar
        PRIMARY KEY (rep_id, local_date)
    );
    ALTER TABLE rep_daily ADD COLUMN work_mins INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE rep_daily ADD COLUMN field_mins INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE as_of_context ADD COLUMN as_of_time INTEGER;
    """

    /// Lookups the models make per row, by index instead of by scan: missed calls are rebuilt per
    /// client number (the calls that may be missed ones and the missed calls found by number, not by
    /// scanning every call: a year of calls is 12 million rows), and a lead's deals are found by lead
    /// (lead conversion asks it of every lead: 100k leads × 50k deals scanned otherwise).
    static let lookupIndexes = """
    CREATE INDEX IF NOT EXISTS calls_missed ON calls(client_phone, start_epoch)
        WHERE direction = 'inbound' AND disposition != 'answered';
    CREATE INDEX IF NOT EXISTS missed_calls_phone ON missed_calls(client_phone);
    CREATE INDEX IF NOT EXISTS deals_lead ON deals(lead_id);
    """

    /// What lets a night know its files without reading them again: a file whose stat is as recorded
    /// is the version loaded, and a log grown past its resume offset — its first and last 64 KiB
    /// before that offset unchanged — is hashed on from the SHA-256 state saved there.
    static let fileStat = """
    ALTER TABLE etl_files ADD COLUMN stat_key TEXT;              -- device:inode:size:mtime_ns:ctime_ns when hashed (device:inode only if just written)
    ALTER TABLE etl_files ADD COLUMN resume_state TEXT;          -- SHA-256 state after the first resume_offset bytes (hex)
    ALTER TABLE etl_files ADD COLUMN resume_sample_sha256 TEXT;  -- SHA-256 of the first and the last 64 KiB before resume_offset
    """

    /// The Data quality sheet's calls without a rep and numbers left unnormalised, read from partial
    /// indexes that hold only those calls (few) instead of a scan of every call each morning.
    static let reportIndexes = """
    CREATE INDEX IF NOT EXISTS calls_without_rep ON calls(source, direction, disposition)
        WHERE rep_id IS NULL AND direction != 'internal';
    CREATE INDEX IF NOT EXISTS calls_unnormalised ON calls(source, raw_number)
        WHERE client_phone IS NULL AND raw_number IS NOT NULL;
    """

    /// The deal facts a stage entry is counted under (pipeline, rep, creation), read from the index alone:
    /// an analyst's funnel per rep and month joins every stage entry to its deal (a year: 0.87 s → 0.74 s).
    static let dealLookupIndex = """
    CREATE INDEX IF NOT EXISTS deals_lookup ON deals(deal_id, pipeline, rep_id, created_at);
    """

    static let unmatchedLegIdentity = """
    ALTER TABLE unmatched_legs ADD COLUMN leg_hash INTEGER;   -- identity of the CDR row, whatever file it is read from
    CREATE INDEX unmatched_legs_hash ON unmatched_legs(leg_hash);
    """

    /// A message whose header block was too long to keep whole is counted, not silently cut.
    static let emailHeadersCut = """
    ALTER TABLE emails ADD COLUMN headers_cut INTEGER NOT NULL DEFAULT 0   -- 1: a header field or the fields past the limit were cut
        CHECK (headers_cut = 0 OR headers_cut = 1);
    """

    /// `etl_runs.status` tells how each run ended: `report_failed` (loaded and committed, its reports
    /// not written) and `no_data` (loaded, but a source delivered less than the pipeline expects) join
    /// `running`, `ok` and `failed` (rolled back). SQLite cannot change a CHECK in place: the table is
    /// rebuilt with its rows (columns named, so any earlier shape of the table is copied).
    static let runStatuses = """
    CREATE TABLE etl_runs_new (   -- one row per run of `salesops run`
        run_id        INTEGER PRIMARY KEY,
        pipeline      TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        as_of         TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status = 'running' OR status = 'ok' OR status = 'failed'
                                           OR status = 'report_failed' OR status = 'no_data'),
        files_read    INTEGER NOT NULL DEFAULT 0,
        files_skipped INTEGER NOT NULL DEFAULT 0,
        rows_read     INTEGER NOT NULL DEFAULT 0,
        rows_loaded   INTEGER NOT NULL DEFAULT 0,
        rows_filtered INTEGER NOT NULL DEFAULT 0,
        rows_rejected INTEGER NOT NULL DEFAULT 0,
        message       TEXT
    );
    INSERT INTO etl_runs_new(run_id, pipeline, started_at, finished_at, as_of, status, files_read, files_skipped,
                             rows_read, rows_loaded, rows_filtered, rows_rejected, message)
        SELECT run_id, pipeline, started_at, finished_at, as_of, status, files_read, files_skipped,
               rows_read, rows_loaded, rows_filtered, rows_rejected, message FROM etl_runs;
    DROP TABLE etl_runs;
    ALTER TABLE etl_runs_new RENAME TO etl_runs;
    """

    /// When a lead was junked, where its status history does not say: `DATE_CLOSED`, else `MOVED_TIME`.
    static let leadCloseTimes = """
    ALTER TABLE leads ADD COLUMN closed_epoch INTEGER;   -- DATE_CLOSED, when the source gives it
    ALTER TABLE leads ADD COLUMN moved_epoch INTEGER;    -- MOVED_TIME (REST) or the UI export's modification time
    """

    /// Where a later run may continue reading a file that only grew (append-only CDR logs).
    static let fileResume = """
    ALTER TABLE etl_files ADD COLUMN resume_offset INTEGER;   -- offset after the last complete line
    ALTER TABLE etl_files ADD COLUMN resume_line INTEGER;     -- 1-based line number found there
    ALTER TABLE etl_files ADD COLUMN resume_sha256 TEXT;      -- SHA-256 of the first resume_offset bytes
    """

    static let etlNotes = """
    -- one row per finding about an input file that needs a human's look (e.g. a time zone that does not fit)
    CREATE TABLE etl_notes (
        run_id   INTEGER NOT NULL REFERENCES etl_runs(run_id),
        source   TEXT NOT NULL,
        src_file TEXT NOT NULL,
        message  TEXT NOT NULL
    );
    """

    /// CRM: leads, deals and their stage history, activities, tasks, payments, and the CRM's reference
    /// lists. Records upsert by their CRM id (a nightly dump is a snapshot).
    static let crm = """
    -- one row per lead
    CREATE TABLE leads (
        lead_id          TEXT PRIMARY KEY,
        title            TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        created_epoch    INTEGER NOT NULL,
        local_date       TEXT NOT NULL,
        rep_id           TEXT,
        crm_user_id      TEXT,              -- the CRM's responsible user, whether or not a rep
        source           TEXT,              -- where the lead came from (SOURCE_ID: CALL, EMAIL, WEB…)
        status_id        TEXT NOT NULL,
        status_semantic  TEXT NOT NULL CHECK (status_semantic = 'open' OR status_semantic = 'converted' OR status_semantic = 'junk'),
        status_description TEXT NOT NULL,   -- STATUS_DESCRIPTION as the CRM has it
        junk_reason      TEXT,              -- the status description of a junk lead ('' when none was given)
        first_contact_at    TEXT,           -- earliest outbound call, outbound mail or completed CRM contact at or after creation
        first_contact_epoch INTEGER,
        first_contact_channel TEXT,         -- call, email or activity
        response_mins    INTEGER,           -- whole minutes from creation to first contact
        sla_breached     INTEGER,           -- no contact within the SLA (an uncontacted lead once its SLA has passed at the as-of time)
        junk_without_reason INTEGER,        -- junk with an empty status description, or junked before any contact
        source_name      TEXT NOT NULL,     -- the pipeline source that read it
        src_file         TEXT NOT NULL,
        src_line         INTEGER NOT NULL,
        run_id           INTEGER NOT NULL
    );
    CREATE INDEX leads_date ON leads(local_date, rep_id);
    -- one row per phone or address of a lead, as written and normalised (E.164, lower case)
    CREATE TABLE lead_contacts (
        lead_id    TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind = 'phone' OR kind = 'email'),
        value      TEXT NOT NULL,
        normalized TEXT,
        PRIMARY KEY (lead_id, kind, value)
    );
    CREATE INDEX lead_contacts_normalized ON lead_contacts(normalized);
    -- one row per deal
    CREATE TABLE deals (
        deal_id        TEXT PRIMARY KEY,
        title          TEXT NOT NULL,
        pipeline       TEXT NOT NULL,
        stage_id       TEXT NOT NULL,
        stage_semantic TEXT NOT NULL CHECK (stage_semantic = 'open' OR stage_semantic = 'won' OR stage_semantic = 'lost'),
        rep_id         TEXT,
        crm_user_id    TEXT,
        amount         REAL,
        currency       TEXT,
        created_at     TEXT NOT NULL,
        created_epoch  INTEGER NOT NULL,
        local_date     TEXT NOT NULL,
        closed_at      TEXT,               -- the calendar date the deal closed, as the CRM wrote it
        lead_id        TEXT,
        source_name    TEXT NOT NULL,
        src_file       TEXT NOT NULL,
        src_line       INTEGER NOT NULL,
        run_id         INTEGER NOT NULL
    );
    CREATE INDEX deals_created ON deals(local_date, rep_id);
    -- one row per entry of a deal into a stage
    CREATE TABLE deal_stage_history (
        deal_id       TEXT NOT NULL,
        stage_id      TEXT NOT NULL,
        pipeline      TEXT,
        entered_at    TEXT NOT NULL,
        entered_epoch INTEGER NOT NULL,
        rep_id        TEXT,
        history_id    TEXT,                -- the CRM's id of the entry; NULL when derived from snapshots
        source_name   TEXT NOT NULL,
        src_file      TEXT NOT NULL,
        src_line      INTEGER NOT NULL,
        run_id        INTEGER NOT NULL,
        PRIMARY KEY (deal_id, entered_epoch, stage_id)
    );
    -- one row per entry of a lead into a status
    CREATE TABLE lead_status_history (
        lead_id       TEXT NOT NULL,
        status_id     TEXT NOT NULL,
        entered_at    TEXT NOT NULL,
        entered_epoch INTEGER NOT NULL,
        history_id    TEXT,
        source_name   TEXT NOT NULL,
        src_file      TEXT NOT NULL,
        src_line      INTEGER NOT NULL,
        run_id        INTEGER NOT NULL,
        PRIMARY KEY (lead_id, entered_epoch, status_id)
    );
    -- one row per CRM activity
    CREATE TABLE activities (
        activity_id TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind = 'meeting' OR kind = 'call' OR kind = 'email' OR kind = 'task' OR kind = 'chat' OR kind = 'other'),
        rep_id      TEXT,
        crm_user_id TEXT,
        owner_type  TEXT NOT NULL,
        owner_id    TEXT NOT NULL,
        start_at    TEXT,
        start_epoch INTEGER,
        end_at      TEXT,
        end_epoch   INTEGER,
        local_date  TEXT,
        completed   INTEGER NOT NULL CHECK (completed = 0 OR completed = 1),
        direction   TEXT,
        subject     TEXT NOT NULL,
        source_name TEXT NOT NULL,
        src_file    TEXT NOT NULL,
        src_line    INTEGER NOT NULL,
        run_id      INTEGER NOT NULL
    );
    CREATE INDEX activities_owner ON activities(owner_type, owner_id);
    CREATE INDEX activities_date ON activities(local_date, rep_id);
    -- one row per task
    CREATE TABLE tasks (
        task_id        TEXT PRIMARY KEY,
        title          TEXT NOT NULL,
        rep_id         TEXT,
        crm_user_id    TEXT,
        created_at     TEXT,
        deadline_at    TEXT,
        deadline_epoch INTEGER,
        closed_at      TEXT,
        closed_epoch   INTEGER,
        status         TEXT NOT NULL,
        source_name    TEXT NOT NULL,
        src_file       TEXT NOT NULL,
        src_line       INTEGER NOT NULL,
        run_id         INTEGER NOT NULL
    );
    -- one row per payment
    CREATE TABLE payments (
        payment_id  TEXT PRIMARY KEY,
        deal_id     TEXT,
        rep_id      TEXT,
        paid_at     TEXT NOT NULL,
        paid_epoch  INTEGER NOT NULL,
        local_date  TEXT NOT NULL,
        amount      REAL NOT NULL,
        currency    TEXT,
        source_name TEXT NOT NULL,
        src_file    TEXT NOT NULL,
        src_line    INTEGER NOT NULL,
        run_id      INTEGER NOT NULL
    );
    -- one row per status or stage of the CRM's reference lists (crm.status.list)
    CREATE TABLE crm_statuses (
        entity_id TEXT NOT NULL,           -- STATUS (lead statuses), DEAL_STAGE, DEAL_STAGE_<pipeline>, SOURCE…
        status_id TEXT NOT NULL,
        name      TEXT NOT NULL,
        sort      INTEGER NOT NULL,
        semantics TEXT,
        PRIMARY KEY (entity_id, status_id)
    );
    -- one row per stage of a configured funnel, in funnel order
    CREATE TABLE funnel_stages (
        pipeline    TEXT NOT NULL,
        stage_id    TEXT NOT NULL,
        name        TEXT,
        stage_order INTEGER NOT NULL,
        required    INTEGER NOT NULL CHECK (required = 0 OR required = 1),
        final       TEXT CHECK (final IS NULL OR final = 'won' OR final = 'lost'),
        max_days    INTEGER,
        PRIMARY KEY (pipeline, stage_id)
    );
    -- one row per deal and entered stage that skipped a required stage
    CREATE TABLE stage_violations (
        deal_id        TEXT NOT NULL,
        rep_id         TEXT,
        pipeline       TEXT NOT NULL,
        entered_stage  TEXT NOT NULL,
        entered_at     TEXT NOT NULL,
        skipped_stages TEXT NOT NULL,      -- the required stages never entered before, comma-separated in funnel order
        PRIMARY KEY (deal_id, entered_stage)
    );
    -- one row per month, pipeline, funnel stage and rep (rep_id NULL = department), for deals created in the month
    CREATE TABLE funnel (
        period_start TEXT NOT NULL,
        period_end   TEXT NOT NULL,
        pipeline     TEXT NOT NULL,
        stage_id     TEXT NOT NULL,
        stage_order  INTEGER NOT NULL,
        rep_id       TEXT,
        reached      INTEGER NOT NULL,
        conversion   REAL                  -- reached at the next stage / reached here; NULL at the last stage or when none reached
    );
    CREATE INDEX funnel_period ON funnel(period_start, pipeline, rep_id);
    -- one row per open deal stuck at its stage longer than the stage allows, per as-of date
    CREATE TABLE stuck_deals (
        as_of         TEXT NOT NULL,
        deal_id       TEXT NOT NULL,
        rep_id        TEXT,
        stage_id      TEXT NOT NULL,
        days_at_stage INTEGER NOT NULL,
        max_days      INTEGER NOT NULL,
        PRIMARY KEY (as_of, deal_id)
    );
    -- one row per overdue task and as-of date: open past its deadline, or closed after it
    CREATE TABLE overdue_tasks (
        as_of        TEXT NOT NULL,
        task_id      TEXT NOT NULL,
        rep_id       TEXT,
        title        TEXT NOT NULL,
        deadline_at  TEXT NOT NULL,
        closed_at    TEXT,
        overdue_days INTEGER NOT NULL,     -- whole days past the deadline (at closing, or at the as-of time)
        PRIMARY KEY (as_of, task_id)
    );
    -- one row per CRM user (user.get)
    CREATE TABLE crm_users (
        user_id TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        email   TEXT,
        active  INTEGER NOT NULL CHECK (active = 0 OR active = 1)
    );
    """

    /// Mail: one row per message (Message-ID), where each was seen, its attachments, and the company
    /// addresses that match no rep.
    static let emails = """
    -- one row per message (the same Message-ID in Sent and in an archive counts once)
    CREATE TABLE emails (
        message_id     TEXT PRIMARY KEY,   -- without brackets; hash:<16 hex> of the content when absent
        sent_at        TEXT NOT NULL,
        sent_epoch     INTEGER NOT NULL,
        local_date     TEXT NOT NULL,
        direction      TEXT NOT NULL CHECK (direction = 'inbound' OR direction = 'outbound' OR direction = 'internal'),
        rep_id         TEXT,
        from_email     TEXT NOT NULL,
        client_email   TEXT,
        subject        TEXT NOT NULL,
        attachments    INTEGER NOT NULL,   -- documents attached (inline images are not)
        is_proposal    INTEGER NOT NULL CHECK (is_proposal = 0 OR is_proposal = 1),
        thread_id      TEXT NOT NULL,
        has_message_id INTEGER NOT NULL CHECK (has_message_id = 0 OR has_message_id = 1),
        undecodable    INTEGER NOT NULL CHECK (undecodable = 0 OR undecodable = 1),
        source         TEXT NOT NULL,
        src_file       TEXT NOT NULL,
        src_line       INTEGER NOT NULL,
        src_offset     INTEGER NOT NULL,   -- byte offset of the message in src_file
        run_id         INTEGER NOT NULL
    );
    CREATE INDEX emails_daily ON emails(local_date, rep_id, direction, is_proposal);
    CREATE INDEX emails_client ON emails(client_email, sent_epoch);
    -- one row per attachment of a message
    CREATE TABLE email_attachments (
        message_id   TEXT NOT NULL,
        position     INTEGER NOT NULL,
        filename     TEXT NOT NULL,       -- as sent, decoded; data, never a path
        content_type TEXT NOT NULL,
        PRIMARY KEY (message_id, position)
    );
    -- one row per message and recipient outside the company (To, Cc, Bcc)
    CREATE TABLE email_recipients (
        message_id TEXT NOT NULL,
        address    TEXT NOT NULL,
        PRIMARY KEY (message_id, address)
    );
    CREATE INDEX email_recipients_address ON email_recipients(address);
    -- one row per place a message was read (a mail in Sent and in an archive has two)
    CREATE TABLE email_sightings (
        message_id TEXT NOT NULL,
        source     TEXT NOT NULL,
        src_file   TEXT NOT NULL,
        src_line   INTEGER NOT NULL,
        src_offset INTEGER NOT NULL,
        run_id     INTEGER NOT NULL,
        PRIMARY KEY (message_id, src_file, src_offset)
    );
    CREATE INDEX email_sightings_file ON email_sightings(src_file);
    -- one row per message and company-domain address that belongs to no rep
    CREATE TABLE email_unmatched (
        message_id TEXT NOT NULL,
        address    TEXT NOT NULL,
        PRIMARY KEY (message_id, address)
    );
    -- one row per source and company address that matched no rep
    CREATE VIEW unmatched_addresses AS
        SELECT e.source, u.address, COUNT(*) AS messages, MIN(e.sent_at) AS first_seen, MAX(e.sent_at) AS last_seen
        FROM email_unmatched u JOIN emails e ON e.message_id = u.message_id
        GROUP BY e.source, u.address;
    """

    /// A call keeps its legs as a JSON array (`calls.legs_json`, see `CallLegsJSON`): one row per call
    /// instead of one per leg at load time; `call_legs` becomes a view over it. Unmatched extensions get
    /// their own small table so data quality does not scan every leg.
    static let legsInCalls = """
    ALTER TABLE calls ADD COLUMN legs_json TEXT NOT NULL DEFAULT '[]';  -- internal: the call's legs, read them via call_legs
    UPDATE calls SET legs_json = (
        SELECT json_group_array(json_array(l.src_line, l.run_id, l.leg_hash, l.sequence, l.start_epoch, l.duration,
                   l.billsec, l.disposition, l.direction, l.caller_kind, l.callee_kind, l.caller_rep, l.callee_rep,
                   l.external_raw, l.external_e164, NULLIF(l.src_file, calls.src_file), NULLIF(l.source, calls.source),
                   l.unmatched))
        FROM (SELECT * FROM call_legs WHERE call_legs.call_id = calls.call_id ORDER BY rowid) l)
    WHERE call_id IN (SELECT call_id FROM call_legs);
    -- one row per leg whose company-side extension matched no rep
    CREATE TABLE unmatched_legs (
        source      TEXT NOT NULL,
        src_file    TEXT NOT NULL,
        src_line    INTEGER NOT NULL,
        run_id      INTEGER NOT NULL,
        number      TEXT NOT NULL,
        start_epoch INTEGER NOT NULL
    );
    CREATE INDEX unmatched_legs_file ON unmatched_legs(src_file);
    INSERT INTO unmatched_legs(source, src_file, src_line, run_id, number, start_epoch)
        SELECT source, src_file, src_line, run_id, unmatched, start_epoch FROM call_legs
        WHERE unmatched IS NOT NULL ORDER BY rowid;
    DROP VIEW unmatched_numbers;
    DROP TABLE call_legs;
    -- one row per CDR row read (several legs make one call); the raw row is at src_file:src_line
    CREATE VIEW call_legs AS
        SELECT c.call_id, l.value ->> 2 AS leg_hash, COALESCE(l.value ->> 16, c.source) AS source,
               COALESCE(l.value ->> 15, c.src_file) AS src_file, l.value ->> 0 AS src_line, l.value ->> 1 AS run_id,
               l.value ->> 3 AS sequence, l.value ->> 4 AS start_epoch, l.value ->> 5 AS duration,
               l.value ->> 6 AS billsec, l.value ->> 7 AS disposition, l.value ->> 8 AS direction,
               l.value ->> 9 AS caller_kind, l.value ->> 10 AS callee_kind, l.value ->> 11 AS caller_rep,
               l.value ->> 12 AS callee_rep, l.value ->> 13 AS external_raw, l.value ->> 14 AS external_e164,
               l.value ->> 17 AS unmatched
        FROM calls c, json_each(c.legs_json) l;
    -- one row per unmatched company-side number (extension not in the roster), per source
    CREATE VIEW unmatched_numbers AS
        SELECT source, number, COUNT(*) AS legs,
               strftime('%Y-%m-%dT%H:%M:%SZ', MIN(start_epoch), 'unixepoch') AS first_seen,
               strftime('%Y-%m-%dT%H:%M:%SZ', MAX(start_epoch), 'unixepoch') AS last_seen
        FROM unmatched_legs GROUP BY source, number;
    DROP INDEX IF EXISTS calls_date;
    -- Covers the rep_daily aggregation: an index-only scan in group order, no sort, no wide rows. Kept
    -- during bulk loads too: calls arrive in time order, so its entries are appended, not scattered.
    CREATE INDEX calls_daily ON calls(local_date, rep_id, direction, disposition, is_effective, talk_secs);
    """

    // CHECKs are written as ORs, not `IN (...)`: SQLite evaluates a constant IN list through an
    // ephemeral table opened and closed for every inserted row (half of the calls insert time).
    static let foundation = """
    -- one row per run of `salesops run`
    CREATE TABLE etl_runs (
        run_id        INTEGER PRIMARY KEY,
        pipeline      TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        as_of         TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status = 'running' OR status = 'ok' OR status = 'failed'),
        files_read    INTEGER NOT NULL DEFAULT 0,
        files_skipped INTEGER NOT NULL DEFAULT 0,
        rows_read     INTEGER NOT NULL DEFAULT 0,
        rows_loaded   INTEGER NOT NULL DEFAULT 0,
        rows_filtered INTEGER NOT NULL DEFAULT 0,
        rows_rejected INTEGER NOT NULL DEFAULT 0,
        message       TEXT
    );
    -- one row per run and source: rows_read = rows_loaded + rows_filtered + rows_rejected
    CREATE TABLE etl_sources (
        run_id        INTEGER NOT NULL REFERENCES etl_runs(run_id),
        source        TEXT NOT NULL,
        kind          TEXT NOT NULL,
        files_read    INTEGER NOT NULL,
        files_skipped INTEGER NOT NULL,
        rows_read     INTEGER NOT NULL,
        rows_loaded   INTEGER NOT NULL,
        rows_filtered INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        PRIMARY KEY (run_id, source),
        CHECK (rows_read = rows_loaded + rows_filtered + rows_rejected)
    );
    -- one row per run, source and filter reason
    CREATE TABLE etl_filtered (
        run_id INTEGER NOT NULL REFERENCES etl_runs(run_id),
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        rows   INTEGER NOT NULL,
        PRIMARY KEY (run_id, source, reason)
    );
    -- one row per input file version (path and content hash)
    CREATE TABLE etl_files (
        path    TEXT NOT NULL,
        sha256  TEXT NOT NULL,
        bytes   INTEGER NOT NULL,
        rows    INTEGER NOT NULL,
        source  TEXT NOT NULL,
        run_id  INTEGER NOT NULL REFERENCES etl_runs(run_id),
        PRIMARY KEY (path, sha256)
    );
    -- one row per rejected input row
    CREATE TABLE rejects (
        reject_id INTEGER PRIMARY KEY,
        run_id    INTEGER NOT NULL REFERENCES etl_runs(run_id),
        source    TEXT NOT NULL,
        src_file  TEXT NOT NULL,
        src_line  INTEGER NOT NULL,
        reason    TEXT NOT NULL,
        raw       TEXT NOT NULL
    );
    -- one row per rep (from config)
    CREATE TABLE reps (
        rep_id      TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        team        TEXT NOT NULL,
        active_from TEXT,
        active_to   TEXT
    );
    -- one row per rep and number (extension or DID)
    CREATE TABLE rep_numbers (
        rep_id TEXT NOT NULL REFERENCES reps(rep_id),
        kind   TEXT NOT NULL CHECK (kind = 'extension' OR kind = 'did'),
        number TEXT NOT NULL,
        PRIMARY KEY (kind, number)
    );
    -- one row per rep and metric: the norm per business day in force
    CREATE TABLE norms (
        rep_id  TEXT NOT NULL REFERENCES reps(rep_id),
        metric  TEXT NOT NULL,
        per_day REAL NOT NULL,
        PRIMARY KEY (rep_id, metric)
    );
    -- one row per local date around the data: business day flags in the company calendar
    CREATE TABLE calendar (
        local_date      TEXT PRIMARY KEY,
        iso_weekday     INTEGER NOT NULL,
        is_business_day INTEGER NOT NULL CHECK (is_business_day = 0 OR is_business_day = 1)
    );
    -- one row per setting used by the last run (time zone, thresholds)
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    -- one row per CDR row read (several legs make one call), with what regrouping needs; the raw row is
    -- at src_file:src_line. A file read whole again replaces its rows
    CREATE TABLE call_legs (
        call_id       TEXT NOT NULL,
        leg_hash      INTEGER NOT NULL,   -- FNV-1a of the leg's identity: the same CDR row read twice
                                          -- (overlapping exports) is dropped when its call is regrouped
        source        TEXT NOT NULL,
        src_file      TEXT NOT NULL,
        src_line      INTEGER NOT NULL,
        run_id        INTEGER NOT NULL,
        sequence      INTEGER,
        start_epoch   INTEGER NOT NULL,
        duration      INTEGER NOT NULL CHECK (duration >= 0),
        billsec       INTEGER NOT NULL CHECK (billsec >= 0),
        disposition   TEXT NOT NULL,
        direction     TEXT NOT NULL,
        caller_kind   TEXT NOT NULL,
        callee_kind   TEXT NOT NULL,
        caller_rep    TEXT,
        callee_rep    TEXT,
        external_raw  TEXT,
        external_e164 TEXT,
        unmatched     TEXT
    );
    -- one row per call (legs grouped by linkedid, else uniqueid)
    CREATE TABLE calls (
        call_id      TEXT PRIMARY KEY,
        started_at   TEXT NOT NULL,
        start_epoch  INTEGER NOT NULL,
        local_date   TEXT NOT NULL,
        direction    TEXT NOT NULL CHECK (direction = 'inbound' OR direction = 'outbound' OR direction = 'internal'),
        rep_id       TEXT,
        client_phone TEXT,
        raw_number   TEXT,
        disposition  TEXT NOT NULL CHECK (disposition = 'answered' OR disposition = 'busy' OR disposition = 'failed' OR disposition = 'missed'),
        ring_secs    INTEGER NOT NULL,
        talk_secs    INTEGER NOT NULL,
        is_effective INTEGER NOT NULL CHECK (is_effective = 0 OR is_effective = 1),
        legs         INTEGER NOT NULL,
        source       TEXT NOT NULL,
        src_file     TEXT NOT NULL,
        src_line     INTEGER NOT NULL,
        run_id       INTEGER NOT NULL
    );
    -- one row per missed inbound call, with its first callback
    CREATE TABLE missed_calls (
        call_id          TEXT PRIMARY KEY REFERENCES calls(call_id),
        rep_id           TEXT,
        client_phone     TEXT,
        raw_number       TEXT,
        missed_at        TEXT NOT NULL,
        local_date       TEXT NOT NULL,
        callback_call_id TEXT,
        callback_at      TEXT,
        callback_mins    INTEGER,
        within_window    INTEGER NOT NULL CHECK (within_window = 0 OR within_window = 1),
        src_file         TEXT NOT NULL,
        src_line         INTEGER NOT NULL
    );
    CREATE INDEX missed_calls_date ON missed_calls(local_date);
    -- one row per rep and local date
    CREATE TABLE rep_daily (
        rep_id             TEXT NOT NULL,
        local_date         TEXT NOT NULL,
        calls_out          INTEGER NOT NULL DEFAULT 0,
        calls_in           INTEGER NOT NULL DEFAULT 0,
        calls_out_effective INTEGER NOT NULL DEFAULT 0,
        calls_in_effective INTEGER NOT NULL DEFAULT 0,
        talk_secs          INTEGER NOT NULL DEFAULT 0,
        missed_in          INTEGER NOT NULL DEFAULT 0,
        emails_out         INTEGER NOT NULL DEFAULT 0,
        proposals          INTEGER NOT NULL DEFAULT 0,
        meetings           INTEGER NOT NULL DEFAULT 0,
        meeting_mins       INTEGER NOT NULL DEFAULT 0,
        chats              INTEGER NOT NULL DEFAULT 0,
        leads_new          INTEGER NOT NULL DEFAULT 0,
        leads_junk         INTEGER NOT NULL DEFAULT 0,
        deals_won          INTEGER NOT NULL DEFAULT 0,
        revenue_won        REAL NOT NULL DEFAULT 0,
        payments_amount    REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (rep_id, local_date)
    );
    -- one row per unmatched company-side number (extension not in the roster), per source
    CREATE VIEW unmatched_numbers AS
        SELECT source, unmatched AS number, COUNT(*) AS legs, MIN(started_at) AS first_seen,
               MAX(started_at) AS last_seen
        FROM (SELECT source, unmatched, strftime('%Y-%m-%dT%H:%M:%SZ', start_epoch, 'unixepoch') AS started_at
              FROM call_legs WHERE unmatched IS NOT NULL)
        GROUP BY source, unmatched;
    """

    /// Secondary indexes whose entries a load scatters: dropped before a bulk load into empty tables and
    /// built after it.
    public static let bulkIndexes = [
        ("calls_client", "CREATE INDEX IF NOT EXISTS calls_client ON calls(client_phone, start_epoch)"),
        ("calls_missed", """
            CREATE INDEX IF NOT EXISTS calls_missed ON calls(client_phone, start_epoch)
                WHERE direction = 'inbound' AND disposition != 'answered'
            """),
    ]
}
