"""`Index`: the ids of one kind (areas, warehouses, ...) in scenario order, and each id's position."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

__all__ = ["Index"]


@dataclass(frozen=True)
class Index:
    """Ids in scenario order; `index[id]` is the id's position, `positions(ids)` many at once."""

    ids: tuple[str, ...]
    _position: Mapping[str, int] = field(init=False, repr=False, compare=False)
    _hashed: pd.Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_position", MappingProxyType({x: i for i, x in enumerate(self.ids)}))
        object.__setattr__(self, "_hashed", pd.Index(list(self.ids)))

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __contains__(self, item: object) -> bool:
        return item in self._position

    def __getitem__(self, item: str) -> int:
        return self._position[item]

    def positions(self, values: Iterable[str] | np.ndarray | pd.Series) -> np.ndarray:
        """Position of each of `values` (-1 where absent); hashed, far faster than Series.map."""
        if not isinstance(values, np.ndarray | pd.Series):
            values = list(values)
        return self._hashed.get_indexer(np.asarray(values, dtype=object))
