"""The allocation's classes: the need rows of a commodity whose unit is worth the same (priority x
person-days per unit) are solved together and split back in proportion to need."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .inputs import ScenarioArrays

__all__ = ["with_classes"]


def with_classes(base: ScenarioArrays, aggregate: bool, one_class: bool = False) -> ScenarioArrays:
    """The same arrays with other priority classes (and, with `aggregate`, zones over areas). A class
    holds the need rows of a commodity whose unit is worth the same (`unit_value`; with `one_class`
    one class per commodity, a unit worth its need-weighted mean person-days: priority left out)."""
    need_g = base.need_by_group
    if one_class:
        total = need_g.sum(axis=3)
        units_c = total.sum(axis=(0, 2))
        pd_c = np.divide(
            (total * base.unit_person_days).sum(axis=(0, 2)),
            units_c,
            out=np.zeros_like(units_c),
            where=units_c > 0,
        )
        class_of = np.zeros(need_g.shape[:3], np.int64)
        class_value = pd_c[:, None]
    else:
        class_of, class_value = _value_classes(base.unit_value, need_g.sum(axis=3) > 0)
    A, C, _, H = need_g.shape
    need = np.zeros((A, C, class_value.shape[1], H))
    a, c, g = np.nonzero(need_g.any(axis=3))
    np.add.at(need, (a, c, class_of[a, c, g]), need_g[a, c, g])
    inputs = replace(
        base.inputs, class_of=class_of, class_value=class_value, need=need, unit_value=base.unit_value
    )
    return replace(base, inputs=inputs, aggregate=aggregate)


def _value_classes(value: np.ndarray, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[A, C, G] class of each need row (per commodity, its rank among the distinct unit values,
    highest first) and [C, K] the value of each class (0 where a commodity has fewer classes)."""
    A, C, G = value.shape
    v = np.round(np.where(has, value, 0.0), 9)
    class_of = np.zeros((A, C, G), np.int64)
    per_c = []
    for c in range(C):
        uniq, inv = np.unique(-v[:, c, :], return_inverse=True)
        class_of[:, c, :] = inv.reshape(A, G)
        per_c.append(-uniq)
    K = max((len(u) for u in per_c), default=1)
    class_value = np.zeros((C, max(K, 1)))
    for c, u in enumerate(per_c):
        class_value[c, : len(u)] = u
    return class_of, class_value
