"""The production lock file (requirements/prod.lock) stays in step with pyproject.toml.

A dependency added to or re-bounded in pyproject.toml without running ``bash tools/lock`` would make a
production install (``pip install --require-hashes -r requirements/prod.lock``) miss it or get a version
outside its bounds: this test fails first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def _locked() -> dict[str, tuple[str, list[str]]]:
    """Name -> (version, hashes) of every pin in the lock file."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = ""
    for line in (ROOT / "requirements" / "prod.lock").read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), [])
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            pins[current][1].append(digest)
    return pins


def test_every_runtime_dependency_is_locked_within_its_bounds_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _locked()
    problems = []
    for spec in project["dependencies"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name} is not in requirements/prod.lock")
        elif not req.specifier.contains(pins[name][0], prereleases=True):
            problems.append(f"{req.name}=={pins[name][0]} is outside {req.specifier}")
    assert problems == [], "run `bash tools/lock`: " + "; ".join(problems)
    unhashed = [name for name, (_version, hashes) in pins.items() if not hashes]
    assert unhashed == []
    # The build backend is locked too, so `pip install --no-deps --no-build-isolation .` needs nothing else.
    assert {"setuptools", "wheel"} <= pins.keys()


def test_the_lock_names_no_machine_specific_index() -> None:
    text = (ROOT / "requirements" / "prod.lock").read_text()
    assert "--index-url" not in text
    assert "--find-links" not in text
    assert "file://" not in text
