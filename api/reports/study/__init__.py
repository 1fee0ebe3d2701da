"""A study's report: study.json (`study_document`), its recommendation, and the files `siaga study
--out` writes (`write_study`: study.json, study.csv, report.html and PNG plots)."""

from .document import recommendation, study_document
from .write import write_study

__all__ = ["recommendation", "study_document", "write_study"]
