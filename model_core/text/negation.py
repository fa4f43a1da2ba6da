"""Negation and uncertainty scope of finding mentions in chest radiograph reports.

Our own rules, written after the constructions that the CheXpert labeler's pattern files
(stanfordmlgroup/chexpert-labeler, MIT), NegEx and NegBio list; none of their files is copied.
Pure Python on stdlib ``re``, so the engine, the report grammar and the viewer can all use it.

How a mention is judged:

1. The report is cut into sentences. "Dr.", "vs.", "e.g." and decimals such as "1.5 cm" do not
   end one; a blank line or a new "HEADER:" line does. No cue ever reaches across a sentence.
2. Cues are found once per report. Overlapping cues resolve leftmost-longest, which is how
   pseudo-negations win: "no change" swallows "no", "cannot be excluded" swallows "not".
3. A cue before the mention (pre) or after it (post) counts only if no scope terminator lies
   between them ("but", "however", "which", "except", ";", "is seen", ", stable ...") and it is
   within its word window. A single comma between a mention and a post cue is a comma splice
   ("effusion unchanged, pneumothorax has resolved") and also ends the scope; so does a comma
   right after a pre cue ("effusion resolved, consolidation persists").
4. The nearest pre cue and the nearest post cue are weighed; a hedged negation beats a negation,
   which beats an uncertainty (CheXpert's own order: pre-negation uncertainty, negation,
   uncertainty). If the nearest cue is a pseudo-negation, the mention is present. Alternatives
   ("or", "versus") only hedge a mention that no other cue decided.

Decisions on ambiguous cues, pinned by tests/test_negation.py:

- "no definite X" is NEGATED, as in CheXpert's negation patterns ("No definite XXX").
- "no new X" is NEGATED: a reader takes "no new nodule" as no nodule to point at, and the
  grounding engine has nothing to box (CheXpert files it under pre-negation uncertainty).
- "rule out X", "r/o X", "evaluate for X", "to exclude X" are UNCERTAIN (a clinical question);
  "X has been ruled out" and "ruled out X" are NEGATED; "X cannot be ruled out" is UNCERTAIN.
- "A rather than B": B is NEGATED (CheXpert: the reader weighed B and set it aside); A keeps
  whatever its own cues say ("likely atelectasis rather than pneumonia": atelectasis UNCERTAIN).
- "unlikely" is UNCERTAIN: a probability, not a denial (NegEx counts it as a negation).
- "not well seen / visualized / evaluated" and "not clearly seen" are UNCERTAIN (CheXpert);
  "not appreciated" is NEGATED, like "not seen".
- "X or Y", "X and/or Y", "X versus Y" hedge both sides, but "no X or Y" stays NEGATED.
- "partially / nearly resolved" is POSITIVE; "no increase / change / worsening in X" is POSITIVE.
- Normal statements: "heart size at the upper limits of normal" and "top normal" negate
  cardiomegaly (CheXpert), "top normal to mildly enlarged" is no normal statement. A statement
  qualified by "otherwise" ("the lungs are otherwise clear") is not reported: it is relative to
  a finding named elsewhere. "Mediastinal contours are normal" is not reported as a negated
  mass: a normal contour says nothing reliable about a lung mass.

Cues inside the mention span itself are not read: callers pass the finding words only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Enum, StrEnum


class Assertion(StrEnum):
    """What a report says about a finding it mentions."""

    POSITIVE = "positive"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class ScopedMention:
    """A finding mention with its assertion.

    ``start``/``end`` index the mention (for a normal statement: the statement). ``cue`` is the
    deciding cue as written, lowercased, whitespace collapsed. ``phrase_start``/``phrase_end``
    span cue and mention together for a NEGATED mention ("No pleural effusion"), else the mention.
    """

    start: int
    end: int
    finding: str
    assertion: Assertion
    cue: str | None
    phrase_start: int
    phrase_end: int


class _Kind(Enum):
    """What a cue does to a mention in its scope."""

    PSEUDO = "pseudo"  # reads like a negation, denies nothing: "no change in"
    HEDGED = "hedged"  # a negation word that leaves the finding open: "cannot exclude"
    NEGATION = "negation"
    UNCERTAINTY = "uncertainty"
    ALTERNATIVE = "alternative"  # weak hedge by coordination: "or", "versus"


class _Direction(Enum):
    PRE = "pre"  # the cue precedes the mention: "no effusion"
    POST = "post"  # the cue follows the mention: "effusion has resolved"
    BOTH = "both"


@dataclass(frozen=True)
class _Rule:
    kind: _Kind
    direction: _Direction
    window: int  # the most words allowed between cue and mention
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    rule: _Rule


def _regex(phrase: str, bounded: bool = True) -> re.Pattern[str]:
    """Compile a cue phrase: a space matches any whitespace, so wrapped report lines match."""
    body = phrase.replace(" ", r"\s+")
    if bounded:
        body = rf"(?<![\w/])(?:{body})(?![\w/])"
    return re.compile(body, re.IGNORECASE)


def _rules(kind: _Kind, direction: _Direction, window: int, *phrases: str) -> tuple[_Rule, ...]:
    return tuple(_Rule(kind, direction, window, _regex(p)) for p in phrases)


_PRE, _POST, _BOTH = _Direction.PRE, _Direction.POST, _Direction.BOTH
_BE = r"(?:is|are|was|were)"
_SEEN = (
    r"(?:seen|present|visualized|visible|identified|evident|apparent|demonstrated|appreciated"
    r"|noted|detected|observed|enlarged)"
)

_RULES: tuple[_Rule, ...] = (
    # Pseudo-negations: a negation word that asserts the finding is still there.
    *_rules(
        _Kind.PSEUDO,
        _BOTH,
        10,
        r"no (?:(?:further|significant|substantial|appreciable|definite|interval|major|marked"
        r"|notable|relevant|overall|real) )*(?:change|increase|decrease|worsening|progression"
        r"|improvement|growth)s?",
        r"(?:(?:has|have) )?not (?:(?:significantly|substantially|appreciably|markedly) )?changed",
        r"without (?:(?:significant|interval|appreciable|substantial) )*change",
        r"(?:partially|partly|nearly|almost|largely|mostly|incompletely"
        r"|not (?:completely|fully|entirely)) (?:resolved|cleared)",
        r"(?:partial|incomplete|near(?:ly)?(?:-| )complete|near) resolution",
        r"not only",
        r"without difficulty",
    ),
    # Hedged negations: double negatives and partial denials that leave the finding possible.
    *_rules(
        _Kind.HEDGED,
        _PRE,
        10,
        r"(?:cannot|can not|could not|can't|unable to) (?:(?:entirely|completely|definitely) )?"
        r"(?:exclude|rule out)",
    ),
    *_rules(
        _Kind.HEDGED,
        _POST,
        6,
        r"(?:cannot|can not|could not|can't) be (?:(?:entirely|completely|definitely|fully) )?"
        r"(?:excluded|ruled out)",
        rf"(?:{_BE} |(?:has|have) )?not (?:been )?(?:(?:entirely|completely) )?"
        r"(?:excluded|ruled out)",
        rf"(?:{_BE} )?not (?:well|clearly) (?:seen|visualized|evaluated|assessed|demonstrated)",
        rf"(?:{_BE} )?(?:poorly|incompletely) (?:seen|visualized|evaluated|assessed)",
    ),
    # Negations before the mention; lists after "no" stay in scope up to the window.
    *_rules(
        _Kind.NEGATION,
        _PRE,
        10,
        r"no",
        r"not",
        r"without",
        r"neither",
        r"nor",
        r"there (?:is|are|was|were) no",
        r"no (?:(?:definite|convincing|other|further|radiographic|residual) )?"
        r"(?:evidence|signs?|findings?|suggestion) (?:of|for|to suggest)",
        r"no (?:definite|definitive|convincing|obvious|significant|residual|other|further"
        r"|additional|recurrent)",
        r"no longer",
        r"without (?:(?:definite|any|radiographic) )?(?:evidence|signs?|findings?) (?:of|for)",
        r"negative for",
        r"free of",
        r"clear of",
        r"absence of",
        r"lack of",
        r"(?:interval |complete )?resolution of",
        r"(?:interval )?(?:disappearance|removal) of",
        r"no new",
        r"fails? to (?:reveal|demonstrate|show)",
    ),
    *_rules(_Kind.NEGATION, _PRE, 5, r"rather than"),
    *_rules(_Kind.NEGATION, _BOTH, 3, r"resolved"),  # "resolved pneumothorax", "effusion resolved"
    *_rules(_Kind.NEGATION, _BOTH, 6, r"ruled out"),
    # Negations after the mention.
    *_rules(
        _Kind.NEGATION,
        _POST,
        6,
        rf"(?:(?:{_BE}|has been|have been) )?no longer {_SEEN}",
        rf"(?:{_BE} not|(?:has|have) not been|not) "
        rf"(?:(?:definitely|convincingly|currently|now|otherwise) )?{_SEEN}",
        rf"(?:(?:has|have|had) (?:(?:now|since|completely|fully|entirely) )?"
        rf"|{_BE} (?:(?:now|completely|fully) )?)(?:resolved|cleared|disappeared)",
        rf"(?:{_BE} (?:now )?)?absent",
        r"(?:is|are|was|were|has been|have been) excluded",
        r"(?:(?:has|have) (?:since )?been |(?:is|are|was|were) )?(?:removed|withdrawn|extubated)",
        r"(?:is|are|appears?|remains?) (?:(?:now|again|still|otherwise) )?"
        r"(?:normal(?: in size)?|unremarkable)(?! to\b)",
        r"within normal limits",
    ),
    # Uncertainty before the mention.
    *_rules(
        _Kind.UNCERTAINTY,
        _PRE,
        8,
        r"possible",
        r"possibly",
        r"probable",
        r"probably",
        r"presumed",
        r"presumably",
        r"(?:most )?likely",
        r"unlikely to (?:represent|be)",
        r"suspected",
        r"suspect",
        r"suspicious (?:for|of)",
        r"suspicion (?:for|of)",
        r"questionable",
        r"question of",
        r"concern for",
        r"concerning for",
        r"worrisome for",
        r"suggestive of",
        r"suggesting",
        r"suggests",
        r"suggestion of",
        r"(?:raising |raises |raise )?(?:the )?possibility of",
        r"(?:may|might|could|can) (?:also )?(?:represent|reflect|indicate|include|be)",
        r"may",
        r"might",
        r"could",
        r"differential (?:diagnosis )?(?:includes?|would include|considerations include)",
        r"borderline",
        r"equivocal",
        r"with or without",
        r"(?:to )?rule out",
        r"r/o",
        r"(?:evaluate|eval|assess|evaluation|assessment) for",
        r"to exclude",
        r"(?:not certain|uncertain|unclear) (?:if|whether)",
        r"not necessarily",
    ),
    # Uncertainty after the mention: adjectives only at the end of the clause, so that "the
    # opacity is likely atelectasis" hedges atelectasis (pre "likely"), not the opacity.
    *_rules(
        _Kind.UNCERTAINTY,
        _POST,
        4,
        rf"{_BE} (?:(?:also|still|most|more|less) )?(?:possible|probable|suspected|likely"
        r"|unlikely|questionable|questioned|favored|considered)(?=\s*(?:[.,;:)]|$))",
        r"(?:may|might|could) (?:also )?be (?:present|seen)",
        rf"{_BE} (?:at the )?borderline",
    ),
    # Comparative hedges read both ways: "pneumonia less likely", "less likely pneumonia".
    *_rules(_Kind.UNCERTAINTY, _BOTH, 6, r"(?:less|more) likely", r"unlikely"),
    # A question mark: "? pneumonia" in an indication, or "pneumonia?".
    _Rule(_Kind.UNCERTAINTY, _PRE, 3, _regex(r"(?<![\w?])\?(?=\s*[A-Za-z])", bounded=False)),
    _Rule(_Kind.UNCERTAINTY, _POST, 0, _regex(r"(?<=[A-Za-z])\?", bounded=False)),
    # Alternatives: hedge only when nothing stronger decides ("no effusion or pneumothorax").
    *_rules(_Kind.ALTERNATIVE, _BOTH, 3, r"or", r"and/or"),
    *_rules(_Kind.ALTERNATIVE, _BOTH, 5, r"versus", r"vs\.?"),
)

# Where a cue's scope ends inside a sentence (NegEx's conjunctions, plus clause predicates).
_TERMINATOR = re.compile(
    r"""
      ;
    | (?<!\d):(?!\d)
    | \b(?:but|however|although|though|whereas|while|nevertheless|which|where|who)\b
    | \b(?:aside|apart)\s+from\b
    | \bexcept(?:\s+for)?\b
    | \bwith\s+the\s+exception\s+of\b
    | \bother\s+than\b
    | \bbesides\b
    | \bthere\s+(?:is|are|was|were|has\s+been|have\s+been)\b
    # a finished predicate closes the clause: "no pneumothorax is seen and ..."
    | \b(?:is|are|was|were|remains?|appears?|has\s+been|have\s+been)\s+
        (?:(?:again|now|still)\s+)?
        (?:seen|noted|identified|present|demonstrated|visualized|evident|appreciated|detected
          |unchanged|stable|improved|increased|decreased|worse|worsened|larger|smaller|similar
          |redemonstrated)\b
    | \bpersists?\b
    # a new affirmative clause: "no pneumothorax and stable right effusion"
    | (?:,|\b(?:and|with)\b)\s*(?=(?:the|there|this|these|it|its|stable|unchanged|persistent
          |new|increased|increasing|worsening|enlarging|redemonstrated)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)

_RANK = {_Kind.HEDGED: 0, _Kind.NEGATION: 1, _Kind.UNCERTAINTY: 2}
_ASSERTION = {
    _Kind.HEDGED: Assertion.UNCERTAIN,
    _Kind.NEGATION: Assertion.NEGATED,
    _Kind.UNCERTAINTY: Assertion.UNCERTAIN,
}
_WORD = re.compile(r"[A-Za-z0-9]+")
_COORDINATOR = re.compile(r"\b(?:and|or|nor)\b", re.IGNORECASE)

# Sentence ends: terminal punctuation before whitespace, a blank line, or a new header line.
_BOUNDARY = re.compile(r"[.!?]+(?=\s|$)|\n[ \t]*\n|\n(?=[ \t]*[A-Z][A-Za-z /()-]{0,40}:)")
_TOKEN_BEFORE = re.compile(r"[A-Za-z][A-Za-z.]*\Z")
_ABBREVIATIONS = frozenset(
    {"dr", "drs", "mr", "mrs", "ms", "prof", "vs", "approx", "e.g", "i.e", "cf", "fig", "incl"}
)


@dataclass(frozen=True)
class _Reading:
    """One report, parsed once: sentences, cues and scope terminators as character spans."""

    text: str
    sentences: tuple[tuple[int, int], ...]
    cues: tuple[_Cue, ...]
    terminators: tuple[tuple[int, int], ...]
    cue_starts: tuple[int, ...]  # cues[i].start, for bisecting a sentence's cues


def _is_false_boundary(text: str, match: re.Match[str]) -> bool:
    """A '?' that opens a question ("? pneumonia") or a period after an abbreviation."""
    mark = match.group()
    if mark == "?":
        return match.start() == 0 or text[match.start() - 1].isspace()
    if mark != ".":
        return False
    token = _TOKEN_BEFORE.search(text[max(0, match.start() - 12) : match.start()])
    word = token.group().lower() if token else ""
    return word in _ABBREVIATIONS or len(word) == 1


def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Contiguous sentence spans covering the text, each with its closing punctuation."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if not _is_false_boundary(text, match):
            spans.append((start, match.end()))
            start = match.end()
    spans.append((start, len(text)))
    return tuple(spans)


def _sentence_at(sentences: tuple[tuple[int, int], ...], pos: int) -> tuple[int, int]:
    index = bisect.bisect_right(sentences, pos, key=lambda span: span[0])
    return sentences[max(index - 1, 0)]


def _find_cues(text: str) -> tuple[_Cue, ...]:
    """All cues, overlaps resolved leftmost-longest so that longer constructions win."""
    found = [_Cue(m.start(), m.end(), rule) for rule in _RULES for m in rule.pattern.finditer(text)]
    found.sort(key=lambda cue: (cue.start, cue.start - cue.end))
    kept: list[_Cue] = []
    for cue in found:
        if not kept or cue.start >= kept[-1].end:
            kept.append(cue)
    return tuple(kept)


def _read(text: str) -> _Reading:
    terminators = tuple(m.span() for m in _TERMINATOR.finditer(text))
    cues = _find_cues(text)
    return _Reading(text, _sentences(text), cues, terminators, tuple(c.start for c in cues))


def _in_scope(reading: _Reading, a: int, b: int, window: int) -> bool:
    """Whether text[a:b], the stretch between a cue and a mention, keeps them in one scope."""
    first = bisect.bisect_left(reading.terminators, (a, -1))
    for start, end in reading.terminators[first:]:
        if start > b:
            break
        if end <= b:
            return False
    return len(_WORD.findall(reading.text, a, b)) <= window


def _is_comma_splice(stretch: str) -> bool:
    """One comma and no coordinator: a new clause ("effusion unchanged, pneumothorax ...")."""
    return stretch.count(",") % 2 == 1 and not _COORDINATOR.search(stretch)


def _cues_around(reading: _Reading, start: int, end: int) -> tuple[list[_Cue], list[_Cue]]:
    """Cues in scope of text[start:end]: those before it (pre) and those after it (post)."""
    low, high = _sentence_at(reading.sentences, start)
    first = bisect.bisect_left(reading.cue_starts, low)
    nearby = reading.cues[first : bisect.bisect_right(reading.cue_starts, high)]
    before = [
        cue
        for cue in nearby
        if cue.rule.direction is not _POST
        and low <= cue.start
        and cue.end <= start
        and _in_scope(reading, cue.end, start, cue.rule.window)
        and not reading.text[cue.end : start].lstrip().startswith(",")
    ]
    after = [
        cue
        for cue in nearby
        if cue.rule.direction is not _PRE
        and end <= cue.start
        and cue.end <= high
        and _in_scope(reading, end, cue.start, cue.rule.window)
        and not _is_comma_splice(reading.text[end : cue.start])
    ]
    return before, after


def _decide(reading: _Reading, start: int, end: int) -> tuple[Assertion, _Cue | None]:
    """The assertion of text[start:end] and the cue that decided it (None: no cue applies)."""
    before, after = _cues_around(reading, start, end)
    firm_before = [cue for cue in before if cue.rule.kind is not _Kind.ALTERNATIVE]
    firm_after = [cue for cue in after if cue.rule.kind is not _Kind.ALTERNATIVE]
    nearest = []
    if firm_before:
        nearest.append(max(firm_before, key=lambda cue: cue.end))
    if firm_after:
        nearest.append(min(firm_after, key=lambda cue: cue.start))
    deciding = [cue for cue in nearest if cue.rule.kind in _RANK]
    if deciding:
        cue = min(deciding, key=lambda c: _RANK[c.rule.kind])
        return _ASSERTION[cue.rule.kind], cue
    if nearest:  # only pseudo-negations: the finding is asserted
        return Assertion.POSITIVE, None
    alternatives = [cue for cue in before + after if cue.rule.kind is _Kind.ALTERNATIVE]
    if alternatives:
        cue = min(alternatives, key=lambda c: start - c.end if c.end <= start else c.start - end)
        return Assertion.UNCERTAIN, cue
    return Assertion.POSITIVE, None


def _cue_text(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].lower().split())


def _check_span(text: str, start: int, end: int) -> None:
    if not 0 <= start < end <= len(text):
        raise ValueError(f"mention span [{start}, {end}) is not inside text of length {len(text)}")


def _scope(reading: _Reading, start: int, end: int, finding: str) -> ScopedMention:
    _check_span(reading.text, start, end)
    assertion, cue = _decide(reading, start, end)
    cue_text = None if cue is None else _cue_text(reading.text, cue.start, cue.end)
    phrase = (start, end)
    if assertion is Assertion.NEGATED and cue is not None:
        phrase = (min(start, cue.start), max(end, cue.end))
    return ScopedMention(start, end, finding, assertion, cue_text, *phrase)


def assertion_of(text: str, start: int, end: int) -> tuple[Assertion, str | None]:
    """Assertion of the mention text[start:end] within its sentence, and the cue that decided it."""
    mention = _scope(_read(text), start, end, "")
    return mention.assertion, mention.cue


def scope_mentions(text: str, mentions: list[tuple[int, int, str]]) -> list[ScopedMention]:
    """Scope each (start, end, finding) mention found elsewhere; the text is parsed once.

    phrase_start/phrase_end: for a NEGATED mention, the span from the negation cue to the end of
    the mention ('No pleural effusion'; 'pleural effusion has resolved' for a post cue),
    otherwise the mention span itself. Output order follows the input order.
    """
    reading = _read(text)
    return [_scope(reading, start, end, finding) for start, end, finding in mentions]


# Normal statements: normality of an organ stated without naming the finding it rules out.


@dataclass(frozen=True)
class _NormalRule:
    findings: tuple[str, ...]
    pattern: re.Pattern[str]  # its group "cue" is the normality predicate


def _normal(findings: tuple[str, ...], *phrases: str) -> tuple[_NormalRule, ...]:
    return tuple(_NormalRule(findings, _regex(p)) for p in phrases)


_CARDIAC_SUBJECT = (
    r"(?:heart(?: size)?|cardiac (?:size|silhouette|contours?)"
    r"|size of the (?:heart|cardiac silhouette)|cardiomediastinal (?:silhouette|contours?|size)"
    r"|cardiac and mediastinal (?:silhouettes|contours))"
)
# "heart size and mediastinal contours are normal": other structures coordinated with the heart
_COORDINATED = (
    r"(?:(?:,|,? and) (?:the )?(?:(?:mediastinal|hilar|cardiomediastinal|pulmonary) )?"
    r"(?:contours?|silhouettes?|mediastinum|hila|vasculature|vascularity))*"
)
_LINK = r"(?:(?:is|are|appears?|remains?|seems?|looks?) )?(?:(?:again|still|now|stably) )?"
_CARDIAC_NORMAL = (
    r"(?P<cue>normal(?: in size| size)?|within normal limits|unremarkable|not enlarged"
    r"|top(?:-| )normal(?: in size)?|upper(?:-| )normal|(?:at )?(?:the )?upper limits? of normal)"
    r"(?! to\b)(?!-)"
)
_LUNGS = r"(?:(?:the|both) )?(?:lungs|lung fields|lung parenchyma)"
_LUNG_STATE = (
    r"(?:(?:well|adequately|normally|fully) (?:expanded|aerated|inflated)|hyperinflated"
    r"|hyperexpanded|low in volume|low volume) (?:and|but) "
)
_CP_ANGLES = r"(?:costophrenic|cp) (?:angles?|sulci|sulcus|recess(?:es)?)"

_NORMAL_RULES: tuple[_NormalRule, ...] = (
    *_normal(
        ("cardiomegaly",),
        rf"(?:the )?{_CARDIAC_SUBJECT}{_COORDINATED} {_LINK}{_CARDIAC_NORMAL}",
        r"(?P<cue>normal|unremarkable|top(?:-| )normal|normal(?:-| )sized?) "
        r"(?:heart(?: size)?|cardiac (?:size|silhouette|contours?)"
        r"|cardiomediastinal (?:silhouette|contours?))",
        r"(?P<cue>normal) size of the (?:heart|cardiac silhouette)",
    ),
    *_normal(
        ("consolidation", "opacity"),
        rf"{_LUNGS} (?:(?:are|is|appear|remain) )?(?:(?:again|still|now) )?(?:{_LUNG_STATE})?"
        r"(?P<cue>clear|unremarkable)(?: bilaterally)?(?! of\b)",
        r"(?P<cue>clear) lungs(?: bilaterally)?",
        r"(?P<cue>no(?: evidence of)?) (?:(?:focal|acute|definite|confluent) )*"
        r"airspace (?:disease|process|abnormality)",
    ),
    *_normal(
        ("effusion",),
        rf"(?:(?:the|both|bilateral) )?(?:(?:right|left) )?{_CP_ANGLES} "
        r"(?:(?:are|is|appear|remain|remains) )?"
        r"(?P<cue>sharp(?:ly defined)?|clear|preserved|well defined)",
        rf"(?P<cue>sharp) {_CP_ANGLES}",
        rf"(?P<cue>no) blunting of (?:the )?(?:(?:right|left|bilateral) )?{_CP_ANGLES}",
    ),
    *_normal(
        ("effusion", "pneumothorax"),
        r"(?:the )?pleural (?:spaces|surfaces) (?:(?:are|appear|remain) )?"
        r"(?P<cue>clear|normal|unremarkable)",
        r"(?P<cue>no) pleural abnormalit(?:y|ies)",
    ),
    *_normal(
        ("edema",),
        r"(?:the )?pulmonary (?:vascularity|vasculature) (?:(?:is|are|appears?|remains?) )?"
        r"(?P<cue>normal|within normal limits|unremarkable|not engorged)",
        r"(?P<cue>normal) pulmonary (?:vascularity|vasculature)",
        r"(?P<cue>no) (?:pulmonary )?vascular congestion",
    ),
)
_OTHERWISE = re.compile(r"\botherwise\b", re.IGNORECASE)


def normal_statements(text: str) -> list[ScopedMention]:
    """Sentences that state normality for a finding without naming it, as NEGATED mentions.

    'Heart size is normal' -> cardiomegaly; 'the lungs are clear' -> consolidation and opacity;
    'costophrenic angles are sharp' -> effusion; 'normal pulmonary vascularity' -> edema. The
    span (start/end and phrase) is the statement; cue is its normality predicate. Sorted by
    position, then finding.
    """
    sentences = _sentences(text)
    found: set[ScopedMention] = set()
    for rule in _NORMAL_RULES:
        for match in rule.pattern.finditer(text):
            low, high = _sentence_at(sentences, match.start())
            if match.end() > high or _OTHERWISE.search(text, low, match.end()):
                continue
            cue = _cue_text(text, *match.span("cue"))
            start, end = match.span()
            found.update(
                ScopedMention(start, end, finding, Assertion.NEGATED, cue, start, end)
                for finding in rule.findings
            )
    return sorted(found, key=lambda m: (m.start, m.end, m.finding))
