"""Audit the locked production dependencies for known vulnerabilities with pip-audit.

    python tools/audit.py [--strict]

Runs pip-audit on requirements/prod.lock (hashes required, pip not used to resolve) and prints one summary
line. Exits 1 when a vulnerability is known for a locked version. When pip-audit could reach no
vulnerability database (a machine without internet: every dependency is then "skipped"), it says
"blocked" with the reason instead of passing silently, and exits 0, or 2 with --strict (use --strict where
the database is reachable, so that a lost connection cannot pass for a clean audit).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "prod.lock"


def main(strict: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        run = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--progress-spinner",
                "off",
                "--disable-pip",
                "--require-hashes",
                "-r",
                str(LOCK),
                "-f",
                "json",
                "-o",
                str(report),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            print(f"pip-audit failed (exit {run.returncode}): {run.stderr.strip()[-2000:]}")
            return 2
        data = json.loads(report.read_text())
    deps = data["dependencies"]
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if "skip_reason" in d]
    checked = len(deps) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    print(
        f"pip-audit on {LOCK.relative_to(ROOT)}: {len(deps)} dependencies, {checked} checked, "
        f"{len(skipped)} skipped, {len(vulnerable)} with known vulnerabilities"
    )
    if vulnerable:
        return 1
    if skipped:
        print(
            f"blocked: no vulnerability data for {len(skipped)} dependencies; "
            f"first: {skipped[0]['skip_reason']}"
        )
        return 2 if strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(strict="--strict" in sys.argv[1:]))
