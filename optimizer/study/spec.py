"""What a stockpile study file says (STUDY.yaml), validated before anything runs.

```yaml
id: kaltim-stockpile
name: Stok penyangga Kaltim
scenario_set: {kind: kaltim-hazards, n: 200, seed: 7}   # scenarios.sets.load_scenario_set
sites:                     # candidate sites: warehouses of the scenarios, or new ones (lat/lon or node)
  - {id: gudang_dinsos_prov}
  - {id: gudang_bnpb_palaran, name: Gudang BNPB Palaran, lat: -0.58, lon: 117.19,
     opening_cost: 2.5e9, capacity_m3: 2000}
commodities:               # the items studied, with purchase and yearly holding cost per unit
  - {id: paket_keluarga, unit_cost: 380000, holding_cost: 38000}
options:                   # given stockpile options
  - {id: status-quo, name: Status quo, from_scenario: true}
  - {id: palaran, name: ..., stock: [{site: gudang_bnpb_palaran, commodity: paket_keluarga, units: 9000}]}
evaluation: {max_response_h: 72, transport: any}
optimise: {budgets: [6.5e9], folds: 2, cvar_weight: 0.0, cvar_alpha: 0.9}
seed: 7
```
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = [
    "CommoditySpec",
    "EvaluationSpec",
    "OptimiseSpec",
    "OptionSpec",
    "SiteSpec",
    "StockLine",
    "StudySpec",
]

Id = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, StringConstraints(max_length=2000)]
NonNeg = Annotated[float, Field(ge=0)]


class _Frozen(BaseModel):
    # only finite numbers, as in the scenario model (scenarios/fields.py): JSON has no NaN or Infinity
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class SiteSpec(_Frozen):
    """A candidate site: a warehouse of the scenarios (by id) or a new one placed by lat/lon or node."""

    id: Id
    name: Text | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    node: Id | None = None
    opening_cost: NonNeg = 0.0
    capacity_m3: NonNeg | None = None
    fleet: dict[Id, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)  # vehicle type -> count
    note: Text | None = None


class CommoditySpec(_Frozen):
    """A commodity studied: purchase cost and yearly holding cost per unit (same currency)."""

    id: Id
    unit_cost: NonNeg
    holding_cost: NonNeg = 0.0
    note: Text | None = None

    @property
    def cost(self) -> float:
        return self.unit_cost + self.holding_cost


class StockLine(_Frozen):
    site: Id
    commodity: Id
    units: NonNeg


class OptionSpec(_Frozen):
    """A given option: explicit stock lines, or the scenarios' own warehouse stock (`from_scenario`,
    times `scale`), or both (lines add to it)."""

    id: Id
    name: Text
    name_en: Text | None = None
    from_scenario: bool = False
    scale: NonNeg = 1.0
    stock: tuple[StockLine, ...] = ()
    note: Text | None = None


class EvaluationSpec(_Frozen):
    """`mode`: `response` (the first-response LP the optimiser fits on; fast), `allocation` (the
    day-by-day allocation with fleet hours and throughput) or `plan` (allocation and vehicle routing,
    `routing_iterations` per plan)."""

    mode: Literal["response", "allocation", "plan"] = "response"
    max_response_h: Annotated[float, Field(gt=0, le=24 * 30)] = 72.0
    transport: Literal["any", "based"] = "any"
    routing_iterations: Annotated[int, Field(ge=1)] = 200


class OptimiseSpec(_Frozen):
    """Two-stage pre-positioning, one optimum per budget; each scenario's out-of-sample value comes
    from the fit on the other folds."""

    budgets: tuple[Annotated[float, Field(gt=0)], ...] = Field(min_length=1)
    folds: Annotated[int, Field(ge=2, le=100)] = 2
    cvar_alpha: Annotated[float, Field(ge=0, lt=1)] = 0.9
    cvar_weight: Annotated[float, Field(ge=0, le=1)] = 0.0
    time_limit_s: Annotated[float, Field(gt=0)] = 300.0
    relative_gap: Annotated[float, Field(ge=0, lt=1)] = 1e-4


class StudySpec(_Frozen):
    id: Id
    name: Text
    name_en: Text | None = None
    description: Text | None = None
    scenario_set: dict[str, Any]
    sites: tuple[SiteSpec, ...] = ()
    commodities: tuple[CommoditySpec, ...] = Field(min_length=1)
    options: tuple[OptionSpec, ...] = ()
    evaluation: EvaluationSpec = Field(default_factory=EvaluationSpec)
    optimise: OptimiseSpec | None = None
    seed: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _check(self) -> StudySpec:
        if not self.options and self.optimise is None:
            raise ValueError("a study needs at least one option or an optimise section")
        for name, items in (
            ("sites", self.sites),
            ("commodities", self.commodities),
            ("options", self.options),
        ):
            ids = [x.id for x in items]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(f"{name}: duplicate id(s) {', '.join(dup)}")
        sites = {s.id for s in self.sites}
        commodities = {c.id for c in self.commodities}
        for k, opt in enumerate(self.options):
            for j, line in enumerate(opt.stock):
                if sites and line.site not in sites:
                    raise ValueError(
                        f"options[{k}].stock[{j}].site: {line.site!r} is not a site of the study"
                    )
                if line.commodity not in commodities:
                    raise ValueError(
                        f"options[{k}].stock[{j}].commodity: {line.commodity!r} is not a study commodity"
                    )
        return self
