"""Procedural chest radiograph studies with reports and grounded phrases (numpy + OpenCV).

What the default model is trained and tested on, since no real labelled data can be
shipped. One seed gives one study: a PA film with real anatomy shapes and varied exposure,
lesions of the common findings placed by the NIH radiologists' location priors, a report in
real radiology phrasing, and the exact span and boxes of every phrase.

    study = generate_study(seed, size=512)
    image = display_image(study)  # float32 [0, 1], air dark: the engine's input
    for phrase in study.phrases: study.report[slice(*phrase.span)] == phrase.text

`write_ms_cxr` and `write_study_folders` export studies for the readers and the viewer.
"""

from .export import write_ms_cxr, write_study_folders
from .generator import (
    StudyPlan,
    SyntheticLesion,
    SyntheticPhrase,
    SyntheticStudy,
    display_image,
    generate_study,
    plan_study,
    render_lateral,
    render_study,
    split_of,
    split_seeds,
    without_lesions,
)
from .lesions import DEFAULT, Difficulty
from .placement import FINDINGS

__all__ = [
    "DEFAULT",
    "FINDINGS",
    "Difficulty",
    "StudyPlan",
    "SyntheticLesion",
    "SyntheticPhrase",
    "SyntheticStudy",
    "display_image",
    "generate_study",
    "plan_study",
    "render_lateral",
    "render_study",
    "split_of",
    "split_seeds",
    "without_lesions",
    "write_ms_cxr",
    "write_study_folders",
]
