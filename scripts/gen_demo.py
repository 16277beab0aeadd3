#!/usr/bin/env python3
"""Generate salesops's demo input: two weeks of calls of 7 reps in three real telephony formats.

  scripts/gen_demo.py [--out DIR] [--seed N]

Writes, under DIR/input/telephony/ (DIR defaults to the repository root):
  asterisk/Master.csv               Asterisk cdr_csv, 21 columns, Moscow local time, LF, no header
  asterisk/Master.csv-20261110      the rotated log of 2026-11-09, 18 columns (before newcdrcolumns=yes:
                                    no linkedid, legs group by uniqueid)
  freepbx/cdr__1763672400pbx-spb.csv FreePBX "CDR Reports" CSV, 26-column header, PHP fputcsv quoting
  sipuni/sipuni_export.csv          Sipuni-style ';' export, Russian header, windows-1251, dd.mm.yyyy

Every trap the extractors handle is present: ring groups with one answer, fully missed inbound calls,
callbacks inside and outside the 60-minute window, internal calls, a call across local midnight,
billsec 30 vs 31, clid with quotes and commas, raw windows-1251 bytes in clid, unanswered rows with an
empty answer, post-dial 'h' rows, an unknown extension, phone numbers in every RU form, and a few
malformed rows (wrong column count, bad date, negative duration) that must land in `rejects`.
The output is deterministic for a seed.

  scripts/gen_demo.py --scale N --out DIR [--reps R] [--days D] [--end YYYY-MM-DD]

writes a whole project folder (config/, pipelines/nightly.yml, input/) for benchmarks instead: one
Asterisk Master.csv (21 columns) of about N rows over D days ending at --end, R reps in ring groups of
four, with realistic shares (about 70 % outbound calls; inbound calls ring a group of four phones, one
in five is missed; 30 % of the outbound calls go unanswered).
"""
import argparse
import base64
import datetime as dt
import gzip
import json
import os
import random

MSK = dt.timezone(dt.timedelta(hours=3))
EKB = dt.timezone(dt.timedelta(hours=5))
DAYS = [dt.date(2026, 11, 9) + dt.timedelta(days=i) for i in range(14)]
BUSINESS = [d for d in DAYS if d.weekday() < 5]

MOSCOW = {"101": 30, "102": 24, "103": 34}      # extension -> outbound calls per day
SPB = {"201": 26, "202": 22}
REGIONS = {"301": 20, "302": 16}


# Outbound calls as generated (extension, number as dialled, start): the CRM demo's leads are contacted by some.
OUTBOUND_CALLS = []


def client_number(rng, form=None):
    """A client's number in one of the forms real PBXs write."""
    mobile = "9" + "".join(rng.choice("0123456789") for _ in range(9))
    form = form if form is not None else rng.randrange(10)
    if form < 4:
        return "8" + mobile
    if form < 6:
        return "7" + mobile
    if form == 6:
        return "+7" + mobile
    if form == 7:
        return mobile
    if form == 8:
        return "8 (%s) %s-%s-%s" % (mobile[:3], mobile[3:6], mobile[6:8], mobile[8:])
    return "810" + "7" + mobile


def talk_seconds(rng):
    """Talk time: many short calls, a long tail."""
    r = rng.random()
    if r < 0.35:
        return rng.randint(3, 30)
    if r < 0.8:
        return rng.randint(31, 240)
    return rng.randint(241, 1500)


class Asterisk:
    """Asterisk cdr_csv rows (21 columns) in local time."""

    def __init__(self, rng):
        self.rng = rng
        self.rows = []
        self.counter = 0

    def uid(self, start):
        self.counter += 1
        return "mskpbx-%d.%d" % (int(start.timestamp()), self.counter)

    @staticmethod
    def q(v):
        return '"' + v.replace('"', '""') + '"'

    def row(self, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end,
            billsec, disposition, uniqueid, linkedid, sequence, clid_bytes=None):
        fmt = lambda t: t.astimezone(MSK).strftime("%Y-%m-%d %H:%M:%S")
        duration = int((end - start).total_seconds())
        clid_field = self.q(clid).encode("utf-8") if clid_bytes is None else b'"' + clid_bytes + b'"'
        parts = [self.q(""), self.q(src), self.q(dst), self.q(dcontext)]
        line = (",".join(parts).encode() + b"," + clid_field + b"," + ",".join([
            self.q(channel), self.q(dstchannel), self.q(lastapp), self.q(lastdata), self.q(fmt(start)),
            self.q(fmt(answer)) if answer else "", self.q(fmt(end)), str(duration), str(billsec),
            self.q(disposition), self.q("DOCUMENTATION"), self.q(uniqueid), self.q("")]).encode(),
            ("," + ",".join([self.q(""), self.q(linkedid), str(sequence)])).encode())
        self.rows.append((end, start, line))

    def outbound(self, ext, number, start, talk, answered=True, clid=None):
        OUTBOUND_CALLS.append((ext, number, start))
        ring = self.rng.randint(4, 25)
        answer = start + dt.timedelta(seconds=ring) if answered else None
        end = (answer + dt.timedelta(seconds=talk)) if answered else start + dt.timedelta(seconds=ring)
        uid = self.uid(start)
        self.row(ext, number, "from-internal", clid or '"%s" <%s>' % (ext, ext), "SIP/%s-%08x" % (ext, self.counter),
                 "SIP/trunk-msk-%08x" % self.counter, "Dial", "SIP/trunk-msk/%s,60,tT" % number, start, answer, end,
                 talk if answered else 0, "ANSWERED" if answered else self.rng.choice(["NO ANSWER", "NO ANSWER", "BUSY"]),
                 uid, uid, self.counter)

    def inbound_group(self, number, start, answer_ext, talk, clid=None, clid_bytes=None, hangup_row=False):
        """A call to the main number ringing group 600 (101, 102, 103): one leg per phone."""
        uid = self.uid(start)
        ring = self.rng.randint(5, 20)
        seq0 = self.counter
        for i, ext in enumerate(["101", "102", "103"]):
            answered = ext == answer_ext
            answer = start + dt.timedelta(seconds=ring) if answered else None
            end = start + dt.timedelta(seconds=ring + (talk if answered else 0)) if answered else \
                start + dt.timedelta(seconds=ring if answer_ext else 30)
            self.row(number, "600", "from-pstn", clid or '"" <%s>' % number, "SIP/trunk-msk-%08x" % seq0,
                     "SIP/%s-%08x" % (ext, seq0 + i + 1), "Dial", "SIP/101&SIP/102&SIP/103,30", start, answer, end,
                     talk if answered else 0, "ANSWERED" if answered else "NO ANSWER", uid, uid, seq0 + i,
                     clid_bytes=clid_bytes)
        if hangup_row:
            end = start + dt.timedelta(seconds=ring + talk + 1)
            self.row(number, "h", "from-pstn", '"" <%s>' % number, "SIP/trunk-msk-%08x" % seq0, "", "Hangup", "",
                     start, None, end, 0, "NO ANSWER", uid, uid, seq0 + 4)
        self.counter += 4

    def queue_local(self, number, start, members, answer_ext, ring, talk, with_half1):
        """A call through queue 600 as FreePBX's queues write it: per member rung, the
        Local/<ext>@from-queue;2 row (the caller is src, the member in dstchannel) and, with_half1, the
        trunk -> Local/<ext>;1 half of the same ring. No random draw (the demo's other calls stay as they are)."""
        uid = self.uid(start)
        seq0 = self.counter
        for i, ext in enumerate(members):
            answered = ext == answer_ext
            answer = start + dt.timedelta(seconds=ring) if answered else None
            end = start + dt.timedelta(seconds=ring + (talk if answered else 0))
            disposition, bill = ("ANSWERED", talk) if answered else ("NO ANSWER", 0)
            local = "Local/%s@from-queue-%08x" % (ext, seq0 + i + 1)
            if with_half1:
                self.row(number, "600", "from-pstn", '"" <%s>' % number, "SIP/trunk-msk-%08x" % seq0, local + ";1",
                         "Queue", "600,t", start, answer, end, bill, disposition, uid, uid, seq0 + 2 * i + 1)
            self.row(number, "600", "ext-queues", '"" <%s>' % number, local + ";2", "SIP/%s-%08x" % (ext, seq0 + i + 1),
                     "Dial", "SIP/%s,,tr" % ext, start, answer, end, bill, disposition, uid, uid, seq0 + 2 * i)
        self.counter += 2 * len(members) + 1

    def direct(self, src, dst, dcontext, channel, dstchannel, lastapp, start, ring, talk, answered, uid, sequence):
        """One row of a call built by hand (no random draw)."""
        answer = start + dt.timedelta(seconds=ring) if answered else None
        end = start + dt.timedelta(seconds=ring + (talk if answered else 0))
        self.row(src, dst, dcontext, '"" <%s>' % src if dcontext == "from-pstn" else '"%s" <%s>' % (src, src), channel,
                 dstchannel, lastapp, "", start, answer, end, talk if answered else 0,
                 "ANSWERED" if answered else "NO ANSWER", uid, uid, sequence)
        self.counter += 1

    def voicemail(self, number, start, ext):
        """The rep's phone rings unanswered, then voicemail answers: missed for the department."""
        uid = self.uid(start)
        self.direct(number, "600", "from-pstn", "SIP/trunk-msk-%08x" % self.counter, "SIP/%s-%08x" % (ext, self.counter),
                    "Dial", start, 20, 0, False, uid, 1)
        self.direct(number, "vmu" + ext, "from-pstn", "SIP/trunk-msk-%08x" % self.counter, "", "VoiceMail",
                    start + dt.timedelta(seconds=20), 0, 25, True, uid, 2)

    def transfer(self, number, start, first_ext, first_talk, second_ext, second_talk):
        """An attended transfer: the first rep talks, then hands the client to a second one."""
        uid = self.uid(start)
        trunk = "SIP/trunk-msk-%08x" % self.counter
        self.direct(number, "600", "from-pstn", trunk, "SIP/%s-%08x" % (first_ext, self.counter), "Dial",
                    start, 6, first_talk, True, uid, 1)
        self.direct(number, second_ext, "from-internal", trunk, "SIP/%s-%08x" % (second_ext, self.counter), "Dial",
                    start + dt.timedelta(seconds=6 + first_talk), 0, second_talk, True, uid, 2)

    def internal(self, a, b, start, talk):
        uid = self.uid(start)
        answer = start + dt.timedelta(seconds=3)
        self.row(a, b, "from-internal", '"%s" <%s>' % (a, a), "SIP/%s-%08x" % (a, self.counter),
                 "SIP/%s-%08x" % (b, self.counter + 1), "Dial", "SIP/%s,20" % b, start, answer,
                 answer + dt.timedelta(seconds=talk), talk, "ANSWERED", uid, uid, self.counter)

    def write(self, path, rotated_path, rotated_day):
        """Rows of `rotated_day` go to the rotated log in the 18-column layout; the rest to Master.csv."""
        self.rows.sort(key=lambda r: r[0])
        with open(rotated_path, "wb") as f:
            for _, start, (head, tail) in self.rows:
                if start.astimezone(MSK).date() == rotated_day:
                    f.write(head + b"\n")
        with open(path, "wb") as f:
            for _, start, (head, tail) in self.rows:
                if start.astimezone(MSK).date() != rotated_day:
                    f.write(head + tail + b"\n")
            # Malformed rows a real file can hold: each must be rejected with its line number.
            f.write(b'"","101","89161112233","from-internal","""101"" <101>","SIP/101-0000ffff","",'
                    b'"Dial","","2026-11-20 18:00:00",,"2026-11-20 18:00:10",10,0,"NO ANSWER"\n')
            f.write(b'"","102","89161112233","from-internal","""102"" <102>","SIP/102-0000fffe","SIP/trunk-msk-0000fffe",'
                    b'"Dial","","2026-11-31 18:00:00",,"2026-11-31 18:00:10",10,0,"NO ANSWER","DOCUMENTATION",'
                    b'"mskpbx-1.1","","","mskpbx-1.1",1\n')
            f.write(b'"","103","89161112233","from-internal","""103"" <103>","SIP/103-0000fffd","SIP/trunk-msk-0000fffd",'
                    b'"Dial","","2026-11-20 18:01:00",,"2026-11-20 18:01:10",-10,0,"NO ANSWER","DOCUMENTATION",'
                    b'"mskpbx-2.1","","","mskpbx-2.1",1\n')


def php_csv(values):
    """PHP fputcsv: quote only when needed (delimiter, quote, space, tab, CR, LF)."""
    out = []
    for v in values:
        if any(c in v for c in ',"\t\r\n '):
            out.append('"' + v.replace('"', '""') + '"')
        else:
            out.append(v)
    return ",".join(out)


FREEPBX_HEADER = ["calldate", "clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata",
                  "duration", "billsec", "disposition", "amaflags", "accountcode", "uniqueid", "userfield", "did",
                  "cnum", "cnam", "outbound_cnum", "outbound_cnam", "dst_cnam", "recordingfile", "linkedid",
                  "peeraccount", "sequence"]


class FreePBX:
    def __init__(self, rng):
        self.rng = rng
        self.rows = []
        self.counter = 0

    def add(self, start, clid, src, dst, dcontext, channel, dstchannel, lastapp, duration, billsec, disposition,
            uid, did, linkedid, seq):
        rec = {"calldate": start.astimezone(MSK).strftime("%Y-%m-%d %H:%M:%S"), "clid": clid, "src": src, "dst": dst,
               "dcontext": dcontext, "channel": channel, "dstchannel": dstchannel, "lastapp": lastapp,
               "lastdata": "", "duration": str(duration), "billsec": str(billsec), "disposition": disposition,
               "amaflags": "3", "accountcode": "", "uniqueid": uid, "userfield": "", "did": did, "cnum": src,
               "cnam": "", "outbound_cnum": "", "outbound_cnam": "", "dst_cnam": "", "recordingfile": "",
               "linkedid": linkedid, "peeraccount": "", "sequence": str(seq)}
        self.rows.append((start, seq, [rec[h] for h in FREEPBX_HEADER]))

    def outbound(self, ext, number, start, talk, answered=True):
        OUTBOUND_CALLS.append((ext, number, start))
        self.counter += 1
        uid = "%d.%d" % (int(start.timestamp()), self.counter)
        ring = self.rng.randint(4, 25)
        self.add(start, '"%s" <%s>' % (ext, ext), ext, number, "from-internal", "PJSIP/%s-%08x" % (ext, self.counter),
                 ("PJSIP/%s-%08x" % (number, self.counter + 1) if len(number) <= 4 else "PJSIP/trunk-spb-%08x" % self.counter),
                 "Dial", ring + (talk if answered else 0),
                 talk if answered else 0, "ANSWERED" if answered else "NO ANSWER", uid, "", uid, self.counter)

    def inbound_queue(self, number, start, answer_ext, talk, clid=None):
        """A call to the SPb main number through queue 700 ringing 201 and 202."""
        self.counter += 1
        uid = "%d.%d" % (int(start.timestamp()), self.counter)
        ring = self.rng.randint(5, 25)
        for i, ext in enumerate(["201", "202"]):
            answered = ext == answer_ext
            self.add(start, clid or '"" <%s>' % number, number, "700", "from-pstn", "PJSIP/trunk-spb-%08x" % self.counter,
                     "Local/%s@from-queue-%08x;1" % (ext, self.counter + i), "Queue",
                     ring + (talk if answered else 0), talk if answered else 0,
                     "ANSWERED" if answered else "NO ANSWER", uid, "78121230000", uid, self.counter * 10 + i)

    def write(self, path):
        self.rows.sort(key=lambda r: (r[0], r[1]))
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(",".join(FREEPBX_HEADER) + "\n")
            for _, _, values in self.rows:
                f.write(php_csv(values) + "\n")


SIPUNI_HEADER = ["Тип", "Статус", "Время", "Схема", "Откуда", "Куда", "Кто ответил", "Длительность звонка, сек",
                 "Длительность разговора, сек", "Время ответа, сек", "Оценка", "ID записи", "Метка", "Теги",
                 "ID заказа звонка", "Запись существует", "Новый клиент"]


class Bitrix24Telephony:
    """Saved voximplant.statistic.get pages of the Kazan office, on Bitrix24's own telephony: one
    record per call, every value a string, CALL_START_DATE with its offset; plus the calls an
    integrated PBX (the Moscow Asterisk) registered in Bitrix24 (CALL_ID externalCall.<hash>.<epoch>)."""

    def __init__(self, rng):
        self.rng = rng
        self.records = []

    def add(self, call_type, code, start, user, phone, duration, call_id=None):
        n = len(self.records) + 1
        self.records.append({
            "ID": str(5000 + n), "CALL_ID": call_id or "%08X.%d.%d" % (0x0C16D7A0, int(start.timestamp()), n),
            "CALL_CATEGORY": "external", "PORTAL_USER_ID": user, "PORTAL_NUMBER": "reg133788",
            "PHONE_NUMBER": phone, "CALL_TYPE": str(call_type), "CALL_DURATION": str(duration),
            "CALL_START_DATE": start.astimezone(MSK).strftime("%Y-%m-%dT%H:%M:%S+03:00"),
            "CALL_FAILED_CODE": code, "CALL_VOTE": None, "COST": "0.0000", "COST_CURRENCY": "RUR"})

    def day(self, day):
        for i in range(7):
            start = at(day, 9 + i, self.rng.randint(0, 50))
            kind = self.rng.random()
            phone = "+7917%07d" % self.rng.randint(0, 9_999_999)
            if kind < 0.55:
                answered = self.rng.random() < 0.75
                self.add(1, "200" if answered else self.rng.choice(["304", "486", "603-S"]), start, "18", phone,
                         self.rng.randint(20, 400) if answered else 0)
            else:
                answered = self.rng.random() < 0.8
                self.add(self.rng.choice([2, 3]), "200" if answered else self.rng.choice(["304", "603"]), start, "18", phone,
                         self.rng.randint(20, 300) if answered else 0)
        # A voice-menu announcement (informational) and a Moscow call the integrated PBX registered.
        self.add(5, "200", at(day, 17, 5), "18", "+79170000000", 15)
        start = at(day, 12, 15)
        self.add(1, "200", start, "11", "+79165550100", 120,
                 call_id="externalCall.%08x.%d" % (self.rng.randint(0, 2**32 - 1), int(start.timestamp())))

    def write(self, path):
        # Two saved pages of 50 (the REST default page size), one after the other as one file.
        pages = [self.records[i:i + 50] for i in range(0, len(self.records), 50)]
        with open(path, "w", encoding="utf-8") as f:
            for k, page in enumerate(pages):
                body = {"result": page, "total": len(self.records)}
                if (k + 1) * 50 < len(self.records):
                    body["next"] = (k + 1) * 50
                f.write(json.dumps(body, ensure_ascii=False) + "\n")


class Sipuni:
    def __init__(self, rng):
        self.rng = rng
        self.rows = []

    def add(self, kind, answered, start, src, dst, who, talk):
        ring = self.rng.randint(3, 20)
        rec_id = "%d.%d" % (int(start.timestamp()), self.rng.randint(100000, 999999))
        self.rows.append((start, [kind, "отвечен" if answered else "не отвечен",
                                  start.astimezone(EKB).strftime("%d.%m.%Y %H:%M:%S"), "Основная", src, dst, who,
                                  str(ring + (talk if answered else 0)), str(talk if answered else 0), str(ring), "",
                                  rec_id, "", "", "", "1" if answered else "0", "0"]))

    def write(self, path):
        self.rows.sort(key=lambda r: r[0])
        with open(path, "wb") as f:
            f.write((";".join(SIPUNI_HEADER) + ";\r\n").encode("cp1251"))
            for _, values in self.rows:
                f.write((";".join(values) + ";\r\n").encode("cp1251"))


def at(day, hh, mm, ss=0, tz=MSK):
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=tz)


# ---------------------------------------------------------------------------------------------------
# Mail: a Sent mbox (mboxrd, LF), a Google Takeout mbox (CRLF) repeating sent mails, and .eml files.

REP_MAIL = {"r01": ("Анна Смирнова", "a.smirnova"), "r02": ("Борис Кузнецов", "b.kuznetsov"),
            "r03": ("Вера Попова", "v.popova"), "r04": ("Глеб Соколов", "g.sokolov"),
            "r05": ("Дарья Лебедева", "d.lebedeva"), "r06": ("Егор Новиков", "e.novikov"),
            "r07": ("Жанна Морозова", "z.morozova")}
CLIENTS = [("ООО «Вектор»", "zakupki@vector-trade.ru"), ("ИП Петров", "petrov.ip@mail.ru"),
           ("АО «Север»", "snab@sever-ao.ru"), ("ООО «Квадрат»", "office@kvadrat.su"),
           ("Ирина Орлова", "i.orlova@yandex.ru"), ("ООО «Гранит»", "info@granit-stroy.ru")]
FILLER = base64.b64encode(bytes(range(256)) * 12).decode()


def b_word(text, charset="utf-8"):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def q_words(text, charset="windows-1251", per=12):
    """Q-encoded words of at most `per` characters, folded one per line (a long Outlook subject)."""
    words = []
    for i in range(0, len(text), per):
        chunk = text[i:i + per].encode(charset)
        words.append("=?%s?Q?%s?=" % (charset, "".join("_" if b == 0x20 else "=%02X" % b if b >= 0x80 or b in b"=?_"
                                                            else chr(b) for b in chunk)))
    return "\r\n\t".join(words) if False else "\n\t".join(words)


def attachment_part(name, style):
    """A PDF part whose file name is written in one of the styles real mailers use (FORMATS.md §2.6)."""
    if style == 0:   # RFC 2231 with continuations
        enc = "".join("%%%02X" % b for b in name.encode("utf-8"))
        half = len(enc) // 2
        while enc[half - 1] == "%" or enc[half - 2] == "%":
            half -= 1
        disp = "attachment;\n filename*0*=utf-8''%s;\n filename*1*=%s" % (enc[:half], enc[half:])
        ctype = "application/pdf"
    elif style == 1:   # RFC 2047 inside the quotes (Outlook, Gmail, Yandex)
        disp = 'attachment; filename="%s"' % b_word(name)
        ctype = "application/pdf"
    elif style == 2:   # legacy name= on Content-Type only
        disp = None
        ctype = 'application/octet-stream; name="%s"' % b_word(name, "koi8-r")
    else:   # raw 8-bit (windows-1251) bytes
        disp = 'attachment; filename="%s"' % name
        ctype = "application/pdf"
    lines = ["Content-Type: " + ctype]
    if disp:
        lines.append("Content-Disposition: " + disp)
    lines += ["Content-Transfer-Encoding: base64", ""]
    lines += [FILLER[i:i + 76] for i in range(0, 76 * 8, 76)]
    return "\n".join(lines)


class MailDemo:
    def __init__(self, rng):
        self.rng = rng
        self.sent = []        # (sep date, text) for the Sent mbox
        self.takeout = []     # (sep date, text, labels)
        self.eml = {}         # name -> bytes
        self.n = 0
        self.outbound = []    # (when, rep, client address) of every sent mail

    def message(self, when, sender, to, subject, body, attach=None, style=0, msgid=True, extra=""):
        self.n += 1
        mid = "<%d.%d@romashka.ru>" % (int(when.timestamp()), self.n)
        head = []
        if msgid:
            head.append("Message-ID: " + mid)
        head += ["Date: " + when.strftime("%a, %d %b %Y %H:%M:%S +0300"), "From: " + sender, "To: " + to,
                 "Subject: " + subject, "MIME-Version: 1.0"]
        if extra:
            head.append(extra)
        if attach is None:
            head.append("Content-Type: text/plain; charset=utf-8")
            return "\n".join(head) + "\n\n" + body + "\n", mid
        head.append('Content-Type: multipart/mixed; boundary="=_%d"' % self.n)
        parts = ["This is a multi-part message in MIME format.", "--=_%d" % self.n,
                 "Content-Type: text/plain; charset=utf-8", "", body, "--=_%d" % self.n,
                 attachment_part(attach, style), "--=_%d--" % self.n]
        return "\n".join(head) + "\n\n" + "\n".join(parts) + "\n", mid

    def day(self, day, rep_ids):
        rng = self.rng
        for rep in rep_ids:
            name, login = REP_MAIL[rep]
            sender = "%s <%s@romashka.ru>" % (b_word(name), login)
            for k in range(rng.randint(2, 5)):
                when = at(day, rng.randint(9, 18), rng.randint(0, 59))
                client, address = rng.choice(CLIENTS)
                to = '"%s" <%s>' % (client, address)
                proposal = rng.random() < 0.35
                style = self.n % 4
                if proposal:
                    subject = [b_word("Коммерческое предложение для " + client), q_words("Коммерческое предложение"),
                               b_word("КП на поставку", "koi8-r"), b_word("Предложение по договору")][style]
                    attach = "КП_%s_%s.pdf" % (client.replace("«", "").replace("»", "").replace(" ", "_"), day.strftime("%d%m"))
                    body = "Добрый день!\nНаправляем предложение.\nFrom the desk of %s\n>From the archive: цены.\n" % name
                    text, mid = self.message(when, sender, to, subject, body, attach=attach, style=style)
                    if style == 3:   # the raw 8-bit name must be written in windows-1251 bytes
                        text = text.replace('filename="%s"' % attach, 'filename="\x00RAW\x00"')
                else:
                    subject = b_word(rng.choice(["Встреча в четверг", "Счёт на оплату", "Документы", "Уточнение по заказу"]))
                    text, mid = self.message(when, sender, to, subject, "Добрый день!\n")
                    attach = None
                self.sent.append((when, text, attach))
                self.outbound.append((when, rep, address))
                if rng.random() < 0.5:   # the same mail again in the Takeout archive
                    self.takeout.append((when, "X-GM-THRID: %d\nX-Gmail-Labels: Sent\n" % (int(when.timestamp()) * 10) + text,
                                         attach))
                if rng.random() < 0.3:   # the client answers
                    reply_at = when + dt.timedelta(minutes=rng.randint(20, 300))
                    reply, _ = self.message(reply_at, to, "%s@romashka.ru" % login, "Re: " + subject, "Спасибо, получили.",
                                            extra="In-Reply-To: %s\nReferences: %s" % (mid, mid))
                    self.takeout.append((reply_at, "X-GM-THRID: %d\nX-Gmail-Labels: Inbox,Opened\n" % (int(when.timestamp()) * 10)
                                         + reply.replace("@romashka.ru>", "@client.example>", 1), None))

    @staticmethod
    def encode(text, attach):
        data = text.encode("utf-8")
        if attach is not None and b"\x00RAW\x00" in data:
            data = data.replace(b"\x00RAW\x00", attach.encode("cp1251"))
        return data

    def write(self, base):
        folder = os.path.join(base, "input", "mail")
        for sub in ("sent", "takeout", "eml"):
            os.makedirs(os.path.join(folder, sub), exist_ok=True)
        with open(os.path.join(folder, "sent", "Sent.mbox"), "wb") as f:
            for when, text, attach in sorted(self.sent, key=lambda m: m[0]):
                body = self.encode(text, attach)
                # mboxrd: every ^>*From line gains one '>'.
                body = b"\n".join(b">" + l if l.lstrip(b">").startswith(b"From ") else l for l in body.split(b"\n"))
                f.write(("From %s@romashka.ru %s\n" % ("sent", when.astimezone(dt.timezone.utc).strftime("%a %b %e %H:%M:%S %Y"))).encode())
                f.write(body + b"\n")
        with open(os.path.join(folder, "takeout", "All mail Including Spam and Trash.mbox"), "wb") as f:
            items = sorted(self.takeout, key=lambda m: m[0])
            items.insert(len(items) // 2, (items[0][0], "X-GM-THRID: 1\nX-Gmail-Labels: Chat\nFrom: petrov.ip@mail.ru\n"
                                           "Subject: Chat with Petrov\n\n<chat/>\n", None))
            for k, (when, text, attach) in enumerate(items):
                body = self.encode(text, attach)
                body = b"\n".join(b">" + l if l.lstrip(b">").startswith(b"From ") else l for l in body.split(b"\n"))
                sep = "From %d@xxx %s\n" % (1654953015393719153 + k, when.astimezone(dt.timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y"))
                f.write((sep.encode() + body + b"\n").replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        d = BUSINESS[-1]
        eml = {
            "no_message_id.eml": self.message(at(d, 10, 5), "%s <v.popova@romashka.ru>" % b_word("Вера Попова"),
                                              '"ООО «Гранит»" <info@granit-stroy.ru>', b_word("Прайс-лист"),
                                              "Прайс во вложении.", attach="Прайс_ноябрь.pdf", style=1, msgid=False)[0],
            "cp1251_subject.eml": self.message(at(d, 11, 0), "d.lebedeva@romashka.ru", "snab@sever-ao.ru",
                                               q_words("Коммерческое предложение от ООО «Ромашка»"), "См. вложение.",
                                               attach="КП_Север.pdf", style=0)[0],
            "koi8r_subject.eml": self.message(at(d, 12, 0), "g.sokolov@romashka.ru", "office@kvadrat.su",
                                              b_word("Счёт на оплату", "koi8-r"), "Счёт во вложении.")[0],
            "internal.eml": self.message(at(d, 13, 0), "a.smirnova@romashka.ru", "b.kuznetsov@romashka.ru",
                                         b_word("План на неделю"), "Коллеги, план.")[0],
            "sales_mailbox.eml": self.message(at(d, 14, 0), "sales@romashka.ru", "zakupki@vector-trade.ru",
                                              b_word("Ответ отдела продаж"), "Добрый день.")[0],
        }
        for name, text in eml.items():
            with open(os.path.join(folder, "eml", name), "wb") as f:
                f.write(text.replace("\n", "\r\n").encode("utf-8"))


# ---------------------------------------------------------------------------------------------------
# CRM: Bitrix24 REST dumps (statuses, users, leads, deals, stage history, activities, tasks), a
# windows-1251 UI export of the tenders pipeline, and a HubSpot-style deals export.

EXT_REP = {"101": "r01", "102": "r02", "103": "r03", "201": "r04", "202": "r05", "301": "r06", "302": "r07"}
CRM_USER = {"r%02d" % i: str(10 + i) for i in range(1, 8)}


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S+03:00")


class CRMDemo:
    def __init__(self, rng):
        self.rng = rng
        self.leads, self.lead_history, self.deals, self.history, self.activities, self.tasks = [], [], [], [], [], []
        self.tender_rows = []
        self.n = 0

    def nid(self):
        self.n += 1
        return str(self.n)

    def lead(self, created, rep, status="IN_PROCESS", desc="", phones=(), emails=(), source="WEB"):
        lid = str(1000 + len(self.leads) + 1)
        self.leads.append({"ID": lid, "TITLE": "Заявка #" + lid, "DATE_CREATE": iso(created), "ASSIGNED_BY_ID": CRM_USER[rep],
                           "SOURCE_ID": source, "STATUS_ID": status, "STATUS_DESCRIPTION": desc,
                           "STATUS_SEMANTIC_ID": {"CONVERTED": "S", "JUNK": "F"}.get(status, ""),
                           "PHONE": [{"ID": self.nid(), "VALUE_TYPE": "WORK", "VALUE": p, "TYPE_ID": "PHONE"} for p in phones],
                           "EMAIL": [{"ID": self.nid(), "VALUE_TYPE": "WORK", "VALUE": e, "TYPE_ID": "EMAIL"} for e in emails],
                           "OPPORTUNITY": "0.00", "CURRENCY_ID": "RUB", "OPENED": "Y", "HAS_PHONE": "Y" if phones else "N"})
        self.lead_history.append({"ID": len(self.lead_history) + 1, "TYPE_ID": 1, "OWNER_ID": int(lid),
                                  "CREATED_TIME": iso(created), "STATUS_ID": "NEW", "STATUS_SEMANTIC_ID": "P"})
        return lid

    def lead_status(self, lid, status, when):
        self.lead_history.append({"ID": len(self.lead_history) + 1, "TYPE_ID": 3 if status in ("JUNK", "CONVERTED", "UC_DUBL") else 2,
                                  "OWNER_ID": int(lid), "CREATED_TIME": iso(when), "STATUS_ID": status})

    def activity(self, owner_type, owner, kind, start, minutes, rep, done=True, subject=""):
        type_id, provider = {"call": ("2", "VOXIMPLANT_CALL"), "meeting": ("1", "CRM_MEETING"),
                             "chat": ("6", "IMOPENLINES_SESSION"), "email": ("4", "CRM_EMAIL")}[kind]
        self.activities.append({"ID": str(5000 + len(self.activities) + 1), "OWNER_ID": owner,
                                "OWNER_TYPE_ID": {"lead": "1", "deal": "2"}[owner_type], "TYPE_ID": type_id,
                                "PROVIDER_ID": provider, "SUBJECT": subject or kind, "START_TIME": iso(start),
                                "END_TIME": iso(start + dt.timedelta(minutes=minutes)) if minutes else "",
                                "COMPLETED": "Y" if done else "N", "DIRECTION": "2" if kind in ("call", "email") else "0",
                                "RESPONSIBLE_ID": CRM_USER[rep], "DESCRIPTION": "[B]итоги[/B]", "DESCRIPTION_TYPE": "2"})

    def deal(self, rep, created, path, amount, title, won_at=None, lost_at=None):
        """A deal of the general pipeline entering the stages of `path` [(stage, when)]; the last is current."""
        did = str(200 + len(self.deals) + 1)
        stage = path[-1][0]
        closed = won_at or lost_at
        self.deals.append({"ID": did, "TITLE": title, "CATEGORY_ID": "0", "STAGE_ID": stage,
                           "STAGE_SEMANTIC_ID": "S" if stage == "WON" else "F" if stage in ("LOSE", "APOLOGY") else "P",
                           "OPPORTUNITY": "%.2f" % amount, "CURRENCY_ID": "RUB", "ASSIGNED_BY_ID": CRM_USER[rep],
                           "DATE_CREATE": iso(created), "CLOSED": "Y" if closed else "N",
                           "CLOSEDATE": iso(closed.replace(hour=0, minute=0)) if closed else "", "BEGINDATE": iso(created),
                           "MOVED_TIME": iso(path[-1][1]), "COMMENTS": "", "LEAD_ID": None})
        for k, (st, when) in enumerate(path):
            self.history.append({"ID": len(self.history) + 1, "TYPE_ID": 1 if k == 0 else 3 if st in ("WON", "LOSE") else 2,
                                 "OWNER_ID": int(did), "CREATED_TIME": iso(when), "CATEGORY_ID": 0,
                                 "STAGE_SEMANTIC_ID": "S" if st == "WON" else "F" if st == "LOSE" else "P", "STAGE_ID": st})
        return did

    def build(self, mail_outbound):
        rng = self.rng
        days = BUSINESS
        reps = ["r01", "r02", "r03", "r04", "r05", "r06", "r07"]
        calls = [(EXT_REP[e], n, t) for e, n, t in OUTBOUND_CALLS if e in EXT_REP and len(n) >= 10]
        for di, day in enumerate(days):
            todays = [c for c in calls if c[2].date() == day]
            mails = [m for m in mail_outbound if m[0].date() == day]
            # Contacted by call: created 3 to 40 minutes before a rep's outbound call to the number.
            for rep, number, start in rng.sample(todays, min(3, len(todays))):
                digits = "".join(ch for ch in number if ch.isdigit())[-10:]
                written = "+7 (%s) %s-%s-%s" % (digits[:3], digits[3:6], digits[6:8], digits[8:])
                lid = self.lead(start - dt.timedelta(minutes=rng.choice([3, 7, 12, 25, 40])), rep, phones=[written],
                                source=rng.choice(["WEB", "CALL", "ADVERTISING"]))
                if rng.random() < 0.5:
                    self.lead_status(lid, "CONVERTED", start + dt.timedelta(hours=2))
                    self.leads[-1]["STATUS_ID"], self.leads[-1]["STATUS_SEMANTIC_ID"] = "CONVERTED", "S"
            # Contacted by mail: created 5 to 30 minutes before a sent mail to the address (written in capitals).
            for when, rep, address in rng.sample(mails, min(2, len(mails))):
                self.lead(when - dt.timedelta(minutes=rng.choice([5, 10, 30])), rep, emails=[address.upper()], source="EMAIL")
            # Contacted through a completed CRM call.
            rep = rng.choice(reps)
            created = at(day, rng.randint(9, 17), rng.randint(0, 59))
            lid = self.lead(created, rep, phones=["8 9%09d" % rng.randrange(10 ** 9)], source="WEBFORM")
            self.activity("lead", lid, "call", created + dt.timedelta(minutes=rng.choice([4, 9, 35])), 3, rep)
            # Never contacted; some junked, with and without a reason, one as a duplicate (a custom junk status).
            rep = rng.choice(reps)
            created = at(day, rng.randint(9, 17), rng.randint(0, 59))
            status, desc = [("NEW", ""), ("JUNK", ""), ("JUNK", "спам"), ("UC_DUBL", "дубль заявки"), ("IN_PROCESS", "")][di % 5]
            lid = self.lead(created, rep, status=status, desc=desc, phones=["+7 912 %03d-%02d-%02d" % (rng.randrange(1000),
                                                                                                rng.randrange(100), rng.randrange(100))])
            if status != "NEW" and status != "IN_PROCESS":
                self.lead_status(lid, status, created + dt.timedelta(hours=1))
                self.leads[-1]["STATUS_SEMANTIC_ID"] = "F" if status == "JUNK" else ""
            # Meetings (completed, 30-120 min), a planned one, chats from Open Lines.
            for rep in rng.sample(reps, 2):
                self.activity("deal", "201", "meeting", at(day, rng.randint(10, 16), 0), rng.choice([30, 45, 60, 90, 120]), rep,
                              subject="Встреча с клиентом")
            self.activity("deal", "202", "meeting", at(day, 17, 0), 60, rng.choice(reps), done=False, subject="План")
            for rep in rng.sample(reps, 3):
                self.activity("deal", "203", "chat", at(day, rng.randint(9, 18), rng.randint(0, 59)), 0, rep, subject="Чат")
        # Deals of the general pipeline: every path the quality checks tell apart.
        d0 = days[0]
        def t(k, h=10):
            return at(days[min(k, len(days) - 1)], h, 0)
        for i, rep in enumerate(reps):
            full = [("NEW", t(0)), ("PREPARATION", t(1)), ("PREPAYMENT_INVOICE", t(2)), ("EXECUTING", t(4)), ("WON", t(6 + i % 3))]
            self.deal(rep, t(0), full, 50000 + 10000 * i, "Поставка оборудования %d" % (i + 1), won_at=full[-1][1])
            skip = [("NEW", t(1)), ("EXECUTING", t(2)), ("WON", t(8))] if i % 2 == 0 else [("NEW", t(1)), ("PREPARATION", t(2))]
            self.deal(rep, t(1), skip, 20000 + 5000 * i, "Монтаж %d" % (i + 1), won_at=skip[-1][1] if skip[-1][0] == "WON" else None)
            self.deal(rep, t(2), [("NEW", t(2)), ("LOSE", t(3))], 15000, "Консультация %d" % (i + 1), lost_at=t(3))
            if i % 3 == 0:   # created directly in a late stage (an import from another system)
                self.deal(rep, t(3), [("EXECUTING", t(3))], 80000, "Перенос из 1С %d" % (i + 1))
            if i % 2 == 1:   # stuck at PREPARATION since the first days
                self.deal(rep, t(0), [("NEW", t(0)), ("PREPARATION", t(1))], 30000, "Долгий счёт %d" % (i + 1))
        # Tasks: on time, closed late, open past the deadline, open and not due.
        for i, rep in enumerate(reps):
            for k, (deadline, closed) in enumerate([(t(2, 18), t(2, 12)), (t(3, 18), t(5, 11)), (t(7, 18), None), (t(9, 18) +
                                                   dt.timedelta(days=5), None)]):
                self.tasks.append({"id": str(700 + i * 10 + k), "title": ["Отправить КП", "Согласовать договор",
                                   "Перезвонить клиенту", "Подготовить отчёт"][k], "status": "5" if closed else "3",
                                   "responsibleId": CRM_USER[rep], "createdDate": iso(t(0, 9)), "deadline": iso(deadline),
                                   "closedDate": iso(closed) if closed else None, "ufCrmTask": ["D_%d" % (201 + i)]})
        # On the as-of day: a lead junked before anyone contacted it, a deal that skips the required
        # stage (no random draw, so nothing above moves).
        last = days[-1]
        lid = self.lead(at(last, 10, 5), "r06", phones=["+7 912 000-20-26"], source="WEB")
        self.lead_status(lid, "JUNK", at(last, 11, 0))
        self.leads[-1]["STATUS_ID"], self.leads[-1]["STATUS_SEMANTIC_ID"] = "JUNK", "F"
        self.deal("r06", at(last, 9, 0), [("NEW", at(last, 9, 0)), ("EXECUTING", at(last, 16, 0))], 45000, "Срочный монтаж")
        # The tenders pipeline (category 1), exported from the UI in windows-1251: display names, product rows.
        tenders = [("T-1", "Тендер «Водоканал»", "Подача заявки", "Анна Смирнова", "10.11.2026 11:00:00", [("Насос", "120000", "2")]),
                   ("T-2", "Тендер «Школа №5»", "Cчёт на оплату", "Глеб Соколов", "11.11.2026 15:20:00", [("Монтаж", "80000", "1")]),
                   ("T-3", "Тендер «Больница»", "Выигран", "Вера Попова", "03.11.2026 09:45:00",
                    [("Фильтр", "15000", "4"), ("Насос", "120000", "1")]),
                   ("T-4", "Тендер «Завод»", "Проигран", "Егор Новиков", "05.11.2026 10:00:00", [("", "", "")])]
        for did, title, stage, rep, created, products in tenders:
            for name, price, qty in products:
                amount = "%.2f" % (float(price) * float(qty)) if price else "0"
                self.tender_rows.append([did, title, stage, "Тендеры", amount, "Российский рубль", rep, created,
                                         "Да" if stage in ("Выигран", "Проигран") else "Нет",
                                         "18.11.2026" if stage in ("Выигран", "Проигран") else "", name, price, qty])

    def write(self, base):
        folder = os.path.join(base, "input", "crm")
        for sub in ("bitrix", "ui", "hubspot", "payments"):
            os.makedirs(os.path.join(folder, sub), exist_ok=True)
        def dump(name, obj):
            with open(os.path.join(folder, "bitrix", name), "w", encoding="utf-8") as f:
                f.write(json.dumps(obj, ensure_ascii=False, indent=1).replace("/", "\\/"))
        statuses = [("STATUS", "NEW", "Не обработан", 10, None), ("STATUS", "IN_PROCESS", "В работе", 20, None),
                    ("STATUS", "PROCESSED", "Обработан", 30, None), ("STATUS", "CONVERTED", "Качественный лид", 40, "S"),
                    ("STATUS", "JUNK", "Некачественный лид", 50, "F"), ("STATUS", "UC_DUBL", "Дубль", 60, "F"),
                    ("SOURCE", "WEB", "Веб-сайт", 10, None), ("SOURCE", "CALL", "Звонок", 20, None),
                    ("SOURCE", "EMAIL", "Электронная почта", 30, None), ("SOURCE", "WEBFORM", "CRM-форма", 40, None),
                    ("SOURCE", "ADVERTISING", "Реклама", 50, None),
                    ("DEAL_STAGE", "NEW", "Новая", 10, None), ("DEAL_STAGE", "PREPARATION", "Подготовка документов", 20, None),
                    ("DEAL_STAGE", "PREPAYMENT_INVOICE", "Cчёт на предоплату", 30, None),
                    ("DEAL_STAGE", "EXECUTING", "В работе", 40, None), ("DEAL_STAGE", "WON", "Сделка успешна", 60, "S"),
                    ("DEAL_STAGE", "LOSE", "Сделка провалена", 70, "F"),
                    ("DEAL_STAGE_1", "C1:NEW", "Новый тендер", 10, None), ("DEAL_STAGE_1", "C1:UC_BID01", "Подача заявки", 20, None),
                    ("DEAL_STAGE_1", "C1:UC_INV001", "Счёт на оплату", 30, None),   # Cyrillic С here; the export has a Latin C
                    ("DEAL_STAGE_1", "C1:WON", "Выигран", 40, "S"), ("DEAL_STAGE_1", "C1:LOSE", "Проигран", 50, "F")]
        dump("statuses.json", {"result": [{"ID": str(i + 1), "ENTITY_ID": e, "STATUS_ID": sid, "NAME": name, "NAME_INIT": name,
                                           "SORT": str(sort), "SYSTEM": "Y", "SEMANTICS": sem,
                                           "EXTRA": {"SEMANTICS": {"S": "success", "F": "failure"}.get(sem, "process"),
                                                     "COLOR": "#39A8EF"} if e.startswith("DEAL_STAGE") else []}
                                          for i, (e, sid, name, sort, sem) in enumerate(statuses)], "total": len(statuses)})
        users = [{"ID": CRM_USER[r], "ACTIVE": True, "NAME": n.split()[0], "LAST_NAME": n.split()[1],
                  "EMAIL": login + "@romashka.ru", "UF_DEPARTMENT": [1], "USER_TYPE": "employee"}
                 for r, (n, login) in REP_MAIL.items()]
        dump("users.json", {"result": users, "total": len(users)})
        # Leads as two saved pages of 50, one after the other.
        half = 50
        with open(os.path.join(folder, "bitrix", "leads.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps({"result": self.leads[:half], "next": half, "total": len(self.leads)}, ensure_ascii=False) + "\n")
            f.write(json.dumps({"result": self.leads[half:], "total": len(self.leads)}, ensure_ascii=False) + "\n")
        # Deals as an array of saved pages.
        dump("deals.json", [{"result": self.deals[:20], "next": 20, "total": len(self.deals)},
                            {"result": self.deals[20:], "total": len(self.deals)}])
        dump("stagehistory_deals.json", {"result": {"items": self.history}, "total": len(self.history)})
        dump("stagehistory_leads.json", {"result": {"items": self.lead_history}, "total": len(self.lead_history)})
        dump("activities.json", {"result": self.activities, "total": len(self.activities)})
        dump("tasks.json", {"result": {"tasks": self.tasks}, "total": len(self.tasks)})
        cap = ["ID", "Название сделки", "Стадия сделки", "Направление", "Сумма", "Валюта", "Ответственный", "Дата создания",
               "Сделка закрыта", "Предполагаемая дата закрытия", "Товар", "Цена", "Количество"]
        line = lambda values: "".join('"' + v.replace('"', '""') + '";' for v in values) + "\n"
        with open(os.path.join(folder, "ui", "DEAL_20261120_5f3a9c1e_673d2b5e1a7c4.csv"), "wb") as f:
            f.write((line(cap) + "".join(line(r) for r in self.tender_rows)).encode("cp1251"))
        # Payments from accounting (1C): windows-1251, ';', dates without a time, decimal commas; the won
        # deals of the general pipeline paid two days after closing, every third one in two parts.
        with open(os.path.join(folder, "payments", "payments_1c_202611.csv"), "wb") as f:
            rows = ['"Номер";"Сделка";"Дата оплаты";"Сумма";"Валюта"']
            k = 0
            for deal in self.deals:
                if deal["STAGE_ID"] != "WON":
                    continue
                closed = dt.datetime.fromisoformat(deal["CLOSEDATE"]) + dt.timedelta(days=2)
                amount = float(deal["OPPORTUNITY"])
                parts = [amount / 2, amount / 2] if k % 3 == 0 else [amount]
                for j, part in enumerate(parts):
                    k += 1
                    paid = closed + dt.timedelta(days=j * 3)
                    rows.append('"ПП-%04d";"%s";"%s";"%s";"RUB"' % (k, deal["ID"], paid.strftime("%d.%m.%Y"),
                                                                  ("%.2f" % part).replace(".", ",")))
            f.write(("\n".join(rows) + "\n").encode("cp1251"))
        hs = [("9001", "Отель «Волга»", "Closed Won", "125000", "2026-11-18 16:00", "2026-11-03 10:00", "Дарья Лебедева"),
              ("9002", "Склад Север", "Presentation Scheduled", "", "", "2026-11-12 09:30", "Глеб Соколов"),
              ("9003", "Бюро Гранит", "Closed Lost", "4000", "2026-11-14 12:00", "2026-11-13 11:00", "Дарья Лебедева"),
              ("9004", "Бюро Квадрат", "Contract Sent", "56000", "", "2026-11-16 11:00", "Глеб Соколов")]
        with open(os.path.join(folder, "hubspot", "hubspot-crm-exports-all-deals-2026-11-20.csv"), "w", encoding="utf-8") as f:
            f.write('"Record ID","Deal Name","Deal Stage","Pipeline","Amount","Close Date","Create Date","Deal owner"\n')
            for r in hs:
                f.write(",".join('"%s"' % v for v in [r[0], r[1], r[2], "Partners", r[3], r[4], r[5], r[6]]) + "\n")


SCALE_PIPELINE = """name: nightly
sources:
  - name: pbx
    kind: telephony
    type: asterisk_cdr
    path: input/telephony/asterisk/Master.csv*
    time_zone: Europe/Moscow
sinks:
  warehouse: output/warehouse.sqlite
  reports: output/reports
"""

SCALE_COMPANY = """company:
  name: Bench Co
  time_zone: Europe/Moscow
  phone_country: RU
  business_days: [mon, tue, wed, thu, fri]
  holidays: []
  report_language: ru
  max_extension_digits: 4
  company_numbers: ["+74950000000"]
norms:
  per_day:
    calls_out: 25
    calls_effective: 12
thresholds:
  effective_call_secs: 30
  callback_window_mins: 60
"""


def scaled(args):
    """A benchmark project: about args.scale CDR rows of args.reps reps over args.days days."""
    rng = random.Random(args.seed)
    base = os.path.abspath(args.out)
    os.makedirs(os.path.join(base, "config"), exist_ok=True)
    os.makedirs(os.path.join(base, "pipelines"), exist_ok=True)
    folder = os.path.join(base, "input", "telephony", "asterisk")
    os.makedirs(folder, exist_ok=True)
    exts = [str(1000 + i) for i in range(args.reps)]
    with open(os.path.join(base, "config", "company.yml"), "w") as f:
        f.write(SCALE_COMPANY)
    with open(os.path.join(base, "config", "team.yml"), "w") as f:
        f.write("reps:\n")
        for i, ext in enumerate(exts):
            f.write('  - {id: r%04d, name: "Rep %d", team: "T%d", extensions: ["%s"]}\n' % (i, i, i // 20, ext))
    with open(os.path.join(base, "pipelines", "nightly.yml"), "w") as f:
        f.write(SCALE_PIPELINE)
    end = dt.date.fromisoformat(args.end)
    days = [end - dt.timedelta(days=i) for i in range(args.days)][::-1]
    write_master(os.path.join(folder, "Master.csv"), rng, exts, days, max(1, args.scale // len(days)))
    print("bench project written under", base)


def write_master(path, rng, exts, days, per_day):
    """A cdr_csv Master.csv of per_day rows a day: outbound calls (70 %) and inbound ring groups of four."""
    q = lambda v: '"' + v + '"'
    counter = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for day in days:
            midnight = int(dt.datetime(day.year, day.month, day.day, tzinfo=MSK).timestamp())
            rows = []
            written = 0
            while written < per_day:
                t = midnight + 9 * 3600 + rng.randrange(10 * 3600)
                counter += 1
                number = "89" + str(rng.randrange(100000000, 999999999))
                uid = "bench-%d.%d" % (t, counter)
                local = lambda s: dt.datetime.fromtimestamp(s, MSK).strftime("%Y-%m-%d %H:%M:%S")
                if rng.random() < 0.7:
                    ext = rng.choice(exts)
                    answered = rng.random() < 0.7
                    ring = rng.randrange(3, 25)
                    talk = rng.choice((rng.randrange(2, 31), rng.randrange(31, 600))) if answered else 0
                    end_t = t + ring + talk
                    rows.append((end_t, ",".join([q(""), q(ext), q(number), q("from-internal"), q('""%s"" <%s>' % (ext, ext)),
                        q("SIP/%s-%08x" % (ext, counter)), q("SIP/trunk-%08x" % counter), q("Dial"), q("SIP/trunk/%s,60" % number),
                        q(local(t)), q(local(t + ring)) if answered else "", q(local(end_t)), str(ring + talk), str(talk),
                        q("ANSWERED" if answered else "NO ANSWER"), q("DOCUMENTATION"), q(uid), q(""), q(""), q(uid), str(counter)])))
                    written += 1
                else:
                    g = rng.randrange(max(1, len(exts) // 4)) * 4
                    group = exts[g:g + 4]
                    answer = rng.choice(group) if rng.random() < 0.8 else None
                    ring = rng.randrange(5, 25)
                    talk = rng.randrange(10, 400)
                    for seq, ext in enumerate(group):
                        ok = ext == answer
                        end_t = t + ring + (talk if ok else 0)
                        rows.append((end_t, ",".join([q(""), q(number), q("600"), q("from-pstn"), q('"""" <%s>' % number),
                            q("SIP/trunk-%08x" % counter), q("SIP/%s-%08x" % (ext, counter + seq + 1)), q("Dial"), q("SIP/600,30"),
                            q(local(t)), q(local(t + ring)) if ok else "", q(local(end_t)), str(ring + (talk if ok else 0)),
                            str(talk if ok else 0), q("ANSWERED" if ok else "NO ANSWER"), q("DOCUMENTATION"), q(uid), q(""), q(""),
                            q(uid), str(counter * 10 + seq)])))
                        written += 1
            rows.sort(key=lambda r: r[0])
            f.write("\n".join(r[1] for r in rows))
            f.write("\n")


MAIL_PIPELINE = """name: nightly
sources:
  - name: archive
    kind: mail
    type: mbox
    path: input/mail/*.mbox
sinks:
  warehouse: output/warehouse.sqlite
  reports: output/reports
"""


def scaled_mbox(args):
    """A benchmark project with one mbox of about args.mbox_mb MB: Takeout-style CRLF messages from and to
    args.reps reps; plain mails, HTML alternatives, proposals with base64 attachments, forwards."""
    rng = random.Random(args.seed)
    base = os.path.abspath(args.out)
    for sub in ("config", "pipelines", os.path.join("input", "mail")):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    with open(os.path.join(base, "config", "company.yml"), "w") as f:
        f.write(SCALE_COMPANY.replace("  company_numbers:", "  mail_domains: [romashka.ru]\n  company_numbers:"))
    with open(os.path.join(base, "config", "team.yml"), "w") as f:
        f.write("reps:\n")
        for i in range(args.reps):
            f.write('  - {id: r%04d, name: "Rep %d", team: "T%d", extensions: ["%d"], emails: [rep%d@romashka.ru]}\n'
                    % (i, i, i // 20, 1000 + i, i))
    with open(os.path.join(base, "pipelines", "nightly.yml"), "w") as f:
        f.write(MAIL_PIPELINE)
    n, written = write_mbox(os.path.join(base, "input", "mail", "archive.mbox"), rng, args.reps, args.days,
                            dt.date.fromisoformat(args.end), args.mbox_mb * 1_000_000)
    print("mbox bench project written under", base, "(%d messages, %d bytes)" % (n, written))


def write_mbox(path, rng, reps, days, end, target):
    """A Takeout-style mbox of about target bytes; returns (messages, bytes)."""
    blob = base64.b64encode(rng.randbytes(3 * 1024 * 1024)).decode()
    lines = [blob[i:i + 76] for i in range(0, len(blob), 76)]
    written = 0
    n = 0
    with open(path, "wb") as f:
        while written < target:
            n += 1
            day = end - dt.timedelta(days=rng.randrange(days))
            when = dt.datetime(day.year, day.month, day.day, 9 + rng.randrange(10), rng.randrange(60), tzinfo=MSK)
            rep = rng.randrange(reps)
            client = rng.choice(CLIENTS)
            outbound = rng.random() < 0.6
            sender = "%s <rep%d@romashka.ru>" % (b_word("Rep %d" % rep), rep) if outbound else '"%s" <%s>' % client
            to = '"%s" <%s>' % client if outbound else "rep%d@romashka.ru" % rep
            kind = rng.random()
            head = ["X-GM-THRID: %d" % (1600000000000000000 + n), "X-Gmail-Labels: %s" % ("Sent" if outbound else "Inbox"),
                    "Message-ID: <%d.%d@bench.romashka.ru>" % (int(when.timestamp()), n),
                    "Date: " + when.strftime("%a, %d %b %Y %H:%M:%S +0300"), "From: " + sender, "To: " + to]
            if kind < 0.5:   # plain text
                head += ["Subject: " + b_word("Уточнение по заказу %d" % n), "Content-Type: text/plain; charset=utf-8", ""]
                body = ["Добрый день!"] + ["Текст письма, строка %d." % k for k in range(rng.randrange(20, 120))]
            elif kind < 0.8:   # HTML alternative
                head += ["Subject: " + b_word("Встреча"), 'Content-Type: multipart/alternative; boundary="alt%d"' % n, ""]
                body = ["--alt%d" % n, "Content-Type: text/plain; charset=utf-8", "", "Добрый день!",
                        "--alt%d" % n, "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
                start = rng.randrange(len(lines) - 400)
                body += lines[start:start + rng.randrange(50, 400)] + ["--alt%d--" % n]
            else:   # a proposal (or a forward of one) with a base64 attachment of 20 to 800 KB
                name = "КП_%s_%d.pdf" % (client[0].replace(" ", "_"), n)
                head += ["Subject: " + b_word("Коммерческое предложение"), 'Content-Type: multipart/mixed; boundary="mix%d"' % n, ""]
                size = int(rng.choice([20, 40, 60, 120, 200, 400, 800]) * 1024 * 4 / 3 / 76)
                start = rng.randrange(len(lines) - size)
                body = ["--mix%d" % n, "Content-Type: text/plain; charset=utf-8", "", "Предложение во вложении.",
                        "--mix%d" % n, "Content-Type: application/pdf",
                        "Content-Disposition: attachment; filename=\"%s\"" % b_word(name), "Content-Transfer-Encoding: base64", ""]
                body += lines[start:start + size] + ["--mix%d--" % n]
            sep = "From %d@xxx %s" % (1654953015393719153 + n, when.astimezone(dt.timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y"))
            text = "\r\n".join([sep] + head + body + [""]) + "\r\n"
            data = text.encode("utf-8")
            f.write(data)
            written += len(data)
    return n, written


CRM_PIPELINE = """name: nightly
sources:
  - {name: statuses, kind: crm, type: bitrix24_rest, method: crm.status.list, path: input/crm/statuses.json}
  - {name: leads, kind: crm, type: bitrix24_rest, method: crm.lead.list, path: input/crm/leads.json}
  - {name: deals, kind: crm, type: bitrix24_rest, method: crm.deal.list, path: input/crm/deals.json}
  - {name: history, kind: crm, type: bitrix24_rest, method: crm.stagehistory.list, path: input/crm/stagehistory.json}
sinks:
  warehouse: output/warehouse.sqlite
  reports: output/reports
"""


def scaled_crm(args):
    """A benchmark project of Bitrix24 REST dumps: args.crm_leads leads, args.crm_deals deals and about
    args.crm_history stage-history rows, saved as pages of 50 one after another."""
    rng = random.Random(args.seed)
    base = os.path.abspath(args.out)
    for sub in ("config", "pipelines", os.path.join("input", "crm")):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    with open(os.path.join(base, "config", "company.yml"), "w") as f:
        f.write(SCALE_COMPANY)
    with open(os.path.join(base, "config", "team.yml"), "w") as f:
        f.write("reps:\n")
        for i in range(args.reps):
            f.write('  - {id: r%04d, name: "Rep %d", team: "T%d", crm_user_ids: ["%d"]}\n' % (i, i, i // 20, 100 + i))
        f.write(crm_funnel_yaml())
    with open(os.path.join(base, "pipelines", "nightly.yml"), "w") as f:
        f.write(CRM_PIPELINE)
    counts = write_crm(os.path.join(base, "input", "crm"), rng, args)
    print("crm bench project written under", base, "(%d leads, %d deals, %d stage entries)" % counts)


CRM_STAGES = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON", "LOSE"]


def crm_funnel_yaml():
    """The funnel of the CRM bench dumps' deal pipeline, as team.yml writes it."""
    text = "funnels:\n  - pipeline: \"0\"\n    name: General\n    stages:\n"
    for st in CRM_STAGES:
        extra = "final: won" if st == "WON" else "final: lost" if st == "LOSE" else "required: %s, max_days: 7" % (
            "true" if st in ("NEW", "PREPARATION", "EXECUTING") else "false")
        text += "      - {id: %s, %s}\n" % (st, extra)
    return text


def write_crm(folder, rng, args):
    """Bitrix24 REST dumps in folder: args.crm_leads leads, args.crm_deals deals, about args.crm_history
    stage entries, owned by CRM users 100 … 100 + args.reps - 1; returns the three counts."""
    stages = CRM_STAGES
    end = dt.datetime.fromisoformat(args.end + "T18:00:00+03:00")
    def when(days_back):
        return (end - dt.timedelta(days=days_back, minutes=rng.randrange(600))).strftime("%Y-%m-%dT%H:%M:%S+03:00")
    def pages(path, items, nested=None):
        with open(path, "w", encoding="utf-8") as f:
            for k in range(0, len(items), 50):
                page = items[k:k + 50]
                result = {nested: page} if nested else page
                head = {"result": result, "total": len(items)}
                if k + 50 < len(items):
                    head["next"] = k + 50
                f.write(json.dumps(head, ensure_ascii=False) + "\n")
    statuses = [{"ID": str(i), "ENTITY_ID": "DEAL_STAGE", "STATUS_ID": st, "NAME": st.title(), "SORT": str(10 * i),
                 "SEMANTICS": "S" if st == "WON" else "F" if st == "LOSE" else None} for i, st in enumerate(stages)]
    pages(os.path.join(folder, "statuses.json"), statuses)
    leads = []
    for i in range(args.crm_leads):
        status = rng.choice(["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"])
        leads.append({"ID": str(i + 1), "TITLE": "Лид %d" % (i + 1), "DATE_CREATE": when(rng.randrange(args.days)),
                      "ASSIGNED_BY_ID": str(100 + rng.randrange(args.reps)), "SOURCE_ID": rng.choice(["WEB", "CALL", "EMAIL"]),
                      "STATUS_ID": status, "STATUS_SEMANTIC_ID": {"CONVERTED": "S", "JUNK": "F"}.get(status, "P"),
                      "STATUS_DESCRIPTION": rng.choice(["", "дубль", ""]) if status == "JUNK" else "",
                      "PHONE": [{"ID": str(i), "VALUE_TYPE": "WORK", "VALUE": "+7 9%02d %03d-%02d-%02d" % (
                          rng.randrange(100), rng.randrange(1000), rng.randrange(100), rng.randrange(100)), "TYPE_ID": "PHONE"}],
                      "EMAIL": [], "OPPORTUNITY": "0.00", "CURRENCY_ID": "RUB", "OPENED": "Y"})
    pages(os.path.join(folder, "leads.json"), leads)
    deals, history = [], []
    per_deal = max(1, args.crm_history // max(1, args.crm_deals))
    for i in range(args.crm_deals):
        back = rng.randrange(args.days)
        path = stages[:rng.randrange(1, 6)]
        if rng.random() < 0.2:
            path = path + ["WON"]
        elif rng.random() < 0.1:
            path = path + ["LOSE"]
        # Stage entries, with re-entries to reach the history volume of a busy portal.
        entries = list(path)
        while len(entries) < per_deal:
            entries.insert(rng.randrange(1, len(entries) + 1), rng.choice(path[:-1] or path))
        for k, st in enumerate(entries):
            history.append({"ID": len(history) + 1, "TYPE_ID": 1 if k == 0 else 2, "OWNER_ID": i + 1,
                            "CREATED_TIME": when(max(0, back - k)), "CATEGORY_ID": 0, "STAGE_ID": st,
                            "STAGE_SEMANTIC_ID": "S" if st == "WON" else "F" if st == "LOSE" else "P"})
        deals.append({"ID": str(i + 1), "TITLE": "Сделка %d" % (i + 1), "CATEGORY_ID": "0", "STAGE_ID": path[-1],
                      "STAGE_SEMANTIC_ID": "S" if path[-1] == "WON" else "F" if path[-1] == "LOSE" else "P",
                      "OPPORTUNITY": "%d.00" % rng.randrange(1000, 500000), "CURRENCY_ID": "RUB",
                      "ASSIGNED_BY_ID": str(100 + rng.randrange(args.reps)), "DATE_CREATE": when(back),
                      "CLOSED": "Y" if path[-1] in ("WON", "LOSE") else "N",
                      "CLOSEDATE": when(max(0, back - len(path))) if path[-1] in ("WON", "LOSE") else ""})
    pages(os.path.join(folder, "deals.json"), deals)
    pages(os.path.join(folder, "stagehistory.json"), history, nested="items")
    return len(leads), len(deals), len(history)


# The CRM bench's sources with the PBX and the mailbox before them.
YEAR_PIPELINE = CRM_PIPELINE.replace("sources:\n", """sources:
  - {name: pbx, kind: telephony, type: asterisk_cdr, path: "input/telephony/asterisk/Master.csv*", time_zone: Europe/Moscow}
  - {name: archive, kind: mail, type: mbox, path: input/mail/*.mbox}
""", 1)


def year_project(args):
    """A warehouse-scale project: args.reps reps (300) over args.days days (365) up to args.end with
    about args.scale CDR rows (23M: about 12M calls), an mbox of args.mbox_mb MB and the CRM dumps."""
    base = os.path.abspath(args.out)
    for sub in ("config", "pipelines", "input/telephony/asterisk", "input/mail", "input/crm"):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    with open(os.path.join(base, "config", "company.yml"), "w") as f:
        f.write(SCALE_COMPANY.replace("  company_numbers:", "  mail_domains: [romashka.ru]\n  company_numbers:"))
    exts = [str(1000 + i) for i in range(args.reps)]
    with open(os.path.join(base, "config", "team.yml"), "w") as f:
        f.write("reps:\n")
        for i, ext in enumerate(exts):
            f.write('  - {id: r%04d, name: "Rep %d", team: "T%d", extensions: ["%s"], emails: [rep%d@romashka.ru], '
                    'crm_user_ids: ["%d"]}\n' % (i, i, i // 20, ext, i, 100 + i))
        f.write(crm_funnel_yaml())
    with open(os.path.join(base, "pipelines", "nightly.yml"), "w") as f:
        f.write(YEAR_PIPELINE)
    end = dt.date.fromisoformat(args.end)
    days = [end - dt.timedelta(days=i) for i in range(args.days)][::-1]
    write_master(os.path.join(base, "input/telephony/asterisk/Master.csv"), random.Random(args.seed), exts, days,
                 max(1, args.scale // len(days)))
    messages, size = write_mbox(os.path.join(base, "input/mail/archive.mbox"), random.Random(args.seed + 1), args.reps,
                                args.days, end, args.mbox_mb * 1_000_000)
    counts = write_crm(os.path.join(base, "input/crm"), random.Random(args.seed + 2), args)
    print("year project written under", base, "(%d messages, %d leads, %d deals, %d stage entries)" % ((messages,) + counts))


# ---------------------------------------------------------------------------------------------------
# Work time: Bitrix24 timeman.status snapshots (Moscow), user calendars, the SPb office's turnstile log.
# Written by hand-set rules (no random draw), so nothing else in the demo moves.

def worktime_demo(base):
    def ts(day, hh, mm):
        return str(int(at(day, hh, mm).timestamp()))

    def status(state, start, finish=None, leaks="00:00:00"):
        return {"STATUS": state, "TIME_START": start.isoformat(), "TIME_FINISH": finish.isoformat() if finish else None,
                "DURATION": "00:00:00" if finish is None else str(finish - start - dt.timedelta(
                    hours=int(leaks[:2]), minutes=int(leaks[3:5]))).zfill(8),
                "TIME_LEAKS": leaks, "ACTIVE": state in ("OPENED", "PAUSED"), "IP_OPEN": "10.10.0.21",
                "IP_CLOSE": "10.10.0.21" if finish else "", "LAT_OPEN": 55.7558, "LON_OPEN": 37.6173,
                "LAT_CLOSE": None, "LON_CLOSE": None, "TZ_OFFSET": 10800}

    folder = os.path.join(base, "input/crm/bitrix/timeman")
    os.makedirs(folder, exist_ok=True)
    week = BUSINESS[5:]
    snapshots = []   # (file name, body)
    for i, day in enumerate(week):
        # Anna (11): a late start on Tuesday; Thursday seen open at the 21:00 save and closed by 23:30.
        start = at(day, 9, 52) if i == 1 else at(day, 8, 55 - i)
        finish = at(day, 18, 5 + 3 * i)
        if i == 3:
            snapshots.append(("timeman_11_%s_2100.json" % day, {"result": status("OPENED", start)}))
        snapshots.append(("timeman_11_%s_2330.json" % day, {"result": status("CLOSED", start, finish, "00:5%d:00" % i)}))
        # Boris (12): Wednesday never closed; Thursday morning's save says EXPIRED.
        start = at(day, 9, 2 + i)
        if i == 2:
            snapshots.append(("timeman_12_%s_0700.json" % week[3], {"result": status("EXPIRED", start)}))
        else:
            snapshots.append(("timeman_12_%s_2330.json" % day, {"result": status("CLOSED", start, at(day, 18, 20), "01:00:00")}))
        # Vera (13, the user in a wrapper): still open at Friday night's save.
        start = at(day, 10, 1 + 2 * i)
        body = status("OPENED", start) if i == 4 else status("CLOSED", start, at(day, 19, 10), "00:45:00")
        snapshots.append(("timeman-v.popova-%s.json" % day, {"USER_ID": "13", "result": body, "time": {"start": 1}}))
    for name, body in snapshots:
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False, indent=1)

    def event(eid, owner, name, start, end, location="", accessibility="busy", meeting=False, rrule="", exdate="",
              all_day=None, crm=False):
        e = {"ID": eid, "PARENT_ID": eid, "DELETED": "N", "CAL_TYPE": "user", "OWNER_ID": owner, "NAME": name,
             "DATE_FROM": "", "DATE_TO": "", "TZ_FROM": "Europe/Moscow", "TZ_TO": "Europe/Moscow", "TZ_OFFSET_FROM": "10800",
             "DATE_FROM_TS_UTC": "", "DATE_TO_TS_UTC": "", "DT_SKIP_TIME": "N", "DT_LENGTH": 0,
             "ACCESSIBILITY": accessibility, "IMPORTANCE": "normal", "IS_MEETING": meeting, "MEETING_HOST": owner,
             "MEETING_STATUS": "Y", "LOCATION": location, "RRULE": rrule, "EXDATE": exdate, "RECURRENCE_ID": None,
             "ATTENDEE_LIST": [{"id": int(owner), "entryId": eid, "status": "Y"}], "UF_CRM_CAL_EVENT": crm}
        if all_day:
            first, last = all_day
            e.update({"DATE_FROM": first.strftime("%d.%m.%Y"), "DATE_TO": last.strftime("%d.%m.%Y"), "DT_SKIP_TIME": "Y",
                      "TZ_FROM": "", "TZ_TO": "", "TZ_OFFSET_FROM": "0", "DT_LENGTH": 86400 * ((last - first).days + 1),
                      "DATE_FROM_TS_UTC": str(int(dt.datetime(first.year, first.month, first.day, tzinfo=MSK).timestamp())),
                      "DATE_TO_TS_UTC": str(int(dt.datetime(last.year, last.month, last.day, tzinfo=MSK).timestamp()))})
        else:
            e.update({"DATE_FROM": start.strftime("%d.%m.%Y %H:%M:%S"), "DATE_TO": end.strftime("%d.%m.%Y %H:%M:%S"),
                      "DATE_FROM_TS_UTC": str(int(start.timestamp())), "DATE_TO_TS_UTC": str(int(end.timestamp())),
                      "DT_LENGTH": int((end - start).total_seconds())})
        return e

    nov = lambda d: dt.date(2026, 11, d)
    calendars = {
        # Anna: a weekly client meeting on Tuesdays and Thursdays since 3 November, 12 November excepted.
        "11": [event("5101", "11", "Встреча с ООО «Вектор»", at(nov(3), 15, 0), at(nov(3), 16, 30),
                     "ООО «Вектор», Тверская 1", meeting=True,
                     rrule={"FREQ": "WEEKLY", "INTERVAL": "1", "BYDAY": {"TU": "TU", "TH": "TH"}, "UNTIL": "01/01/2038"},
                     exdate="11/12/2026", crm=["CO_3", "D_101"])],
        # Boris: a business trip to Tver on the 16th with a client meeting inside it (counted once).
        "12": [event("5201", "12", "Командировка в Тверь", at(nov(16), 11, 0), at(nov(16), 19, 0), accessibility="absent"),
               event("5202", "12", "Встреча с АО «Север»", at(nov(16), 14, 0), at(nov(16), 15, 30), "Тверь, Советская 12",
                     meeting=True, crm=["CO_5"])],
        # Vera: the Monday stand-up in a meeting room (office time), an exhibition all day on the 12th.
        "13": [event("5301", "13", "Планёрка", at(nov(16), 10, 0), at(nov(16), 10, 30), "calendar_2", meeting=True,
                     rrule={"FREQ": "WEEKLY", "INTERVAL": "1", "BYDAY": {"MO": "MO"}, "UNTIL": "01/01/2038"}),
               event("5302", "13", "Выставка «Мебель-2026»", None, None, "Крокус Экспо", all_day=(nov(12), nov(12)))],
        # Gleb: two client visits in St Petersburg.
        "14": [event("5401", "14", "Презентация для ООО «Гранит»", at(nov(17), 11, 0), at(nov(17), 13, 0),
                     "Санкт-Петербург, Невский 28", meeting=True, crm=["CO_9"]),
               event("5402", "14", "Встреча с ИП Петров", at(nov(19), 15, 0), at(nov(19), 16, 30), "Пулковское ш. 40")],
        # Darya: a vacation on the 10th and 11th.
        "15": [event("5501", "15", "Отпуск", None, None, accessibility="absent", all_day=(nov(10), nov(11)))],
    }
    folder = os.path.join(base, "input/crm/bitrix/calendar")
    os.makedirs(folder, exist_ok=True)
    for owner, events in calendars.items():
        with open(os.path.join(folder, "calendar_user_%s.json" % owner), "w", encoding="utf-8") as f:
            json.dump({"result": events, "total": len(events), "time": {"start": 1}}, f, ensure_ascii=False, indent=1)

    # The SPb office's turnstiles (windows-1251, Russian headers): in, out for lunch, back, out.
    rows = []
    for i, day in enumerate(BUSINESS):
        for badge, name in (("1004", "Соколов Глеб"), ("1005", "Лебедева Дарья")):
            if badge == "1005" and day in (nov(10), nov(11)):
                continue
            late = badge == "1005" and day == nov(17)
            passes = [((9, 27) if late else (8, 50 + i % 5), "Вход", "Турникет 1"),
                      ((13, 5), "Выход", "Турникет 1"), ((13, 52), "Вход", "Турникет 2"),
                      ((18, 10 + i % 7), "Выход", "Турникет 1")]
            if badge == "1004" and day == nov(18):
                passes = passes[:3]   # left through the car park gate, which has no reader
            for (hh, mm), direction, door in passes:
                rows.append((day.strftime("%d.%m.%Y"), "%02d:%02d:%02d" % (hh, mm, (i * 7) % 60), name, badge, direction, door))
    os.makedirs(os.path.join(base, "input/worktime"), exist_ok=True)
    with open(os.path.join(base, "input/worktime/spb_turnstiles.csv"), "wb") as f:
        lines = ["Дата;Время;Сотрудник;Пропуск;Направление;Точка прохода"] + [";".join(r) for r in rows]
        f.write(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def archive(rng, path):
    """The Moscow office's older log, rotated and compressed by logrotate: the outbound calls of the two
    weeks before the demo's (26 Oct - 6 Nov, 4 Nov a holiday), so that each Moscow rep has the 15
    working days of history a decline alert needs."""
    ast = Asterisk(rng)
    days = [dt.date(2026, 10, 26) + dt.timedelta(days=i) for i in range(12)]
    for day in [d for d in days if d.weekday() < 5 and d != dt.date(2026, 11, 4)]:
        for ext, per_day in MOSCOW.items():
            for _ in range(per_day):
                start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59))
                ast.outbound(ext, client_number(rng), start, talk_seconds(rng), answered=rng.random() < 0.7)
    ast.rows.sort(key=lambda r: r[0])
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        for _, _, (head, tail) in ast.rows:
            f.write(head + tail + b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--scale", type=int, help="write a benchmark project of about this many CDR rows")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--days", type=int, default=250)
    ap.add_argument("--end", default="2026-11-20")
    ap.add_argument("--mbox-mb", type=int, help="write a benchmark project with one mbox of about this many MB")
    ap.add_argument("--crm", action="store_true", help="write a benchmark project of Bitrix24 REST dumps")
    ap.add_argument("--crm-leads", type=int, default=100_000)
    ap.add_argument("--crm-deals", type=int, default=50_000)
    ap.add_argument("--crm-history", type=int, default=500_000)
    ap.add_argument("--year", action="store_true",
                    help="write a warehouse-scale project: 300 reps, 365 days, about 12M calls (23M CDR rows), "
                         "a 1 GB mbox and the CRM dumps (--reps, --days, --scale, --mbox-mb change it)")
    args = ap.parse_args()
    if args.year:
        args.reps = 300 if args.reps == 200 else args.reps
        args.days = 365 if args.days == 250 else args.days
        args.scale = args.scale or 23_000_000
        args.mbox_mb = args.mbox_mb or 1024
        return year_project(args)
    if args.crm:
        return scaled_crm(args)
    if args.mbox_mb:
        return scaled_mbox(args)
    if args.scale:
        return scaled(args)
    rng = random.Random(args.seed)
    ast, fpbx, sip = Asterisk(rng), FreePBX(rng), Sipuni(rng)
    mail = MailDemo(random.Random(args.seed + 1))

    for di, day in enumerate(BUSINESS):
        second_week = di >= 5
        for ext, per_day in MOSCOW.items():
            n = per_day if not (ext == "102" and second_week) else per_day // 2   # r02 declines in week 2
            for _ in range(n):
                start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59))
                ast.outbound(ext, client_number(rng), start, talk_seconds(rng), answered=rng.random() < 0.7)
        for ext, per_day in SPB.items():
            for _ in range(per_day):
                start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59))
                fpbx.outbound(ext, client_number(rng), start, talk_seconds(rng), answered=rng.random() < 0.65)
        for ext, per_day in REGIONS.items():
            for _ in range(per_day):
                start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59), EKB)
                answered = rng.random() < 0.7
                sip.add("исходящий", answered, start, ext, client_number(rng), "", talk_seconds(rng))
        # Inbound calls to the main lines.
        for _ in range(8):
            start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59))
            ast.inbound_group(client_number(rng), start, rng.choice(["101", "102", "103"]), talk_seconds(rng),
                              hangup_row=rng.random() < 0.3)
        for _ in range(6):
            start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59))
            fpbx.inbound_queue(client_number(rng), start, rng.choice(["201", "202"]), talk_seconds(rng))
        for _ in range(5):
            start = at(day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59), EKB)
            answered = rng.random() < 0.8
            sip.add("входящий", answered, start, client_number(rng), "+7 (343) 123-00-00",
                    rng.choice(["301", "302"]) if answered else "", talk_seconds(rng))
        # Missed calls: one called back within the window, one too late, one never.
        for k, delay in enumerate([rng.randint(5, 55), rng.randint(70, 180), None]):
            number = client_number(rng, form=k)
            start = at(day, 10 + k * 2, rng.randint(0, 59))
            ast.inbound_group(number, start, None, 0)
            if delay is not None:
                ast.outbound(rng.choice(list(MOSCOW)), number, start + dt.timedelta(minutes=delay), talk_seconds(rng))
        number = client_number(rng, form=0)
        start = at(day, 15, rng.randint(0, 59))
        fpbx.inbound_queue(number, start, None, 0)
        fpbx.outbound(rng.choice(list(SPB)), number, start + dt.timedelta(minutes=rng.randint(5, 50)), talk_seconds(rng))
        number = client_number(rng, form=1)
        start = at(day, 12, rng.randint(0, 59), tz=EKB)
        sip.add("входящий", False, start, number, "+7 (343) 123-00-00", "", 0)
        mail.day(day, [r for r in REP_MAIL if r != "r07" or day >= dt.date(2026, 11, 1)])
        # Internal calls.
        ast.internal("101", "102", at(day, 9, 5), rng.randint(20, 200))
        fpbx.outbound("201", "202", at(day, 9, 10), rng.randint(20, 200))
        # An extension that is not in the roster (a new hire not yet configured).
        ast.outbound("104", client_number(rng), at(day, 11, rng.randint(0, 59)), talk_seconds(rng))

    first = BUSINESS[0]
    # billsec 30 (not effective) and 31 (effective).
    ast.outbound("101", "+7 916 555-00-30", at(first, 16, 0), 30)
    ast.outbound("101", "+7 916 555-00-31", at(first, 16, 5), 31)
    # A call across local midnight: dated by its start.
    ast.outbound("103", "89165550000", at(BUSINESS[2], 23, 58, 30), 300)
    # clid with quotes and commas, and raw windows-1251 bytes from a trunk.
    ast.inbound_group("84951112233", at(first, 11, 11), "102", 95, clid='"Иванов, Пётр ""ИП""" <84951112233>')
    ast.inbound_group("84951112244", at(first, 11, 21), "103", 45,
                      clid_bytes=b'""' + "ООО Ромашка".encode("cp1251") + b'"" <84951112244>')
    # A local city number and an international one.
    ast.outbound("102", "2149430", at(first, 12, 30), 40)
    ast.outbound("102", "810375291234567", at(first, 12, 40), 200)

    # Real PBX shapes on the day before the as-of date (no random draw, so nothing else moves): queue
    # calls through Local/ member channels (;2 rows only, and the full ;1 + ;2 set), a queue call
    # nobody answered with its callback ten minutes later, a call only voicemail answered, a transfer.
    shapes = BUSINESS[-2]
    ast.queue_local("84957770001", at(shapes, 10, 30), ["101", "102", "103"], "102", 12, 75, with_half1=False)
    ast.queue_local("84957770002", at(shapes, 11, 30), ["103", "101"], "103", 8, 140, with_half1=True)
    ast.queue_local("84957770003", at(shapes, 12, 30), ["102", "101", "103"], None, 25, 0, with_half1=False)
    callback = ast.uid(at(shapes, 12, 40))
    ast.direct("101", "84957770003", "from-internal", "SIP/101-%08x" % ast.counter, "SIP/trunk-msk-%08x" % ast.counter,
               "Dial", at(shapes, 12, 40), 7, 95, True, callback, 1)
    ast.voicemail("84957770004", at(shapes, 14, 30), "103")
    ast.transfer("84957770005", at(shapes, 15, 30), "101", 40, "102", 100)

    b24 = Bitrix24Telephony(random.Random(args.seed + 3))
    for day in BUSINESS:
        b24.day(day)

    base = os.path.abspath(args.out)
    for sub in ("asterisk", "freepbx", "sipuni", "bitrix24"):
        os.makedirs(os.path.join(base, "input", "telephony", sub), exist_ok=True)
    ast.write(os.path.join(base, "input/telephony/asterisk/Master.csv"),
              os.path.join(base, "input/telephony/asterisk/Master.csv-20261110"), BUSINESS[0])
    fpbx.write(os.path.join(base, "input/telephony/freepbx/cdr__1763672400pbx-spb.csv"))
    sip.write(os.path.join(base, "input/telephony/sipuni/sipuni_export.csv"))
    b24.write(os.path.join(base, "input/telephony/bitrix24/voximplant_statistic_get.json"))
    mail.write(base)
    crm = CRMDemo(random.Random(args.seed + 2))
    crm.build(mail.outbound)
    crm.write(base)
    archive(random.Random(args.seed + 4), os.path.join(base, "input/telephony/asterisk/Master.csv-20261109.gz"))
    worktime_demo(base)
    print("demo written under", os.path.join(base, "input"))


if __name__ == "__main__":
    main()
