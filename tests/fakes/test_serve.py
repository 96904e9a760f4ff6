"""`python -m tests.fakes.serve --port N` runs a server a person can point the connectors at."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx


def test_the_fake_platforms_script_serves_the_three_platforms(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KETNOI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ketnoi.settings"}
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "tests.fakes.serve", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"127.0.0.1:{port}" in first
        base = f"http://127.0.0.1:{port}"
        http = httpx.Client(timeout=30)  # generous: the machine may be busy with other test runs
        fb = http.get(
            f"{base}/facebook/v23.0/100000000000001",
            params={"fields": "followers_count"},
            headers={"Authorization": "Bearer fake-facebook-token-0001"},
        )
        yt = http.get(f"{base}/youtube/v3/channels", params={"part": "statistics", "key": "nope"})
        zalo = http.get(f"{base}/zalo-oa/v2.0/oa/getoa", headers={"access_token": "fake-zalo-access-0001"})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert fb.json() == {"followers_count": 16000, "id": "100000000000001"}
    assert yt.status_code == 401 and yt.json()["error"]["errors"][0]["reason"] == "authError"
    assert zalo.json()["data"]["num_follower"] == 2750
