"""Hostile files opened in the viewer (hardening issue, items 4 and 12): each gives one
visible dialog with one line naming the file, the study on screen stays, and the viewer
goes on opening the next file. Nothing is only written to stderr."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from . import hostile_files as hostile
from .conftest import open_in_window


def _dialogs() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (hostile.rle_panic, "cannot decode pixel data with transfer syntax RLE Lossless"),
        (hostile.rle_huge, "image too large to open"),
        (hostile.short_modality_lut, "invalid Modality LUT"),
    ],
)
def test_a_hostile_file_is_one_dialog_and_the_study_on_screen_stays(
    window, qtbot, demo_study, tmp_path, make, reason
):
    assert open_in_window(window, qtbot, demo_study)
    shown = window.session.study
    bad = make(tmp_path / "bad.dcm")
    assert not open_in_window(window, qtbot, bad)
    qtbot.waitUntil(lambda: bool(_dialogs()))
    (dialog,) = _dialogs()
    assert reason in dialog.text() and str(bad) in dialog.text() and "\n" not in dialog.text()
    assert window.session.study is shown  # the film on screen is still the demo's
    dialog.close()
    assert open_in_window(window, qtbot, demo_study)  # and the viewer goes on


# -- anonymised exports from the viewer (item 20) ------------------------------------------
def test_with_the_setting_files_are_anonymised_but_what_goes_to_the_pacs_is_not(
    window, qtbot, chest_film_raw, tmp_path, monkeypatch
):
    import json

    import pydicom

    from knowmvg_viewer.ui.dialogs import ANONYMISE_KEY
    from model_core.results import GroundedFinding

    assert open_in_window(window, qtbot, chest_film_raw)
    finding = GroundedFinding(
        "left pleural effusion", (0, 21), box=(1100.0, 1400.0, 1500.0, 1750.0), score=0.8
    )
    window.session.findings.findings = [finding]
    window.settings.setValue(ANONYMISE_KEY, True)
    sr = pydicom.dcmread(window.exports.export_sr_to(tmp_path / "a.sr.dcm"))
    pr = pydicom.dcmread(window.exports.export_presentation_state_to(tmp_path / "a.pr.dcm"))
    for written in (sr, pr):
        assert written.PatientIdentityRemoved == "YES" and not written.PatientID
    _, sidecar = window.exports.export_to(tmp_path / "a.png")
    assert json.loads(sidecar.read_text())["results"][0]["image"] is None
    assert str(chest_film_raw) not in sidecar.read_text()

    sent: list = []
    monkeypatch.setattr(
        window.pacs_panel, "send_files", lambda files, node=None: sent.extend(files) or True
    )
    assert window.exports.send_to_pacs(node=None, include_presentation_state=True)
    for path in sent:  # the PACS copy joins the patient's study
        assert pydicom.dcmread(path).PatientID == "9RG1"
