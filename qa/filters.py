"""Restrict a search to some theses, passage languages or parts of the thesis."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from store.records import PARTS
from qa.engine import Engine
from qa.errors import QueryError


@dataclass(frozen=True)
class Filters:
    """Empty fields do not filter. `theses` holds corpus file names (`000_….txt`)."""

    theses: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()

    @classmethod
    def of(cls, theses: str | Iterable[str] = (), languages: str | Iterable[str] = (),
           parts: str | Iterable[str] = ()) -> Filters:
        """Filters from any iterables of values; a single string is one value, not its characters."""
        return cls(*(((values,) if isinstance(values, str) else tuple(values)) for values in (theses, languages, parts)))

    def validate(self, engine: Engine) -> None:
        """Raise QueryError naming any unknown value and the valid ones."""
        known = {
            "thesis": (self.theses, sorted(engine.docs)),
            "language": (self.languages, sorted(set(engine.p_language.tolist()))),
            "part": (self.parts, list(PARTS)),
        }
        for name, (values, valid) in known.items():
            unknown = [v for v in values if v not in valid]
            if unknown:
                raise QueryError(f"unknown {name} filter {', '.join(map(repr, unknown))}; "
                                 f"choose from {', '.join(valid)}")

    def mask(self, engine: Engine) -> np.ndarray | None:
        """Boolean mask over the engine's passage rows, or None when nothing is filtered."""
        if not (self.theses or self.languages or self.parts):
            return None
        self.validate(engine)
        mask = np.ones(len(engine.passage_ids), dtype=bool)
        if self.theses:
            ids = [t.id for t in engine.theses.values() if t.doc in self.theses]
            mask &= np.isin(engine.p_thesis, ids)
        if self.languages:
            mask &= np.isin(engine.p_language, list(self.languages))
        if self.parts:
            mask &= np.isin(engine.p_part, list(self.parts))
        return mask
