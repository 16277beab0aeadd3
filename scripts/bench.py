#!/usr/bin/env python3
"""salesops benchmark: salesops against the tools a user would otherwise run, on the same file.

  scripts/bench [--rows N] [--runs K] [--rss-5m] [--keep]

On a generated Asterisk Master.csv of N rows (default 1,000,000; 21 columns, ring groups and missed
calls in realistic shares) it runs, alternating, K times each (default 5):
  salesops  `salesops run --no-report`: parse, group legs into calls, normalise, load facts and rep_daily
  sqlite3   the sqlite3 CLI `.import` of the same file into a plain table
  pandas    `read_csv(dtype=str)` + `to_sql` into SQLite
  duckdb    `read_csv_auto` into a .duckdb file
and prints wall time (median), rows/s, peak RSS (/usr/bin/time -v) and the ratios salesops/other.
Then: `salesops report` for the 200 reps of that warehouse (department.xlsx and the 200 rep workbooks,
each timed), a nightly incremental run adding one
day to the year of data, and (--rss-5m) salesops's peak RSS at 5,000,000 rows.
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rss-5m", action="store_true", help="also measure salesops's peak RSS at 5M rows")
    ap.add_argument("--mbox-mb", type=int, default=1024, help="size of the generated mbox for the mail case (0: skip)")
    ap.add_argument("--no-crm", action="store_true", help="skip the CRM case (100k leads, 50k deals, 500k stage entries)")
    args = ap.parse_args()

    proj, master = project(args.rows)
    n = rows_in(master)
    scratch = os.path.join(BENCH, "scratch")
    cols = ", ".join("c%d TEXT" % i for i in range(21))
    cases = {
        "salesops": (lambda: [BIN, "run", "--project", proj, "--as-of", AS_OF, "--no-report"],
                     fresh(os.path.join(proj, "output"))),
        "sqlite3": (lambda: ["sqlite3", os.path.join(scratch, "s.db"), "CREATE TABLE cdr(%s);" % cols,
                             ".import --csv %s cdr" % master], fresh(scratch)),
        "pandas": (lambda: [sys.executable, "-c",
                            "import pandas as pd, sqlite3, sys; "
                            "df = pd.read_csv(sys.argv[1], dtype=str, header=None, keep_default_na=False); "
                            "con = sqlite3.connect(sys.argv[2]); df.to_sql('cdr', con, index=False); con.commit()",
                            master, os.path.join(scratch, "p.db")], fresh(scratch)),
        "duckdb": (lambda: [sys.executable, "-c",
                            "import duckdb, sys; con = duckdb.connect(sys.argv[2]); "
                            "con.execute(\"CREATE TABLE cdr AS SELECT * FROM read_csv_auto(?, header=false)\", [sys.argv[1]]); "
                            "con.close()", master, os.path.join(scratch, "d.duckdb")], fresh(scratch)),
    }
    results = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, (cmd, before) in cases.items():
            results[name].append(measure(cmd(), before))

    print("salesops benchmark, %s, %s, %d cores, %s" % (time.strftime("%Y-%m-%d"), platform.platform(),
                                                       os.cpu_count(), platform.python_version()))
    print("input: Asterisk Master.csv, %d rows, %.0f MB, median of %d runs" % (n, os.path.getsize(master) / 1e6, args.runs))
    print()
    print("| tool | wall s | rows/s | peak RSS MB | salesops / tool (time) | salesops / tool (RSS) |")
    print("|---|---|---|---|---|---|")
    med = {k: (statistics.median(w for w, _ in v), max(r for _, r in v)) for k, v in results.items()}
    s_wall, s_rss = med["salesops"]
    for name, (wall, rss) in med.items():
        print("| %s | %.2f | %s | %.0f | %.2f | %.3f |" % (name, wall, format(int(n / wall), ","), rss, s_wall / wall,
                                                        s_rss / rss))
    print()

    # salesops report on the loaded warehouse (200 reps): department.xlsx (target ≤ 1 s) and the 200
    # rep-<id>.xlsx (target ≤ 5 s in total).
    phases = {}
    reports = [measure([BIN, "report", "--project", proj, "--as-of", AS_OF], phases=phases) for _ in range(args.runs)]
    print("salesops report (200 reps): %.2f s median, peak RSS %.0f MB" %
          (statistics.median(w for w, _ in reports), max(r for _, r in reports)))
    for name, secs in sorted(phases.items()):
        print("  %s: %.2f s median" % (name, statistics.median(secs)))

    # Nightly incremental: a year of data loaded, then one more day appended to Master.csv.
    inc = os.path.join(BENCH, "incremental")
    shutil.rmtree(inc, ignore_errors=True)
    shutil.copytree(proj, inc, ignore=shutil.ignore_patterns("output"))
    inc_master = os.path.join(inc, "input", "telephony", "asterisk", "Master.csv")
    with open(inc_master, "rb") as f:
        lines = f.readlines()

    def day(line):
        return next(csv.reader([line.decode("utf-8", "replace")]))[9][:10]

    last_day = day(lines[-1])
    cut = len(lines)
    while cut > 0 and day(lines[cut - 1]) == last_day:
        cut -= 1
    with open(inc_master, "wb") as f:
        f.writelines(lines[:cut])
    measure([BIN, "run", "--project", inc, "--as-of", AS_OF, "--no-report"])
    with open(inc_master, "ab") as f:
        f.writelines(lines[cut:])
    wall, rss = measure([BIN, "run", "--project", inc, "--as-of", AS_OF, "--no-report"])
    print("nightly incremental run (+%d rows on %d): %.2f s, peak RSS %.0f MB" % (len(lines) - cut, cut, wall, rss))

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
        print("salesops run on a %.0f MB mbox: %.2f s median, %.0f MB/s, peak RSS %.0f MB" %
              (size / 1e6, wall, size / 1e6 / wall, max(r for _, r in runs)))

    if not args.no_crm:
        # CRM: Bitrix24 REST dumps saved as pages of 50: 100k leads, 50k deals, 500k stage-history rows.
        crm = os.path.join(BENCH, "crm")
        if not os.path.exists(os.path.join(crm, "input", "crm", "stagehistory.json")):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_demo.py"), "--crm", "--out", crm],
                           check=True, stdout=subprocess.DEVNULL)
        size = sum(os.path.getsize(os.path.join(crm, "input", "crm", f)) for f in os.listdir(os.path.join(crm, "input", "crm")))
        runs = [measure([BIN, "run", "--project", crm, "--as-of", AS_OF, "--no-report"], fresh(os.path.join(crm, "output")))
                for _ in range(args.runs)]
        wall = statistics.median(w for w, _ in runs)
        print("salesops run on Bitrix24 dumps (100,000 leads, 50,000 deals, 500,000 stage entries, %.0f MB): "
              "%.2f s median, %.0f records/s, peak RSS %.0f MB" % (size / 1e6, wall, 650_000 / wall, max(r for _, r in runs)))

    if args.rss_5m:
        p5, m5 = project(5_000_000)
        wall, rss = measure([BIN, "run", "--project", p5, "--as-of", AS_OF, "--no-report"], fresh(os.path.join(p5, "output")))
        print("salesops at %d rows: %.1f s, peak RSS %.0f MB (at %d rows: %.0f MB)" % (rows_in(m5), wall, rss, n, s_rss))


if __name__ == "__main__":
    main()
