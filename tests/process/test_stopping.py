"""The long-running processes stop cleanly within a few seconds on SIGINT (Ctrl+C) and SIGTERM
(systemd, kill): the demo's server with its task queue, `ketnoi worker` and gunicorn. Each test starts
the real process, waits until it is ready, sends the signal and times the exit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

READY_SECONDS = 180  # starting Python and Django on a busy CI machine
STOP_SECONDS = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        KETNOI_ENV="development", KETNOI_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ketnoi.settings"
    )
    return env


def wait_for_http(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our own local server
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {READY_SECONDS} s")


def wait_for_line(process: subprocess.Popen[bytes], text: str) -> str:
    deadline = time.monotonic() + READY_SECONDS
    seen = b""
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() < deadline:
        chunk = process.stdout.read() or b""
        seen += chunk
        if text.encode() in seen:
            return seen.decode()
        assert process.poll() is None, seen.decode()
        time.sleep(0.3)
    pytest.fail(f"{text!r} not printed within {READY_SECONDS} s: {seen.decode()[-500:]}")


def stop_time(process: subprocess.Popen[bytes], signum: int) -> float:
    started = time.monotonic()
    process.send_signal(signum)
    try:
        process.wait(timeout=STOP_SECONDS * 3)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"still running {STOP_SECONDS * 3} s after signal {signum}")
    return time.monotonic() - started


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated data directory for the servers of this module (migrating takes a while)."""
    path = tmp_path_factory.mktemp("data")
    subprocess.run(["ketnoi", "migrate", "-v", "0"], env=environment(path), check=True, timeout=600)  # noqa: S607
    return path


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_demo_server_with_its_task_queue_stops_on_a_signal(migrated, signum):
    env = environment(migrated)
    port = free_port()
    code = (
        "import django; django.setup(); from ketnoi.site.serving import serve_with_queue; "
        f"serve_with_queue(host='127.0.0.1', port={port})"
    )
    process = subprocess.Popen(  # noqa: S603 - our own code, run as the demo runs it
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_for_http(process, f"http://127.0.0.1:{port}/healthz")
        assert stop_time(process, signum) < STOP_SECONDS
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_worker_stops_on_a_signal(tmp_path, signum):
    env = environment(tmp_path)
    process = subprocess.Popen(
        ["ketnoi", "worker"],  # noqa: S607 - the installed command, as systemd runs it
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_line(process, "Huey consumer started")
        assert stop_time(process, signum) < STOP_SECONDS
    finally:
        if process.poll() is None:
            process.kill()


def test_gunicorn_stops_gracefully_on_sigterm(migrated):
    env = environment(migrated)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        ["gunicorn", "ketnoi.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],  # noqa: S607
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(process, f"http://127.0.0.1:{port}/healthz")
        assert stop_time(process, signal.SIGTERM) < STOP_SECONDS
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
