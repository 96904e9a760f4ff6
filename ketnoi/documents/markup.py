"""The text of a report: headings, paragraphs and live blocks, in a small markup an office can type.

    # CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO          a section: numbered I., II., ... (Roman)
    ## Công tác tổ chức học tập           a subsection: 1., 2., ...
    ### Hình thức tổ chức                 1.1., 1.2., ...
    #### Ở cấp tỉnh                       a), b), ...
    Toàn Đảng bộ có {{studied}}% ...      a paragraph; {{key}} is a live block (a figure, a footnote marker)
    {{pages_table}}                       a line holding only a block that is a table, a list or a chart
    *italic* and **bold** runs; a line starting with "- " is a dash item.

Blank lines separate nothing (every line is a paragraph); the numbering is computed, never typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")
_RUN = re.compile(r"(\*\*.+?\*\*|\*.+?\*|\{\{\s*[a-z0-9_]+\s*\}\})")
_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    block: str = ""  # key of a live block shown inline


@dataclass
class Node:
    kind: str  # "heading", "paragraph", "block"
    level: int = 0
    label: str = ""  # I., 1., 1.1., a)
    runs: list[Run] = field(default_factory=list)
    block: str = ""
    dash: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def runs_of(text: str) -> list[Run]:
    out: list[Run] = []
    for part in _RUN.split(text):
        if not part:
            continue
        if part.startswith("{{"):
            m = PLACEHOLDER.fullmatch(part)
            out.append(Run("", block=m.group(1) if m else ""))
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(Run(part[2:-2], bold=True))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            out.append(Run(part[1:-1], italic=True))
        else:
            out.append(Run(part))
    return out


def _label(level: int, counters: list[int]) -> str:
    if level == 1:
        n = counters[0]
        return f"{ROMAN[n - 1] if n <= len(ROMAN) else n}."
    if level == 2:
        return f"{counters[1]}."
    if level == 3:
        return f"{counters[1]}.{counters[2]}."
    return f"{chr(ord('a') + (counters[3] - 1) % 26)})"


def parse(text: str, *, inline_only: set[str] | None = None) -> list[Node]:
    """The nodes of ``text``. A line holding only a placeholder whose key is not in ``inline_only`` is a
    block of its own (a table, a list, a chart)."""
    inline_only = inline_only or set()
    counters = [0, 0, 0, 0]
    nodes: list[Node] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            counters[level - 1] += 1
            for i in range(level, 4):
                counters[i] = 0
            nodes.append(Node("heading", level, _label(level, counters), runs_of(heading.group(2).strip())))
            continue
        only = PLACEHOLDER.fullmatch(line)
        if only and only.group(1) not in inline_only:
            nodes.append(Node("block", block=only.group(1)))
            continue
        dash = line.startswith("- ")
        nodes.append(Node("paragraph", runs=runs_of(line), dash=dash))
    return nodes


def keys(text: str) -> list[str]:
    """Every block key the text uses, in order, once."""
    seen: list[str] = []
    for key in PLACEHOLDER.findall(text):
        if key not in seen:
            seen.append(key)
    return seen
