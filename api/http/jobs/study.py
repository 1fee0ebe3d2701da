"""The worker's side of a study job: read the study's spec (the `studies` row holding the job), build
its scenario set, run the study in this process (`run_study`, no executor: the job is one worker
process like a plan) with its progress on the job, and give study.json (api/reports/study/document.py)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.reports.study.document import study_document
from optimizer.study import StudySpec, run_study
from scenarios import ScenarioError, load_scenario_set

from ..db.models import Job, StudyRecord
from .inputs import ISSUES_SHOWN, JobInputError
from .progress import ProgressWriter, StudyProgress

__all__ = ["StudyInputs", "load_study_inputs", "solve_study"]


@dataclass(frozen=True)
class StudyInputs:
    """A study job's spec and its row (`record_id`, where study.json goes)."""

    record_id: str
    spec: StudySpec


def load_study_inputs(session: Session, job: Job) -> StudyInputs:
    """The spec of the study that `job` runs; JobInputError when there is none or it no longer
    validates."""
    record = session.scalars(select(StudyRecord).where(StudyRecord.job_id == job.id)).first()
    if record is None:
        raise JobInputError(f"no study is run by job {job.id}")
    try:
        spec = StudySpec.model_validate(record.spec)
    except ValidationError as exc:
        shown = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:ISSUES_SHOWN])
        raise JobInputError(f"study {record.id} no longer validates: {shown}") from None
    return StudyInputs(record.id, spec)


def solve_study(inputs: StudyInputs, progress: ProgressWriter) -> dict:
    """Run the study and give its study.json; `JobCancelled` (from `progress`) stops it between
    chunks of scenarios."""
    spec = inputs.spec
    try:
        scenario_set = load_scenario_set(spec.scenario_set)
    except ScenarioError as exc:
        raise JobInputError(f"study {inputs.record_id}: {str(exc).splitlines()[0]}") from None
    result = run_study(
        spec, scenario_set, executor=None, progress=StudyProgress(progress, spec.evaluation.mode)
    )
    return study_document(result)
