"""Spreadsheets of the reporting app: the data-entry template (download, fill offline, upload) and exports.

Template layout (sheet "Số liệu"):

    row 1   title: form — period — unit
    row 2   deadline and how to fill it in
    row 3   "Mã đơn vị" | "Tên đơn vị" | indicator code | indicator code | ...   (machine-read, locked)
    row 4   ""          | ""           | indicator name (unit) | ...            (locked)
    row 5+  unit code   | unit name    | value | value | ...       (unlocked unless approved)

A hidden sheet "_meta" holds the form code, the period id and the unit code the file was made for, so
an upload is checked against what was downloaded. Columns and rows are found by code, so a person may
reorder or hide rows and columns; names are only for reading. The sheet is protected without a password
(it guards against slips, not against people) and every value column carries Excel data validation.

Reading an upload collects every problem (sheet, row, column, unit and indicator names) before anything
is written: an upload is all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ketnoi.lib import uploads
from ketnoi.lib import values as V
from ketnoi.lib.exports import csv_writer, safe_text, unescape_text, workbook_bytes

DATA_SHEET = "Số liệu"
META_SHEET = "_meta"
GUIDE_SHEET = "Hướng dẫn"
CODE_ROW = 3
NAME_ROW = 4
FIRST_DATA_ROW = 5
FIRST_VALUE_COL = 3
TEMPLATE_VERSION = "1"
MAX_ROWS = 60_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_HEAD_FILL = PatternFill("solid", fgColor="F1F3F4")
_LOCKED_FILL = PatternFill("solid", fgColor="E8EAED")
_INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
_TOTAL_FILL = PatternFill("solid", fgColor="FCE8E6")
_THIN = Side(style="thin", color="BDC1C6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)


# --- What the template is made of (filled by the views from the engine's models) --------------------


@dataclass(frozen=True)
class ColumnSpec:
    """One indicator column."""

    code: str
    name: str
    value_type: str  # integer, number, percentage, yes_no, text
    unit_of_measure: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def heading(self) -> str:
        return f"{self.name} ({self.unit_of_measure})" if self.unit_of_measure else self.name


@dataclass(frozen=True)
class RowSpec:
    """One unit row with its current values (by indicator code) and whether it may still change."""

    unit_code: str
    unit_name: str
    values: dict[str, Any] = field(default_factory=dict)
    locked: bool = False
    status_label: str = ""


@dataclass(frozen=True)
class TemplateSpec:
    form_code: str
    form_name: str
    period_id: str
    period_label: str
    unit_code: str
    unit_name: str
    columns: Sequence[ColumnSpec]
    rows: Sequence[RowSpec]
    deadline: dt.date | None = None


# --- Building the template ---------------------------------------------------------------------------


def _excel_value(column: ColumnSpec, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.value_type == "yes_no":
        return _("Yes") if value in (True, 1, "1", "true", "True") else _("No")
    if column.value_type == "text":
        return safe_text(str(value))
    # Stored values are plain machine text (16000, 3.5): the exchange dialect reads them.
    number = value if isinstance(value, Decimal) else V.parse_number(value, dialect=V.EXCHANGE)
    if number is None:
        return None
    if column.value_type == "integer" or number == number.to_integral_value():
        return int(number)
    return float(number)


def _validation_for(column: ColumnSpec) -> DataValidation | None:
    kind = column.value_type
    low, high = column.minimum, column.maximum
    if kind == "percentage":
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if kind == "yes_no":
        dv = DataValidation(type="list", formula1=f'"{_("Yes")},{_("No")}"', allow_blank=True)
        dv.error = _("Choose Yes or No.")
    elif kind in ("integer", "number", "percentage"):
        dv_type = "whole" if kind == "integer" else "decimal"
        if low is not None and high is not None:
            dv = DataValidation(type=dv_type, operator="between", formula1=str(low), formula2=str(high))
            dv.error = _("Enter a number from %(min)s to %(max)s.") % {"min": _fmt(low), "max": _fmt(high)}
        elif low is not None:
            dv = DataValidation(type=dv_type, operator="greaterThanOrEqual", formula1=str(low))
            dv.error = _("Enter a number of at least %(min)s.") % {"min": _fmt(low)}
        elif high is not None:
            dv = DataValidation(type=dv_type, operator="lessThanOrEqual", formula1=str(high))
            dv.error = _("Enter a number of at most %(max)s.") % {"max": _fmt(high)}
        else:
            dv = DataValidation(type=dv_type, operator="greaterThanOrEqual", formula1="-1E+300")
            dv.error = _("Enter a number.")
        if kind == "integer":
            dv.error += " " + _("Whole numbers only.")
    else:
        return None
    dv.errorTitle = column.name[:32]
    dv.errorStyle = "stop"
    dv.showErrorMessage = True
    dv.allow_blank = True
    return dv


def _fmt(number: Decimal | int | float) -> str:
    return formats.number_format(number, force_grouping=True)


def build_template(spec: TemplateSpec) -> bytes:
    """The pre-filled template as .xlsx bytes."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = DATA_SHEET
    ncols = FIRST_VALUE_COL - 1 + len(spec.columns)
    last_letter = get_column_letter(max(ncols, 2))

    ws["A1"] = f"{spec.form_name} — {spec.period_label} — {spec.unit_name}"
    ws["A1"].font = Font(bold=True, size=13)
    guide = _(
        "Fill in the white cells only; grey rows are approved and cannot change. Upload this file back."
    )
    if spec.deadline:
        guide = _("Deadline: %(date)s. ") % {"date": spec.deadline.strftime("%d/%m/%Y")} + guide
    ws["A2"] = guide
    ws["A2"].font = Font(italic=True, color="5F6368")

    heads = [(_("Unit code"), ""), (_("Unit name"), "")]
    for col_idx, (code, name) in enumerate(heads, start=1):
        ws.cell(row=CODE_ROW, column=col_idx, value=code)
        ws.cell(row=NAME_ROW, column=col_idx, value=name)
    for offset, column in enumerate(spec.columns):
        col_idx = FIRST_VALUE_COL + offset
        ws.cell(row=CODE_ROW, column=col_idx, value=column.code)
        ws.cell(row=NAME_ROW, column=col_idx, value=column.heading)
    for row in (CODE_ROW, NAME_ROW):
        for col_idx in range(1, ncols + 1):
            cell = ws.cell(row=row, column=col_idx)
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[NAME_ROW].height = 48

    validations = {c.code: _validation_for(c) for c in spec.columns}
    for dv in validations.values():
        if dv is not None:
            ws.add_data_validation(dv)

    for r, unit_row in enumerate(spec.rows, start=FIRST_DATA_ROW):
        ws.cell(row=r, column=1, value=unit_row.unit_code).border = _BORDER
        name_cell = ws.cell(row=r, column=2, value=safe_text(unit_row.unit_name))
        name_cell.border = _BORDER
        if unit_row.locked and unit_row.status_label:
            name_cell.comment = Comment(unit_row.status_label, "Kết Nối")
        for offset, column in enumerate(spec.columns):
            cell = ws.cell(
                row=r,
                column=FIRST_VALUE_COL + offset,
                value=_excel_value(column, unit_row.values.get(column.code)),
            )
            cell.border = _BORDER
            if unit_row.locked:
                cell.fill = _LOCKED_FILL
            else:
                cell.fill = _INPUT_FILL
                cell.protection = Protection(locked=False)
                dv = validations[column.code]
                if dv is not None:
                    dv.add(cell)
            if column.value_type == "integer":
                cell.number_format = "#,##0"
            elif column.value_type in ("number", "percentage"):
                cell.number_format = "#,##0.##"
        if unit_row.locked:
            for col_idx in (1, 2):
                ws.cell(row=r, column=col_idx).fill = _LOCKED_FILL

    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 34
    for offset in range(len(spec.columns)):
        ws.column_dimensions[get_column_letter(FIRST_VALUE_COL + offset)].width = 18
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=FIRST_VALUE_COL)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.auto_filter.ref = f"A{NAME_ROW}:{last_letter}{max(NAME_ROW, FIRST_DATA_ROW - 1 + len(spec.rows))}"
    ws.print_title_rows = f"{CODE_ROW}:{NAME_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0

    _guide_sheet(wb, spec)
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("template", "ketnoi-reporting"),
        ("version", TEMPLATE_VERSION),
        ("form", spec.form_code),
        ("period", spec.period_id),
        ("unit", spec.unit_code),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    wb.active = 0
    return workbook_bytes(wb)


def _guide_sheet(wb: Workbook, spec: TemplateSpec) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    lines = [
        _("How to fill in this spreadsheet"),
        "",
        _("1. Enter the figures in the white cells of the sheet “%(sheet)s”, one row per unit.")
        % {"sheet": DATA_SHEET},
        _("2. Numbers may be typed as 16000 or 16.000; decimals with a comma (3,5)."),
        _("3. Yes/no indicators take “Có” or “Không”. Leave a cell empty if there is nothing to report."),
        _(
            "4. Do not change the codes in column A or in row 3: they tell the system which unit and "
            "indicator a cell is."
        ),
        _(
            "5. Save as .xlsx and upload it on the page of this form. If any cell is wrong, nothing is saved "
            "and the list of cells to correct is shown."
        ),
        "",
        _("Indicators"),
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Code"), _("Name"), _("Type"), _("Allowed values")])
    for c in ws[ws.max_row]:
        c.font = _BOLD
        c.fill = _HEAD_FILL
    for column in spec.columns:
        ws.append([column.code, column.heading, _type_label(column.value_type), _range_label(column)])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 26


def _type_label(value_type: str) -> str:
    return {
        "integer": _("whole number"),
        "number": _("number"),
        "percentage": _("percentage"),
        "yes_no": _("yes/no"),
        "text": _("free text"),
    }.get(value_type, value_type)


def _range_label(column: ColumnSpec) -> str:
    low, high = column.minimum, column.maximum
    if column.value_type == "percentage":
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if low is not None and high is not None:
        return f"{_fmt(low)} – {_fmt(high)}"
    if low is not None:
        return f"≥ {_fmt(low)}"
    if high is not None:
        return f"≤ {_fmt(high)}"
    return ""


# --- Reading an upload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str | None
    unit: str
    indicator: str
    message: str

    @property
    def where(self) -> str:
        parts = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}]
        if self.row is not None:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("column %(col)s") % {"col": self.column})
        return ", ".join(parts)

    def __str__(self) -> str:
        who = " — ".join(p for p in (self.unit, self.indicator) if p)
        return f"{self.where}{' (' + who + ')' if who else ''}: {self.message}"


@dataclass
class UploadedValue:
    unit_code: str
    indicator_code: str
    value: Any  # Decimal, bool, str, or None to clear
    row: int
    column: str


@dataclass
class ParsedUpload:
    form_code: str
    period_id: str
    unit_code: str
    values: list[UploadedValue]
    errors: list[CellError]


class TemplateError(Exception):
    """The file is not a template of this product (or cannot be read at all)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def read_upload(
    data: bytes | io.BytesIO,
    *,
    filename: str,
    columns: Sequence[ColumnSpec],
    rows: Sequence[RowSpec],
) -> ParsedUpload:
    """Parse an uploaded template against the expected indicators and units.

    ``rows`` are the units the uploader may enter data for (with their current values and locks); cells of
    other units, unknown codes, locked rows that changed and values of the wrong type become errors.
    Unchanged cells are left out, so re-uploading a pre-filled file only writes what was changed.
    """
    raw = data if isinstance(data, bytes) else data.getvalue()
    try:
        uploads.check(raw, name=filename, kind="report_sheet")
    except uploads.UploadRefused as exc:
        raise TemplateError(str(exc.message)) from None
    try:
        wb = load_workbook(io.BytesIO(raw), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TemplateError(
            _("%(file)s cannot be opened as an Excel workbook (.xlsx).") % {"file": filename}
        ) from exc
    if META_SHEET not in wb.sheetnames or DATA_SHEET not in wb.sheetnames:
        raise TemplateError(
            _(
                "%(file)s is not a template of this form: download the template from the form's page, "
                "fill it in and upload that file."
            )
            % {"file": filename}
        )
    meta = {
        str(r[0]): str(r[1]) for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0] is not None
    }
    ws = wb[DATA_SHEET]
    errors: list[CellError] = []
    by_code = {c.code: c for c in columns}
    units = {r.unit_code: r for r in rows}

    header: dict[int, ColumnSpec] = {}
    for col_idx in range(FIRST_VALUE_COL, (ws.max_column or 0) + 1):
        raw = ws.cell(row=CODE_ROW, column=col_idx).value
        if raw is None or str(raw).strip() == "":
            continue
        code = str(raw).strip()
        letter = get_column_letter(col_idx)
        if code not in by_code:
            errors.append(
                CellError(
                    DATA_SHEET,
                    CODE_ROW,
                    letter,
                    "",
                    code,
                    _("“%(code)s” is not an indicator of this form.") % {"code": code},
                )
            )
            continue
        if by_code[code] in header.values():
            errors.append(
                CellError(
                    DATA_SHEET, CODE_ROW, letter, "", by_code[code].name, _("This indicator appears twice.")
                )
            )
            continue
        header[col_idx] = by_code[code]

    values: list[UploadedValue] = []
    seen_units: dict[str, int] = {}
    last_row = min(ws.max_row or 0, FIRST_DATA_ROW + MAX_ROWS)
    for r in range(FIRST_DATA_ROW, last_row + 1):
        code_cell = ws.cell(row=r, column=1).value
        row_cells = {c: ws.cell(row=r, column=c).value for c in header}
        if code_cell is None or str(code_cell).strip() == "":
            if any(_present(v) for v in row_cells.values()):
                errors.append(
                    CellError(DATA_SHEET, r, "A", "", "", _("This row has figures but no unit code."))
                )
            continue
        unit_code = str(code_cell).strip()
        spec = units.get(unit_code)
        if spec is None:
            errors.append(
                CellError(
                    DATA_SHEET,
                    r,
                    "A",
                    unit_code,
                    "",
                    _("Unit %(code)s is not one you may report for in this form.") % {"code": unit_code},
                )
            )
            continue
        if unit_code in seen_units:
            errors.append(
                CellError(
                    DATA_SHEET,
                    r,
                    "A",
                    spec.unit_name,
                    "",
                    _("This unit already appears in row %(row)s.") % {"row": seen_units[unit_code]},
                )
            )
            continue
        seen_units[unit_code] = r
        for col_idx, column in header.items():
            letter = get_column_letter(col_idx)
            raw = row_cells[col_idx]
            try:
                value = _cell_value(column, raw)
            except V.ValueRefused as exc:
                errors.append(CellError(DATA_SHEET, r, letter, spec.unit_name, column.name, str(exc)))
                continue
            current = _normalise_current(column, spec.values.get(column.code))
            if value == current:
                continue
            if spec.locked:
                errors.append(
                    CellError(
                        DATA_SHEET,
                        r,
                        letter,
                        spec.unit_name,
                        column.name,
                        _(
                            "The report of this unit is %(status)s and cannot change; "
                            "ask for it to be reopened."
                        )
                        % {"status": spec.status_label or _("locked")},
                    )
                )
                continue
            problem = _range_problem(column, value)
            if problem:
                errors.append(CellError(DATA_SHEET, r, letter, spec.unit_name, column.name, problem))
                continue
            values.append(UploadedValue(unit_code, column.code, value, r, letter))
    wb.close()
    return ParsedUpload(
        form_code=meta.get("form", ""),
        period_id=meta.get("period", ""),
        unit_code=meta.get("unit", ""),
        values=values,
        errors=errors,
    )


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _cell_value(column: ColumnSpec, raw: Any) -> Any:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if column.value_type == "text":
        text = str(raw).strip()
        return unescape_text(text)
    if column.value_type == "yes_no":
        return V.parse_bool(raw, dialect=V.VIETNAMESE)
    if isinstance(raw, dt.datetime | dt.date):
        raise V.ValueRefused(_bad_value_message(column, raw))
    return V.parse_number(raw, dialect=V.VIETNAMESE, integer=column.value_type == "integer")


def _normalise_current(column: ColumnSpec, value: Any) -> Any:
    """A stored value (plain machine text, or a bool) as ``_cell_value`` gives a cell, for comparing."""
    if value is None or column.value_type in ("text", "yes_no") or isinstance(value, bool):
        return _cell_value(column, value) if column.value_type == "text" else value
    try:
        return V.parse_number(value, dialect=V.EXCHANGE)
    except V.ValueRefused:
        return value


def _bad_value_message(column: ColumnSpec, raw: Any) -> str:
    shown = raw.strftime("%d/%m/%Y") if isinstance(raw, dt.date | dt.datetime) else str(raw)
    if column.value_type == "yes_no":
        return _("“%(value)s” is not Yes or No.") % {"value": shown}
    if column.value_type == "integer":
        return _("“%(value)s” is not a whole number.") % {"value": shown}
    return _("“%(value)s” is not a number.") % {"value": shown}


def _range_problem(column: ColumnSpec, value: Any) -> str:
    if not isinstance(value, Decimal):
        return ""
    low, high = column.minimum, column.maximum
    if column.value_type == "percentage":
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if low is not None and value < low:
        return _("%(value)s is below the minimum %(min)s.") % {"value": _fmt(value), "min": _fmt(low)}
    if high is not None and value > high:
        return _("%(value)s is above the maximum %(max)s.") % {"value": _fmt(value), "max": _fmt(high)}
    return ""


# --- Exports -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A rectangular table for export: a title, column headings, rows of cells, and an optional total row."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Any]]
    total: Sequence[Any] | None = None
    note: str = ""


def tables_to_xlsx(tables: Iterable[Table]) -> bytes:
    wb = Workbook()
    first = True
    for table in tables:
        if first:
            ws = wb.worksheets[0]
            first = False
        else:
            ws = wb.create_sheet()
        ws.title = _sheet_title(table.title, wb.sheetnames[:-1] if not first else [])
        _write_table(ws, table)
    return workbook_bytes(wb)


def _sheet_title(title: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28].strip() or "Sheet"
    name, n = clean, 2
    while name in taken:
        name = f"{clean[:25]} {n}"
        n += 1
    return name


def _write_table(ws: Worksheet, table: Table) -> None:
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=13)
    if table.note:
        ws.append([table.note])
    ws.append([])
    ws.append(list(table.headings))
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        ws.append([_export_cell(v) for v in row])
        _style_row(ws[ws.max_row])
    if table.total is not None:
        ws.append([_export_cell(v) for v in table.total])
        for cell in ws[ws.max_row]:
            cell.font = _BOLD
            cell.fill = _TOTAL_FILL
        _style_row(ws[ws.max_row])
    ws.freeze_panes = ws.cell(row=head_row + 1, column=2)
    ws.column_dimensions["A"].width = 34
    for idx in range(2, len(table.headings) + 1):
        ws.column_dimensions[get_column_letter(idx)].width = 16


def _style_row(cells: tuple[Cell, ...]) -> None:
    for cell in cells:
        cell.border = _BORDER
        if isinstance(cell.value, int | float):
            cell.number_format = "#,##0" if isinstance(cell.value, int) else "#,##0.##"


def _export_cell(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def tables_to_csv(tables: Iterable[Table]) -> str:
    """CSV (UTF-8 with BOM so Excel shows Vietnamese right); several tables are separated by a blank line."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    first = True
    for table in tables:
        if not first:
            writer.writerow([])
        first = False
        writer.writerow([table.title])
        writer.writerow(list(table.headings))
        for row in table.rows:
            writer.writerow([_csv_cell(v) for v in row])
        if table.total is not None:
            writer.writerow([_csv_cell(v) for v in table.total])
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 6))
    if isinstance(value, Decimal):
        return str(value.normalize()) if value != value.to_integral_value() else str(int(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value
