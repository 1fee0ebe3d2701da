r"""Cells a spreadsheet cannot run: the one rule every CSV and XLSX export applies to its text.

Names and ids in a plan come from uploaded scenarios, so a cell may hold `=HYPERLINK(...)` or `@SUM(A1)`.
Following the OWASP guidance on CSV injection (https://owasp.org/www-community/attacks/CSV_Injection),
a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in front
(`'=1+1`), which spreadsheets show as text. Numbers are not text and stay numbers (-2.5 stays -2.5);
the csv module quotes cells and doubles embedded quotes (RFC 4180).

Line breaks inside text are written as "\n": a CSV writer whose rows end in "\n" does not quote a bare
"\r", and readers start a new row there, where the first-character rule no longer holds
("Desa\r=1+1"). XLSX reads a "\r" back as "\n" anyway. In XLSX every string is also written with the
string data type, so openpyxl never stores one as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import pandas as pd
from openpyxl.workbook.workbook import Workbook

__all__ = ["DANGEROUS_FIRST", "safe_frame", "safe_row", "safe_text", "strings_as_text"]

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")


def safe_text(value: T) -> T | str:
    r"""`value` with a leading `'` when it is text starting with a character in `DANGEROUS_FIRST`, and
    its line breaks ("\r\n", "\r") as "\n"; anything else (numbers, None) unchanged."""
    if not isinstance(value, str):
        return value
    text = "'" + value if value.startswith(DANGEROUS_FIRST) else value
    return text.replace("\r\n", "\n").replace("\r", "\n")


def safe_row(values: Iterable[object]) -> list[object]:
    """A CSV row with every cell passed through `safe_text`."""
    return [safe_text(v) for v in values]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with `safe_text` applied to its text columns and column names; numeric
    columns are left as they are."""
    out = frame.copy()
    for column in out.columns:
        if _is_text(out[column]):
            out[column] = out[column].map(safe_text)
    out.columns = [safe_text(c) for c in out.columns]
    return out


def strings_as_text(book: Workbook) -> Workbook:
    """Give every str cell of `book` the string data type ('s'), so none is stored as a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    return book


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype)
