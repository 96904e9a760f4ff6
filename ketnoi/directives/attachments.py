"""Files stored with the register: what may be stored (kind, size, bytes that match the name) and the
text of an attached document (TXT, DOCX, PDF) for search and for the proposal reader."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.lib import filetypes, uploads
from ketnoi.lib.textfiles import decode_text

ALLOWED_EXTENSIONS = (".txt", ".docx", ".pdf")
EVIDENCE_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png", ".txt")


@dataclass
class Upload:
    name: str
    data: bytes


def check_upload(
    upload: Upload, allowed: tuple[str, ...], field_name: str = "file", *, kind: uploads.Kind = "document"
) -> None:
    """A stored upload passes the upload guard (size of its kind, unpacked size of a .docx or .xlsx),
    is of an allowed kind, and its bytes are of that kind."""
    uploads.check(upload.data, name=upload.name, kind=kind)
    trouble = filetypes.problem(upload.name, upload.data, allowed)
    if trouble == "type":
        kinds = ", ".join(e.lstrip(".").upper() for e in allowed)
        raise ValidationError(
            _("%(file)s: only these kinds of file can be stored here: %(kinds)s.")
            % {"file": upload.name, "kinds": kinds},
            fields={field_name: _("Unsupported file type.")},
        )
    if trouble == "content":
        raise ValidationError(
            _("%(file)s is not a real %(type)s file: its content does not match its name.")
            % {"file": upload.name, "type": filetypes.extension_of(upload.name).lstrip(".").upper()},
            fields={field_name: _("Content does not match the file name.")},
        )


def extract_text(name: str, data: bytes) -> str:
    """The text of a .txt, .docx or .pdf file; a clear message naming the file otherwise."""
    lower = name.lower()
    check_upload(Upload(name, data), ALLOWED_EXTENSIONS)
    try:
        if lower.endswith(".txt"):
            return decode_text(data)
        if lower.endswith(".docx"):
            import docx

            document = docx.Document(io.BytesIO(data))
            lines = [p.text for p in document.paragraphs]
            for table in document.tables:
                lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
            return "\n\n".join(lines)
        if lower.endswith(".pdf"):
            from pypdf import PdfReader

            pdf = PdfReader(io.BytesIO(data))
            return "\n\n".join(page.extract_text() or "" for page in pdf.pages)
    except Exception as exc:
        raise ValidationError(
            _("%(file)s could not be read; is it a valid %(type)s file?")
            % {"file": name, "type": lower.rsplit(".", 1)[-1].upper()},
            fields={"file": _("Unreadable file.")},
        ) from exc
    raise ValidationError(
        _("%(file)s: only .txt, .docx and .pdf files can be attached.") % {"file": name},
        fields={"file": _("Unsupported file type.")},
    )
