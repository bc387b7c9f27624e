"""CSV exports, written one way for every app: cells that a spreadsheet would run as a formula
are defused (CSV injection, OWASP "CSV Injection").

Members choose much of what ends up in an export (names, organisations, course titles, even
e-mail addresses: `=cmd|'/Ccalc'!A0@x.de` is a valid one), and the people who open the file in
Excel or LibreOffice are trainers and editors. A cell that starts with `=`, `+`, `-` or `@`,
or with a tab or carriage return (some spreadsheets skip those and read the formula behind
them), is prefixed with a single quote: the spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import decimal
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """The value as a spreadsheet may safely read it: numbers stay numbers, everything else
    becomes text with a leading quote where it would otherwise start a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return value
    text = force_str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    *, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download as the site's exports write it: `;` between cells (what German Excel
    expects), UTF-8 with a byte order mark (without one Excel misreads umlauts), every cell
    defused, and kept out of shared caches (exports hold personal data)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # there is always one for an attachment
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return response


class SafeSpreadsheetExportMixin:
    """For Wagtail admin views with `list_export` (reports, listings): their CSV export writes
    every value as it is, so each value is defused here after Wagtail's own preprocessing.
    (Wagtail's XLSX export already stores would-be formulas as text.)"""

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)  # type: ignore[misc]
        if export_format == SpreadsheetExportMixin.FORMAT_CSV:
            return spreadsheet_cell(value)
        return value
