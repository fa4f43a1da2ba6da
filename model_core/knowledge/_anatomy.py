"""Anatomical terms -> atlas regions, resolving laterality from the surrounding words.

Atlas synonyms come in two kinds. One that names a side ("right lower lobe", "RUL" listed
under a right region) points to its region. One without a side ("lower lobe", "bases") is
listed under both the right and the left region and takes its side from the phrase:
"basilar atelectasis on the left", "bibasilar", "lower lobes bilaterally". A side-less term
listed under one region only ("lingula", "retrocardiac") points to that region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ._terms import TermMatcher, has_side_word, nearest_side, normalise_term
from .loading import ATLAS_FILE
from .records import Region

Mode = Literal["fixed", "lateral", "both"]


@dataclass(frozen=True)
class RegionTerm:
    """What one wording points to: fixed regions, or a (right, left) pair to choose from."""

    region_ids: tuple[str, ...]
    mode: Mode


def build_region_matcher(regions: Sequence[Region]) -> TermMatcher[RegionTerm]:
    """A matcher over every region name and synonym, plus "bi-" forms of lateral words."""
    specific, shared = _collect_terms(regions)
    sides = {r.id: r.side for r in regions}
    table = {term: RegionTerm(ids, "fixed") for term, ids in specific.items()}
    for term, ids in shared.items():
        if term in table:
            raise ValueError(f"{ATLAS_FILE}: {term!r} is both a lateral and a side-less synonym")
        table[term] = _shared_term(term, ids, sides)
    for term, entry in list(table.items()):
        if entry.mode == "lateral" and " " not in term:
            table.setdefault("bi" + term, RegionTerm(entry.region_ids, "both"))
    return TermMatcher(table)


def _collect_terms(regions: Sequence[Region]) -> tuple[dict, dict]:
    specific: dict[str, tuple[str, ...]] = {}
    shared: defaultdict[str, list[str]] = defaultdict(list)
    for region in regions:
        for wording in dict.fromkeys(normalise_term(w) for w in (region.name, *region.synonyms)):
            if not has_side_word(wording):
                shared[wording].append(region.id)
            elif wording in specific:
                first = specific[wording][0]
                raise ValueError(
                    f"{ATLAS_FILE}: {wording!r} names both {first!r} and {region.id!r}"
                )
            else:
                specific[wording] = (region.id,)
    return specific, dict(shared)


def _shared_term(term: str, ids: list[str], sides: dict[str, str]) -> RegionTerm:
    if len(ids) == 1:
        return RegionTerm((ids[0],), "fixed")
    by_side = {sides[i]: i for i in ids}
    if len(ids) != 2 or set(by_side) != {"right", "left"}:
        raise ValueError(
            f"{ATLAS_FILE}: {term!r} is listed under {', '.join(ids)}; a side-less synonym "
            "may be shared only by one right and one left region"
        )
    return RegionTerm((by_side["right"], by_side["left"]), "lateral")


def resolve(entry: RegionTerm, text: str, start: int, end: int) -> tuple[str, ...]:
    """The region ids a found wording stands for, given the words around it."""
    if entry.mode != "lateral":
        return entry.region_ids
    side = nearest_side(text, start, end)
    if side == "right":
        return entry.region_ids[:1]
    if side == "left":
        return entry.region_ids[1:]
    return entry.region_ids
