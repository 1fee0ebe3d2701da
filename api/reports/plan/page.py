"""The shell of the printable HTML pages: self-contained (inline CSS, no external resources), A4, with a
page break before every trip but the first."""

from __future__ import annotations

from html import escape

from api.i18n import Lang

__all__ = ["CSS", "page"]

CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #000; margin: 1.5em; }
h1 { font-size: 15pt; margin: 0 0 0.4em; }
h2 { font-size: 12.5pt; margin: 1.2em 0 0.3em; border-bottom: 2px solid #000; }
h3 { font-size: 11pt; margin: 0.9em 0 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.3em 0; }
th, td { border: 1px solid #444; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.meta td, table.meta th { border: none; padding: 1px 8px 1px 0; background: none; width: auto; }
tr.total td { font-weight: bold; }
.code { color: #333; font-size: 9pt; }
.signatures { display: flex; gap: 1.5em; margin-top: 1.5em; }
.signatures div { flex: 1; border: 1px solid #444; padding: 4px 6px; min-height: 6em; }
.signatures .line { margin-top: 3.5em; border-top: 1px dotted #000; font-size: 9pt; }
@media print {
  body { margin: 0; }
  section.trip + section.trip { break-before: page; page-break-before: always; }
  tr, .signatures { break-inside: avoid; page-break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}
"""


def page(title: str, body: str, lang: Lang) -> str:
    """A whole HTML document: `title` (plain text, escaped here) and `body` (HTML, already escaped)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
