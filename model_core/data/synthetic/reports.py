"""Radiology reports for synthetic studies, from a grammar of real chest radiograph phrasing.

A report has INDICATION (or HISTORY), COMPARISON, optionally TECHNIQUE, FINDINGS and
IMPRESSION sections. FINDINGS describes every mentioned lesion once, adds negations of absent
findings and normal statements; IMPRESSION repeats the main findings briefly.

Phrase boundaries are what a grounding model learns to extract, so they follow one rule for
every template: the ground-truth phrase is the FINDINGS noun phrase naming the abnormality,
with its size or severity adjectives and its location words, without articles, verbs, hedges
or negation cues ("There is a |small left pleural effusion|.", "|Patchy airspace opacity in
the right lower lobe|, concerning for pneumonia."). Where a report states a finding as a
predicate on an anatomical subject, the subject alone does not name the finding, so the
phrase is the copular clause without its article ("The |heart is enlarged|."). Negated
mentions are the negated noun phrase ("No |pleural effusion| or |pneumothorax|."). Normal
statements ("Heart size is normal.") are context, not phrases. IMPRESSION repeats are not
phrases either: each lesion is grounded once, at its FINDINGS mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ._styles import ANONYMISED, ReportStyle, sample_style
from ._wording import (
    BONES,
    HEART,
    LUNG,
    MEDIASTINUM,
    PLEURA,
    TOPIC,
    Sentence,
    Slot,
    capitalised,
    impression_line,
    pick,
    positive_sentence,
)
from .placement import LesionPlan


@dataclass(frozen=True)
class DraftPhrase:
    """A grounded phrase of a written report: `report[span[0]:span[1]] == text`; `lesion`
    indexes the study's lesion plans (None for a negated mention)."""

    text: str
    span: tuple[int, int]
    finding: str
    lesion: int | None
    negated: bool


@dataclass(frozen=True)
class DraftReport:
    text: str
    phrases: tuple[DraftPhrase, ...]


_SLOT = re.compile(r"\{\^?\}")


class Writer:
    """Concatenates report text and records the exact span of every phrase written."""

    def __init__(self, style: ReportStyle | None = None) -> None:
        self.style = style or ReportStyle("standard")
        self._parts: list[str] = []
        self._length = 0
        self.phrases: list[DraftPhrase] = []

    def write(self, text: str) -> None:
        text = self.style.rewrite(text)
        self._parts.append(text)
        self._length += len(text)

    def sentence(self, sentence: Sentence) -> None:
        pieces = _SLOT.split(sentence.template)
        holes = _SLOT.findall(sentence.template)
        if len(holes) != len(sentence.slots):
            raise ValueError(
                f"template {sentence.template!r} has {len(holes)} slots, "
                f"given {len(sentence.slots)}"
            )
        for piece, hole, slot in zip(pieces, holes, sentence.slots, strict=False):
            text = capitalised(slot.text) if hole == "{^}" else slot.text
            self.write(with_article(piece, text))
            start = self._length
            self.write(text)
            text = self._parts[-1]
            self.phrases.append(
                DraftPhrase(text, (start, self._length), slot.finding, slot.lesion, slot.negated)
            )
        self.write(pieces[-1])

    def text(self) -> str:
        return "".join(self._parts)


_AN_SOUND = re.compile(r"^(?:[aeiou]|8|11\b|18\b|11\.|18\.)", re.IGNORECASE)


def with_article(before: str, word: str) -> str:
    """Templates say 'a {}'; the phrase decides between 'a' and 'an' ('an 8 mm nodule',
    'an enlarged cardiac silhouette')."""
    if not _AN_SOUND.match(word):
        return before
    for article in ("a ", "A "):
        if before.endswith(article) and (len(before) == 2 or not before[-3].isalpha()):
            return before[:-2] + article[0] + "n "
    return before


# --------------------------------------------------------------------------------------
# Negations and normal statements
# --------------------------------------------------------------------------------------

NEGATABLE = {
    "effusion": ("pleural effusion", "pleural effusions", "effusion"),
    "pneumothorax": ("pneumothorax",),
    "consolidation": ("focal consolidation", "consolidation", "focal airspace consolidation"),
    "edema": ("pulmonary edema", "edema", "interstitial edema"),
    "cardiomegaly": ("cardiomegaly",),
    "opacity": ("focal opacity", "focal airspace opacity"),
    "pneumonia": ("pneumonia",),
}
AIRSPACE = ("consolidation", "opacity", "pneumonia")
NEGATION_ONE = (
    "No {}.",
    "There is no {}.",
    "No evidence of {}.",
    "No {} is seen.",
    "No {} is identified.",
    "Negative for {}.",
)
NEGATION_TWO = (
    "No {} or {}.",
    "There is no {} or {}.",
    "No evidence of {} or {}.",
    "No {} or {} is seen.",
)
# Templates without a verb to agree with, for plural denials ("No pleural effusions.").
NEGATION_ONE_PLURAL = ("No {}.", "There are no {}.", "No evidence of {}.", "No {} are seen.")
NEGATION_TWO_PLURAL = ("No {} or {}.", "No evidence of {} or {}.")


def negatable_findings(present: set[str]) -> list[str]:
    """Absent findings a report may deny without contradicting the film."""
    absent = [name for name in NEGATABLE if name not in present]
    if present & set(AIRSPACE):
        absent = [name for name in absent if name not in AIRSPACE]
    return absent


def negation_sentences(present: set[str], rng: np.random.Generator) -> list[Sentence]:
    """One to three negative statements, pairing two denials in a sentence when it reads
    naturally ('No pleural effusion or pneumothorax.')."""
    absent = negatable_findings(present)
    rng.shuffle(absent)
    count = int(min(len(absent), rng.integers(1, 4)))
    chosen = absent[:count]
    sentences = []
    while chosen:
        first = chosen.pop(0)
        slots = [Slot(pick(rng, NEGATABLE[first]), first, None, True)]
        if chosen and rng.random() < 0.5:
            second = chosen.pop(0)
            slots.append(Slot(pick(rng, NEGATABLE[second]), second, None, True))
        plural = any(slot.text.endswith("effusions") for slot in slots)
        if len(slots) == 2:
            templates = NEGATION_TWO_PLURAL if plural else NEGATION_TWO
        else:
            templates = NEGATION_ONE_PLURAL if plural else NEGATION_ONE
        topic = min(TOPIC.get(slot.finding, LUNG) for slot in slots)
        sentences.append(Sentence(pick(rng, templates), tuple(slots), topic))
    return sentences


def contralateral_negation(
    present_sides: dict[str, set[str]], rng: np.random.Generator
) -> list[Sentence]:
    """'No right pleural effusion.' when only the left side has one."""
    sentences = []
    for name, noun in (("effusion", "pleural effusion"), ("pneumothorax", "pneumothorax")):
        sides = present_sides.get(name, set())
        if len(sides) == 1 and rng.random() < 0.35:
            other = "left" if "right" in sides else "right"
            phrase = pick(rng, [f"{other} {noun}", f"{noun} on the {other}"])
            template = pick(rng, ["No {}.", "There is no {}."])
            sentences.append(Sentence(template, (Slot(phrase, name, None, True),), PLEURA))
    return sentences


def normal_sentences(
    present: set[str], lung_findings: bool, rng: np.random.Generator
) -> list[Sentence]:
    """Statements of normality that stay true for this film."""
    sentences = []
    if "cardiomegaly" not in present and rng.random() < 0.8:
        sentences.append(
            Sentence(
                pick(
                    rng,
                    [
                        "Heart size is normal.",
                        "The heart is normal in size.",
                        "The cardiomediastinal silhouette is within normal limits.",
                        "Cardiac silhouette is normal.",
                    ],
                ),
                (),
                HEART,
            )
        )
    if rng.random() < 0.6:
        sentences.append(
            Sentence(
                pick(
                    rng,
                    [
                        "Mediastinal contours are within normal limits.",
                        "The mediastinal and hilar contours are unremarkable.",
                        "The hilar contours are normal.",
                    ],
                ),
                (),
                MEDIASTINUM,
            )
        )
    if rng.random() < 0.7:
        lungs = "The lungs are otherwise clear." if lung_findings else "The lungs are clear."
        sentences.append(Sentence(lungs, (), LUNG + 0))
    if rng.random() < 0.6:
        sentences.append(
            Sentence(
                pick(
                    rng,
                    [
                        "No acute osseous abnormality.",
                        "The osseous structures are intact.",
                        "Visualized osseous structures are unremarkable.",
                        "Degenerative changes of the thoracic spine.",
                    ],
                ),
                (),
                BONES,
            )
        )
    return sentences


# --------------------------------------------------------------------------------------
# The other sections
# --------------------------------------------------------------------------------------

SYMPTOMS = (
    "cough",
    "fever",
    "shortness of breath",
    "chest pain",
    "hypoxia",
    "dyspnea",
    "productive cough",
    "pleuritic chest pain",
    "tachypnea",
    "weight loss",
    "hemoptysis",
    "fatigue",
)


def indication(age: int, female: bool, plans: list[LesionPlan], rng: np.random.Generator) -> str:
    person = "woman" if female else "man"
    if any(plan.finding in ("nodule", "mass") for plan in plans) and rng.random() < 0.3:
        reason = pick(
            rng,
            ["follow-up of a pulmonary nodule", "history of smoking", "evaluation for malignancy"],
        )
    else:
        first, second = rng.choice(len(SYMPTOMS), 2, replace=False)
        reason = f"{SYMPTOMS[first]} and {SYMPTOMS[second]}"
    return pick(
        rng,
        [
            f"{age}-year-old {person} with {reason}.",
            f"{capitalised(reason)}.",
            f"{age}-year-old {person}. {capitalised(reason)}.",
        ],
    )


MINOR = ("pleural thickening", "hiatal hernia", "atelectasis", "fibrosis", "emphysema")


def impression(plans: list[LesionPlan], rng: np.random.Generator) -> str:
    """The main findings again, numbered or as a paragraph; chronic or minor ones may be
    left out when there is something more important to say."""
    major = [plan for plan in plans if plan.finding not in MINOR]
    keep = [plan for plan in plans if plan.finding not in MINOR or not major or rng.random() < 0.5]
    lines = [impression_line(plan, rng) for plan in keep]
    if rng.random() < 0.5:
        return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))
    return " ".join(lines)


# --------------------------------------------------------------------------------------
# The whole report
# --------------------------------------------------------------------------------------


def write_report(
    plans: list[LesionPlan],
    mentioned: list[bool],
    age: int,
    female: bool,
    rng: np.random.Generator,
) -> DraftReport:
    """A full report describing the mentioned lesions; the others (drawn but unmentioned)
    only keep findings of their kind from being denied."""
    if len(plans) != len(mentioned):
        raise ValueError(f"plans: {len(plans)}, mentioned flags: {len(mentioned)}")
    told = [i for i, flag in enumerate(mentioned) if flag]
    present = {plan.finding for plan in plans}
    sides: dict[str, set[str]] = {}
    for plan in plans:
        sides.setdefault(plan.finding, set()).update(plan.site.sides)
    sentences = [positive_sentence(plans[i], i, rng) for i in told]
    unmentioned = {plans[i].finding for i, flag in enumerate(mentioned) if not flag}
    lung_findings = any(TOPIC[plans[i].finding] == LUNG for i in told)
    sentences += negation_sentences(present, rng)
    if not unmentioned & {"effusion", "pneumothorax"}:
        sentences += contralateral_negation(sides, rng)
    sentences += normal_sentences(present, lung_findings, rng)
    order = topic_order(sentences, rng)
    return assemble([sentences[i] for i in order], [plans[i] for i in told], age, female, rng)


def topic_order(sentences: list[Sentence], rng: np.random.Generator) -> list[int]:
    """Lungs, pleura, heart and mediastinum, bones; within a topic, abnormal findings
    before denials and normal statements; neighbouring topics sometimes swapped, as
    different radiologists order them."""
    topics = np.array([s.topic for s in sentences], np.float64)
    quiet = np.array([not s.slots or s.slots[0].negated for s in sentences], np.float64)
    keys = topics + 0.5 * quiet + 0.6 * rng.random(len(sentences))
    return [int(i) for i in np.argsort(keys, kind="stable")]


def assemble(
    sentences: list[Sentence],
    told: list[LesionPlan],
    age: int,
    female: bool,
    rng: np.random.Generator,
) -> DraftReport:
    style = sample_style(rng)
    writer = Writer(style)
    if not style.sections:
        _findings_text(writer, sentences)
        writer.write("\n")
        return DraftReport(writer.text(), tuple(writer.phrases))
    inline = rng.random() < 0.3  # 'FINDINGS: text' rather than a header line
    separator = " " if inline else "\n"
    heading = pick(rng, ["INDICATION", "INDICATION", "CLINICAL HISTORY", "HISTORY"])
    writer.write(f"{style.header(heading)}:{separator}{indication(age, female, told, rng)}\n\n")
    comparison = pick(
        rng,
        [
            "None.",
            "None available.",
            "No prior studies.",
            "Prior chest radiograph, not available for comparison.",
        ],
    )
    if style.anonymised:
        comparison = f"{ANONYMISED}."
    writer.write(f"{style.header('COMPARISON')}:{separator}{comparison}\n\n")
    if rng.random() < 0.4:
        technique = pick(
            rng,
            ["PA view of the chest.", "Single frontal view of the chest.", "PA chest radiograph."],
        )
        writer.write(f"{style.header('TECHNIQUE')}:{separator}{technique}\n\n")
    writer.write(f"{style.header('FINDINGS')}:{separator}")
    _findings_text(writer, sentences)
    writer.write(f"\n\n{style.header('IMPRESSION')}:{separator}{impression(told, rng)}\n")
    return DraftReport(writer.text(), tuple(writer.phrases))


def _findings_text(writer: Writer, sentences: list[Sentence]) -> None:
    for index, sentence in enumerate(sentences):
        if index:
            writer.write(" ")
        writer.sentence(sentence)
