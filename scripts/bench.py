#!/usr/bin/env python3
"""salesops benchmark: every performance case of the product against its target and, where one exists,
the tool a user would otherwise run on the same files. Prints one table.

  scripts/bench [--rows N] [--runs K] [--rss-5m] [--mbox-mb MB] [--no-crm] [--year] [--pg | --pg-only]

Cases (each timed as a whole process, wall time, peak RSS from /usr/bin/time -v):
  CDR night   `salesops run --no-report` on a generated Asterisk Master.csv of N rows (default 1M; ring
              groups and missed calls in realistic shares), a fresh warehouse each run, alternating K times
              (default 5) with DuckDB `read_csv_auto`, the sqlite3 CLI `.import` and pandas `read_csv` +
              `to_sql` on the same file; the medians and the ratios salesops / tool
  5M rows     (--rss-5m) salesops's peak RSS at 5,000,000 rows: it must stay flat
  report      `salesops report` on that warehouse (200 reps): department.xlsx, and the 200 rep workbooks
  incremental a nightly run adding one day on top of that warehouse
  mbox        a Takeout-style mbox of --mbox-mb MB (default 1024; 0 skips)
  CRM         Bitrix24 REST dumps (100k leads, 50k deals, 500k stage entries; --no-crm skips), against
              DuckDB `read_json` unnesting the same pages
  year        (--year) the warehouse-scale project (`gen_demo.py --year`: 300 reps, 365 days, about 12M
              calls, a 1 GB mbox, the CRM dumps): first load, a nightly run adding a day, the reports,
              the warehouse's size, and the analyst's three usual queries with the shipped indexes
  PostgreSQL  (--pg) on a throwaway cluster with the server's default durability (`scripts/pg-cluster
              start --durable`): the CDR night into a fresh schema, alternating K times with `psql \copy`
              of the same file into an untyped table; with --year, the year's first load into it, the
              schema's size and the analyst's three queries in PostgreSQL's SQL (server defaults, a fresh
              connection each)
Projects are generated under output/bench/ and kept between invocations.
"""
import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.path.join(ROOT, ".build", "release", "salesops")
BENCH = os.path.join(ROOT, "output", "bench")
AS_OF = "2026-11-20"


def project(rows):
    """A generated benchmark project of about `rows` CDR rows (cached)."""
    path = os.path.join(BENCH, "p%d" % rows)
    master = os.path.join(path, "input", "telephony", "asterisk", "Master.csv")
    if not os.path.exists(master):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_demo.py"), "--scale", str(rows),
                        "--out", path], check=True, stdout=subprocess.DEVNULL)
    return path, master


def measure(cmd, before=None, phases=None):
    """(wall seconds, peak RSS MB) of one command under /usr/bin/time -v; with `phases` (a dict), the
    seconds of each `phase done` line the command logged are appended to it by phase name."""
    if before:
        before()
    start = time.perf_counter()
    res = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if res.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), res.stderr[-2000:]))
    rss = 0
    for line in res.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1]) / 1024
        if phases is not None and "phase done" in line and "phase=" in line:
            name = line.split("phase=", 1)[1].split(" secs=")[0]
            phases.setdefault(name, []).append(float(line.split(" secs=")[1].split()[0]))
    return wall, rss


def fresh(path):
    def clean():
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path, exist_ok=True)
    return clean


def rows_in(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


class Table:
    """The one table the benchmark prints: a row per case with its target and reference."""

    def __init__(self):
        self.rows = []

    def add(self, case, value, unit, target=None, better="lower", ref=None, ref_value=None, rss=None, rss_target=None,
            note=""):
        """A case: its value (seconds, MB/s, MB), the target it must meet (met: value <= target when lower is
        better, >= when higher), a reference tool's value (ratio = value / reference), peak RSS."""
        met = None
        if target is not None:
            met = value <= target if better == "lower" else value >= target
        if rss_target is not None and rss is not None:
            met = (met if met is not None else True) and rss <= rss_target
        self.rows.append((case, value, unit, target, better, ref, ref_value, rss, rss_target, met, note))

    def print(self):
        print("| case | salesops | target | reference | reference value | ratio | peak RSS MB | met |")
        print("|---|---|---|---|---|---|---|---|")
        for case, value, unit, target, better, ref, ref_value, rss, rss_target, met, note in self.rows:
            fmt = lambda v: ("%.2f" % v) if v < 100 else format(int(v), ",")
            tgt = ""
            if target is not None:
                tgt = ("≤ " if better == "lower" else "≥ ") + fmt(target) + " " + unit
            if rss_target is not None:
                tgt += (", " if tgt else "") + "RSS ≤ %d MB" % rss_target
            ratio = "%.2f" % (value / ref_value) if ref_value else ""
            print("| %s | %s %s | %s | %s | %s | %s | %s | %s |" % (
                case + (" (" + note + ")" if note else ""), fmt(value), unit, tgt, ref or "",
                (fmt(ref_value) + " " + unit) if ref_value else "", ratio, "%.0f" % rss if rss is not None else "",
                "" if met is None else ("yes" if met else "**no**")))


def report_phases(proj, runs):
    """Median seconds of `salesops report`'s department and rep-workbook phases, and the peak RSS."""
    phases = {}
    reports = [measure([BIN, "report", "--project", proj, "--as-of", AS_OF], phases=phases) for _ in range(runs)]
    dept = statistics.median(phases.get("department workbook", [0]))
    reps = next((statistics.median(v) for k, v in phases.items() if k.startswith("rep workbooks")), 0)
    return dept, reps, max(r for _, r in reports)


def split_last_day(master):
    """Cuts the last day's rows off a Master.csv (rows are in time order) and returns them."""
    def day(line):
        return next(csv.reader([line.decode("utf-8", "replace")]))[9][:10]

    def first_day_after(f, offset):
        """The day of the first whole line at or after offset."""
        f.seek(offset)
        if offset:
            f.readline()
        line = f.readline()
        return day(line) if line else "9999-99-99"

    size = os.path.getsize(master)
    with open(master, "rb") as f:
        last_day = first_day_after(f, max(0, size - 4096))
        lo, hi = 0, size   # bisect to an offset before the last day's first row
        while hi - lo > 65536:
            mid = (lo + hi) // 2
            if first_day_after(f, mid) < last_day:
                lo = mid
            else:
                hi = mid
        f.seek(lo)
        if lo:
            f.readline()
        while True:
            at = f.tell()
            line = f.readline()
            if not line or day(line) == last_day:
                break
        f.seek(at)
        tail = f.read()
    with open(master, "r+b") as f:
        f.truncate(at)
    return tail


def incremental(proj, name):
    """A nightly run adding the last day of a copy of the project's Master.csv on top of the rest:
    (seconds, RSS, rows added)."""
    inc = os.path.join(BENCH, name)
    shutil.rmtree(inc, ignore_errors=True)
    shutil.copytree(proj, inc, ignore=shutil.ignore_patterns("output"))
    inc_master = os.path.join(inc, "input", "telephony", "asterisk", "Master.csv")
    tail = split_last_day(inc_master)
    measure([BIN, "run", "--project", inc, "--as-of", AS_OF, "--no-report"])
    with open(inc_master, "ab") as f:
        f.write(tail)
    wall, rss = measure([BIN, "run", "--project", inc, "--as-of", AS_OF, "--no-report"])
    return wall, rss, tail.count(b"\n")


ANALYST_QUERIES = [
    ("effective calls per rep per week, a year", """
        SELECT rep_id, date(local_date, 'weekday 1', '-7 days') AS week, SUM(value) AS effective_calls
        FROM rep_metric_daily
        WHERE metric = 'calls_effective' AND local_date > date(?1, '-1 year') AND local_date <= ?1
        GROUP BY rep_id, week"""),
    ("median lead response per rep per month", """
        WITH r AS (
            SELECT rep_id, substr(local_date, 1, 7) AS month, response_mins,
                   ROW_NUMBER() OVER (PARTITION BY rep_id, substr(local_date, 1, 7) ORDER BY response_mins) AS k,
                   COUNT(*) OVER (PARTITION BY rep_id, substr(local_date, 1, 7)) AS n
            FROM leads WHERE response_mins IS NOT NULL AND local_date <= ?1)
        SELECT rep_id, month, AVG(response_mins) AS median_response_mins
        FROM r WHERE k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY rep_id, month"""),
    ("funnel conversion per rep per month", """
        WITH reached AS (
            SELECT d.rep_id, substr(d.created_at, 1, 7) AS month, f.stage_order, COUNT(DISTINCT h.deal_id) AS n
            FROM deal_stage_history h
            JOIN deals d ON d.deal_id = h.deal_id
            JOIN funnel_stages f ON f.pipeline = d.pipeline AND f.stage_id = h.stage_id
            WHERE d.created_at <= ?1 || 'T23:59:59Z'
            GROUP BY d.rep_id, month, f.stage_order)
        SELECT a.rep_id, a.month, a.stage_order, 1.0 * b.n / a.n AS conversion
        FROM reached a JOIN reached b ON b.rep_id IS a.rep_id AND b.month = a.month AND b.stage_order = a.stage_order + 1"""),
]


def analyst_queries(warehouse, runs):
    """Median seconds of each analyst query on a fresh connection (a cold statement, a warm page cache)."""
    import sqlite3
    out = []
    for name, sql in ANALYST_QUERIES:
        times = []
        for _ in range(runs):
            con = sqlite3.connect("file:%s?mode=ro" % warehouse, uri=True)
            start = time.perf_counter()
            rows = con.execute(sql, [AS_OF]).fetchall()
            times.append(time.perf_counter() - start)
            con.close()
        out.append((name, statistics.median(times), len(rows)))
    return out


PG_ANALYST_QUERIES = [
    ("effective calls per rep per week, a year", """
        SELECT rep_id, date_trunc('week', local_date)::date AS week, SUM(value) AS effective_calls
        FROM rep_metric_daily
        WHERE metric = 'calls_effective' AND local_date > %(as_of)s::date - interval '1 year' AND local_date <= %(as_of)s::date
        GROUP BY rep_id, week"""),
    ("median lead response per rep per month", """
        SELECT rep_id, to_char(local_date, 'YYYY-MM') AS month,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY response_mins) AS median_response_mins
        FROM leads WHERE response_mins IS NOT NULL AND local_date <= %(as_of)s::date
        GROUP BY rep_id, month"""),
    ("funnel conversion per rep per month", """
        WITH reached AS (
            SELECT d.rep_id, to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, f.stage_order,
                   COUNT(DISTINCT h.deal_id) AS n
            FROM deal_stage_history h
            JOIN deals d ON d.deal_id = h.deal_id
            JOIN funnel_stages f ON f.pipeline = d.pipeline AND f.stage_id = h.stage_id
            WHERE d.created_at <= (%(as_of)s || 'T23:59:59Z')::timestamptz
            GROUP BY d.rep_id, month, f.stage_order)
        SELECT a.rep_id, a.month, a.stage_order, 1.0 * b.n / a.n AS conversion
        FROM reached a JOIN reached b ON b.rep_id IS NOT DISTINCT FROM a.rep_id AND b.month = a.month
                                     AND b.stage_order = a.stage_order + 1"""),
]


def pg_analyst_queries(url, schema, runs):
    """Median seconds of each analyst query in PostgreSQL on a fresh connection (server defaults)."""
    import psycopg2
    out = []
    for name, sql in PG_ANALYST_QUERIES:
        times = []
        for _ in range(runs):
            con = psycopg2.connect(url, options="-c search_path=%s" % schema)
            cur = con.cursor()
            start = time.perf_counter()
            cur.execute(sql, {"as_of": AS_OF})
            rows = cur.fetchall()
            times.append(time.perf_counter() - start)
            con.close()
        out.append((name, statistics.median(times), len(rows)))
    return out


def pg_project(src, name, url, schema):
    """A copy of benchmark project `src` whose warehouse is `schema` on the server at `url` (inputs linked)."""
    path = os.path.join(BENCH, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for sub in ("config", "pipelines"):
        shutil.copytree(os.path.join(src, sub), os.path.join(path, sub))
    os.symlink(os.path.join(src, "input"), os.path.join(path, "input"))
    pipeline = os.path.join(path, "pipelines", "nightly.yml")
    with open(pipeline) as f:
        text = f.read()
    with open(pipeline, "w") as f:
        f.write(text.replace("  warehouse: output/warehouse.sqlite\n", "  warehouse: %s\n  schema: %s\n" % (url, schema)))
    return path


def psql(url, *commands):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url] + [a for c in commands for a in ("-c", c)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def postgres_cases(table, args, proj, master, n, year):
    """The CDR night into PostgreSQL against `psql \\copy`; with `year`, the year's load and queries."""
    started = subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster"), "start", "--durable"], check=True,
                             capture_output=True, text=True).stdout.split()
    cluster, url = started[0], started[1]
    try:
        night = pg_project(proj, "pg-night", url, "bench_night")
        cols = ", ".join("c%d text" % i for i in range(21))
        cases = {
            "salesops": ([BIN, "run", "--project", night, "--as-of", AS_OF, "--no-report"],
                         lambda: psql(url, "DROP SCHEMA IF EXISTS bench_night CASCADE")),
            "psql": (["psql", "-X", "-q", url, "-c", "\\copy cdr FROM '%s' WITH (FORMAT csv)" % master],
                     lambda: psql(url, "DROP TABLE IF EXISTS cdr", "CREATE TABLE cdr(%s)" % cols)),
        }
        results = {name: [] for name in cases}
        phases = {}
        for _ in range(args.runs):
            for name, (cmd, before) in cases.items():
                results[name].append(measure(cmd, before, phases=phases if name == "salesops" else None))
        wall = statistics.median(w for w, _ in results["salesops"])
        ref = statistics.median(w for w, _ in results["psql"])
        table.add("PostgreSQL: CDR night, %s rows" % format(n, ","), wall, "s", ref="psql \\copy (untyped table)", ref_value=ref,
                  rss=max(r for _, r in results["salesops"]), note="median of %d alternating runs" % args.runs)
        for phase in ("extract, group and load", "build indexes", "models"):
            if phase in phases:
                table.add("… of which %s" % phase, statistics.median(phases[phase]), "s")
        if year:
            pyear = pg_project(year, "pg-year", url, "bench_year")
            wall, rss = measure([BIN, "run", "--project", pyear, "--as-of", AS_OF, "--no-report"])
            table.add("PostgreSQL: year, first load (the whole year)", wall, "s", rss=rss)
            import psycopg2
            con = psycopg2.connect(url, options="-c search_path=bench_year")
            cur = con.cursor()
            cur.execute("SELECT COUNT(*) FROM calls")
            calls = cur.fetchone()[0]
            cur.execute("SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'bench_year' AND c.relkind = 'r'")
            size = cur.fetchone()[0]
            con.close()
            table.add("PostgreSQL: year, schema on disk (%s calls)" % format(calls, ","), float(size) / 1e6, "MB")
            for name, secs, count in pg_analyst_queries(url, "bench_year", args.runs):
                table.add("PostgreSQL: year, analyst query, %s (%s rows)" % (name, format(count, ",")), secs, "s", target=1)
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster"), "stop", cluster], check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rss-5m", action="store_true", help="also measure salesops's peak RSS at 5M rows")
    ap.add_argument("--mbox-mb", type=int, default=1024, help="size of the generated mbox for the mail case (0: skip)")
    ap.add_argument("--no-crm", action="store_true", help="skip the CRM case (100k leads, 50k deals, 500k stage entries)")
    ap.add_argument("--year", action="store_true", help="also the warehouse-scale project (300 reps, a year, ~12M calls)")
    ap.add_argument("--pg", action="store_true", help="also the CDR night (and with --year the year) into PostgreSQL")
    ap.add_argument("--pg-only", action="store_true", help="only the PostgreSQL cases (the SQLite ones skipped)")
    args = ap.parse_args()
    table = Table()

    proj, master = project(args.rows)
    n = rows_in(master)
    scratch = os.path.join(BENCH, "scratch")
    cols = ", ".join("c%d TEXT" % i for i in range(21))
    if not args.pg_only:
        cases = {
            "salesops": (lambda: [BIN, "run", "--project", proj, "--as-of", AS_OF, "--no-report"],
                         fresh(os.path.join(proj, "output"))),
            "duckdb": (lambda: [sys.executable, "-c",
                                "import duckdb, sys; con = duckdb.connect(sys.argv[2]); "
                                "con.execute(\"CREATE TABLE cdr AS SELECT * FROM read_csv_auto(?, header=false)\", [sys.argv[1]]); "
                                "con.close()", master, os.path.join(scratch, "d.duckdb")], fresh(scratch)),
            "sqlite3": (lambda: ["sqlite3", os.path.join(scratch, "s.db"), "CREATE TABLE cdr(%s);" % cols,
                                 ".import --csv %s cdr" % master], fresh(scratch)),
            "pandas": (lambda: [sys.executable, "-c",
                                "import pandas as pd, sqlite3, sys; "
                                "df = pd.read_csv(sys.argv[1], dtype=str, header=None, keep_default_na=False); "
                                "con = sqlite3.connect(sys.argv[2]); df.to_sql('cdr', con, index=False); con.commit()",
                                master, os.path.join(scratch, "p.db")], fresh(scratch)),
        }
        results = {name: [] for name in cases}
        phases = {}
        for _ in range(args.runs):
            for name, (cmd, before) in cases.items():
                results[name].append(measure(cmd(), before, phases=phases if name == "salesops" else None))
        med = {k: (statistics.median(w for w, _ in v), max(r for _, r in v)) for k, v in results.items()}
        s_wall, s_rss = med["salesops"]
        label = "CDR night, %s rows (%.0f MB)" % (format(n, ","), os.path.getsize(master) / 1e6)
        table.add(label, s_wall, "s", target=med["duckdb"][0], ref="DuckDB read_csv_auto", ref_value=med["duckdb"][0],
                  rss=s_rss, rss_target=64, note="median of %d alternating runs" % args.runs)
        for tool, ref in (("sqlite3", "sqlite3 .import"), ("pandas", "pandas read_csv + to_sql")):
            table.add(label, s_wall, "s", ref=ref, ref_value=med[tool][0], rss=s_rss)
        for phase in ("extract, group and load", "build indexes", "models"):
            if phase in phases:
                table.add("… of which %s" % phase, statistics.median(phases[phase]), "s")

        if args.rss_5m:
            p5, m5 = project(5_000_000)
            wall, rss = measure([BIN, "run", "--project", p5, "--as-of", AS_OF, "--no-report"], fresh(os.path.join(p5, "output")))
            table.add("CDR night, %s rows: peak RSS flat" % format(rows_in(m5), ","), rss, "MB", target=64, note="%.1f s" % wall)

        dept, reps, rss = report_phases(proj, args.runs)
        table.add("report department.xlsx (200 reps, %s rows)" % format(n, ","), dept, "s", target=1, rss=rss)
        table.add("report 200 rep workbooks", reps, "s", target=5)
        wall, rss, added = incremental(proj, "incremental")
        table.add("nightly run adding a day (+%s rows on %s)" % (format(added, ","), format(n - added, ",")), wall, "s",
                  target=2, rss=rss)

        if args.mbox_mb:
            # Mail: one Takeout-style mbox (CRLF; plain, HTML and proposal messages with base64 attachments).
            mail = os.path.join(BENCH, "mail%d" % args.mbox_mb)
            mbox = os.path.join(mail, "input", "mail", "archive.mbox")
            if not os.path.exists(mbox):
                subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_demo.py"), "--mbox-mb", str(args.mbox_mb),
                                "--out", mail], check=True, stdout=subprocess.DEVNULL)
            size = os.path.getsize(mbox)
            runs = [measure([BIN, "run", "--project", mail, "--as-of", AS_OF, "--no-report"], fresh(os.path.join(mail, "output")))
                    for _ in range(args.runs)]
            wall = statistics.median(w for w, _ in runs)
            table.add("mbox, %.0f MB" % (size / 1e6), size / 1e6 / wall, "MB/s", target=400, better="higher",
                      rss=max(r for _, r in runs), rss_target=100, note="%.2f s" % wall)

        if not args.no_crm:
            # CRM: Bitrix24 REST dumps saved as pages of 50: 100k leads, 50k deals, 500k stage-history rows.
            crm = os.path.join(BENCH, "crm")
            folder = os.path.join(crm, "input", "crm")
            if not os.path.exists(os.path.join(folder, "stagehistory.json")):
                subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_demo.py"), "--crm", "--out", crm],
                               check=True, stdout=subprocess.DEVNULL)
            size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
            duck = [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[2])\n"
                    "for name, expr in [('statuses', 'result'), ('leads', 'result'), ('deals', 'result'), ('history', 'result.items')]:\n"
                    "    f = sys.argv[1] + '/' + ('stagehistory' if name == 'history' else name) + '.json'\n"
                    "    con.execute('CREATE TABLE %s AS SELECT unnest(%s, recursive := true) FROM read_json_auto(?, "
                    "format=\\'newline_delimited\\', maximum_object_size=67108864)' % (name, expr), [f])\n"
                    "con.close()", folder, os.path.join(scratch, "crm.duckdb")]
            runs, refs = [], []
            for _ in range(args.runs):
                runs.append(measure([BIN, "run", "--project", crm, "--as-of", AS_OF, "--no-report"], fresh(os.path.join(crm, "output"))))
                refs.append(measure(duck, fresh(scratch)))
            wall = statistics.median(w for w, _ in runs)
            table.add("CRM dumps: 100k leads, 50k deals, 500k stage entries (%.0f MB)" % (size / 1e6), wall, "s", target=8.1 / 2,
                      ref="DuckDB read_json", ref_value=statistics.median(w for w, _ in refs), rss=max(r for _, r in runs),
                      rss_target=64, note="target: 2 × faster than 8.1 s")

        if args.year:
            year = os.path.join(BENCH, "year")
            if not os.path.exists(os.path.join(year, "input", "crm", "stagehistory.json")):
                subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_demo.py"), "--year", "--out", year],
                               check=True, stdout=subprocess.DEVNULL)
            ymaster = os.path.join(year, "input", "telephony", "asterisk", "Master.csv")
            # The first load reads the year but its last day; a nightly run then adds that day.
            tail = split_last_day(ymaster)
            yrows = rows_in(ymaster)
            wall, rss = measure([BIN, "run", "--project", year, "--as-of", AS_OF, "--no-report"], fresh(os.path.join(year, "output")))
            table.add("year: first load, %s CDR rows + 1 GB mbox + CRM" % format(yrows, ","), wall, "s", rss=rss)
            with open(ymaster, "ab") as f:
                f.write(tail)
            wall, rss = measure([BIN, "run", "--project", year, "--as-of", AS_OF, "--no-report"])
            table.add("year: nightly run adding a day (+%s rows)" % format(tail.count(b"\n"), ","), wall, "s", target=2, rss=rss)
            warehouse = os.path.join(year, "output", "warehouse.sqlite")
            calls = __import__("sqlite3").connect(warehouse).execute("SELECT COUNT(*) FROM calls").fetchone()[0]
            table.add("year: warehouse on disk (%s calls)" % format(calls, ","), os.path.getsize(warehouse) / 1e6, "MB")
            for name, secs, count in analyst_queries(warehouse, args.runs):
                table.add("year: analyst query, %s (%s rows)" % (name, format(count, ",")), secs, "s", target=1)
            dept, reps, rss = report_phases(year, min(args.runs, 3))
            table.add("year: report department.xlsx (300 reps)", dept, "s", target=1, rss=rss)
            table.add("year: report 300 rep workbooks", reps, "s", target=5)

    if args.pg or args.pg_only:
        year = os.path.join(BENCH, "year") if args.year else None
        if year and not os.path.exists(os.path.join(year, "input", "crm", "stagehistory.json")):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_demo.py"), "--year", "--out", year],
                           check=True, stdout=subprocess.DEVNULL)
        try:
            postgres_cases(table, args, proj, master, n, year)
        except Exception as error:   # the table of what was measured is still printed
            print("PostgreSQL cases failed: %s" % error, file=sys.stderr)

    print("salesops benchmark, %s, %s, %d cores, Python %s" % (time.strftime("%Y-%m-%d"), platform.platform(),
                                                              os.cpu_count(), platform.python_version()))
    print()
    table.print()


if __name__ == "__main__":
    main()
