import SalesopsPostgres
import SalesopsSQL

/// The warehouse's schema in PostgreSQL, versioned as the SQLite warehouse's is: migrations named
/// like ``Migrations/all``'s, applied in order, each once, each in its own transaction, recorded in the
/// schema's `schema_migrations`, never edited once shipped. The first, `018_baseline`, is the schema
/// SQLite reaches with `018_deal_lookup_index` (no PostgreSQL warehouse existed before it); every later
/// SQLite migration gets a PostgreSQL migration of the same name (a test holds the two lists together).
///
/// Types follow what the columns hold: instants (`*_at`, written `YYYY-MM-DDTHH:MM:SSZ` in SQLite) are
/// `timestamptz`, calendar dates `date`, money (`amount`, `revenue_won`, `payments_amount`) and the
/// period figures `numeric`, other reals `double precision`, whole numbers and 0/1 flags `bigint`, the
/// JSON arrays (`calls.legs_json`, `alerts.evidence`, `calendar_events.crm_bindings`) `jsonb`, the rest
/// `text`. Keys, checks and indexes are SQLite's; foreign keys are not declared (SQLite does not
/// enforce them either). The views of SQLite's migrations are here, typed alike; the models' views
/// come with the models' PostgreSQL dialect.
public enum PostgresMigrations {
    public static let all: [(name: String, sql: String)] = [
        ("018_baseline", baseline),
    ]

    /// Whether the server holds `schema`.
    public static func schemaExists(_ db: PostgresConnection, _ schema: String) throws -> Bool {
        try db.scalar("SELECT 1 FROM pg_namespace WHERE nspname = ?", [.text(schema)]) != nil
    }

    /// Creates `schema` when missing and applies every migration not yet recorded in it. The caller
    /// holds the run lock (``PostgresRunLock``). Leaves the connection's `search_path` on `schema`.
    public static func migrate(_ db: PostgresConnection, schema: String) throws {
        try db.execute("""
            CREATE SCHEMA IF NOT EXISTS \(schema);
            SET search_path TO \(schema);
            CREATE TABLE IF NOT EXISTS schema_migrations (  -- one row per applied migration
                name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """)
        let applied = Set(try db.query("SELECT name FROM schema_migrations", []).compactMap { $0[0].string })
        for migration in all where !applied.contains(migration.name) {
            try db.transaction {
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations(name) VALUES (?)", [.text(migration.name)])
            }
        }
    }

    static let baseline = """
    CREATE TABLE absences (
        rep_id text NOT NULL,
        from_date date NOT NULL,
        to_date date NOT NULL,
        kind text NOT NULL,
        origin text NOT NULL
    );
    CREATE TABLE access_events (
        person text NOT NULL,
        person_key text NOT NULL,
        at_epoch bigint NOT NULL,
        local_date date NOT NULL,
        second bigint NOT NULL,
        direction text NOT NULL,
        door text NOT NULL,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        PRIMARY KEY (person_key, at_epoch, direction, door),
        CHECK (direction IN ('in', 'out'))
    );
    CREATE TABLE activities (
        activity_id text PRIMARY KEY,
        kind text NOT NULL,
        rep_id text,
        crm_user_id text,
        owner_type text NOT NULL,
        owner_id text NOT NULL,
        start_at timestamptz,
        start_epoch bigint,
        end_at timestamptz,
        end_epoch bigint,
        local_date date,
        completed bigint NOT NULL,
        direction text,
        subject text NOT NULL,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        CHECK (kind = 'meeting' OR kind = 'call' OR kind = 'email' OR kind = 'task' OR kind = 'chat' OR kind = 'other'),
        CHECK (completed = 0 OR completed = 1)
    );
    CREATE TABLE alerts (
        as_of date NOT NULL,
        alert_id text NOT NULL,
        rep_id text,
        kind text NOT NULL,
        severity text NOT NULL,
        metric text,
        message text NOT NULL,
        evidence jsonb NOT NULL,
        PRIMARY KEY (as_of, alert_id),
        CHECK (severity = 'high' OR severity = 'medium' OR severity = 'low')
    );
    CREATE TABLE as_of_context (
        as_of date NOT NULL,
        as_of_end timestamptz NOT NULL,
        as_of_end_epoch bigint NOT NULL,
        since_date date NOT NULL,
        since_end timestamptz NOT NULL,
        since_end_epoch bigint NOT NULL,
        as_of_time bigint
    );
    CREATE TABLE calendar (
        local_date date PRIMARY KEY,
        iso_weekday bigint NOT NULL,
        is_business_day bigint NOT NULL,
        CHECK (is_business_day = 0 OR is_business_day = 1)
    );
    CREATE TABLE calendar_events (
        event_id text PRIMARY KEY,
        owner_user_id text NOT NULL,
        name text NOT NULL,
        name_folded text NOT NULL,
        all_day bigint NOT NULL,
        accessibility text NOT NULL,
        location text NOT NULL,
        location_folded text NOT NULL,
        is_meeting bigint NOT NULL,
        deleted bigint NOT NULL,
        rrule text NOT NULL,
        crm_bindings jsonb NOT NULL,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        CHECK (all_day IN (0, 1)),
        CHECK (is_meeting IN (0, 1)),
        CHECK (deleted IN (0, 1))
    );
    CREATE TABLE calendar_patterns (
        category text NOT NULL,
        pattern text NOT NULL,
        PRIMARY KEY (category, pattern),
        CHECK (category IN ('absence', 'trip', 'marketing', 'office'))
    );
    CREATE TABLE calendar_segments (
        event_id text NOT NULL,
        local_date date NOT NULL,
        start_sec bigint,
        end_sec bigint,
        occurrence_start bigint NOT NULL,
        occurrence_end bigint NOT NULL,
        PRIMARY KEY (event_id, occurrence_start, local_date)
    );
    CREATE TABLE calls (
        call_id text PRIMARY KEY,
        started_at timestamptz NOT NULL,
        start_epoch bigint NOT NULL,
        local_date date NOT NULL,
        direction text NOT NULL,
        rep_id text,
        client_phone text,
        raw_number text,
        disposition text NOT NULL,
        ring_secs bigint NOT NULL,
        talk_secs bigint NOT NULL,
        is_effective bigint NOT NULL,
        legs bigint NOT NULL,
        source text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        legs_json jsonb NOT NULL DEFAULT '[]',
        CHECK (direction = 'inbound' OR direction = 'outbound' OR direction = 'internal'),
        CHECK (disposition = 'answered' OR disposition = 'busy' OR disposition = 'failed' OR disposition = 'missed'),
        CHECK (is_effective = 0 OR is_effective = 1)
    );
    CREATE TABLE captions (
        language text NOT NULL,
        key text NOT NULL,
        text text NOT NULL,
        PRIMARY KEY (language, key)
    );
    CREATE TABLE crm_statuses (
        entity_id text NOT NULL,
        status_id text NOT NULL,
        name text NOT NULL,
        sort bigint NOT NULL,
        semantics text,
        PRIMARY KEY (entity_id, status_id)
    );
    CREATE TABLE crm_users (
        user_id text PRIMARY KEY,
        name text NOT NULL,
        email text,
        active bigint NOT NULL,
        CHECK (active = 0 OR active = 1)
    );
    CREATE TABLE deal_stage_history (
        deal_id text NOT NULL,
        stage_id text NOT NULL,
        pipeline text,
        entered_at timestamptz NOT NULL,
        entered_epoch bigint NOT NULL,
        rep_id text,
        history_id text,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        PRIMARY KEY (deal_id, entered_epoch, stage_id)
    );
    CREATE TABLE deals (
        deal_id text PRIMARY KEY,
        title text NOT NULL,
        pipeline text NOT NULL,
        stage_id text NOT NULL,
        stage_semantic text NOT NULL,
        rep_id text,
        crm_user_id text,
        amount numeric,
        currency text,
        created_at timestamptz NOT NULL,
        created_epoch bigint NOT NULL,
        local_date date NOT NULL,
        closed_at date,
        lead_id text,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        CHECK (stage_semantic = 'open' OR stage_semantic = 'won' OR stage_semantic = 'lost')
    );
    CREATE TABLE email_attachments (
        message_id text NOT NULL,
        position bigint NOT NULL,
        filename text NOT NULL,
        content_type text NOT NULL,
        PRIMARY KEY (message_id, position)
    );
    CREATE TABLE email_recipients (
        message_id text NOT NULL,
        address text NOT NULL,
        PRIMARY KEY (message_id, address)
    );
    CREATE TABLE email_sightings (
        message_id text NOT NULL,
        source text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        src_offset bigint NOT NULL,
        run_id bigint NOT NULL,
        PRIMARY KEY (message_id, src_file, src_offset)
    );
    CREATE TABLE email_unmatched (
        message_id text NOT NULL,
        address text NOT NULL,
        PRIMARY KEY (message_id, address)
    );
    CREATE TABLE emails (
        message_id text PRIMARY KEY,
        sent_at timestamptz NOT NULL,
        sent_epoch bigint NOT NULL,
        local_date date NOT NULL,
        direction text NOT NULL,
        rep_id text,
        from_email text NOT NULL,
        client_email text,
        subject text NOT NULL,
        attachments bigint NOT NULL,
        is_proposal bigint NOT NULL,
        thread_id text NOT NULL,
        has_message_id bigint NOT NULL,
        undecodable bigint NOT NULL,
        source text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        src_offset bigint NOT NULL,
        run_id bigint NOT NULL,
        headers_cut bigint NOT NULL DEFAULT 0,
        CHECK (direction = 'inbound' OR direction = 'outbound' OR direction = 'internal'),
        CHECK (is_proposal = 0 OR is_proposal = 1),
        CHECK (has_message_id = 0 OR has_message_id = 1),
        CHECK (undecodable = 0 OR undecodable = 1),
        CHECK (headers_cut = 0 OR headers_cut = 1)
    );
    CREATE TABLE etl_files (
        path text NOT NULL,
        sha256 text NOT NULL,
        bytes bigint NOT NULL,
        rows bigint NOT NULL,
        source text NOT NULL,
        run_id bigint NOT NULL,
        resume_offset bigint,
        resume_line bigint,
        resume_sha256 text,
        stat_key text,
        resume_state text,
        resume_sample_sha256 text,
        PRIMARY KEY (path, sha256)
    );
    CREATE TABLE etl_filtered (
        run_id bigint NOT NULL,
        source text NOT NULL,
        reason text NOT NULL,
        rows bigint NOT NULL,
        PRIMARY KEY (run_id, source, reason)
    );
    CREATE TABLE etl_notes (
        run_id bigint NOT NULL,
        source text NOT NULL,
        src_file text NOT NULL,
        message text NOT NULL
    );
    CREATE TABLE etl_runs (
        run_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        pipeline text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        as_of date NOT NULL,
        status text NOT NULL,
        files_read bigint NOT NULL DEFAULT 0,
        files_skipped bigint NOT NULL DEFAULT 0,
        rows_read bigint NOT NULL DEFAULT 0,
        rows_loaded bigint NOT NULL DEFAULT 0,
        rows_filtered bigint NOT NULL DEFAULT 0,
        rows_rejected bigint NOT NULL DEFAULT 0,
        message text,
        CHECK (status = 'running' OR status = 'ok' OR status = 'failed' OR status = 'report_failed' OR status = 'no_data')
    );
    CREATE TABLE etl_sources (
        run_id bigint NOT NULL,
        source text NOT NULL,
        kind text NOT NULL,
        files_read bigint NOT NULL,
        files_skipped bigint NOT NULL,
        rows_read bigint NOT NULL,
        rows_loaded bigint NOT NULL,
        rows_filtered bigint NOT NULL,
        rows_rejected bigint NOT NULL,
        PRIMARY KEY (run_id, source),
        CHECK (rows_read = rows_loaded + rows_filtered + rows_rejected)
    );
    CREATE TABLE funnel (
        period_start date NOT NULL,
        period_end date NOT NULL,
        pipeline text NOT NULL,
        stage_id text NOT NULL,
        stage_order bigint NOT NULL,
        rep_id text,
        reached bigint NOT NULL,
        conversion double precision
    );
    CREATE TABLE funnel_stages (
        pipeline text NOT NULL,
        stage_id text NOT NULL,
        name text,
        stage_order bigint NOT NULL,
        required bigint NOT NULL,
        final text,
        max_days bigint,
        PRIMARY KEY (pipeline, stage_id),
        CHECK (required = 0 OR required = 1),
        CHECK (final IS NULL OR final = 'won' OR final = 'lost')
    );
    CREATE TABLE lead_contacts (
        lead_id text NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        normalized text,
        PRIMARY KEY (lead_id, kind, value),
        CHECK (kind = 'phone' OR kind = 'email')
    );
    CREATE TABLE lead_conversion (
        as_of date NOT NULL,
        period text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        scope text NOT NULL,
        rep_id text,
        created bigint NOT NULL,
        converted bigint NOT NULL,
        junk bigint NOT NULL,
        open bigint NOT NULL,
        conversion_of_closed double precision,
        conversion_of_created double precision,
        response_median_mins double precision,
        response_p90_mins bigint,
        within_sla_share double precision,
        CHECK (period = 'wtd' OR period = 'mtd'),
        CHECK (scope = 'rep' OR scope = 'department')
    );
    CREATE TABLE lead_status_history (
        lead_id text NOT NULL,
        status_id text NOT NULL,
        entered_at timestamptz NOT NULL,
        entered_epoch bigint NOT NULL,
        history_id text,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        PRIMARY KEY (lead_id, entered_epoch, status_id)
    );
    CREATE TABLE leads (
        lead_id text PRIMARY KEY,
        title text NOT NULL,
        created_at timestamptz NOT NULL,
        created_epoch bigint NOT NULL,
        local_date date NOT NULL,
        rep_id text,
        crm_user_id text,
        source text,
        status_id text NOT NULL,
        status_semantic text NOT NULL,
        status_description text NOT NULL,
        junk_reason text,
        first_contact_at timestamptz,
        first_contact_epoch bigint,
        first_contact_channel text,
        response_mins bigint,
        sla_breached bigint,
        junk_without_reason bigint,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        closed_epoch bigint,
        moved_epoch bigint,
        CHECK (status_semantic = 'open' OR status_semantic = 'converted' OR status_semantic = 'junk')
    );
    CREATE TABLE metrics (
        metric text PRIMARY KEY,
        position bigint NOT NULL,
        normable bigint NOT NULL,
        unit text NOT NULL,
        CHECK (normable = 0 OR normable = 1),
        CHECK (unit = 'count' OR unit = 'decimal' OR unit = 'money')
    );
    CREATE TABLE missed_calls (
        call_id text PRIMARY KEY,
        rep_id text,
        client_phone text,
        raw_number text,
        missed_at timestamptz NOT NULL,
        local_date date NOT NULL,
        callback_call_id text,
        callback_at timestamptz,
        callback_mins bigint,
        within_window bigint NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        CHECK (within_window = 0 OR within_window = 1)
    );
    CREATE TABLE model_dates (
        local_date date PRIMARY KEY
    );
    CREATE TABLE model_phones (
        phone text PRIMARY KEY
    );
    CREATE TABLE models (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        kind text NOT NULL,
        grain text NOT NULL,
        depends_on text NOT NULL,
        sql text NOT NULL
    );
    CREATE TABLE norm_rules (
        scope text NOT NULL,
        scope_id text NOT NULL,
        metric text NOT NULL,
        per text NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (scope, scope_id, metric),
        CHECK (scope = 'department' OR scope = 'team' OR scope = 'rep'),
        CHECK (per = 'day' OR per = 'week' OR per = 'month')
    );
    CREATE TABLE overdue_tasks (
        as_of date NOT NULL,
        task_id text NOT NULL,
        rep_id text,
        title text NOT NULL,
        deadline_at timestamptz NOT NULL,
        closed_at timestamptz,
        overdue_days bigint NOT NULL,
        PRIMARY KEY (as_of, task_id)
    );
    CREATE TABLE payments (
        payment_id text PRIMARY KEY,
        deal_id text,
        rep_id text,
        paid_at timestamptz NOT NULL,
        paid_epoch bigint NOT NULL,
        local_date date NOT NULL,
        amount numeric NOT NULL,
        currency text,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL
    );
    CREATE TABLE pipelines (
        pipeline text PRIMARY KEY,
        name text NOT NULL
    );
    CREATE TABLE rejects (
        reject_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        run_id bigint NOT NULL,
        source text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        reason text NOT NULL,
        raw text NOT NULL
    );
    CREATE TABLE rep_daily (
        rep_id text NOT NULL,
        local_date date NOT NULL,
        calls_out bigint NOT NULL DEFAULT 0,
        calls_in bigint NOT NULL DEFAULT 0,
        calls_out_effective bigint NOT NULL DEFAULT 0,
        calls_in_effective bigint NOT NULL DEFAULT 0,
        talk_secs bigint NOT NULL DEFAULT 0,
        missed_in bigint NOT NULL DEFAULT 0,
        emails_out bigint NOT NULL DEFAULT 0,
        proposals bigint NOT NULL DEFAULT 0,
        meetings bigint NOT NULL DEFAULT 0,
        meeting_mins bigint NOT NULL DEFAULT 0,
        chats bigint NOT NULL DEFAULT 0,
        leads_new bigint NOT NULL DEFAULT 0,
        leads_junk bigint NOT NULL DEFAULT 0,
        deals_won bigint NOT NULL DEFAULT 0,
        revenue_won numeric NOT NULL DEFAULT 0,
        payments_amount numeric NOT NULL DEFAULT 0,
        work_mins bigint NOT NULL DEFAULT 0,
        field_mins bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (rep_id, local_date)
    );
    CREATE TABLE rep_daily_calls (
        rep_id text,
        local_date date NOT NULL,
        calls_out bigint NOT NULL,
        calls_in bigint NOT NULL,
        calls_out_effective bigint NOT NULL,
        calls_in_effective bigint NOT NULL,
        talk_secs bigint NOT NULL,
        missed_in bigint NOT NULL
    );
    CREATE TABLE rep_daily_mail (
        rep_id text,
        local_date date NOT NULL,
        emails_out bigint NOT NULL,
        proposals bigint NOT NULL
    );
    CREATE TABLE rep_keys (
        kind text NOT NULL,
        key text NOT NULL,
        rep_id text NOT NULL,
        PRIMARY KEY (kind, key),
        CHECK (kind IN ('crm_user', 'badge', 'name'))
    );
    CREATE TABLE rep_numbers (
        rep_id text NOT NULL,
        kind text NOT NULL,
        number text NOT NULL,
        PRIMARY KEY (kind, number),
        CHECK (kind = 'extension' OR kind = 'did')
    );
    CREATE TABLE rep_period (
        as_of date NOT NULL,
        period text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        scope text NOT NULL,
        rep_id text,
        metric text NOT NULL,
        value numeric NOT NULL,
        norm numeric,
        pct_of_norm double precision,
        working_days bigint,
        CHECK (period = 'day' OR period = 'wtd' OR period = 'mtd' OR period = 'prev_week'),
        CHECK (scope = 'rep' OR scope = 'no_rep' OR scope = 'department')
    );
    CREATE TABLE rep_schedules (
        rep_id text PRIMARY KEY,
        start_sec bigint NOT NULL,
        end_sec bigint NOT NULL,
        scope text NOT NULL,
        CHECK (scope IN ('company', 'team', 'rep'))
    );
    CREATE TABLE reps (
        rep_id text PRIMARY KEY,
        name text NOT NULL,
        team text NOT NULL,
        active_from date,
        active_to date
    );
    CREATE TABLE settings (
        key text PRIMARY KEY,
        value text NOT NULL
    );
    CREATE TABLE stage_violations (
        deal_id text NOT NULL,
        rep_id text,
        pipeline text NOT NULL,
        entered_stage text NOT NULL,
        entered_at timestamptz NOT NULL,
        skipped_stages text NOT NULL,
        PRIMARY KEY (deal_id, entered_stage)
    );
    CREATE TABLE stuck_deals (
        as_of date NOT NULL,
        deal_id text NOT NULL,
        rep_id text,
        stage_id text NOT NULL,
        days_at_stage bigint NOT NULL,
        max_days bigint NOT NULL,
        PRIMARY KEY (as_of, deal_id)
    );
    CREATE TABLE tasks (
        task_id text PRIMARY KEY,
        title text NOT NULL,
        rep_id text,
        crm_user_id text,
        created_at timestamptz,
        deadline_at timestamptz,
        deadline_epoch bigint,
        closed_at timestamptz,
        closed_epoch bigint,
        status text NOT NULL,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL
    );
    CREATE TABLE unmatched_legs (
        source text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        number text NOT NULL,
        start_epoch bigint NOT NULL,
        leg_hash bigint
    );
    CREATE TABLE untouched_deals (
        as_of date NOT NULL,
        deal_id text NOT NULL,
        rep_id text,
        stage_id text NOT NULL,
        last_contact_at timestamptz,
        days_without_contact bigint NOT NULL,
        planned bigint NOT NULL,
        PRIMARY KEY (as_of, deal_id),
        CHECK (planned = 0 OR planned = 1)
    );
    CREATE TABLE workday_snapshots (
        crm_user_id text NOT NULL,
        local_date date NOT NULL,
        status text NOT NULL,
        start_epoch bigint NOT NULL,
        start_sec bigint NOT NULL,
        utc_offset bigint NOT NULL,
        finish_epoch bigint,
        break_secs bigint NOT NULL,
        source_name text NOT NULL,
        src_file text NOT NULL,
        src_line bigint NOT NULL,
        run_id bigint NOT NULL,
        PRIMARY KEY (crm_user_id, local_date),
        CHECK (status IN ('open', 'paused', 'closed', 'expired'))
    );
    CREATE TABLE worktime_days (
        rep_id text NOT NULL,
        local_date date NOT NULL,
        work_start text,
        work_end text,
        work_mins bigint NOT NULL,
        break_mins bigint NOT NULL,
        office_mins bigint NOT NULL,
        field_mins bigint NOT NULL,
        late_mins bigint,
        status text NOT NULL,
        source text NOT NULL,
        PRIMARY KEY (rep_id, local_date)
    );
    CREATE INDEX access_events_date ON access_events(local_date);
    CREATE INDEX activities_date ON activities(local_date, rep_id);
    CREATE INDEX activities_owner ON activities(owner_type, owner_id);
    CREATE INDEX calendar_segments_date ON calendar_segments(local_date);
    CREATE INDEX calls_client ON calls(client_phone, start_epoch);
    CREATE INDEX calls_daily ON calls(local_date, rep_id, direction, disposition, is_effective, talk_secs);
    CREATE INDEX calls_missed ON calls(client_phone, start_epoch) WHERE direction = 'inbound' AND disposition != 'answered';
    CREATE INDEX calls_unnormalised ON calls(source, raw_number) WHERE client_phone IS NULL AND raw_number IS NOT NULL;
    CREATE INDEX calls_without_rep ON calls(source, direction, disposition) WHERE rep_id IS NULL AND direction != 'internal';
    CREATE INDEX deals_created ON deals(local_date, rep_id);
    CREATE INDEX deals_lead ON deals(lead_id);
    CREATE INDEX deals_lookup ON deals(deal_id, pipeline, rep_id, created_at);
    CREATE INDEX email_recipients_address ON email_recipients(address);
    CREATE INDEX email_sightings_file ON email_sightings(src_file);
    CREATE INDEX emails_client ON emails(client_email, sent_epoch);
    CREATE INDEX emails_daily ON emails(local_date, rep_id, direction, is_proposal);
    CREATE INDEX funnel_period ON funnel(period_start, pipeline, rep_id);
    CREATE INDEX lead_contacts_normalized ON lead_contacts(normalized);
    CREATE INDEX lead_conversion_as_of ON lead_conversion(as_of, rep_id);
    CREATE INDEX leads_date ON leads(local_date, rep_id);
    CREATE INDEX missed_calls_date ON missed_calls(local_date);
    CREATE INDEX missed_calls_phone ON missed_calls(client_phone);
    CREATE INDEX rep_daily_date ON rep_daily(local_date);
    CREATE INDEX rep_daily_calls_date ON rep_daily_calls(local_date, rep_id);
    CREATE INDEX rep_daily_mail_date ON rep_daily_mail(local_date, rep_id);
    CREATE UNIQUE INDEX rep_period_key ON rep_period(as_of, period, scope, COALESCE(rep_id, ''), metric);
    CREATE INDEX rep_period_rep ON rep_period(as_of, rep_id, metric, period);
    CREATE INDEX unmatched_legs_file ON unmatched_legs(src_file);
    CREATE INDEX unmatched_legs_hash ON unmatched_legs(leg_hash);
    -- The views of SQLite's migrations, typed as SQLite types them: `->>` gives text here, so numbers are cast.
    CREATE VIEW call_legs AS
        SELECT c.call_id, (l.value ->> 2)::bigint AS leg_hash, COALESCE(l.value ->> 16, c.source) AS source,
               COALESCE(l.value ->> 15, c.src_file) AS src_file, (l.value ->> 0)::bigint AS src_line,
               (l.value ->> 1)::bigint AS run_id, (l.value ->> 3)::bigint AS sequence, (l.value ->> 4)::bigint AS start_epoch,
               (l.value ->> 5)::bigint AS duration, (l.value ->> 6)::bigint AS billsec, l.value ->> 7 AS disposition,
               l.value ->> 8 AS direction, l.value ->> 9 AS caller_kind, l.value ->> 10 AS callee_kind,
               l.value ->> 11 AS caller_rep, l.value ->> 12 AS callee_rep, l.value ->> 13 AS external_raw,
               l.value ->> 14 AS external_e164, l.value ->> 17 AS unmatched
        FROM calls c, jsonb_array_elements(c.legs_json) l(value);
    CREATE VIEW unmatched_numbers AS
        SELECT source, number, COUNT(*) AS legs, to_timestamp(MIN(start_epoch)) AS first_seen,
               to_timestamp(MAX(start_epoch)) AS last_seen
        FROM unmatched_legs GROUP BY source, number;
    CREATE VIEW unmatched_addresses AS
        SELECT e.source, u.address, COUNT(*) AS messages, MIN(e.sent_at) AS first_seen, MAX(e.sent_at) AS last_seen
        FROM email_unmatched u JOIN emails e ON e.message_id = u.message_id
        GROUP BY e.source, u.address;
    """
}
