"""PDF through LibreOffice in headless mode (Debian: libreoffice-writer-nogui).

Each call runs its own ``soffice`` with a private profile directory (``-env:UserInstallation``), so
parallel renders never share (and lock) one profile; a batch converts many files in one call, paying
LibreOffice's start-up once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ApplicationError

TIMEOUT_S = 300


class ConversionFailed(ApplicationError):
    status = 503
    code = "conversion_failed"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionFailed(
            _("LibreOffice is not installed (Debian package libreoffice-writer-nogui): no PDF can be made.")
        )
    return found


def convert_files(paths: list[Path], outdir: Path) -> list[Path]:
    """Convert .docx files to PDF in ``outdir`` with one LibreOffice process; the PDFs' paths in order."""
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="kn-lo-") as profile:
        env = {**os.environ, "HOME": profile}
        cmd = [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *[str(p) for p in paths],
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT_S, env=env)  # noqa: S603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ConversionFailed(_("LibreOffice could not convert the document to PDF.")) from exc
    out = [outdir / (p.stem + ".pdf") for p in paths]
    missing = [p.name for p in out if not p.exists()]
    if missing:
        raise ConversionFailed(_("LibreOffice made no PDF for %(files)s.") % {"files": ", ".join(missing)})
    return out


def docx_to_pdf(docx: bytes) -> bytes:
    return docx_many_to_pdf([docx])[0]


def docx_many_to_pdf(files: list[bytes]) -> list[bytes]:
    with tempfile.TemporaryDirectory(prefix="kn-render-") as tmp:
        root = Path(tmp)
        paths = []
        for i, data in enumerate(files):
            path = root / f"report-{i:04d}.docx"
            path.write_bytes(data)
            paths.append(path)
        outdir = root / "pdf"
        outdir.mkdir()
        return [p.read_bytes() for p in convert_files(paths, outdir)]
