"""Knowledge-guided phrase extraction: the report's findings as whole, verbatim spans.

A phrase is built around a finding the knowledge base names ("pneumothorax", "ETT",
"calcified thoracic aorta") and grows over the words that belong to it:

- to the left over its modifiers: size, number, character, course, laterality and anatomy
  ("Small residual left apical |pneumothorax|", "4 cm lobulated, spiculated |mass|"),
  coordinated modifiers included ("Tortuous and calcified thoracic aorta");
- to the right over its location and measurement ("|mass| in the right lower zone",
  "|opacity| behind the heart", "|pneumothorax| measuring 1.5 cm", "... bilaterally").

It never takes an article, a verb, a hedge or a negation cue, and never reaches into another
finding, so no phrase is ever a fragment without a finding. Assertion (positive, negated,
uncertain) comes from the scope rules of `negation`. Only the sections that describe the film
are read (see `sections`); an IMPRESSION restatement of a FINDINGS phrase is linked to it
(same finding, compatible side) instead of becoming a second finding.

Pure Python on `re` and the knowledge base; about 1 ms per 300-word report.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field

from model_core.knowledge import KnowledgeBase
from model_core.knowledge._terms import side_of

from .fields import Field, field_of, template_fields, valued_by
from .negation import Assertion, scope_mentions
from .sections import Section, split_sections

# Words that modify a finding from the left. Anatomy words come from the atlas as well.
_MODIFIERS = frozenset(
    """
    small smaller tiny minute large larger huge massive big sizeable sizable moderate mild
    mildly minimal minimally trace severe severely marked markedly moderately slight slightly
    extensive extensively substantial significant prominent subtle faint vague dense
    patchy hazy streaky linear nodular reticular reticulonodular rounded round oval ovoid
    lobulated spiculated irregular smooth circumscribed well ill defined marginated
    focal multifocal diffuse diffusely scattered confluent coalescent widespread
    multiple several numerous few innumerable single solitary two three four five six
    bilateral bilaterally unilateral wedge shaped cavitary cavitating calcified noncalcified
    non partially partly densely loculated layering free flowing subpulmonic plate like
    platelike discoid bandlike band subsegmental segmental lobar airspace air space alveolar
    interstitial pleural pulmonary parenchymal peripheral central centrally peribronchial
    perihilar tension residual new newly persistent persisting recurrent recurring
    increasing increased enlarging enlarged worsening worsened developing evolving improving
    improved decreasing decreased diminishing stable unchanged chronic acute
    subacute old healed healing remote prior known early
    underlying background superimposed additional other another second third
    apical apically basal basilar basally lateral medial anterior posterior superior
    inferior upper lower mid middle right left rt lt bibasilar bibasal biapical
    internal external jugular ij subclavian femoral tunneled tunnelled dual triple double
    single lumen chamber power weighted enteric feeding pigtail bore arm extremity
    transvenous biventricular sided cardiac thoracic aortic atherosclerotic vascular
    degenerative mediastinal hilar thoracolumbar cervical lumbar rib ribs
    minor major mainstem main skin fold horizontal fissural small-to-moderate
    x by cm mm lobe lobes zone zones lung lungs field fields segment segmental region
    lg sm l r b tortuous ectatic unfolded elongated atherosclerotic elevated based chest wall
    rounded bulky expansile displaced nondisplaced non-displaced comminuted angulated
    undisplaced predominant predominantly multilevel lead leads
    """.split()
)
# Words a location phrase on the right may hold after its preposition.
_LOCATION_WORDS = frozenset(
    """
    the both a right left rt lt bilateral upper lower mid middle lobe lobes zone zones lung
    lungs base bases apex apices apical hilum hila hilar heart hemithorax hemithoraces field
    fields lateral medial posterior anterior superior inferior segment segments region
    regions side sides chest costophrenic cardiophrenic angle angles sulcus lingula lingular
    retrocardiac perihilar infrahilar suprahilar basal basilar aspect aspects portion
    periphery peripheral central margin margins border borders surface wall pleural
    hemidiaphragm hemidiaphragms diaphragm and of mediastinum paratracheal aortic knob
    arch trachea carina clavicle clavicles axilla axillary rib ribs space spaces third
    fourth fifth sixth seventh eighth ninth tenth upper-zone mid-zone lower-zone r l b
    anterolaterally posterolaterally laterally medially posteriorly anteriorly inferiorly
    superiorly apically basally peripherally centrally arc arcs spine neck pectoral knuckle
    """.split()
)
_LOCATION_PREPOSITIONS = (
    "in",
    "at",
    "within",
    "of",
    "involving",
    "along",
    "behind",
    "over",
    "on",
    "overlying",
    "projecting over",
    "adjacent to",
    "near",
    "abutting",
    "throughout",
)
_COORDINATED = re.compile(
    r"(?i)(?P<first>[a-z-]+)\s*(?:,\s*and|,|and|or)\s+[a-z-]+\s+(?P<head>[a-z -]+)$"
)
# Cues that turn what follows into an interpretation of what came before.
_INTERPRETATION = re.compile(
    r"(?i)\b(?:may|might|could|can|likely|probably|possibly|presumably|consistent|compatible"
    r"|keeping|suspicious|concerning|worrisome|suggestive|suggesting|suggests|represent(?:s|ing)?"
    r"|reflect(?:s|ing)?|favou?r(?:s|ing|ed)?|due|secondary|related|versus|vs|or|exclude[ds]?"
    r")\b|\?"
)
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)|\n")
_DETERMINERS = frozenset({"the", "both", "a", "an"})
_UNITS = frozenset({"cm", "mm"})
_WORD = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\d+(?:st|nd|rd|th)")
# Clinical adjectives by their ending ("bacterial", "parapneumonic", "dextroconvex"), and the
# words with such endings that are not modifiers of a finding.
_ADJECTIVE = re.compile(r"[a-z]{4,}(?:ic|al|ous|ar|ary|ive|oid|convex|concave|ing)")
_NOT_MODIFIERS = frozenset(
    """
    clinical technical usual general normal several interval overall potential additional
    comparison evaluation during showing including involving measuring following using
    concerning suggesting representing demonstrating being having nothing something
    """.split()
)
# Participles that say how far a finding extends, and words that start another clause.
_EXTENT_PARTICIPLES = frozenset(
    "tracking extending occupying involving spanning abutting layering projecting".split()
)
_CLAUSE_WORDS = frozenset("and or with which that but is are was were has have may".split())
# Words that compare with a prior film; after a comma in a field's value, a predicate.
_COMPARED = frozenset(
    "unchanged stable increased increasing decreased decreasing improved improving worsened "
    "worsening persistent".split()
)
# Nouns that continue a finding's head ("fracture deformity of the left clavicle").
_HEAD_EXTENSIONS = frozenset({"deformity", "deformities"})


@dataclass(frozen=True)
class ReportPhrase:
    """A finding phrase of a report: `report[start:end]`, verbatim.

    A negated phrase holds its cue too ("No pneumothorax", "effusion has resolved").
    `located_by` is the span of the observation an interpretation names the cause of
    ("Right basilar opacity, likely |atelectasis|"): the interpretation has no place of
    its own, so it shares that observation's box.
    `mention` is the knowledge-base wording inside it; `linked` are restatements of the same
    finding (an IMPRESSION line), highlighted with it and sharing its box.
    """

    start: int
    end: int
    text: str
    finding: str
    assertion: Assertion
    cue: str | None
    mention: tuple[int, int]
    section: str
    linked: tuple[tuple[int, int], ...] = field(default=())
    located_by: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def side(self) -> str | None:
        return side_of(self.text)

    @property
    def grounded(self) -> bool:
        """Positive and uncertain findings get a box; negated ones do not."""
        return self.assertion is not Assertion.NEGATED


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    lower: str


@dataclass(frozen=True)
class _FieldReading:
    """How a template field reads a mention (see `fields`): its assertion, the phrase's
    bounds (`left`: where the label starts; `right`: the label's colon, or the end of the
    value that joins the phrase) and the value that decided it."""

    assertion: Assertion
    left: int
    right: int
    cue: str


class PhraseExtractor:
    """Finds a report's finding phrases with one knowledge base (thread-safe, stateless)."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge

    def extract(self, report: str) -> list[ReportPhrase]:
        """Every finding phrase of the film-describing sections, in report order."""
        sections = [s for s in split_sections(report) if s.describes_film]
        words = [_Word(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(report)]
        mentions = self._mentions(report, sections, words)
        if not mentions:
            return []
        scoped = scope_mentions(report, [(s, e, f) for s, e, f, _, _, _ in mentions])
        occupied = [(s, e) for s, e, _, _, _, _ in mentions]
        phrases: list[ReportPhrase] = []
        for index, ((start, end, finding, section, reading, subject), scope) in enumerate(
            zip(mentions, scoped, strict=True)
        ):
            # between the previous phrase (which holds the previous mention) and the next mention
            low = max(phrases[-1].end if phrases else 0, section.body_start)
            high = occupied[index + 1][0] if index + 1 < len(occupied) else section.end
            high = min(high, section.end)
            assertion, cue = scope.assertion, scope.cue
            if reading is not None:  # a template field: "Pneumothorax: None."
                low, assertion, cue = max(low, reading.left), reading.assertion, reading.cue
            left = self._grow_left(report, words, start, low)
            if reading is None:
                left = self._copular_subject(report, words, left, end, low)
            followed = index + 1 < len(occupied) and occupied[index + 1][0] <= section.end
            if reading is not None:  # up to the next finding of the label ("Nodules/masses")
                right = max(end, min(reading.right, high))
                while right > end and not report[right - 1].isalnum():
                    right -= 1
            else:
                right = self._grow_right(report, words, end, high, followed)
            if reading is None and assertion is Assertion.NEGATED:
                # "No pneumothorax": the cue reads with it
                left, right = min(left, scope.phrase_start), max(right, scope.phrase_end)
            if subject is not None and left == subject.value_start:
                left = subject.label_start  # "Left lung: Pneumothorax": the side is the label's
            text = report[left:right]
            phrases.append(
                ReportPhrase(
                    start=left,
                    end=right,
                    text=text,
                    finding=self._finding_of(text, finding),
                    assertion=assertion,
                    cue=cue,
                    mention=(start, end),
                    section=section.kind,
                )
            )
        phrases = _link_restatements(_merge_same_finding(report, phrases))
        return self._locate_interpretations(report, phrases)

    def _locate_interpretations(
        self, report: str, phrases: list[ReportPhrase]
    ) -> list[ReportPhrase]:
        located: list[ReportPhrase] = []
        for phrase in phrases:
            observed = self._observation_before(report, located, phrase)
            if observed is not None:  # a chain ("opacity, atelectasis or pneumonia") ends
                target = observed.located_by or observed.span  # at the observation
                phrase = dataclasses.replace(phrase, located_by=target)
            located.append(phrase)
        return located

    def _observation_before(
        self, report: str, earlier: list[ReportPhrase], phrase: ReportPhrase
    ) -> ReportPhrase | None:
        """The grounded phrase this one interprets, if the sentence reads "<observation>,
        <cue> <phrase>" and the phrase names no side or region of its own."""
        if not phrase.grounded or phrase.side or self.knowledge.mentioned_regions(phrase.text):
            return None
        for observed in reversed(earlier):
            between = report[observed.end : phrase.start]
            if _SENTENCE_END.search(between):
                return None
            if observed.grounded and observed.finding != phrase.finding:
                return observed if _INTERPRETATION.search(between) else None
        return None

    # ---- mentions ----------------------------------------------------------------------

    def _mentions(self, report: str, sections: list[Section], words: list[_Word]) -> list[tuple]:
        """(start, end, finding, section, field reading or None, subject field or None), in
        report order. The subject field: a mention at the start of a field's value whose
        label names a side and no finding ("Left lower lobe: Collapsed") takes the label."""
        found = []
        for section in sections:
            fields = template_fields(report, section.body_start, section.end)
            body = report[section.body_start : section.end]
            readings: dict[Field, _FieldReading | None] = {}  # each labelled field, read once
            for mention in self.knowledge.find_mentions(body):
                start = section.body_start + mention.start
                end = section.body_start + mention.end
                field = field_of(fields, start, end)
                reading = None
                if field is not None:
                    if field not in readings:
                        readings[field] = self._read_field(report, field, words)
                    reading = readings[field]
                    if reading is None:
                        continue  # a heading ("Lines/tubes: ETT ..."), not a finding
                elif body[mention.end : mention.end + 1] == ":":
                    continue  # a sub-heading ("Lines: ..."), not a finding
                subject = valued_by(fields, start)
                if subject is not None and (
                    subject in readings or side_of(subject.label(report)) is None
                ):
                    subject = None
                found.append((start, end, mention.finding, section, reading, subject))
            for field in fields:
                if field not in readings:
                    organ = self._organ_field(report, field, words)
                    if organ is not None:
                        found.append((*organ, section, None, None))
        return sorted(found, key=lambda m: m[0])

    def _read_field(self, report: str, field: Field, words: list[_Word]) -> _FieldReading | None:
        """A finding named by a field's label: "Pneumothorax: None." (negated, the value is
        its cue), "Cavitation: Cannot be excluded." (uncertain), "Pleural effusion: Small
        on the left." (the description joins the phrase), "Endotracheal tube: tip 4 cm
        above the carina." (present: the value says where). None, the label being a
        heading, when the value names its own finding ("Lines: ETT ..."), points elsewhere
        ("see impression"), or is the next line's sentence under a blank field."""
        if field.refers_elsewhere(report):
            return None
        value = field.value(report)
        presence = field.presence(report)
        cue = " ".join(value.lower().split())
        if presence is Assertion.NEGATED:  # "Pneumothorax: None": the cue reads with it
            right = field.colon if field.next_line else field.value_end
            return _FieldReading(presence, field.label_start, right, cue)
        if presence is not None:
            return _FieldReading(presence, field.label_start, field.colon, cue)
        described = _described_end(report, words, field)
        if described is None:  # no description: read as a location ("In the left lower lobe")
            located = self._grow_right(report, words, field.value_start, field.value_end, False)
            described = located if located > field.value_start else None
        else:  # and its location ("Small on the left")
            described = self._grow_right(report, words, described, field.value_end, False)
        mentions = self.knowledge.find_mentions(value)
        if described is None:  # "tip 4 cm above the carina", "intact": present
            if field.next_line or mentions:
                return None
            return _FieldReading(Assertion.POSITIVE, field.label_start, field.colon, cue)
        if mentions and not report[described : field.value_start + mentions[0].start].strip():
            return None  # the description is the value's own finding's ("Right IJ CVC")
        right = field.colon if field.next_line else described
        return _FieldReading(Assertion.POSITIVE, field.label_start, right, cue)

    def _organ_field(
        self, report: str, field: Field, words: list[_Word]
    ) -> tuple[int, int, str] | None:
        """An organ's field read as a copular sentence: "Aorta: Unfolded." is "aorta is
        unfolded", "HEART SIZE:" above "Moderately enlarged." is "heart size is moderately
        enlarged". (start, end, finding) of its phrase: label and value on one line, the
        value alone on the next."""
        if field.presence(report) is not None or self.knowledge.find_mentions(field.value(report)):
            return None
        described = _described_end(report, words, field)
        if described is None:
            return None
        label = field.label(report)
        for verb in ("is", "are"):
            sentence = f"{label} {verb} {report[field.value_start : described]}"
            for mention in self.knowledge.find_mentions(sentence):
                if mention.start == 0 and mention.end > len(label) + len(verb) + 1:
                    start = field.value_start if field.next_line else field.label_start
                    return start, described, mention.finding
        return None

    def _finding_of(self, text: str, default: str) -> str:
        """The first-named finding of a coordinated phrase ("Tortuous and calcified aorta")."""
        match = _COORDINATED.match(text)
        if match:
            head = match.group("head").split()
            for first in range(len(head)):
                wording = " ".join([match.group("first"), *head[first:]])
                candidate = self.knowledge.match_finding(wording)
                if candidate is not None:
                    return candidate.name
        return default

    # ---- growing a mention into a phrase ---------------------------------------------

    def _grow_left(self, report: str, words: list[_Word], start: int, low: int) -> int:
        """Extend over the modifiers before the mention, down to `low`.

        "and"/"or"/"," join two modifiers ("Tortuous and calcified", "lobulated, spiculated")
        but never a modifier to the mention itself, so "effusion and left atelectasis"
        stays two phrases.
        """
        left, joined = start, start  # `joined`: where the next word must connect
        for word in reversed(_words_between(words, low, start)):
            gap = report[word.end : joined]
            if not _joins(gap):
                break
            if word.lower in ("and", "or"):
                if left == start and not self._opens_with_modifier(report, words, start):
                    break
                joined = word.start  # kept only if a modifier precedes it
                continue
            if not (_is_modifier(word) or self._is_anatomy(word)):
                break
            if "," in gap and left == start:
                break
            left = joined = word.start
        return left

    def _copular_subject(
        self, report: str, words: list[_Word], start: int, end: int, low: int
    ) -> int:
        """A finding stated as the predicate of an anatomical subject takes the subject,
        without its article: "left hemithorax is completely |opacified|", "5th to 7th ribs
        are |fractured|", "right lower lobe is |partially collapsed|". Only participles
        ("...ed", with an adverb) are predicates here."""
        if not re.fullmatch(r"(?:[a-z]+ly )?[a-z]+ed", report[start:end].lower()):
            return start
        before = _words_between(words, low, start)
        position = len(before) - 1
        while position >= 0 and before[position].lower.endswith("ly"):  # "completely"
            position -= 1
        if position < 0 or before[position].lower not in ("is", "are"):
            return start
        joined = start
        for word in before[position + 1 :][::-1] + [before[position]]:
            if report[word.end : joined].strip(" \t"):
                return start  # punctuation between: not one clause
            joined = word.start
        subject = None
        for word in reversed(before[:position]):
            known = word.lower in _LOCATION_WORDS or _NUMBER.fullmatch(word.lower)
            if report[word.end : joined].strip(" \t-") or word.lower in _DETERMINERS:
                break
            if word.lower == "to" and subject is not None:  # "5th to 7th ribs"
                joined = word.start
                continue
            if not (known or self._is_anatomy(word)):
                break
            subject = joined = word.start
        return start if subject is None else subject

    def _opens_with_modifier(self, report: str, words: list[_Word], start: int) -> bool:
        """Whether the mention itself starts with a modifier ("lower zone shadowing"), so a
        coordinated modifier before it belongs to it ("mid and lower zone shadowing")."""
        first = _words_between(words, start, len(report))[:1]
        return bool(first) and (_is_modifier(first[0]) or self._is_anatomy(first[0]))

    def _grow_right(
        self, report: str, words: list[_Word], end: int, high: int, followed: bool
    ) -> int:
        """Extend over location and measurement phrases after the mention, up to `high`
        (`followed`: another mention starts there)."""
        after = _words_between(words, end, high)
        right, index = end, 0
        if after and after[0].lower in _HEAD_EXTENSIONS and _joins(report[end : after[0].start]):
            right, index = after[0].end, 1
        while index < len(after):
            grown = self._location_after(report, after, index, right, followed)
            if grown is None:
                grown = _measurement_after(report, after, index, right)
            if grown is None:
                grown = _extent_after(report, after, index, right)
            if grown is None:
                break
            index, right = grown
        return right

    def _location_after(self, report, after: list[_Word], index: int, right: int, followed):
        """'in the right lower lobe', 'behind the heart', 'bilaterally', 'on the left'."""
        word = after[index]
        if not _joins(report[right : word.start], allow_comma=False):
            return None
        if word.lower in ("bilaterally", "bibasilar", "bilateral"):
            return index + 1, word.end
        for preposition in _LOCATION_PREPOSITIONS:
            parts = preposition.split()
            words = [w.lower for w in after[index : index + len(parts)]]
            if words == parts:
                break
        else:
            parts = []  # a bare location: "Calcified granuloma left lower lobe"
            if not self._names_side_or_region(after, index):
                return None
        position, last, anatomy, previous = index + len(parts), None, False, right
        if parts:
            previous = after[position - 1].end
        while position < len(after):
            candidate = after[position]
            known = candidate.lower in _LOCATION_WORDS or _NUMBER.fullmatch(candidate.lower)
            if not known and not self._is_anatomy(candidate):
                break
            # a comma lists parts of one location: "the right 5th, 6th and 7th ribs"
            if not _joins(report[previous : candidate.start], allow_comma=last is not None):
                break
            if candidate.lower not in _DETERMINERS | {"and", "of", "a"}:
                last, anatomy = position, True
            previous = candidate.end
            position += 1
        if not anatomy or last is None:
            return None
        if position == len(after) and followed:
            # "reticulation at the lung bases and subpleural honeycombing": the words after
            # the last "and" are the next finding's modifiers
            conjunctions = [i for i in range(index, last + 1) if after[i].lower == "and"]
            if conjunctions:
                last = max(i for i in range(index, conjunctions[-1]) if after[i].lower != "and")
        return last + 1, after[last].end

    def _names_side_or_region(self, after: list[_Word], index: int) -> bool:
        """A bare location must start with a side word or an atlas region term."""
        word = after[index].lower
        return bool(side_of(word) or self.knowledge.mentioned_regions(word))

    def _is_anatomy(self, word: _Word) -> bool:
        return bool(self.knowledge.mentioned_regions(word.lower)) or word.lower in (
            "right",
            "left",
            "rt",
            "lt",
        )


def _words_between(words: list[_Word], low: int, high: int) -> list[_Word]:
    """The words lying wholly inside [low, high) (words are in text order)."""
    first = bisect.bisect_left(words, low, key=lambda w: w.start)
    last = bisect.bisect_right(words, high, key=lambda w: w.end)
    return words[first:last]


def _described_end(report: str, words: list[_Word], field: Field) -> int | None:
    """Where a field value's description ends ("Small, left" of "Small, left, with
    meniscus"): its leading run of modifier, location and measurement words."""
    end = None
    previous = field.value_start
    for word in _words_between(words, field.value_start, field.value_end):
        descriptive = (
            _is_modifier(word) or word.lower in _LOCATION_WORDS or word.lower in _UNITS
        ) and word.lower not in _CLAUSE_WORDS
        gap = report[previous : word.start]
        if not descriptive or not _joins(gap) or ("," in gap and word.lower in _COMPARED):
            break  # ", unchanged" compares with the prior film: a predicate
        end = previous = word.end
    return end


def _measurement_after(report: str, after: list[_Word], index: int, right: int):
    """'measuring 1.5 cm', '(2 x 3 cm)', ', 4 cm', 'up to 2 cm'."""
    word, gap = after[index], report[right : after[index].start]
    if not _joins(gap, allow_comma=True, allow_paren=True):
        return None
    position = index + 1 if word.lower in ("measuring", "measures", "sized") else index
    while position < len(after) and after[position].lower in ("up", "to", "approximately", "about"):
        position += 1
    seen_unit = False
    last = None
    while position < len(after):
        candidate = after[position]
        if _NUMBER.fullmatch(candidate.lower) or candidate.lower in ("x", "by"):
            last = position
        elif candidate.lower in _UNITS:
            last, seen_unit = position, True
            position += 1
            break
        else:
            break
        position += 1
    if not seen_unit or last is None:
        return None
    end = after[last].end
    if "(" in gap and end < len(report) and report[end : end + 1] == ")":
        end += 1
    return last + 1, end


def _extent_after(report: str, after: list[_Word], index: int, right: int):
    """'tracking into the neck', 'occupying the lower half of the left hemithorax': a
    participle of extent and its complement, kept only when it closes the clause."""
    if after[index].lower not in _EXTENT_PARTICIPLES:
        return None
    if not _joins(report[right : after[index].start], allow_comma=False):
        return None
    last = index
    for position in range(index + 1, min(index + 10, len(after))):
        word = after[position]
        if word.lower in _CLAUSE_WORDS:
            return None
        if not _joins(report[after[position - 1].end : word.start], allow_comma=False):
            break
        last = position
    end = after[last].end
    closes = re.match(r"\s*(?:[.;:,)]|$)", report[end:])
    return (last + 1, end) if last > index and closes else None


def _is_modifier(word: _Word) -> bool:
    return (
        word.lower in _MODIFIERS
        or bool(_NUMBER.fullmatch(word.lower))
        or bool(_ADJECTIVE.fullmatch(word.lower) and word.lower not in _NOT_MODIFIERS)
    )


def _joins(gap: str, allow_comma: bool = True, allow_paren: bool = False) -> bool:
    """Whether the characters between two words keep them in one phrase."""
    allowed = " \t-/" + ("," if allow_comma else "") + ("(" if allow_paren else "")
    return len(gap) <= 3 and all(c in allowed for c in gap) and gap.count(",") <= 1


def _merge_same_finding(report: str, phrases: list[ReportPhrase]) -> list[ReportPhrase]:
    """Adjacent mentions of one finding are one phrase ("Right IJ central venous catheter")."""
    merged: list[ReportPhrase] = []
    for phrase in phrases:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.finding == phrase.finding
            and previous.assertion == phrase.assertion
            and _joins(report[previous.end : phrase.start], allow_comma=False)
        ):
            merged[-1] = ReportPhrase(
                previous.start,
                phrase.end,
                report[previous.start : phrase.end],
                previous.finding,
                previous.assertion,
                previous.cue,
                (previous.mention[0], phrase.mention[1]),
                previous.section,
            )
            continue
        merged.append(phrase)
    return merged


def _link_restatements(phrases: list[ReportPhrase]) -> list[ReportPhrase]:
    """IMPRESSION phrases that restate a FINDINGS phrase (same finding and assertion,
    compatible side) become links of that phrase; a restatement that hedges what FINDINGS
    asserted, or the other way round, stays a finding of its own."""
    kept: list[ReportPhrase] = []
    for phrase in phrases:
        target = None
        if phrase.section == "impression" and phrase.grounded:
            target = next(
                (
                    i
                    for i, earlier in enumerate(kept)
                    if earlier.section != "impression"
                    and earlier.grounded
                    and earlier.finding == phrase.finding
                    and earlier.assertion == phrase.assertion
                    and _compatible_sides(earlier.side, phrase.side)
                    and not earlier.linked
                ),
                None,
            )
        if target is None:
            kept.append(phrase)
            continue
        earlier = kept[target]
        kept[target] = ReportPhrase(
            earlier.start,
            earlier.end,
            earlier.text,
            earlier.finding,
            earlier.assertion,
            earlier.cue,
            earlier.mention,
            earlier.section,
            (*earlier.linked, phrase.span),
        )
    return kept


def _compatible_sides(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b
