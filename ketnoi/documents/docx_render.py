"""A report as a .docx in the format its template chooses, built with python-docx.

Party documents (Hướng dẫn 36-HD/VPTW): "ĐẢNG CỘNG SẢN VIỆT NAM" at the top right, the issuing body at the
top left with an asterisk under it, the number line "Số 12-BC/TU" (no colon), margins 20/20/30/15 mm, page
numbers at the bottom right. State documents (Nghị định 30/2020/NĐ-CP, Phụ lục I): Quốc hiệu and Tiêu ngữ
at the top right, "Số: 12/BC-UBND", margins 20/20/30/15 mm (inside 20–25, 20–25, 30–35, 15–20), page
numbers centred at the top from the second page. Both: A4, Times New Roman 14 for the text (Liberation
Serif, metric-compatible, where Times is not installed), place and date in italics, sections numbered
I., 1., 1.1., a), Nơi nhận and the signature block; tables repeat their header row on every page; the
footnotes are Word footnotes. Every paragraph uses a named style, so an office can restyle the file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ketnoi.documents.markup import Node

FONT = "Times New Roman"
BODY_PT = 14
# (top, bottom, left, right) in millimetres
MARGINS_MM: dict[str, tuple[int, int, int, int]] = {"party": (20, 20, 30, 15), "state": (20, 20, 30, 15)}
CHART_BARS = 25
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass
class Heading:
    """What the header, title and closing of a report say (from its template and its document)."""

    format: str
    parent_body: str
    issuing_body: str
    number: str  # the whole symbol, "12-BC/TU" / "12/BC-UBND"; blank for a draft
    kind_code: str
    issuer_code: str
    place: str
    day: dt.date | None
    title: str
    subject: str
    recipients: list[str]
    signing_capacity: str
    signer_title: str
    signer_name: str


@dataclass
class Notes:
    texts: list[str] = field(default_factory=list)


def date_line(place: str, day: dt.date | None) -> str:
    """ "Bình Phước, ngày 05 tháng 02 năm 2020": days below 10 and months below 3 with a leading zero."""
    if day is None:
        return f"{place}, ngày     tháng     năm        "
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def number_line(h: Heading) -> str:
    if h.format == "party":
        return f"Số {h.number}" if h.number else f"Số        -{h.kind_code}/{h.issuer_code}"
    return f"Số: {h.number}" if h.number else f"Số:        /{h.kind_code}-{h.issuer_code}"


def _fonts(rpr_parent: Any, size: int) -> None:
    font = rpr_parent.font
    font.name = FONT
    font.size = Pt(size)
    rpr = rpr_parent.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def ensure_styles(doc: DocxDocument) -> None:
    """The "KN ..." styles in a house-style file that lacks them."""
    names = {s.name for s in doc.styles}
    if "KN Body" not in names:
        _styles(doc, restyle_normal=False)


def _styles(doc: DocxDocument, *, restyle_normal: bool = True) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    if restyle_normal:
        _fonts(normal, BODY_PT)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(6)
    pf.line_spacing = 1.1
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, size, bold, italic in (
        ("KN Body", BODY_PT, False, False),
        ("KN Heading 1", BODY_PT, True, False),
        ("KN Heading 2", BODY_PT, True, False),
        ("KN Heading 3", BODY_PT, True, False),
        ("KN Heading 4", BODY_PT, True, True),
        ("KN Header", 13, False, False),
        ("KN Title", 15, True, False),
        ("KN Table", 12, False, False),
        ("KN Recipients", 12, False, False),
        ("KN Signature", BODY_PT, True, False),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _fonts(style, size)
        style.font.bold = bold
        style.font.italic = italic
        fmt = style.paragraph_format
        if name == "KN Body":
            fmt.first_line_indent = Cm(1.0)
        elif name.startswith("KN Heading"):
            fmt.first_line_indent = Cm(1.0)
            fmt.keep_with_next = True
        else:
            fmt.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if name in ("KN Header", "KN Title") else WD_ALIGN_PARAGRAPH.LEFT
            )
            fmt.space_after = Pt(0)
        if name in ("KN Table", "KN Recipients"):
            fmt.line_spacing = 1.0


def _section(doc: DocxDocument, fmt: str) -> None:
    top, bottom, left, right = MARGINS_MM[fmt]
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance = section.footer_distance = Mm(10)


def _page_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text or ""
        run._r.append(el)


def _page_numbers(doc: DocxDocument, fmt: str) -> None:
    section = doc.sections[0]
    if fmt == "state":
        # Nghị định 30: centred at the top, not on the first page.
        section.different_first_page_header_footer = True
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.style = doc.styles["KN Header"]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if fmt == "state" else WD_ALIGN_PARAGRAPH.RIGHT
    _page_field(p)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_par(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: int | None = None,
    first: bool = False,
    style: str = "KN Header",
) -> Paragraph:
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.style = cell._parent._parent.part.document.styles[style]
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return p


def _line(cell: Any, width_chars: int = 14) -> None:
    """The short rule under the issuing body, the Tiêu ngữ and the subject (Nghị định 30)."""
    p = cell.add_paragraph()
    p.style = cell._parent._parent.part.document.styles["KN Header"]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run("─" * width_chars)
    run.font.size = Pt(8)


def _header_block(doc: DocxDocument, h: Heading) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(7.0), Cm(9.5))
    for i, w in enumerate(widths):
        table.columns[i].width = w
        table.rows[0].cells[i].width = w
    left, right = table.rows[0].cells
    if h.format == "party":
        first = True
        if h.parent_body:
            _cell_par(left, h.parent_body.upper(), first=True)
            first = False
        _cell_par(left, h.issuing_body.upper(), bold=True, first=first)
        _cell_par(left, "*")
        _cell_par(left, number_line(h))
        _cell_par(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, first=True)
        _cell_par(right, "")
        _cell_par(right, date_line(h.place, h.day), italic=True, size=14)
    else:
        first = True
        if h.parent_body:
            _cell_par(left, h.parent_body.upper(), size=13, first=True)
            first = False
        _cell_par(left, h.issuing_body.upper(), bold=True, size=13, first=first)
        _line(left, 10)
        _cell_par(left, number_line(h))
        _cell_par(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
        _cell_par(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
        _line(right, 18)
        _cell_par(right, date_line(h.place, h.day), italic=True, size=14)


def _title(doc: DocxDocument, h: Heading) -> None:
    p = doc.add_paragraph(style="KN Title")
    p.paragraph_format.space_before = Pt(18)
    p.add_run(h.title.upper())
    p = doc.add_paragraph(style="KN Title")
    p.add_run(h.subject).font.size = Pt(14)
    if h.format == "state":
        p = doc.add_paragraph(style="KN Title")
        p.add_run("─" * 10).font.size = Pt(8)
    doc.add_paragraph(style="KN Body").paragraph_format.space_after = Pt(0)


def _footnote_ref(paragraph: Paragraph, number: int) -> None:
    run = paragraph.add_run()
    rpr = run._r.get_or_add_rPr()
    va = OxmlElement("w:vertAlign")
    va.set(qn("w:val"), "superscript")
    rpr.append(va)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(number))
    run._r.append(ref)


def _runs(paragraph: Paragraph, node: Node, computed: dict[str, Any], notes: Notes) -> None:
    for r in node.runs:
        if r.block:
            block = computed.get(r.block, {"kind": "missing", "text": f"[{r.block}?]"})
            if block["kind"] == "footnote":
                notes.texts.append(block["text"])
                _footnote_ref(paragraph, len(notes.texts))
            else:
                paragraph.add_run(str(block.get("text", "")))
            continue
        run = paragraph.add_run(r.text)
        run.bold = r.bold or None
        run.italic = r.italic or None


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)


_NUMERIC = re.compile(r"[\d.,%–-]+")


def _cell(text: str, width: int, style_id: str, *, align: str, bold: bool) -> str:
    run_pr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r>{run_pr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
    )


def _table(doc: DocxDocument, block: dict[str, Any]) -> None:
    """A table written as one piece of XML (python-docx's cell-by-cell API is quadratic in the rows):
    Table Grid style, a fixed layout with the first column wider, the header row repeated on every page
    (w:tblHeader) and no row split across pages."""
    if block.get("title"):
        p = doc.add_paragraph(style="KN Table")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(block["title"]).bold = True
    header: list[str] = block["header"]
    rows: list[list[str]] = block["rows"]
    columns = len(header)
    total = 9070  # twips: 16 cm of text width
    first = 2835 if columns > 2 else 4535  # 5 cm, or 8 cm for two columns
    rest = (total - first) // max(columns - 1, 1)
    widths = [first] + [rest] * (columns - 1)
    style_id = doc.styles["KN Table"].style_id
    grid_style = doc.styles["Table Grid"].style_id
    parts = [
        f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="{grid_style}"/>'
        f'<w:tblW w:w="{total}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        '</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>',
        *(_cell(str(h), widths[i], style_id, align="center", bold=True) for i, h in enumerate(header)),
        "</w:tr>",
    ]
    last = len(rows) - 1
    for r, values in enumerate(rows):
        bold = bool(block.get("total_row")) and r == last
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for i, value in enumerate(values):
            text = str(value)
            align = "right" if i and _NUMERIC.fullmatch(text) else "left"
            parts.append(_cell(text, widths[i], style_id, align=align, bold=bold))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    table = parse_xml("".join(parts))
    body_el = doc.element.body
    sect = body_el.find(qn("w:sectPr"))
    if sect is not None:
        sect.addprevious(table)
    else:
        body_el.append(table)
    doc.add_paragraph(style="KN Table")


def _chart(doc: DocxDocument, block: dict[str, Any], png: bytes) -> None:
    p = doc.add_paragraph(style="KN Table")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
    cap = doc.add_paragraph(style="KN Table")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = block.get("title", "")
    if len(block.get("values", [])) > CHART_BARS:
        title = _("%(title)s (the %(n)s largest of %(total)s)") % {
            "title": title,
            "n": CHART_BARS,
            "total": len(block["values"]),
        }
    cap.add_run(title).italic = True


def chart_png(block: dict[str, Any]) -> bytes:
    """A horizontal bar chart (matplotlib, Agg), in the document's font."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels: list[str] = list(block["labels"])
    values: list[float] = list(block["values"])
    if len(values) > CHART_BARS:
        # 200 bars read as nothing: the largest ones, said in the caption (the table has all).
        ranked = sorted(range(len(values)), key=lambda i: -values[i])[:CHART_BARS]
        labels, values = [labels[i] for i in ranked], [values[i] for i in ranked]
    height = max(2.2, 0.32 * len(labels) + 0.9)
    fig, ax = plt.subplots(figsize=(6.2, height), dpi=150)
    try:
        ax.barh(range(len(values)), values, color="#1f4e79")
        ax.set_yticks(range(len(labels)), labels=labels, fontsize=8, fontfamily="serif")
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=8)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:,.0f}".replace(",", "."), va="center", fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def _block(doc: DocxDocument, key: str, computed: dict[str, Any]) -> None:
    block = computed.get(key, {"kind": "missing", "text": f"[{key}?]"})
    kind = block["kind"]
    if kind == "table":
        _table(doc, block)
    elif kind == "list":
        if block.get("rows"):
            _table(doc, block)
    elif kind == "chart":
        _chart(doc, block, chart_png(block))
    else:
        doc.add_paragraph(str(block.get("text", "")), style="KN Body")


def body(doc: DocxDocument, nodes: list[Node], computed: dict[str, Any], notes: Notes) -> None:
    for node in nodes:
        if node.kind == "heading":
            p = doc.add_paragraph(style=f"KN Heading {node.level}")
            p.add_run(f"{node.label} ")
            _runs(p, node, computed, notes)
        elif node.kind == "block":
            _block(doc, node.block, computed)
        else:
            p = doc.add_paragraph(style="KN Body")
            _runs(p, node, computed, notes)


def body_at(
    doc: DocxDocument, anchor: Paragraph, nodes: list[Node], computed: dict[str, Any], notes: Notes
) -> None:
    """The body in place of the paragraph ``anchor`` (a house-style file's {{noi_dung}})."""
    container = doc.element.body
    count = len(container)
    body(doc, nodes, computed, notes)
    added = len(container) - count
    # python-docx appends before the final sectPr: move what it added to where the anchor stands.
    end = len(container) - (1 if container[-1].tag == qn("w:sectPr") else 0)
    for el in list(container)[end - added : end]:
        anchor._p.addprevious(el)
    anchor._p.getparent().remove(anchor._p)


def _closing(doc: DocxDocument, h: Heading) -> None:
    doc.add_paragraph(style="KN Body")
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    for i, w in enumerate((Cm(8.0), Cm(8.5))):
        table.columns[i].width = w
        table.rows[0].cells[i].width = w
    left, right = table.rows[0].cells
    if h.format == "party":
        _cell_par(left, "Nơi nhận:", underline=True, first=True, style="KN Recipients", size=14)
    else:
        _cell_par(left, "Nơi nhận:", bold=True, italic=True, first=True, style="KN Recipients")
    for line in h.recipients:
        _cell_par(
            left,
            line if line.startswith("-") else f"- {line}",
            style="KN Recipients",
            size=11 if h.format == "state" else 12,
        )
    first = True
    for text in (h.signing_capacity, h.signer_title):
        if text:
            _cell_par(
                right, text.upper(), bold=True, first=first, style="KN Signature"
            ).alignment = WD_ALIGN_PARAGRAPH.CENTER
            first = False
    for _blank in range(4):
        _cell_par(right, "", style="KN Signature")
    _cell_par(right, h.signer_name, bold=True, style="KN Signature").alignment = WD_ALIGN_PARAGRAPH.CENTER


def footnotes_part(doc: DocxDocument, notes: Notes) -> None:
    if not notes.texts:
        return
    font = (
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/><w:sz w:val="24"/>'
    )
    parts = [
        f'<w:footnotes xmlns:w="{_W}">',
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        "</w:p></w:footnote>",
    ]
    for i, text in enumerate(notes.texts, start=1):
        parts.append(
            f'<w:footnote w:id="{i}"><w:p><w:pPr><w:jc w:val="both"/></w:pPr>'
            f'<w:r><w:rPr>{font}<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr>{font}</w:rPr><w:t xml:space="preserve"> {escape(text)}</w:t></w:r>'
            "</w:p></w:footnote>"
        )
    parts.append("</w:footnotes>")
    blob = "".join(parts).encode("utf-8")
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, blob, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def new(fmt: str) -> DocxDocument:
    doc = new_document()
    _styles(doc)
    _section(doc, fmt)
    return doc


def render(h: Heading, nodes: list[Node], computed: dict[str, Any]) -> bytes:
    doc = new(h.format)
    # The default template's first empty paragraph is removed so the header block starts the page.
    for p in list(doc.paragraphs):
        p._p.getparent().remove(p._p)
    _page_numbers(doc, h.format)
    _header_block(doc, h)
    _title(doc, h)
    notes = Notes()
    body(doc, nodes, computed, notes)
    _closing(doc, h)
    footnotes_part(doc, notes)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
