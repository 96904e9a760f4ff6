"""Deadline day: communes submitting a month's report all at once, against a real server on loopback.

    python bench/deadline_day.py --communes 60 --minutes 1            # SQLite, small
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_load REDIS_URL=redis://127.0.0.1:6379/5 \\
        python bench/deadline_day.py --communes 600 --minutes 3 --readers 20
    python bench/deadline_day.py --communes 3300 --minutes 10 --readers 50   # the full deadline day

What it does, in one process that drives and one server it starts:

1. A fresh database (a temporary SQLite data directory, or the PostgreSQL database of ``DATABASE_URL``
   dropped and created again) migrated, with a province of ``--communes`` communes in districts of 30,
   a monthly form of 11 indicators (with a validation rule, and every commune's previous month filled, so
   the outlier check reads history), one data-entry clerk per commune, one approver per district and
   ``--readers`` viewers of the province. Made through the product's services, so the rules hold.
2. gunicorn (``--workers``, sync workers, as the README deploys it) serving the product on 127.0.0.1, its
   output kept in a log file; ``KETNOI_TRUSTED_PROXIES=127.0.0.1`` so each simulated citizen of the public
   check has its own address (``X-Forwarded-For``), as behind the office's reverse proxy.
3. For ``--minutes``, with threads on the same machine:
   * clerks arrive evenly (all communes within the time: the deadline hour compressed); each logs in,
     opens the entry page, saves the 11 values, and submits;
   * one approver per district (up to ``--approvers``) approves every report submitted in its district;
   * ``--readers`` readers, half on the dashboards (home, reports home, the period's status page), half on
     the public link check, each under the check's rate limit;
   * one abuser calls the public check from one address (``--abuse-rate`` a second, far over the limit of
     60 a minute): it must get 429 while the other citizens keep getting answers;
   * ``/healthz`` (a trivial view on the same server) timed throughout: the baseline of the ratios.
4. Afterwards: every save the server acknowledged (a redirect after the POST) is read back from the
   database, value by value ("lost" counts the missing or different ones); every submitted report that an
   approver approved is approved; the server log is searched for "database is locked".

Prints, per request kind, count, p50/p95/p99 (ms) and their ratio to the trivial view's, errors (5xx,
unexpected answers, refused connections) and the totals; ``--json FILE`` writes the same figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODES = [f"c{i:02d}" for i in range(11)]
FORM = "deadline"
PASSWORD = "Tải-thử-ngày-hạn-2026"  # noqa: S105 - generated accounts of a throwaway database
DISTRICT_SIZE = 30
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# ---------------------------------------------------------------- data


def month_ids() -> tuple[str, str]:
    """The month being reported (last month) and the one before it (history for the outlier check)."""
    first = dt.date.today().replace(day=1)  # noqa: DTZ011 - the office's calendar month
    last = (first - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    return f"{last:%Y%m}", f"{before:%Y%m}"


def fresh_database(env: dict[str, str]) -> None:
    url = env.get("DATABASE_URL", "")
    if not url:
        return
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    args = [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]
    subprocess.run(["dropdb", "--if-exists", "--force", *args, name], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", *args, name], check=True)  # noqa: S603,S607


def build(communes: int, readers: int) -> dict[str, Any]:
    """Migrate and make the province (runs in this process, Django set up on the run's database)."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections, transaction

    from ketnoi.accounts.models import User
    from ketnoi.accounts.services import role_grant, user_create
    from ketnoi.core.permissions import SYSTEM
    from ketnoi.reporting import services
    from ketnoi.units.services import unit_create

    call_command("migrate", verbosity=0)
    period, before = month_ids()
    clerks: list[tuple[str, str, str]] = []  # (username, unit code, district code)
    approvers: dict[str, str] = {}
    with transaction.atomic():
        province = unit_create(
            code="LT", name="Tỉnh Tải Thử", kind="province", level="province", parent=None, by=SYSTEM
        )
        units = [province]
        district = province
        for i in range(communes):
            if i % DISTRICT_SIZE == 0:
                d = i // DISTRICT_SIZE
                district = unit_create(
                    code=f"LT-{d:03d}",
                    name=f"Cụm {d}",
                    kind="district",
                    level="district",
                    parent=province,
                    by=SYSTEM,
                )
                units.append(district)
                user = user_create(username=f"duyet{d:03d}", password=None, unit=district, by=SYSTEM)
                role_grant(user=user, role="approver", unit=district, by=SYSTEM)
                approvers[district.code] = user.username
            commune = unit_create(
                code=f"{district.code}-{i:04d}",
                name=f"Xã {i}",
                kind="commune",
                level="commune",
                parent=district,
                by=SYSTEM,
            )
            units.append(commune)
            user = user_create(username=f"xa{i:04d}", password=None, unit=commune, by=SYSTEM)
            role_grant(user=user, role="data_entry", unit=commune, by=SYSTEM)
            clerks.append((user.username, commune.code, district.code))
        for r in range(readers):
            user = user_create(username=f"doc{r:03d}", password=None, unit=province, by=SYSTEM)
            role_grant(user=user, role="viewer", unit=province, by=SYSTEM)
        for code in CODES:
            services.indicator_create(code=code, name=f"Chỉ tiêu {code}", by=SYSTEM, min_value=0)
        form = services.form_create(
            code=FORM,
            name="Báo cáo tháng",
            period_type="monthly",
            owner=province,
            by=SYSTEM,
            indicators=CODES,
            units=units,
        )
        services.rule_create(form=form, left="c01", operator="<=", right="c00", by=SYSTEM)
        # One hash for every generated account: hashing 3,300 passwords is not what is measured.
        User.objects.filter(username__regex=r"^(xa|duyet|doc)\d+$").update(password=make_password(PASSWORD))
    from ketnoi.units.models import Unit

    for unit in Unit.objects.filter(level="commune"):
        services.report_values_save(
            form=form, unit=unit, period=before, values=dict.fromkeys(CODES, "100"), by=SYSTEM
        )
    connections.close_all()
    return {"period": period, "clerks": clerks, "approvers": approvers, "readers": readers}


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own server
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ketnoi.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            status, _b, _h = Client(port).request("GET", "/healthz")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("gunicorn did not answer within 180 s")


# ---------------------------------------------------------------- the clients


class Client:
    """One person's browser: a connection, cookies, the CSRF token; never follows redirects."""

    def __init__(self, port: int, address: str = "") -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.address = address
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.address:
            headers["X-Forwarded-For"] = self.address
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            answer = self.conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for value in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if answer.headers.get("Connection", "").lower() == "close":
            self.conn.close()
        return answer.status, text, dict(answer.headers)


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: dict[str, dict[str, str]] = field(default_factory=dict)  # unit code -> values saved
    submitted: set[str] = field(default_factory=set)
    approved: set[str] = field(default_factory=set)
    public_429: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    abuse_answered: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # minute -> 200s
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(
        self,
        kind: str,
        client: Client,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, str, dict[str, str]]:
        started = time.perf_counter()
        try:
            status, text, headers = client.request(method, path, form)
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.errors[kind].append(f"{method} {path}: {exc!r}")
            return 0, "", {}
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[kind].append(elapsed)
            if status not in expect:
                self.errors[kind].append(f"{method} {path}: {status}")
        return status, text, headers


def login(results: Results, client: Client, username: str) -> bool:
    status, _text, _h = results.timed("login page", client, "GET", "/accounts/login/")
    if status != 200:
        return False
    status, _t, _headers = results.timed(
        "login",
        client,
        "POST",
        "/accounts/login/",
        {"username": username, "password": PASSWORD},
        expect=(302,),
    )
    return status == 302


def clerk(results: Results, port: int, period: str, username: str, unit: str, n: int) -> None:
    client = Client(port)
    if not login(results, client, username):
        return
    base = f"/reports/f/{FORM}/{period}/u/{unit}/"
    status, _text, _h = results.timed("entry", client, "GET", base)
    if status != 200:
        return
    values = {code: str(100 + (n + i) % 7) for i, code in enumerate(CODES)}
    values["c01"] = "90"  # within the rule c01 <= c00
    status, _t, _h = results.timed("save", client, "POST", base + "save/", values, expect=(302,))
    if status != 302:
        return
    with results.lock:
        results.acknowledged[unit] = values
    status, _t, _h = results.timed("submit", client, "POST", base + "submit/", {}, expect=(302,))
    if status == 302:
        with results.lock:
            results.submitted.add(unit)


def approver(
    results: Results,
    port: int,
    period: str,
    username: str,
    inbox: queue.Queue[str | None],
    stop: threading.Event,
) -> None:
    client = Client(port)
    if not login(results, client, username):
        return
    while True:
        unit = inbox.get()
        if unit is None:
            return
        path = f"/reports/f/{FORM}/{period}/u/{unit}/approve/"
        status, _t, _h = results.timed("approve", client, "POST", path, {}, expect=(302,))
        if status == 302:
            with results.lock:
                results.approved.add(unit)


def reader(
    results: Results, port: int, period: str, username: str, stop: threading.Event, pause: float
) -> None:
    client = Client(port)
    if not login(results, client, username):
        return
    pages = [("home", "/"), ("reports home", "/reports/"), ("status page", f"/reports/f/{FORM}/{period}/")]
    i = 0
    while not stop.wait(pause):
        kind, path = pages[i % len(pages)]
        results.timed(kind, client, "GET", path)
        i += 1


def citizen(results: Results, port: int, n: int, stop: threading.Event, pause: float) -> None:
    client = Client(port, address=f"10.{n // 250}.{n % 250}.1")
    i = 0
    while not stop.wait(pause):
        url = urllib.parse.quote(f"https://www.facebook.com/trang.xa.{n}.{i}", safe="")
        results.timed("public check", client, "GET", f"/public/check?url={url}", expect=(200,))
        i += 1


def abuser(results: Results, port: int, stop: threading.Event, pause: float) -> None:
    client = Client(port, address="10.255.255.1")
    while not stop.wait(pause):
        minute = int(time.time() // 60)  # the server's window (one minute, the same clock)
        status, _t, _h = results.timed(
            "public check (abuse)", client, "GET", "/public/check?url=x.vn", expect=(200, 429)
        )
        with results.lock:
            results.public_429[str(status)] += 1
            if status == 200:
                results.abuse_answered[minute] += 1


def trivial(results: Results, port: int, stop: threading.Event) -> None:
    client = Client(port)
    while not stop.wait(0.1):
        results.timed("trivial (/healthz)", client, "GET", "/healthz")


def warm_up(port: int) -> None:
    """Each worker imports its views lazily on the first request: not what is measured."""
    client = Client(port, address="10.254.0.1")
    for _ in range(6):
        for path in ("/healthz", "/accounts/login/", "/public/check?url=x.vn"):
            client.request("GET", path)


def drive(
    port: int, data: dict[str, Any], minutes: float, approvers_max: int, abuse_rate: float, limit: int
) -> Results:
    results = Results()
    stop = threading.Event()
    period = data["period"]
    duration = minutes * 60
    readers = int(data["readers"])
    background = [
        threading.Thread(target=trivial, args=(results, port, stop)),
        threading.Thread(target=abuser, args=(results, port, stop, 1 / abuse_rate)),
    ]
    for r in range(readers):
        if r % 2 == 0:
            background.append(
                threading.Thread(target=reader, args=(results, port, period, f"doc{r:03d}", stop, 2.0))
            )
        else:  # each citizen at two thirds of the limit (one check every 1.5 s for 60 a minute)
            background.append(threading.Thread(target=citizen, args=(results, port, r, stop, 90 / limit)))
    inboxes: dict[str, queue.Queue[str | None]] = {}
    districts = list(data["approvers"].items())[:approvers_max]
    for code, username in districts:
        inboxes[code] = queue.Queue()
        background.append(
            threading.Thread(target=approver, args=(results, port, period, username, inboxes[code], stop))
        )
    for t in background:
        t.start()
    clerks: list[threading.Thread] = []
    started = time.monotonic()
    gap = duration * 0.9 / max(1, len(data["clerks"]))  # everyone in before the end, time for approvals

    def run_clerk(n: int, username: str, unit: str, district: str) -> None:
        clerk(results, port, period, username, unit, n)
        if unit in results.submitted and district in inboxes:
            inboxes[district].put(unit)

    for n, (username, unit, district) in enumerate(data["clerks"]):
        wait = started + n * gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        t = threading.Thread(target=run_clerk, args=(n, username, unit, district))
        t.start()
        clerks.append(t)
        clerks = [c for c in clerks if c.is_alive()] if n % 50 == 0 else clerks
    for t in clerks:
        t.join()
    for inbox in inboxes.values():
        inbox.put(None)
    remaining = started + duration - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for t in background:
        t.join()
    results.times["_elapsed_s"] = [time.monotonic() - started]
    return results


# ---------------------------------------------------------------- checks and figures


def verify(results: Results, period: str) -> dict[str, int]:
    """Acknowledged saves and approvals read back from the database (this process, Django set up)."""
    from django.db import connections

    from ketnoi.reporting.models import DataValue, Report, ReportStatus

    connections.close_all()
    stored: dict[tuple[str, str], str] = {
        (unit, code): value
        for unit, code, value in DataValue.objects.filter(
            period=period, unit__code__in=list(results.acknowledged)
        ).values_list("unit__code", "indicator__code", "value")
    }
    lost = sum(
        1
        for unit, values in results.acknowledged.items()
        for code, value in values.items()
        if stored.get((unit, code)) != value
    )
    approved = set(
        Report.objects.filter(period=period, status=ReportStatus.APPROVED, form__code=FORM).values_list(
            "unit__code", flat=True
        )
    )
    return {
        "acknowledged_saves": len(results.acknowledged),
        "values_checked": sum(len(v) for v in results.acknowledged.values()),
        "values_lost": lost,
        "approvals_lost": len(results.approved - approved),
    }


def pct(xs: list[float], q: float) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def figures(
    results: Results, checks: dict[str, int], locked: int, database: str, args: argparse.Namespace
) -> dict[str, Any]:
    base = results.times.get("trivial (/healthz)") or [1.0]
    b50, b95, b99 = pct(base, 0.5), pct(base, 0.95), pct(base, 0.99)
    kinds: dict[str, Any] = {}
    for kind, xs in sorted(results.times.items()):
        if kind.startswith("_") or not xs:
            continue
        p50, p95, p99 = pct(xs, 0.5), pct(xs, 0.95), pct(xs, 0.99)
        kinds[kind] = {
            "count": len(xs),
            "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1),
            "p99_ms": round(p99, 1),
            "p50_x": round(p50 / b50, 1),
            "p95_x": round(p95 / b95, 1),
            "p99_x": round(p99 / b99, 1),
            "errors": len(results.errors.get(kind, [])),
        }
    elapsed = results.times["_elapsed_s"][0]
    total = sum(len(xs) for k, xs in results.times.items() if not k.startswith("_"))
    # The abuser's 429s are the expected answer; every other kind must have none.
    errors = sum(len(v) for k, v in results.errors.items())
    return {
        "database": database,
        "communes": args.communes,
        "readers": args.readers,
        "minutes": args.minutes,
        "workers": args.workers,
        "elapsed_s": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "kinds": kinds,
        "errors": errors,
        "error_samples": [e for v in results.errors.values() for e in v][:10],
        "submitted": len(results.submitted),
        "approved": len(results.approved),
        **checks,
        "database_locked": locked,
        "abuse_answers": dict(results.public_429),
        # The most answers the abuser got within one minute's window: at most the limit when the server's
        # processes share one count (a request sent at a window's last instant may land in the next: +1).
        "abuse_answered_max_per_minute": max(results.abuse_answered.values(), default=0),
        "public_limit": args.public_limit,
    }


def show(report: dict[str, Any]) -> None:
    r = report
    print(
        f"{r['database']}: {r['communes']} communes, {r['readers']} readers, {r['workers']} workers, "
        f"{r['elapsed_s']} s, {r['requests']} requests ({r['requests_per_s']}/s)"
    )
    head = ("n", "p50 ms", "p95 ms", "p99 ms", "p50 x", "p95 x", "p99 x", "err")
    print(f"{'kind':<24}" + "".join(f"{h:>8}" for h in head))
    for kind, k in r["kinds"].items():
        cells = ("count", "p50_ms", "p95_ms", "p99_ms", "p50_x", "p95_x", "p99_x", "errors")
        print(f"{kind:<24}" + "".join(f"{k[c]:>8}" for c in cells))
    print(
        f"errors {r['errors']}, saves acknowledged {r['acknowledged_saves']} ({r['values_checked']} values), "
        f"values lost {r['values_lost']}, submitted {r['submitted']}, approved {r['approved']} "
        f"(lost {r['approvals_lost']}), 'database is locked' {r['database_locked']}, "
        f"abuser's answers {r['abuse_answers']}, at most {r['abuse_answered_max_per_minute']} answered in a "
        f"minute (limit {r['public_limit']})"
    )
    for sample in r["error_samples"]:
        print("  ", sample)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--communes", type=int, default=60)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--approvers", type=int, default=20, help="districts with an approver at work")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--public-limit", type=int, default=60, help="the public check's limit a minute")
    parser.add_argument("--abuse-rate", type=float, default=10.0, help="the abuser's requests a second")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="kn_deadline_"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ketnoi.settings",
        KETNOI_ENV=os.environ.get("KETNOI_ENV", "development"),
        KETNOI_DATA_DIR=str(data_dir),
        KETNOI_TRUSTED_PROXIES="127.0.0.1",
        KETNOI_PUBLIC_RATE_PER_MINUTE=str(args.public_limit),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"
    fresh_database(env)
    sys.path.insert(0, str(ROOT))
    data = build(args.communes, args.readers)
    log = data_dir / "server.log"
    port = free_port()
    server = start_server(env, port, args.workers, log)
    try:
        warm_up(port)
        results = drive(port, data, args.minutes, args.approvers, args.abuse_rate, args.public_limit)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    locked = log.read_text(errors="replace").count("database is locked")
    report = figures(results, verify(results, data["period"]), locked, database, args)
    show(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    shutil.rmtree(data_dir, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
