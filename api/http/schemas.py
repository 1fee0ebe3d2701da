"""The HTTP API's request and response bodies, apart from the domain model (scenarios, plans) and the
tables (api/http/db/models.py). One family per resource: `XCreate` (request), `XPublic` (one),
`XsPublic` (a list: `data`, `count`)."""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, RootModel, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from optimizer.study import StudySpec
from scenarios import UPDATE_KINDS
from scenarios.jsonwalk import non_finite
from scenarios.strings import bad_strings

from .db.models import JOB_STATUSES, ROLES
from .problems import json_pointer

__all__ = [
    "BundledStudiesPublic",
    "BundledStudy",
    "BundledStudyRef",
    "Engine",
    "ErrorItem",
    "Health",
    "IncidentCreate",
    "IncidentPublic",
    "IncidentSummary",
    "IncidentsPublic",
    "JobLinks",
    "JobPublic",
    "JobsPublic",
    "KeyCreate",
    "KeyCreated",
    "KeyPublic",
    "KeysPublic",
    "PlanCreate",
    "PlanDocument",
    "PlanParams",
    "ProblemDocument",
    "ScenarioPublic",
    "ScenarioSummary",
    "ScenariosPublic",
    "StudiesPublic",
    "StudyAccepted",
    "StudyCreate",
    "StudyDocument",
    "StudyPublic",
    "StudySummary",
    "UpdateAccepted",
    "UpdateCreate",
    "UpdatePublic",
]

Engine = Literal["pyvrp", "ortools"]
Role = Literal[ROLES]  # type: ignore[valid-type]
JobStatus = Literal[JOB_STATUSES]  # type: ignore[valid-type]
UpdateKind = Literal[UPDATE_KINDS]  # type: ignore[valid-type]
Id = str


class _Request(BaseModel):
    """A request body: no unknown fields, only finite numbers, and no control characters (tab, line
    feed and carriage return aside) in any string, nested ones included."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        found = [
            (path, f"{'key ' if is_key else ''}holds {char}, a control character")
            for path, char, is_key in bad_strings(data)
        ]
        found += [(path, f"{v} is not a finite number") for path, v in islice(non_finite(data), 5)]
        if found:
            path, message = found[0]
            # the pointer travels in the error's context: api/http/problems.py puts it in errors[]
            raise PydanticCustomError(
                "storable", "{message}", {"pointer": json_pointer(path), "message": message}
            )
        return data


class ErrorItem(BaseModel):
    pointer: str = Field(description="JSON pointer to the bad field (in the body, or the parameter `in`)")
    detail: str
    in_: str | None = Field(None, alias="in", description="body, query, path, header, or file (uploads)")
    file: str | None = Field(None, description="the uploaded file, for zipped scenario directories")
    line: int | None = None

    model_config = ConfigDict(populate_by_name=True)


class ProblemDocument(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ErrorItem] | None = None


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]
    version: str


# --- scenarios


class ScenarioSummary(BaseModel):
    id: Id
    scenario_id: str = Field(description="the document's own id")
    name: str
    n_areas: int
    n_vehicles: int
    created_by: str | None
    created_at: datetime


class ScenarioPublic(ScenarioSummary):
    document: dict[str, Any] = Field(description="the validated scenario document (`siaga show`)")


class ScenariosPublic(BaseModel):
    data: list[ScenarioSummary]
    count: int


# --- plans and jobs


class PlanParams(_Request):
    time_limit: float | None = Field(
        None, gt=0, description="seconds of routing search; default and maximum set by the server"
    )
    seed: int = Field(0, ge=0, le=2**31 - 1)
    engine: Engine = "pyvrp"
    iterations: int | None = Field(None, ge=1, le=10_000_000, description="work budget (reproducible)")


class PlanCreate(PlanParams):
    scenario_id: Id


class JobLinks(BaseModel):
    self: str
    events: str
    plan: str | None = None
    study: str | None = Field(None, description="a study job's study (its result once succeeded)")


class JobPublic(BaseModel):
    id: Id
    kind: Literal["plan", "replan", "study"]
    status: JobStatus
    progress: float
    stage: str | None
    reason: str | None
    attempt: int
    params: dict[str, Any]
    scenario_id: Id | None
    incident_id: Id | None
    plan_id: Id | None
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: JobLinks


class JobsPublic(BaseModel):
    data: list[JobPublic]
    count: int


class PlanDocument(BaseModel):
    """plan.json (docs/plan-format.md)."""

    model_config = ConfigDict(extra="allow")
    format: str
    scenario: str
    status: str
    shipments: list[dict[str, Any]]
    trips: list[dict[str, Any]]
    unmet: list[dict[str, Any]]
    kpis: dict[str, Any]


# --- incidents


class IncidentCreate(_Request):
    scenario_id: Id
    name: str = Field("", max_length=500)
    plan_id: Id | None = Field(None, description="a plan of the scenario to start from (the current plan)")


class UpdateCreate(_Request):
    kind: UpdateKind
    payload: dict[str, Any] = Field(description="the kind's fields (docs/api.md)")
    replan: PlanParams | None = Field(None, description="settings of the re-plan this update starts")


class UpdatePublic(BaseModel):
    id: Id
    incident_id: Id
    seq: int
    kind: str
    payload: dict[str, Any]
    actor: str
    created_at: datetime
    job_id: Id | None


class IncidentSummary(BaseModel):
    id: Id
    scenario_id: Id
    name: str
    plan_id: Id | None = Field(description="the current plan: the newest finished re-plan, else the first")
    n_updates: int
    created_by: str | None
    created_at: datetime


class IncidentPublic(IncidentSummary):
    updates: list[UpdatePublic]


class IncidentsPublic(BaseModel):
    data: list[IncidentSummary]
    count: int


class UpdateAccepted(BaseModel):
    update: UpdatePublic
    job: JobPublic


# --- studies


class BundledStudyRef(_Request):
    bundled: str = Field(
        min_length=1, max_length=200, description="a bundled study's name (GET /v1/studies/bundled)"
    )


class StudyCreate(RootModel[Any]):
    """A study spec (docs/study.md, as JSON) or `{"bundled": NAME}`. Validated by the route, so that
    every error is a JSON pointer into the spec; the OpenAPI document shows both forms."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        spec = handler(StudySpec.__pydantic_core_schema__)
        bundled = handler(BundledStudyRef.__pydantic_core_schema__)
        return {"oneOf": [spec, bundled], "description": cls.__doc__}


class StudyDocument(BaseModel):
    """study.json (docs/study-format.md)."""

    model_config = ConfigDict(extra="allow")
    format: str
    study: dict[str, Any]
    groups: list[dict[str, Any]]
    commodities: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    options: list[dict[str, Any]]
    recommendation: dict[str, Any]


class StudySummary(BaseModel):
    id: Id
    study_id: str = Field(description="the spec's own id")
    name: str
    status: JobStatus = Field(description="its job's status")
    job_id: Id
    created_by: str | None
    created_at: datetime


class StudyPublic(StudySummary):
    reason: str | None = Field(description="why the job failed or was cancelled")
    spec: dict[str, Any] = Field(description="the validated study spec")
    document: StudyDocument | None = Field(description="study.json once the job succeeded, else null")


class StudiesPublic(BaseModel):
    data: list[StudySummary]
    count: int


class StudyAccepted(StudySummary):
    job: JobPublic


class BundledStudy(BaseModel):
    name: str = Field(description='post it as {"bundled": name}')
    spec: dict[str, Any] = Field(description="the study spec, as POST /v1/studies takes it")


class BundledStudiesPublic(BaseModel):
    data: list[BundledStudy]
    count: int


# --- keys


class KeyCreate(_Request):
    role: Role
    name: str = Field("", max_length=200)


class KeyPublic(BaseModel):
    id: Id
    prefix: str
    role: Role
    name: str
    created_at: datetime
    revoked: bool


class KeyCreated(KeyPublic):
    key: str | None = Field(
        description="the key, shown once: send it as `Authorization: Bearer <key>`; null when the answer "
        "is an Idempotency-Key replay (the key's text is never stored)"
    )


class KeysPublic(BaseModel):
    data: list[KeyPublic]
    count: int
