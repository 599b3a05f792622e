"""CSV files for the back office, safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip first) would run
as a formula when the file is opened: a booker's organisation name must stay text. Such cells get a
leading apostrophe, which spreadsheets hide. Numbers are left as they are.
"""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
