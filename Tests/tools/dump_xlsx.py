#!/usr/bin/env python3
"""Dump an XLSX workbook as JSON with openpyxl (a real XLSX reader), for the end-to-end tests.

usage: dump_xlsx.py BOOK.xlsx
Prints {"sheets": [{"title", "freeze", "filter", "charts", "rows": [[[type, value], ...], ...]}]}
where type is one of n (number), s (text), d (date/time, ISO), b (bool), e (empty).
"""
import datetime
import json
import sys

import openpyxl


def cell(v):
    if v is None:
        return ["e", None]
    if isinstance(v, bool):
        return ["b", v]
    if isinstance(v, (int, float)):
        return ["n", v]
    if isinstance(v, (datetime.datetime, datetime.date)):
        return ["d", v.isoformat()]
    return ["s", str(v)]


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {"sheets": []}
    for ws in wb.worksheets:
        out["sheets"].append({
            "title": ws.title,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "charts": len(ws._charts),
            "rows": [[cell(v) for v in row] for row in ws.iter_rows(values_only=True)],
        })
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
