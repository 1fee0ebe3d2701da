"""Write a benchmark's table into docs/benchmarks.md between its own start/end markers."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nNumbers from runs on this project's machine.\n"


def write_block(block: str, start: str, end: str, doc: Path = DOC) -> None:
    """Replace the text from `start` to `end` in `doc` by `block` (which holds both markers), or append it."""
    text = doc.read_text() if doc.exists() else HEADER
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text)
