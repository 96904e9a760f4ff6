"""Reports in an office's own house style: an uploaded .docx whose text holds placeholders.

``{{so_ky_hieu}}`` (number line), ``{{dia_danh_ngay}}`` (place and date), ``{{tieu_de}}``, ``{{trich_yeu}}``,
``{{noi_nhan}}``, ``{{quyen_han}}``, ``{{chuc_vu}}``, ``{{nguoi_ky}}`` and any live block key in a sentence;
a paragraph holding only ``{{noi_dung}}`` receives the whole body (numbered sections, tables, charts). The
file keeps its own page setup, header and styles; the body uses its "KN ..." styles when it defines them.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from ketnoi.core.exceptions import ValidationError
from ketnoi.documents import docx_render
from ketnoi.documents.markup import PLACEHOLDER, Node
from ketnoi.documents.models import ReportTemplate
from ketnoi.lib import uploads

FIELDS = (
    "so_ky_hieu",
    "dia_danh_ngay",
    "tieu_de",
    "trich_yeu",
    "noi_nhan",
    "quyen_han",
    "chuc_vu",
    "nguoi_ky",
)
BODY = "noi_dung"


def _paragraphs(doc: Any) -> list[Any]:
    out = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(cell.paragraphs)
    for section in doc.sections:
        out.extend(section.header.paragraphs)
        out.extend(section.footer.paragraphs)
    return out


def check(data: bytes, *, name: str, block_keys: set[str]) -> list[str]:
    """The placeholders of an uploaded .docx (checked by the one upload guard first); unknown ones refused."""
    from docx import Document as open_docx

    uploads.check(data, name=name, kind="document")
    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise ValidationError(
            _("%(file)s is not a Word .docx file.") % {"file": name}, fields={"docx_template": name}
        ) from exc
    found: list[str] = []
    for p in _paragraphs(doc):
        for key in PLACEHOLDER.findall(p.text):
            if key not in found:
                found.append(key)
    unknown = [k for k in found if k not in FIELDS and k != BODY and k not in block_keys]
    if unknown:
        raise ValidationError(
            _("%(file)s: unknown placeholders %(keys)s.") % {"file": name, "keys": ", ".join(unknown)},
            fields={"docx_template": ", ".join(unknown)},
        )
    if BODY not in found:
        raise ValidationError(
            _("%(file)s has no paragraph {{noi_dung}} for the body of the report.") % {"file": name},
            fields={"docx_template": BODY},
        )
    return found


def render(
    template: ReportTemplate, h: docx_render.Heading, nodes: list[Node], computed: dict[str, Any]
) -> bytes:
    from docx import Document as open_docx

    with template.docx_template.open("rb") as handle:
        doc = open_docx(io.BytesIO(handle.read()))
    docx_render.ensure_styles(doc)
    values = {
        "so_ky_hieu": docx_render.number_line(h),
        "dia_danh_ngay": docx_render.date_line(h.place, h.day),
        "tieu_de": h.title.upper(),
        "trich_yeu": h.subject,
        "noi_nhan": "\n".join(h.recipients),
        "quyen_han": h.signing_capacity.upper(),
        "chuc_vu": h.signer_title.upper(),
        "nguoi_ky": h.signer_name,
    }
    for key, block in computed.items():
        values.setdefault(key, str(block.get("text", "")))
    notes = docx_render.Notes()
    for p in _paragraphs(doc):
        text = p.text
        if "{{" not in text:
            continue
        only = PLACEHOLDER.fullmatch(text.strip())
        if only and only.group(1) == BODY:
            docx_render.body_at(doc, p, nodes, computed, notes)
            continue
        replaced = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
        # The paragraph's first run keeps its formatting; the others (placeholders split by Word) are emptied.
        runs = p.runs
        if runs:
            runs[0].text = replaced
            for r in runs[1:]:
                r.text = ""
    docx_render.footnotes_part(doc, notes)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
