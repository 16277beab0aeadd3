#!/usr/bin/env python3
"""Rewrite a demo project's Bitrix24 REST dumps as they would have been exported at the end of a day.

usage: cut_demo.py PROJECT_DIR YYYY-MM-DD

Deals created later are gone; a deal's stage is its last stage-history entry up to then (closed only
if that stage is final); stage-history entries after it are gone; tasks created later are gone and
tasks closed later are open. Times are compared in the dumps' own offsets (Moscow, +03:00).
"""
import datetime
import json
import os
import sys


def parse(text):
    return datetime.datetime.fromisoformat(text) if text else None


def records(node):
    """The record lists of a saved page: `result` as a list, `result.items`, `result.tasks`."""
    pages = node if isinstance(node, list) else [node]
    for page in pages:
        result = page["result"]
        if isinstance(result, list):
            yield result
        else:
            yield result.get("items", result.get("tasks"))


def rewrite(path, change):
    with open(path, encoding="utf-8") as f:
        node = json.load(f)
    for lst in records(node):
        lst[:] = [r for r in (change(r) for r in lst) if r is not None]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(node, f, ensure_ascii=False, indent=1)


def main():
    folder = os.path.join(sys.argv[1], "input", "crm", "bitrix")
    end = datetime.datetime.fromisoformat(sys.argv[2] + "T23:59:59+03:00")
    history = {}

    def entry(r):
        if parse(r["CREATED_TIME"]) > end:
            return None
        history.setdefault(str(r["OWNER_ID"]), []).append(r)
        return r
    rewrite(os.path.join(folder, "stagehistory_deals.json"), entry)

    def deal(r):
        if parse(r["DATE_CREATE"]) > end:
            return None
        entries = sorted(history.get(r["ID"], []), key=lambda e: (parse(e["CREATED_TIME"]), e["ID"]))
        if entries:
            last = entries[-1]
            r["STAGE_ID"], r["MOVED_TIME"] = last["STAGE_ID"], last["CREATED_TIME"]
            r["STAGE_SEMANTIC_ID"] = {"WON": "S", "LOSE": "F", "APOLOGY": "F"}.get(last["STAGE_ID"], "P")
        if r["STAGE_SEMANTIC_ID"] == "P" or (r["CLOSEDATE"] and parse(r["CLOSEDATE"]) > end):
            r["CLOSED"], r["CLOSEDATE"] = "N", ""
        return r
    rewrite(os.path.join(folder, "deals.json"), deal)

    def task(r):
        if parse(r["createdDate"]) > end:
            return None
        if r.get("closedDate") and parse(r["closedDate"]) > end:
            r["closedDate"], r["status"] = None, "3"
        return r
    rewrite(os.path.join(folder, "tasks.json"), task)


if __name__ == "__main__":
    main()
