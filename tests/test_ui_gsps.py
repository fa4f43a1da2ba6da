"""File > Open of a folder holding a film and a GSPS: the viewer applies the GSPS's window and
draws its graphics as their own layer (pytest-qt, offscreen)."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest
from highdicom.pr import GraphicObject, TextObject
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem

from . import gsps_fixtures as fx
from .conftest import open_in_window

pytestmark = pytest.mark.ui


def _paths(window) -> list[QGraphicsPathItem]:
    """The GSPS's line items, without their halos (the halo is drawn first, under each)."""
    items = window.binding.presentation.items
    return [i for i in items if isinstance(i, QGraphicsPathItem) and i.pen().widthF() < 2]


def _plates(window) -> list[QGraphicsRectItem]:
    return [i for i in window.binding.presentation.items if isinstance(i, QGraphicsRectItem)]


def _plate_text(plate: QGraphicsRectItem) -> str:
    return plate.childItems()[0].text()


def test_a_folder_with_a_gsps_opens_at_its_window_with_its_graphics(
    window, demo_study, tmp_path, qtbot
):
    folder = tmp_path / "study"
    folder.mkdir()
    for name in ("image.dcm", "report.txt"):
        shutil.copy(demo_study / name, folder / name)
    header = fx.image_header(folder / "image.dcm")
    fx.save(fx.gsps([header], label="CHEST REVIEW"), folder / "pr.dcm")
    assert open_in_window(window, qtbot, folder)
    session, view = window.session, window.view

    # its window, and the status bar says so
    viewing = session.viewing
    assert (viewing.window.center, viewing.window.width) == (1800.0, 2600.0)
    assert "C 1800 / W 2600" in window.window_label.text()
    assert window.presentation_label.isVisible()
    assert window.presentation_label.text() == "presentation state applied: CHEST REVIEW"

    # its graphics, where the GSPS puts them in image pixels, in the layer's colour
    lines = _paths(window)
    kinds = [round(line.pen().color().red()) for line in lines]
    assert all(abs(red - 255) <= 1 for red in kinds)  # orange (255, 165, 0)
    box, circle, ellipse, point, curve = lines
    assert box.path().boundingRect() == QRectF(300.5, 400.25, 399.5, 500.25)
    assert circle.path().boundingRect() == QRectF(1100.0, 600.0, 200.0, 200.0)
    ellipse_rect = ellipse.path().boundingRect()
    assert ellipse_rect.topLeft() == QPointF(1000.0, 1420.0)
    assert ellipse_rect.size().toSize().width() == 400 and round(ellipse_rect.height()) == 160
    assert ellipse.brush().color().alpha() == 60  # filled, see-through
    assert point.pos() == QPointF(*fx.POINT[0])
    assert point.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    for x, y in fx.CURVE:  # the interpolated curve passes through every point
        assert curve.path().intersects(QRectF(x - 0.5, y - 0.5, 1.0, 1.0))
    assert all(item.scene() is view.scene() and item.isVisible() for item in lines)

    boxed, anchored = _plates(window)
    assert (_plate_text(boxed), boxed.pos()) == ("RUL mass", QPointF(300.5, 330.0))
    assert (_plate_text(anchored), anchored.pos()) == ("nodule?", QPointF(*fx.ANCHOR))

    # its own layer: below the findings' boxes, toggled by View > Presentation state graphics
    assert all(item.zValue() < 2 for item in lines)
    window.actions.presentation.trigger()
    assert not session.overlays.presentation
    assert not any(item.isVisible() for item in window.binding.presentation.items)
    window.actions.presentation.trigger()
    assert all(item.isVisible() for item in window.binding.presentation.items)

    # the user still windows as usual, and reset returns to the GSPS's window
    session.drag_window(50.0, 20.0)
    assert viewing.window.source == "user"
    window.reset_view()
    assert viewing.window.source == "presentation-state"


def test_the_real_film_with_display_units_and_the_gsps_only_on_its_image(
    window, chest_film_raw, tmp_path, qtbot
):
    """RG1 (MONOCHROME1, 1841 x 1955) with a GSPS in DISPLAY units and INVERSE (shown as the
    film itself shows); a second image in the folder has no GSPS: nothing of it is drawn."""
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(chest_film_raw, folder / "a.dcm")
    cv2.imwrite(str(folder / "b.png"), np.full((300, 200), 90, np.uint8))
    header = fx.image_header(folder / "a.dcm")
    half = GraphicObject("POLYLINE", np.array([[0.25, 0.25], [0.75, 0.25]]), "DISPLAY")
    note = TextObject("DISPLAY note", "DISPLAY", anchor_point=(0.5, 0.5))
    notes = fx.layer("NOTES", colour=None)
    annotations = [fx.annotation([header], [half], [note], notes)]
    state = fx.gsps([header], annotations, [notes], inverse=True, label="RG1")
    fx.save(state, folder / "pr.dcm")
    assert open_in_window(window, qtbot, folder)

    viewing = window.session.viewing
    assert viewing.image.photometric == "MONOCHROME1" and not viewing.invert
    (line,) = _paths(window)
    assert line.path().boundingRect() == QRectF(0.25 * 1841, 0.25 * 1955, 0.5 * 1841, 0.0)
    assert line.pen().color().getRgb()[:3] == (0, 229, 255)  # no layer colour: ours
    (plate,) = _plates(window)
    assert plate.pos() == QPointF(0.5 * 1841, 0.5 * 1955)

    with qtbot.waitSignal(window.load_finished):
        window.thumbnails.setCurrentRow(1)
    assert window.session.image.path.name == "b.png"
    assert window.binding.presentation.items == [] and not window.presentation_label.isVisible()
    with qtbot.waitSignal(window.load_finished):
        window.thumbnails.setCurrentRow(0)
    assert len(_paths(window)) == 1 and window.presentation_label.isVisible()
