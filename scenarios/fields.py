"""The field types of the scenario model: bounded ids and text, non-negative and positive numbers,
shares, coordinates, hours; and the frozen base model (no extra keys)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = ["Hour", "Id", "Lat", "Lon", "NonNeg", "Positive", "Share", "Text"]

Id = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, StringConstraints(max_length=2000)]
NonNeg = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
Hour = Annotated[float, Field(ge=0, le=48)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
