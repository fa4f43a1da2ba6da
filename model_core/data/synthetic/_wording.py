"""How a report names one lesion: location words, size words and one FINDINGS sentence
per finding, each with several templates drawn from real chest radiograph phrasing.

Every writer returns (template, phrase): the template holds '{}' (or '{^}' when the phrase
starts the sentence) where the phrase goes. The phrase follows the boundary rule stated in
`reports`: the noun phrase with its severity or size and location words, no articles, verbs,
hedges or negation cues; a copular clause when the finding is a predicate on an organ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .placement import LesionPlan, Site

LUNG, PLEURA, HEART, MEDIASTINUM, BONES = range(5)


@dataclass(frozen=True)
class Slot:
    """A phrase waiting for its place in a sentence."""

    text: str
    finding: str
    lesion: int | None = None
    negated: bool = False


@dataclass(frozen=True)
class Sentence:
    """A FINDINGS sentence: a template with '{}' (or '{^}', capitalised) per slot, and its
    topic, which orders sentences lungs -> pleura -> heart and mediastinum -> bones."""

    template: str
    slots: tuple[Slot, ...]
    topic: int


TOPIC = {
    "atelectasis": LUNG,
    "consolidation": LUNG,
    "edema": LUNG,
    "emphysema": LUNG,
    "fibrosis": LUNG,
    "mass": LUNG,
    "nodule": LUNG,
    "opacity": LUNG,
    "pneumonia": LUNG,
    "effusion": PLEURA,
    "pleural thickening": PLEURA,
    "pneumothorax": PLEURA,
    "cardiomegaly": HEART,
    "hiatal hernia": MEDIASTINUM,
}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def pick(rng: np.random.Generator, options: list[str] | tuple[str, ...]) -> str:
    return str(options[int(rng.integers(len(options)))])


def side_word(site: Site) -> str:
    return "bilateral" if len(site.sides) == 2 else site.sides[0] if site.sides else ""


def location_premodifier(site: Site, rng: np.random.Generator) -> str:
    """Location as words before the noun: 'right lower lobe', 'left basilar', 'retrocardiac'."""
    side = side_word(site)
    if site.region == "retrocardiac":
        return pick(rng, ["retrocardiac", "left retrocardiac", "left lower lobe"])
    if site.region == "apex":
        return pick(rng, [f"{side} apical", f"{side} upper lobe", f"{side} upper zone"])
    if site.region == "base":
        return pick(
            rng, [f"{side} basilar", f"{side} lower lobe", f"{side} base", f"{side} lower zone"]
        )
    if site.region == "perihilar":
        return pick(rng, [f"{side} perihilar", f"{side} mid lung", f"{side} mid zone"])
    if site.region == "lingula":
        return pick(rng, ["lingular", "left mid lung", "left mid zone"])
    if site.region == "middle lobe":
        return pick(rng, ["right middle lobe", "right mid lung", "right mid zone"])
    zone = site.zone or "mid"
    options = {
        "upper": [f"{side} upper lobe", f"{side} upper zone", f"{side} upper lung"],
        "mid": [f"{side} mid lung", f"{side} mid zone", f"{side} midlung"],
        "lower": [f"{side} lower lobe", f"{side} lower zone", f"{side} lower lung"],
    }[zone]
    return pick(rng, options)


def location_prepositional(site: Site, rng: np.random.Generator) -> str:
    """Location as a prepositional phrase: 'in the right lower lobe', 'at the left base'."""
    side = side_word(site)
    if site.region == "retrocardiac":
        return pick(
            rng, ["in the left retrocardiac region", "in the left lower lobe", "behind the heart"]
        )
    if site.region == "apex":
        return pick(
            rng, [f"at the {side} apex", f"in the {side} apex", f"in the {side} upper lobe"]
        )
    if site.region == "base":
        return pick(
            rng,
            [
                f"at the {side} base",
                f"at the {side} lung base",
                f"in the {side} lower lobe",
                f"in the {side} lower zone",
            ],
        )
    if site.region == "perihilar":
        return pick(rng, [f"in the {side} perihilar region", f"in the {side} mid lung"])
    if site.region == "lingula":
        return pick(rng, ["in the lingula", "in the left mid lung", "in the left mid zone"])
    if site.region == "middle lobe":
        return pick(
            rng, ["in the right middle lobe", "in the right mid lung", "in the right mid zone"]
        )
    zone = site.zone or "mid"
    preposition = pick(rng, ["in the", "in the", "within the", "projecting over the"])
    noun = {
        "upper": [f"{side} upper lobe", f"{side} upper zone", f"{side} upper lung"],
        "mid": [f"{side} mid lung", f"{side} mid zone", f"{side} midlung"],
        "lower": [f"{side} lower lobe", f"{side} lower zone", f"{side} lung base"],
    }[zone]
    return f"{preposition} {pick(rng, noun)}"


def size_words(size_mm: float) -> str:
    """'8 mm', '1.5 cm', '4 cm': how radiologists quote a diameter."""
    if size_mm < 10.0:
        return f"{int(round(size_mm))} mm"
    cm = round(size_mm / 10.0, 1)
    return f"{cm:g} cm"


def join(*words: str) -> str:
    return " ".join(word for word in words if word)


def positive_sentence(plan: LesionPlan, index: int, rng: np.random.Generator) -> Sentence:
    """The FINDINGS sentence describing one lesion, with its phrase slot."""
    writers = {
        "atelectasis": atelectasis_sentence,
        "cardiomegaly": cardiomegaly_sentence,
        "consolidation": airspace_sentence,
        "edema": edema_sentence,
        "effusion": effusion_sentence,
        "emphysema": emphysema_sentence,
        "fibrosis": fibrosis_sentence,
        "hiatal hernia": hernia_sentence,
        "mass": mass_sentence,
        "nodule": nodule_sentence,
        "opacity": airspace_sentence,
        "pleural thickening": thickening_sentence,
        "pneumonia": airspace_sentence,
        "pneumothorax": pneumothorax_sentence,
    }
    template, phrase = writers[plan.finding](plan, rng)
    return Sentence(template, (Slot(phrase, plan.finding, index),), TOPIC[plan.finding])


PLAIN = ("There is {}.", "{^}.", "{^} is present.", "{^} is noted.", "{^} is seen.")


PLAIN_A = ("There is a {}.", "A {} is present.", "A {} is noted.", "A {} is seen.", "{^}.")


AIRSPACE_ADJECTIVES = {
    "dense": ("dense", "focal", "confluent", ""),
    "patchy": ("patchy", "patchy", ""),
    "hazy": ("hazy", "ill-defined", "faint", ""),
}


def airspace_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    """Pneumonia, consolidation and opacity, named directly or as an opacity that a hedge
    attributes to pneumonia."""
    adjective = pick(rng, AIRSPACE_ADJECTIVES[plan.variant])
    if plan.finding == "opacity":
        noun = pick(rng, ["opacity", "airspace opacity", "opacification", "airspace disease"])
    elif plan.finding == "consolidation":
        noun = pick(rng, ["consolidation", "airspace consolidation", "consolidative opacity"])
    else:
        noun = pick(rng, ["airspace opacity", "opacity", "consolidation", "pneumonia"])
    if noun == "pneumonia":
        adjective = ""
    if rng.random() < 0.5:
        phrase = join(adjective, noun, location_prepositional(plan.site, rng))
    else:
        phrase = join(adjective, location_premodifier(plan.site, rng), noun)
    if plan.finding == "pneumonia" and noun != "pneumonia":
        hedge = pick(
            rng,
            [
                "{^}, concerning for pneumonia.",
                "{^} may represent pneumonia.",
                "{^}, likely pneumonia.",
                "{^}, compatible with pneumonia.",
                "There is {}, suspicious for pneumonia.",
                "{^}; pneumonia cannot be excluded.",
            ],
        )
        return hedge, phrase
    if plan.finding == "opacity" and rng.random() < 0.3:
        return pick(
            rng,
            [
                "{^}, which may represent atelectasis or infection.",
                "{^}; infection cannot be excluded.",
            ],
        ), phrase
    return pick(rng, PLAIN), phrase


def nodule_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    size = size_words(plan.size_mm or 10.0)
    adjective = pick(rng, ["", "", "rounded", "well-circumscribed", "noncalcified"])
    noun = pick(rng, ["nodule", "nodule", "nodular opacity", "pulmonary nodule"])
    if rng.random() < 0.6:
        phrase = join(size, adjective, noun, location_prepositional(plan.site, rng))
    else:
        phrase = join(size, location_premodifier(plan.site, rng), noun)
    template = pick(
        rng,
        [
            "There is a {}.",
            "A {} is noted.",
            "A {} is seen.",
            "There is a {}, new compared to prior.",
            "A {} is again noted.",
        ],
    )
    return template, phrase


def mass_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    size = size_words(plan.size_mm or 40.0)
    adjective = plan.variant if rng.random() < 0.7 else ""
    if rng.random() < 0.6:
        phrase = join(size, adjective, "mass", location_prepositional(plan.site, rng))
    else:
        large = "large" if (plan.size_mm or 0.0) >= 50.0 else ""
        phrase = join(large or size, adjective, location_premodifier(plan.site, rng), "mass")
    template = pick(
        rng,
        [
            "There is a {}.",
            "A {} is present.",
            "There is a {}, suspicious for malignancy.",
            "A {} is identified, concerning for neoplasm.",
        ],
    )
    return template, phrase


def effusion_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    severity = plan.severity
    if len(plan.site.sides) == 2:
        phrase = pick(
            rng,
            [
                f"{severity} bilateral pleural effusions",
                f"{severity} bilateral effusions",
                f"bilateral {severity} pleural effusions",
            ],
        )
        return pick(rng, ["There are {}.", "{^}.", "{^} are present.", "{^} are noted."]), phrase
    side = plan.site.sides[0]
    if severity == "small" and rng.random() < 0.2:
        phrase = f"blunting of the {side} costophrenic angle"
        return pick(
            rng, ["There is {}, likely a small effusion.", "{^} is noted.", "There is {}."]
        ), phrase
    phrase = pick(
        rng,
        [
            f"{severity} {side} pleural effusion",
            f"{severity} {side}-sided pleural effusion",
            f"{severity} {side} effusion",
            f"{severity} pleural effusion on the {side}",
        ],
    )
    return pick(rng, PLAIN_A), phrase


def pneumothorax_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    side, severity = plan.site.sides[0], plan.severity
    if plan.variant == "apical":
        phrase = pick(
            rng,
            [
                f"{severity} {side} apical pneumothorax",
                f"{severity} pneumothorax at the {side} apex",
                f"{severity} apical pneumothorax on the {side}",
            ],
        )
    else:
        phrase = pick(
            rng,
            [
                f"{severity} {side} pneumothorax",
                f"{severity} {side}-sided pneumothorax",
                f"{severity} {side} lateral pneumothorax",
            ],
        )
    templates = [
        "There is a {}.",
        "A {} is present.",
        "{^}.",
        "A {} is seen.",
        "There is a {} with a visible pleural line.",
    ]
    if severity == "small":
        templates += ["A {} cannot be excluded.", "Cannot exclude a {}."]
    return pick(rng, templates), phrase


def atelectasis_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    if plan.variant == "bibasilar":
        phrase = pick(
            rng,
            [
                "bibasilar atelectasis",
                "mild bibasilar atelectasis",
                "bibasilar subsegmental atelectasis",
                "bibasilar linear atelectasis",
                "bibasilar plate-like atelectasis",
            ],
        )
        return pick(rng, PLAIN), phrase
    if plan.variant == "lobar":
        side, zone = plan.site.sides[0], plan.site.zone
        if plan.site.region == "retrocardiac" and rng.random() < 0.4:
            phrase = pick(rng, ["retrocardiac opacity", "left retrocardiac opacity"])
            return pick(
                rng,
                [
                    "{^}, likely atelectasis.",
                    "There is {}, consistent with left lower lobe collapse.",
                    "{^} likely reflects atelectasis.",
                ],
            ), phrase
        phrase = pick(
            rng,
            [
                f"{side} {zone} lobe atelectasis",
                f"{side} {zone} lobe collapse",
                f"collapse of the {side} {zone} lobe",
            ],
        )
        return pick(rng, PLAIN), phrase
    kind = pick(rng, ["plate-like", "platelike", "linear", "discoid", "subsegmental", ""])
    if rng.random() < 0.5:
        phrase = join(kind, "atelectasis", location_prepositional(plan.site, rng))
    else:
        phrase = join(location_premodifier(plan.site, rng), kind, "atelectasis")
    if rng.random() < 0.2:
        phrase = join(location_premodifier(plan.site, rng), "linear opacity")
        return pick(rng, ["{^}, likely atelectasis.", "{^} likely represents atelectasis."]), phrase
    return pick(rng, PLAIN), phrase


CARDIOMEGALY_WORDS = {"mild": "mild", "moderate": "moderate", "severe": "marked"}


ENLARGED_WORDS = {"mild": "mildly", "moderate": "moderately", "severe": "markedly"}


def cardiomegaly_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    """Named by knowledge only: no location words."""
    grade = CARDIOMEGALY_WORDS[plan.severity]
    adverb = ENLARGED_WORDS[plan.severity]
    choice = int(rng.integers(5))
    if choice == 0:
        return pick(rng, ["There is {}.", "{^}.", "{^} is present."]), f"{grade} cardiomegaly"
    if choice == 1:
        return pick(rng, ["{^}.", "There is {}."]), "cardiomegaly"
    if choice == 2:
        return "The {}.", pick(rng, [f"heart is {adverb} enlarged", "heart is enlarged"])
    if choice == 3:
        return "The {}.", f"cardiac silhouette is {adverb} enlarged"
    return pick(rng, ["There is an {}.", "An {} is noted."]), "enlarged cardiac silhouette"


def edema_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    """Named by knowledge only (pulmonary edema is perihilar and bilateral), or described
    by its perihilar haze with a hedge."""
    severity = plan.severity
    if rng.random() < 0.3:
        phrase = pick(
            rng,
            [
                "bilateral perihilar haziness",
                "perihilar airspace opacities",
                "bilateral perihilar opacities",
            ],
        )
        hedge = {"mild": "mild", "moderate": "moderate", "severe": "severe"}[severity]
        return f"{{^}}, consistent with {hedge} pulmonary edema.", phrase
    phrase = pick(
        rng,
        [
            f"{severity} pulmonary edema",
            f"{severity} interstitial edema",
            f"{severity} interstitial pulmonary edema",
            "pulmonary edema",
        ],
    )
    return pick(
        rng,
        [
            "There is {}.",
            "{^}.",
            "Findings are consistent with {}.",
            "There is {}, likely cardiogenic.",
        ],
    ), phrase


def emphysema_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    """Named by knowledge only: hyperinflation involves both lungs."""
    choice = int(rng.integers(4))
    if choice == 0:
        return "The {}, with flattening of the hemidiaphragms.", "lungs are hyperinflated"
    if choice == 1:
        return pick(rng, ["There is {}.", "{^}."]), pick(rng, ["emphysema", "hyperinflation"])
    if choice == 2:
        return "{^}, consistent with emphysema.", "hyperinflated lungs"
    return "There are {}.", "emphysematous changes"


def fibrosis_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    if len(plan.site.sides) == 2:
        phrase = pick(
            rng,
            [
                "bibasilar reticular opacities",
                "basilar predominant reticular opacities",
                "coarse reticular markings at both lung bases",
                "pulmonary fibrosis",
            ],
        )
    else:
        side = plan.site.sides[0]
        phrase = pick(
            rng,
            [
                f"reticular opacities at the {side} base",
                f"{side} basilar fibrotic changes",
                f"{side} lower zone fibrosis",
            ],
        )
    plural = phrase.endswith(("opacities", "markings", "changes"))
    return pick(
        rng,
        [
            "There are {}." if plural else "There is {}.",
            "{^}, consistent with pulmonary fibrosis." if plural else "{^}, likely chronic.",
            "{^}, likely chronic.",
            "{^}.",
        ],
    ), phrase


def thickening_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    side = plan.site.sides[0]
    if plan.variant == "apical":
        phrase = pick(
            rng,
            [
                f"{side} apical pleural thickening",
                f"{side} apical pleural cap",
                f"pleural thickening at the {side} apex",
            ],
        )
    else:
        phrase = pick(
            rng,
            [
                f"pleural thickening along the {side} lateral chest wall",
                f"{side} lateral pleural thickening",
                f"{side} pleural thickening",
            ],
        )
    return pick(rng, ["There is {}.", "{^}, likely chronic.", "{^} is noted."]), phrase


def hernia_sentence(plan: LesionPlan, rng: np.random.Generator) -> tuple[str, str]:
    """Named by knowledge only (a hiatal hernia is retrocardiac), or by its air-fluid level."""
    if rng.random() < 0.25:
        phrase = pick(
            rng, ["retrocardiac air-fluid level", "retrocardiac opacity with an air-fluid level"]
        )
        return "{^}, compatible with a hiatal hernia.", phrase
    size = {
        "small": "small",
        "moderate": pick(rng, ["moderate", "moderate-sized"]),
        "large": "large",
    }[plan.severity]
    phrase = pick(rng, [f"{size} hiatal hernia", "hiatal hernia"])
    return pick(rng, ["There is a {}.", "A {} is noted.", "{^}.", "A {} is present."]), phrase


def impression_line(plan: LesionPlan, rng: np.random.Generator) -> str:
    """A brief restatement of one finding for the IMPRESSION."""
    site = plan.site
    where = (
        location_premodifier(site, rng)
        if site.sides and plan.finding not in ("effusion", "pneumothorax", "edema", "emphysema")
        else ""
    )
    side = side_word(site)
    lines = {
        "pneumonia": f"{capitalised(join(where, 'pneumonia'))}.",
        "consolidation": f"{capitalised(join(where, 'consolidation'))}, compatible with pneumonia "
        "in the appropriate clinical setting.",
        "opacity": f"{capitalised(join(where, 'opacity'))}, possibly infectious.",
        "nodule": f"{size_words(plan.size_mm or 10)} {join(where, 'nodule')}; CT of the chest is "
        "recommended for further characterization.",
        "mass": f"{capitalised(join(where, 'mass'))}, suspicious for malignancy. Recommend CT.",
        "effusion": f"{capitalised(join(plan.severity, side))} pleural effusion"
        f"{'s' if len(site.sides) == 2 else ''}.",
        "pneumothorax": f"{capitalised(join(plan.severity, side))} pneumothorax.",
        "atelectasis": f"{capitalised(join(where, 'atelectasis'))}."
        if plan.variant != "bibasilar"
        else "Bibasilar atelectasis.",
        "cardiomegaly": "Cardiomegaly.",
        "edema": f"{capitalised(plan.severity)} pulmonary edema.",
        "emphysema": "Emphysema.",
        "fibrosis": "Basilar fibrotic changes."
        if len(site.sides) == 2
        else f"{capitalised(join(where, 'fibrotic changes'))}.",
        "pleural thickening": f"{capitalised(side)} pleural thickening, likely chronic.",
        "hiatal hernia": "Hiatal hernia.",
    }
    return lines[plan.finding]
