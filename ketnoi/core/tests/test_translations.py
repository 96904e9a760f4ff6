"""Every string of the shell, units and accounts is translated into Vietnamese, and nothing is fuzzy."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

APPS = ["core", "units", "accounts"]
ROOT = Path(__file__).resolve().parents[2]


def _entries(po: Path) -> list[dict[str, object]]:
    """A minimal .po reader: msgid, plural, msgstr values and flags of each entry."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, ""
            continue
        if line.startswith("#,"):
            current.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))  # type: ignore[union-attr]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


@pytest.mark.parametrize("app", APPS)
def test_every_string_of_the_app_has_a_vietnamese_translation(app: str) -> None:
    po = ROOT / app / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    entries = [e for e in _entries(po) if e.get("msgid")]
    assert len(entries) > 30
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in _entries(po) if "fuzzy" in e.get("flags", set())]  # type: ignore[operator]
    assert untranslated == [], f"{po}: untranslated {untranslated}"
    assert fuzzy == [], f"{po}: fuzzy {fuzzy}"


@pytest.mark.parametrize("app", APPS)
def test_the_compiled_catalogue_matches_its_source(app: str) -> None:
    folder = ROOT / app / "locale" / "vi" / "LC_MESSAGES"
    mo, po = folder / "django.mo", folder / "django.po"
    assert mo.exists(), f"{mo} is missing: run `ketnoi compilemessages` in ketnoi/{app}"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        entry["msgid"]
        for entry in _entries(po)
        if entry.get("msgid")
        and "msgid_plural" not in entry
        and "msgctxt" not in entry
        and catalogue.gettext(str(entry["msgid"])) != entry["msgstr"]
    ]
    assert stale == [], f"{mo} is older than {po}: run `ketnoi compilemessages` in ketnoi/{app}"
