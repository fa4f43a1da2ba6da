"""The knowledge base: findings, the anatomical atlas and location priors, and the queries
the engine asks of a phrase (which finding, which side, which regions, what prior box, what
knowledge text to encode).

Everything here is deterministic and torch-free, so the same answers serve the model's
knowledge prompts, the synthetic-study generator, the CLI and the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from model_core.resources import resources_dir

from . import _geometry as geo
from ._anatomy import build_region_matcher, resolve
from ._terms import TermMatcher, normalise_term, side_of
from .loading import ATLAS_FILE, FINDINGS_FILE, PRIORS_FILE, load_atlas, load_findings, load_priors
from .records import BoxXYXY, Finding, LocationPrior, Mention, PhraseSide, Region

log = logging.getLogger(__name__)

WHOLE_LUNG_IDS = {"right": "right_lung", "left": "left_lung"}
_NON_LATERAL_SITES = ("heart", "mediastinum")


class KnowledgeBase:
    """Findings, atlas regions (in location-prompt order) and NIH location priors."""

    def __init__(
        self,
        regions: Sequence[Region],
        findings: Sequence[Finding],
        priors: dict[tuple[str, str], LocationPrior],
        exclusions: Iterable[str] = (),
    ) -> None:
        self._regions = {r.id: r for r in regions}
        self._findings = {f.name: f for f in findings}
        self._priors = dict(priors)
        _check_unique([r.id for r in regions], ATLAS_FILE, "region id")
        _check_unique([f.name for f in findings], FINDINGS_FILE, "finding name")
        _check_references(findings, self._regions, priors)
        self._finding_matcher = _finding_matcher(findings, exclusions)
        self._region_matcher = build_region_matcher(regions)

    @classmethod
    def load(cls, folder: Path | None = None) -> KnowledgeBase:
        """Read atlas.json, findings.json and location_priors.json from `folder`.

        None means the bundled `resources/knowledge`. A missing or invalid file raises
        ValueError naming the file and what is wrong.
        """
        folder = resources_dir() / "knowledge" if folder is None else Path(folder)
        findings, exclusions = load_findings(folder / FINDINGS_FILE)
        regions = load_atlas(folder / ATLAS_FILE)
        priors = load_priors(folder / PRIORS_FILE)
        try:
            kb = cls(regions, findings, priors, exclusions)
        except ValueError as exc:
            raise ValueError(f"{folder}: {exc}") from None
        log.debug(
            "knowledge base: %d regions, %d findings from %s", len(regions), len(findings), folder
        )
        return kb

    # ---- contents -------------------------------------------------------------------

    @property
    def regions(self) -> tuple[Region, ...]:
        """Atlas regions in file order."""
        return tuple(self._regions.values())

    @property
    def region_ids(self) -> tuple[str, ...]:
        """Region ids in atlas order: the model keeps one location prompt per id, in this order."""
        return tuple(self._regions)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(self._findings.values())

    def region(self, region_id: str) -> Region:
        return self._regions[region_id]

    def finding(self, name: str) -> Finding:
        return self._findings[name]

    def location_prior(self, finding: str, side: str = "any") -> LocationPrior | None:
        """The NIH box statistics for (finding, side), None where there were no boxes."""
        return self._priors.get((finding, side))

    # ---- text queries ---------------------------------------------------------------

    def find_mentions(self, text: str) -> list[Mention]:
        """Every finding named in `text`, longest wording first, negated or not."""
        return [
            Mention(m.value, m.start, m.end, text[m.start : m.end])
            for m in self._finding_matcher.find(text)
            if m.value is not None
        ]

    def match_finding(self, phrase: str) -> Finding | None:
        """The finding a grounding phrase is about: its first mention."""
        mentions = self.find_mentions(phrase)
        return self._findings[mentions[0].finding] if mentions else None

    def side_of(self, phrase: str) -> PhraseSide | None:
        """Which side the phrase names: "right", "left", "bilateral" ("both", "bibasilar"...)."""
        return side_of(phrase)

    def names_location(self, phrase: str) -> bool:
        """Whether the phrase says where: a side, or a region outside the finding's own words.

        Without one the knowledge prior falls back to where the finding typically lies, which
        is where location knowledge has to carry the grounding.
        """
        return side_of(phrase) is not None or bool(self._located_regions(phrase))

    def mentioned_regions(self, phrase: str) -> list[Region]:
        """Atlas regions the phrase names, in order, side-less words given the phrase's side."""
        return self._regions_in(phrase, skip=())

    def _located_regions(self, phrase: str) -> list[Region]:
        """Named regions outside the finding's own wording ("heart" of "heart is enlarged")."""
        spans = [(m.start, m.end) for m in self.find_mentions(phrase)]
        return self._regions_in(phrase, skip=spans)

    def _regions_in(self, phrase: str, skip: Sequence[tuple[int, int]]) -> list[Region]:
        ids: dict[str, None] = {}
        for match in self._region_matcher.find(phrase):
            if not any(start <= match.start and match.end <= end for start, end in skip):
                ids.update(dict.fromkeys(resolve(match.value, phrase, match.start, match.end)))
        return [self._regions[i] for i in ids]

    def knowledge_text(self, phrase: str) -> str:
        """What the model encodes as knowledge: the finding's description and the location.

        The location is the regions the phrase names or, when it names none, the regions
        where the finding typically appears (on the phrase's side when it has one).
        """
        finding = self.match_finding(phrase)
        regions = self._located_regions(phrase) or self._typical_regions(finding, side_of(phrase))
        parts = [f"{finding.name}: {finding.description}"] if finding else []
        if regions:
            parts.append("Location: " + ", ".join(r.name for r in regions) + ".")
        return " ".join(parts)

    def prior_box(self, phrase: str) -> BoxXYXY:
        """Best prior box (x0, y0, x1, y1 in [0, 1]) for a phrase.

        Named regions give the frame; a NIH prior for the finding gives the size, placed
        where it overlaps the frame. Without named regions: the NIH prior for the side (both
        sides when a lateral finding has none), then the finding's typical regions, then the
        lungs.
        """
        finding = self.match_finding(phrase)
        named = _most_specific(self._located_regions(phrase))
        side = side_of(phrase) or _common_side(named)
        nih = self._nih_box(finding, side)
        if named:
            frame = geo.union(r.box for r in named)
            return frame if nih is None else _fit_prior(nih, frame)
        if nih is not None:
            return nih
        typical = self._typical_regions(finding, side)
        return geo.union(r.box for r in typical) if typical else self._lungs_box(side)

    # ---- helpers ---------------------------------------------------------------------

    def _typical_regions(self, finding: Finding | None, side: str | None) -> list[Region]:
        if finding is None:
            return []
        regions = [self._regions[i] for i in finding.regions]
        if side in ("right", "left"):
            on_side = [r for r in regions if r.side in (side, "mid")]
            return on_side or regions
        return regions

    def _nih_box(self, finding: Finding | None, side: str | None) -> BoxXYXY | None:
        if finding is None:
            return None
        if finding.site in _NON_LATERAL_SITES:
            side = "any"
        if side in ("bilateral", None):
            both = [self._priors.get((finding.name, s)) for s in ("right", "left")]
            if all(both):
                return geo.union(p.box_xyxy for p in both)
            side = "any"
        prior = self._priors.get((finding.name, side)) or self._priors.get((finding.name, "any"))
        return prior.box_xyxy if prior else None

    def _lungs_box(self, side: str | None) -> BoxXYXY:
        wanted = [WHOLE_LUNG_IDS[side]] if side in WHOLE_LUNG_IDS else WHOLE_LUNG_IDS.values()
        boxes = [self._regions[i].box for i in wanted if i in self._regions]
        return geo.union(boxes) if boxes else (0.0, 0.0, 1.0, 1.0)


def _check_unique(values: list[str], file: str, what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{file}: duplicate {what} {value!r}")
        seen.add(value)


def _check_references(
    findings: Sequence[Finding],
    regions: dict[str, Region],
    priors: dict[tuple[str, str], LocationPrior],
) -> None:
    for finding in findings:
        unknown = [r for r in finding.regions if r not in regions]
        if unknown:
            raise ValueError(
                f"{FINDINGS_FILE}: finding {finding.name!r} names regions not in "
                f"{ATLAS_FILE}: {', '.join(unknown)}"
            )
    names = {f.name for f in findings}
    for finding, _side in priors:
        if finding not in names:
            raise ValueError(f"{PRIORS_FILE}: prior for unknown finding {finding!r}")


def _finding_matcher(
    findings: Sequence[Finding], exclusions: Iterable[str]
) -> TermMatcher[str | None]:
    """Wording -> finding name; excluded wordings map to None so they hide shorter terms."""
    table: dict[str, str | None] = {}
    for finding in findings:
        for wording in dict.fromkeys(normalise_term(w) for w in (finding.name, *finding.synonyms)):
            if table.get(wording, finding.name) != finding.name:
                raise ValueError(
                    f"{FINDINGS_FILE}: {wording!r} is a wording of both "
                    f"{table[wording]!r} and {finding.name!r}"
                )
            table[wording] = finding.name
    for wording in exclusions:
        table.setdefault(normalise_term(wording), None)
    return TermMatcher(table)


def _most_specific(regions: list[Region]) -> list[Region]:
    """Drop regions that contain another named one ("left lower lobe of the left lung")."""
    return [
        outer
        for outer in regions
        if not any(
            inner is not outer and inner.box != outer.box and geo.contains(outer.box, inner.box)
            for inner in regions
        )
    ]


def _common_side(regions: list[Region]) -> PhraseSide | None:
    """The side the named regions share ("retrocardiac" -> left), if any."""
    sides = {r.side for r in regions} - {"mid"}
    if sides == {"right", "left"}:
        return "bilateral"
    return next(iter(sides), None)


def _fit_prior(prior: BoxXYXY, frame: BoxXYXY) -> BoxXYXY:
    """A box of the prior's size inside the named frame, centred where the two overlap."""
    anchor = geo.intersection(prior, frame) or frame
    size = (prior[2] - prior[0], prior[3] - prior[1])
    return geo.place_inside(size, anchor, frame)
