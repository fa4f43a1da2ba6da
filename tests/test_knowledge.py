"""The knowledge base: bundled files, report-text queries, prior boxes, and the priors script."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from model_core.knowledge import KnowledgeBase, Mention
from model_core.knowledge.records import CATEGORIES, SITES
from model_core.resources import resources_dir

from .conftest import REPO_ROOT

KNOWLEDGE_DIR = resources_dir() / "knowledge"
FINDING_NAMES = {
    "atelectasis", "cardiomegaly", "consolidation", "edema", "effusion", "emphysema", "fibrosis",
    "hiatal hernia", "opacity", "mass", "nodule", "pleural thickening", "pneumonia", "pneumothorax",
}  # fmt: skip
# CheXpert's observations (as our names), devices, and chronic/incidental findings
CHEXPERT = {
    "enlarged cardiomediastinum", "cardiomegaly", "opacity", "lung lesion", "edema",
    "consolidation", "pneumonia", "atelectasis", "pneumothorax", "effusion",
    "pleural thickening", "fracture", "support device",
}  # fmt: skip
DEVICES = {
    "endotracheal tube", "nasogastric tube", "central venous catheter",
    "peripherally inserted central catheter", "chest tube", "pacemaker", "sternotomy wires",
    "surgical clips", "port",
}  # fmt: skip
CHRONIC = {
    "calcified granuloma", "scarring", "tortuous aorta", "aortic calcification",
    "elevated hemidiaphragm", "hyperinflation", "bronchiectasis", "hilar enlargement",
    "degenerative spine",
}  # fmt: skip


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _centre_x(box: tuple[float, ...]) -> float:
    return (box[0] + box[2]) / 2


def _inside(inner: tuple[float, ...], outer: tuple[float, ...], tol: float = 1e-9) -> bool:
    return (
        inner[0] >= outer[0] - tol
        and inner[1] >= outer[1] - tol
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


# ---- bundled files ---------------------------------------------------------------------


def test_bundled_files_load_with_all_findings_and_regions(kb):
    names = {f.name for f in kb.findings}
    assert len(names) >= 45
    assert FINDING_NAMES | CHEXPERT | DEVICES | CHRONIC <= names
    assert {f.category for f in kb.findings if f.name in DEVICES} == {"device"}
    assert len(kb.regions) >= 24
    for side in ("right", "left"):
        for part in ("apex", "upper_zone", "mid_zone", "lower_zone", "hilum", "costophrenic_angle"):
            assert f"{side}_{part}" in kb.region_ids
    for region_id in ("cardiac_silhouette", "retrocardiac", "trachea", "aortic_knob"):
        assert region_id in kb.region_ids


def test_region_ids_follow_the_atlas_file_order(kb):
    atlas = json.loads((KNOWLEDGE_DIR / "atlas.json").read_text())
    assert kb.region_ids == tuple(r["id"] for r in atlas["regions"])


def test_every_finding_region_exists_and_findings_are_described(kb):
    for finding in kb.findings:
        assert finding.regions, finding.name
        assert set(finding.regions) <= set(kb.region_ids), finding.name
        assert len(finding.description.split()) >= 15, finding.name
        assert finding.site in SITES and finding.category in CATEGORIES, finding.name


def test_region_boxes_are_valid_and_patient_right_is_image_left(kb):
    for region in kb.regions:
        x0, y0, x1, y1 = region.box
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, region.id
    right_ids = [r for r in kb.region_ids if r.startswith("right_")]
    assert len(right_ids) >= 10
    for right_id in right_ids:
        right = kb.region(right_id)
        left = kb.region("left_" + right_id.removeprefix("right_"))
        assert right.side == "right" and left.side == "left"
        assert _centre_x(right.box) < 0.5 < _centre_x(left.box), right_id
        assert right.box[0] < left.box[0] and right.box[2] < left.box[2], right_id


def test_lung_zones_lie_within_their_lung(kb):
    for side in ("right", "left"):
        lung = kb.region(f"{side}_lung").box
        for zone in ("apex", "upper_zone", "mid_zone", "lower_zone"):
            assert _inside(kb.region(f"{side}_{zone}").box, lung), f"{side}_{zone}"


def test_atlas_agrees_with_the_nih_priors(kb):
    for finding in ("atelectasis", "effusion", "opacity", "mass", "nodule", "pneumonia"):
        for side in ("right", "left"):
            cx, cy, _, _ = kb.location_prior(finding, side).mean_cxcywh
            x0, y0, x1, y1 = kb.region(f"{side}_lung").box
            assert x0 <= cx <= x1 and y0 <= cy <= y1, (finding, side)
    cx, cy, _, _ = kb.location_prior("cardiomegaly").mean_cxcywh
    x0, y0, x1, y1 = kb.region("cardiac_silhouette").box
    assert x0 <= cx <= x1 and y0 <= cy <= y1
    pneumothorax = kb.location_prior("pneumothorax", "right").mean_cxcywh
    assert pneumothorax[1] < kb.location_prior("effusion", "right").mean_cxcywh[1]


def test_committed_priors_come_from_all_984_nih_boxes():
    document = json.loads((KNOWLEDGE_DIR / "location_priors.json").read_text())
    assert document["source"]["file"] == "BBox_List_2017.csv"
    assert document["source"]["n_boxes"] == 984
    priors = document["priors"]
    assert set(priors) == {
        "atelectasis", "cardiomegaly", "effusion", "opacity",
        "mass", "nodule", "pneumonia", "pneumothorax",
    }  # fmt: skip
    assert sum(p["any"]["n"] for p in priors.values()) == 984
    for finding, sides in priors.items():
        assert sides["right"]["n"] + sides["left"]["n"] == sides["any"]["n"], finding


def _verhoeff_ok(number: str) -> bool:
    d = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]  # fmt: skip
    p = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ]  # fmt: skip
    check = 0
    for i, digit in enumerate(reversed(number)):
        check = d[check][p[i % 8][int(digit)]]
    return check == 0


def test_snomed_codes_are_well_formed_concept_ids(kb):
    """A typo in a code fails SNOMED's Verhoeff check digit or its concept partition ("00")."""
    codes = {f.name: f.code for f in kb.findings if f.code is not None}
    assert codes["effusion"].value == "60046008"
    assert codes["pneumothorax"].value == "36118008"
    for name, code in codes.items():
        assert code.scheme == "SCT" and code.meaning, name
        assert code.value.isdigit() and _verhoeff_ok(code.value), name
        assert code.value[-3:-1] == "00", name
    assert not _verhoeff_ok("60046009")


# ---- finding mentions ------------------------------------------------------------------


def test_negated_mention_is_found_with_exact_offsets(kb):
    assert kb.find_mentions("No pleural effusion.") == [
        Mention("effusion", 3, 19, "pleural effusion")
    ]


@pytest.mark.parametrize(
    ("text", "finding", "wording"),
    [
        ("The heart is enlarged.", "cardiomegaly", "heart is enlarged"),
        ("Right lower lobe consolidation.", "consolidation", "consolidation"),
        ("Small bilateral pleural effusions.", "effusion", "pleural effusions"),
        ("Multiple pulmonary nodules.", "nodule", "pulmonary nodules"),
        ("Two masses in the left lung.", "mass", "masses"),
        ("Patchy bibasilar opacities.", "opacity", "opacities"),
        ("Left lower lobe infiltrate.", "opacity", "infiltrate"),
        ("Enlarged cardiac silhouette.", "cardiomegaly", "Enlarged cardiac silhouette"),
        (
            "Mild pulmonary vascular congestion.",
            "vascular congestion",
            "pulmonary vascular congestion",
        ),
        ("The lungs are hyperinflated.", "hyperinflation", "lungs are hyperinflated"),
        ("Small residual left apical PTX.", "pneumothorax", "PTX"),
        ("ETT 4 cm above the carina.", "endotracheal tube", "ETT"),
        ("Mild pulmonary oedema.", "edema", "pulmonary oedema"),
        (
            "Blunting of the left costophrenic angle.",
            "effusion",
            "Blunting of the left costophrenic angle",
        ),
        ("Left lower lobe collapse.", "atelectasis", "collapse"),
        ("Volume loss at the right base.", "atelectasis", "Volume loss"),
        ("PLEURAL-EFFUSION on the left.", "effusion", "PLEURAL-EFFUSION"),
        ("Apical pleural thickening.", "pleural thickening", "pleural thickening"),
        ("Small hiatus hernia.", "hiatal hernia", "hiatus hernia"),
        ("Interstitial fibrosis at the bases.", "fibrosis", "Interstitial fibrosis"),
    ],
)
def test_find_mentions_on_radiology_wordings(kb, text, finding, wording):
    mentions = kb.find_mentions(text)
    assert [(m.finding, m.text) for m in mentions] == [(finding, wording)]
    assert text[mentions[0].start : mentions[0].end] == wording


def test_mentions_in_a_report_index_the_text_exactly(kb):
    report = (
        "FINDINGS: Mild cardiomegaly. Patchy airspace disease at the left base, likely "
        "atelectasis. No pneumothorax.\nIMPRESSION: Left basilar opacity concerning for pneumonia."
    )
    mentions = kb.find_mentions(report)
    assert [m.finding for m in mentions] == [
        "cardiomegaly", "opacity", "atelectasis", "pneumothorax", "opacity", "pneumonia",
    ]  # fmt: skip
    for mention in mentions:
        assert report[mention.start : mention.end] == mention.text
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))


def test_mentions_respect_word_boundaries_and_exclusions(kb):
    assert kb.find_mentions("Massive hemoptysis.") == []
    assert kb.find_mentions("Small pericardial effusion.") == []
    assert kb.find_mentions("Heart size is normal.") == []


def test_match_finding(kb):
    assert kb.match_finding("right lower lobe consolidation").name == "consolidation"
    assert kb.match_finding("infiltration").name == "opacity"
    assert kb.match_finding("Cardiomegaly").name == "cardiomegaly"
    assert kb.match_finding("endotracheal tube in place").name == "endotracheal tube"
    assert kb.match_finding("Known primary malignancy") is None  # a diagnosis, not a finding


# ---- laterality and regions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "side"),
    [
        ("left lower lobe", "left"),
        ("right base", "right"),
        ("bibasilar atelectasis", "bilateral"),
        ("bilateral pleural effusions", "bilateral"),
        ("opacities in both lungs", "bilateral"),
        ("right effusion and left pneumothorax", "bilateral"),
        ("R lower lobe nodule", "right"),
        ("L apical pneumothorax", "left"),
        ("Right-sided effusion", "right"),
        ("retrocardiac opacity", None),
        ("small pneumothorax", None),
        ("r/o pneumonia", None),
        ("compression deformity of L1", None),
    ],
)
def test_side_of(kb, phrase, side):
    assert kb.side_of(phrase) == side


@pytest.mark.parametrize(
    ("phrase", "region_ids"),
    [
        ("left lower lobe", ["left_lower_zone"]),
        ("Right lower lobe consolidation", ["right_lower_zone"]),
        ("right base", ["right_lower_zone"]),
        ("opacity at the right lung base", ["right_lower_zone"]),
        ("bibasilar atelectasis", ["right_lower_zone", "left_lower_zone"]),
        ("atelectasis at the bases bilaterally", ["right_lower_zone", "left_lower_zone"]),
        ("retrocardiac opacity", ["retrocardiac"]),
        ("opacity in the lingula", ["left_mid_zone"]),
        ("right middle lobe pneumonia", ["right_mid_zone"]),
        ("small right apical pneumothorax", ["right_apex"]),
        ("Right effusion with adjacent basilar atelectasis", ["right_lower_zone"]),
        ("Right effusion and left basilar atelectasis", ["left_lower_zone"]),
        ("blunting of the left costophrenic angle", ["left_costophrenic_angle"]),
        ("right hilar mass", ["right_hilum"]),
        ("small pneumothorax", []),
    ],
)
def test_mentioned_regions(kb, phrase, region_ids):
    assert [r.id for r in kb.mentioned_regions(phrase)] == region_ids


@pytest.mark.parametrize(
    "phrase, names",
    [
        ("small right pleural effusion", True),
        ("retrocardiac opacity", True),
        ("bibasilar atelectasis", True),
        ("cardiomegaly", False),
        ("heart is enlarged", False),  # "heart" is the finding's own wording, not a place
        ("small pneumothorax", False),
        ("pulmonary edema", False),
    ],
)
def test_names_location(kb, phrase, names):
    assert kb.names_location(phrase) is names


# ---- knowledge text and prior boxes ----------------------------------------------------


def test_knowledge_text_has_description_and_location(kb):
    effusion = kb.finding("effusion")
    text = kb.knowledge_text("small right pleural effusion")
    assert text.startswith("effusion: " + effusion.description)
    assert "Right costophrenic angle" in text and "Left" not in text
    located = kb.knowledge_text("left lower lobe consolidation")
    assert located.endswith("Location: Left lower zone.")
    assert kb.knowledge_text("left lower lobe consolidation") == located
    assert kb.knowledge_text("endotracheal tube").startswith("endotracheal tube: ")
    assert kb.knowledge_text("odd shape") == ""


def test_prior_box_for_cardiomegaly_covers_the_heart(kb):
    box = kb.prior_box("cardiomegaly")
    assert _iou(box, kb.region("cardiac_silhouette").box) > 0.5
    assert kb.prior_box("The heart is enlarged.") == box


def test_prior_box_follows_the_side(kb):
    right = kb.prior_box("right pneumothorax")
    assert right[2] < 0.5
    left = kb.prior_box("small left pleural effusion")
    assert left[0] > 0.5
    either = kb.prior_box("No pleural effusion.")
    assert either[0] < 0.5 < either[2]


def test_prior_box_within_named_regions(kb):
    assert kb.prior_box("right lower lobe consolidation") == kb.region("right_lower_zone").box
    left_base = kb.region("left_lower_zone").box
    atelectasis = kb.prior_box("left base atelectasis")
    assert _inside(atelectasis, left_base)
    assert (atelectasis[2] - atelectasis[0]) < (left_base[2] - left_base[0])
    nodule = kb.prior_box("nodule in the right upper lobe")
    assert _inside(nodule, kb.region("right_upper_zone").box)
    assert nodule[2] - nodule[0] < 0.15


def test_prior_box_falls_back_to_typical_regions_then_lungs(kb):
    hernia = kb.prior_box("hiatal hernia")
    assert (
        _inside(hernia, kb.region("cardiac_silhouette").box)
        or _iou(hernia, kb.region("retrocardiac").box) > 0
    )
    lungs = kb.prior_box("lines and tubes unchanged")
    assert lungs[0] <= kb.region("right_lung").box[0] and lungs[2] >= kb.region("left_lung").box[2]


@pytest.mark.parametrize(
    "phrase",
    ["bibasilar atelectasis", "left upper lobe mass", "apical pleural thickening", "edema", "x"],
)
def test_prior_boxes_are_proper_boxes(kb, phrase):
    x0, y0, x1, y1 = kb.prior_box(phrase)
    assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


# ---- loading errors --------------------------------------------------------------------


def _copy_knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    return folder


def test_broken_json_names_the_file(tmp_path):
    folder = _copy_knowledge(tmp_path)
    (folder / "atlas.json").write_text('{"regions": [')
    with pytest.raises(ValueError, match=r"atlas\.json: invalid JSON"):
        KnowledgeBase.load(folder)


def test_missing_file_names_the_file(tmp_path):
    folder = _copy_knowledge(tmp_path)
    (folder / "location_priors.json").unlink()
    with pytest.raises(ValueError, match=r"location_priors\.json: file not found"):
        KnowledgeBase.load(folder)


def test_bad_region_box_and_unknown_region_are_reported(tmp_path):
    folder = _copy_knowledge(tmp_path)
    atlas = json.loads((folder / "atlas.json").read_text())
    atlas["regions"][0]["box"] = [0.5, 0.1, 0.4, 0.9]
    (folder / "atlas.json").write_text(json.dumps(atlas))
    with pytest.raises(ValueError, match=r"atlas\.json: regions\[0\]: box must"):
        KnowledgeBase.load(folder)
    atlas["regions"] = [r for r in atlas["regions"] if r["id"] != "retrocardiac"]
    atlas["regions"][0]["box"] = [0.1, 0.1, 0.4, 0.9]
    (folder / "atlas.json").write_text(json.dumps(atlas))
    with pytest.raises(ValueError, match=r"findings\.json: .*retrocardiac"):
        KnowledgeBase.load(folder)


# ---- the priors script -----------------------------------------------------------------

FIXTURE_CSV = """Image Index,Finding Label,Bbox [x,y,w,h],,,
00013118_008.png,Atelectasis,225.084745762712,547.019216763771,86.7796610169491,79.1864406779661
a.png,Atelectasis,100,200,100,100
b.png,Atelectasis,700,300,200,100
c.png,Infiltrate,400,400,100,200

d.png,Cardiomegaly,300,400,424,300
"""


@pytest.fixture(scope="module")
def priors_script():
    path = REPO_ROOT / "scripts" / "derive_location_priors.py"
    spec = importlib.util.spec_from_file_location("derive_location_priors", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_priors_script_on_a_fixture_csv(tmp_path, priors_script):
    csv_path = tmp_path / "BBox_List_2017.csv"
    csv_path.write_text(FIXTURE_CSV)
    document = priors_script.derive_priors(csv_path, wheel_version="test")
    assert document["source"]["n_boxes"] == 5
    assert document["source"]["wheel_version"] == "test"
    priors = document["priors"]
    assert set(priors) == {"atelectasis", "opacity", "cardiomegaly"}

    first_cx = (225.084745762712 + 86.7796610169491 / 2) / 1024
    cxs = [first_cx, 150 / 1024, 800 / 1024]
    atelectasis = priors["atelectasis"]
    assert atelectasis["any"]["n"] == 3
    assert atelectasis["any"]["mean"][0] == pytest.approx(sum(cxs) / 3, abs=1e-4)
    assert atelectasis["right"]["n"] == 2 and atelectasis["left"]["n"] == 1
    assert atelectasis["right"]["mean"][0] == pytest.approx((cxs[0] + cxs[1]) / 2, abs=1e-4)
    assert atelectasis["right"]["std"][0] == pytest.approx(abs(cxs[0] - cxs[1]) / 2**0.5, abs=1e-4)
    left_box = [v / 1024 for v in (800, 350, 200, 100)]
    assert atelectasis["left"]["mean"] == pytest.approx(left_box, abs=1e-4)
    assert atelectasis["left"]["std"] == [0.0, 0.0, 0.0, 0.0]
    assert atelectasis["left"]["p50"] == atelectasis["left"]["mean"]
    # Infiltrate is our "opacity"; a centre at exactly 0.5 counts as the patient's left.
    opacity_box = [v / 1024 for v in (450, 500, 100, 200)]
    assert priors["opacity"]["right"]["mean"] == pytest.approx(opacity_box, abs=1e-4)
    assert "left" not in priors["opacity"]
    assert set(priors["cardiomegaly"]) == {"any", "left"}


def test_priors_script_output_loads_as_knowledge(tmp_path, priors_script):
    csv_path = tmp_path / "BBox_List_2017.csv"
    csv_path.write_text(FIXTURE_CSV)
    folder = _copy_knowledge(tmp_path)
    assert (
        priors_script.main(["--csv", str(csv_path), "--out", str(folder / "location_priors.json")])
        == 0
    )
    kb = KnowledgeBase.load(folder)
    assert kb.location_prior("opacity", "right").n == 1
    assert kb.location_prior("nodule") is None


def test_priors_script_rejects_unknown_labels(tmp_path, priors_script):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("Image Index,Finding Label,Bbox [x,y,w,h],,,\na.png,Fracture,1,2,3,4\n")
    with pytest.raises(ValueError, match=r"bad\.csv:2: unknown finding label 'Fracture'"):
        priors_script.derive_priors(csv_path)
