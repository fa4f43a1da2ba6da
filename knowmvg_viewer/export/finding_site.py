"""Where a report phrase puts its finding, as the coded Finding Site of a DICOM SR group.

`finding_site(phrase, category)` reads the side ("left", "RLL", "bibasilar"...: the knowledge
base's own laterality reader) and the lobe or zone words of a phrase and returns SNOMED CT
concepts: the anatomic location, its laterality (CID 244) and a topographical modifier
(CID 2). Pure: no knowledge base, no DICOM objects.

Every code is taken from pydicom's code dictionary (`pydicom.sr.codedict.codes.SCT`, which
pydicom generates from DICOM PS3.16), so none is typed in by hand; the comment by each says
which PS3.16 context group lists it. Where a part of the lung has no code there (the
lingula, the lung base), the site is the nearest coded structure that contains it (with a
coded modifier where one fits), never an invented code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydicom.sr.codedict import codes
from pydicom.sr.coding import Code

from model_core.knowledge._terms import side_of

SCT = codes.SCT
LUNG = SCT.Lung  # 39607008 "Lung" (PS3.16 CID 4 Anatomic Region)
PLEURA = SCT.Pleura  # 3120008 "Pleura" (PS3.16 CID 8134 Anatomic Structure)
DIAPHRAGM = SCT.Diaphragm  # 5798000 "Diaphragm" (PS3.16 CID 8134 Anatomic Structure)
# CID 244 "Laterality": the values of the Laterality (SCT 272741003) modifier.
SIDES: dict[str, Code] = {
    "right": SCT.Right,  # 24028007
    "left": SCT.Left,  # 7771000
    "bilateral": SCT.Bilateral,  # 51440002
}


@dataclass(frozen=True)
class LungPart:
    """A lobe or zone word: the pattern, the coded location, the side it implies (the middle
    lobe is always the right's) and, for parts without a code, a modifier of `location`."""

    pattern: str
    location: Code
    implied_side: str | None = None
    modifier: Code | None = None


# First match wins, so the specific wordings come before the general ones.
LUNG_PARTS: tuple[LungPart, ...] = (
    # CID 6170 "Lobe of Lung"
    LungPart(r"upper\s+lobes?|[rl]ul", SCT.UpperLobeOfLung),  # 45653009
    LungPart(r"middle\s+lobe|rml", SCT.MiddleLobeOfRightLung, "right"),  # 72481006
    LungPart(r"lower\s+lobes?|[rl]ll", SCT.LowerLobeOfLung),  # 90572001
    # The lingula is part of the left upper lobe; pydicom's dictionary has no code for it.
    LungPart(r"lingula|lingular", SCT.UpperLobeOfLung, "left"),
    # CID 6171 "Zone of Lung"
    LungPart(r"upper\s+zones?", SCT.UpperZoneOfLung),  # 281392002
    LungPart(r"mid(?:dle)?[\s-]*zones?", SCT.MiddleZoneOfLung),  # 281393007
    LungPart(r"lower\s+zones?", SCT.LowerZoneOfLung),  # 281394001
    # "Apex of Lung" 86598002 (CID 4) and "Hilum of lung" 46750007 (CID 8134)
    LungPart(r"apex|apices|(?:bi)?apical", SCT.ApexOfLung),
    LungPart(r"hilum|hila|hilar", SCT.HilumOfLung),
    # No "base of lung" code in the dictionary: the lung, with CID 2's "Basal" 57195005.
    LungPart(r"bases?|basal(?:ly)?|(?:bi)?basilar|bibasal", LUNG, modifier=SCT.Basal),
)
# Where a pleural finding lies within the pleura (CID 2 "Anatomic Modifier").
PLEURAL_PARTS: tuple[tuple[str, Code], ...] = (
    (r"apex|apices|(?:bi)?apical", SCT.Apical),  # 43674008
    (r"bases?|basal(?:ly)?|(?:bi)?basilar|bibasal", SCT.Basal),  # 57195005
)
# Knowledge-base categories whose findings lie in the lung fields. A phrase the knowledge
# base does not know (category None) is read as pleural when it says so, else as the lung's:
# on a chest film a sided finding is most often in a lung.
LUNG_CATEGORIES = {"airspace", "interstitium", "lesion", "airway"}
PLEURAL_CATEGORIES = {"pleura"}
DIAPHRAGM_CATEGORIES = {"diaphragm"}
PLEURAL_WORDS = r"pleura|pleural|pneumothora(?:x|ces)"
# Both lungs' parts, where no side word says so ("at the bases", "upper lobes").
PLURAL_PARTS = r"bases|apices|hila|(?:lobe|zone)s"


@dataclass(frozen=True)
class FindingSite:
    """Finding Site (SCT 363698007) and its HAS CONCEPT MOD children."""

    location: Code
    laterality: Code | None = None
    modifier: Code | None = None


def finding_site(phrase: str, category: str | None) -> FindingSite | None:
    """The site the phrase names, for a finding of the knowledge base's `category`; None when
    it names neither a side nor a part of the lung, or the category has no site here (the
    heart, a device, a bone: a side alone does not say which structure)."""
    side = side_of(phrase) or ("bilateral" if _says(PLURAL_PARTS, phrase) else None)
    if category is None:
        category = "pleura" if _says(PLEURAL_WORDS, phrase) else "airspace"
    if category in PLEURAL_CATEGORIES:
        modifier = next((code for pattern, code in PLEURAL_PARTS if _says(pattern, phrase)), None)
        return FindingSite(PLEURA, _side_code(side), modifier) if side or modifier else None
    if category in DIAPHRAGM_CATEGORIES:
        return FindingSite(DIAPHRAGM, _side_code(side)) if side else None
    if category not in LUNG_CATEGORIES:
        return None
    part = next((p for p in LUNG_PARTS if _says(p.pattern, phrase)), None)
    if part is None:
        return FindingSite(LUNG, _side_code(side)) if side else None
    return FindingSite(part.location, _side_code(side or part.implied_side), part.modifier)


def _says(pattern: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w)(?:{pattern})(?!\w)", phrase, re.IGNORECASE) is not None


def _side_code(side: str | None) -> Code | None:
    return SIDES[side] if side else None
