"""The viewer shell, driven offscreen with pytest-qt."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from knowmvg_viewer.ui.app import main as viewer_main
from knowmvg_viewer.ui.main_window import MainWindow

from .conftest import open_in_window

pytestmark = pytest.mark.ui


def _send_mouse(widget, kind, pos: QPoint, button, buttons) -> None:
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_demo_study_opens_zooms_windows_and_reads_out(window, demo_study, qtbot):
    assert open_in_window(window, qtbot, demo_study)
    state, view = window.session.viewing, window.view
    assert state is not None
    assert window.report_panel.toPlainText() == window.session.study.report.text
    assert "FINDINGS" in window.report_panel.section_names()

    # fit on open: the whole image is visible
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.sceneRect().adjusted(1, 1, -1, -1))

    # wheel zoom
    before = view.current_scale()
    centre = view.viewport().rect().center()
    wheel = QWheelEvent(
        QPointF(centre),
        QPointF(view.viewport().mapToGlobal(centre)),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.current_scale() == pytest.approx(before * 1.25, rel=1e-3)

    # right-drag changes the window: horizontal = width, vertical = level
    width_before, center_before = state.window.width, state.window.center
    pixels_before = state.render().copy()
    start = centre
    _send_mouse(
        view.viewport(),
        QEvent.Type.MouseButtonPress,
        start,
        Qt.MouseButton.RightButton,
        Qt.MouseButton.RightButton,
    )
    _send_mouse(
        view.viewport(),
        QEvent.Type.MouseMove,
        start + QPoint(40, 25),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.RightButton,
    )
    _send_mouse(
        view.viewport(),
        QEvent.Type.MouseButtonRelease,
        start + QPoint(40, 25),
        Qt.MouseButton.RightButton,
        Qt.MouseButton.NoButton,
    )
    assert state.window.width > width_before and state.window.center > center_before
    assert "User" in window.window_label.text()
    assert not np.array_equal(state.render(), pixels_before)

    # pixel readout names the stored value at the hovered pixel, and mm with spacing
    pos = view.mapFromScene(QPointF(700.5, 900.5))
    _send_mouse(
        view.viewport(),
        QEvent.Type.MouseMove,
        pos,
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
    )
    under = view.mapToScene(pos)
    x, y = int(under.x()), int(under.y())
    assert abs(x - 700) <= 2 and abs(y - 900) <= 2
    text = window.readout_label.text()
    assert f"x {x}, y {y}" in text
    assert f"stored {int(state.image.stored[y, x])}" in text
    spacing = state.image.spacing
    assert spacing is not None and spacing.kind == "detector"
    assert f"{x * spacing.col_mm:.1f}, {y * spacing.row_mm:.1f} mm (detector)" in text


def test_shortcuts_invert_preset_and_reset(window, demo_study, qtbot):
    open_in_window(window, qtbot, demo_study)
    state = window.session.viewing
    original = state.render().copy()
    qtbot.keyClick(window, Qt.Key.Key_I)
    assert state.invert and np.array_equal(state.render(), 255 - original)
    if len(state.image.presets) > 1:
        qtbot.keyClick(window, Qt.Key.Key_2)
        assert state.preset_index == 1
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert not state.invert and state.preset_index == 0
    assert np.array_equal(state.render(), original)


def test_several_images_show_thumbnails_and_switch(window, tmp_path, chest_film_raw, qtbot):
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(chest_film_raw, folder / "a.dcm")
    import cv2

    cv2.imwrite(str(folder / "b.png"), np.full((300, 200), 90, np.uint8))
    assert open_in_window(window, qtbot, folder)
    assert window.thumbnails.isVisible() and window.thumbnails.count() == 2
    # the worker renders the thumbnails after the first image is shown
    qtbot.waitUntil(lambda: not window.thumbnails.item(1).icon().isNull())
    labels = [window.thumbnails.item(i).text() for i in range(2)]
    assert labels == [window.session.image.display_name, "b.png"]
    assert not window.thumbnails.item(0).icon().isNull()
    with qtbot.waitSignal(window.load_finished):
        window.thumbnails.setCurrentRow(1)
    assert window.session.image.path.name == "b.png"


def test_bad_file_shows_one_message_and_keeps_the_current_study(
    window, demo_study, tmp_path, qtbot
):
    open_in_window(window, qtbot, demo_study)
    shown = window.session.viewing
    bad = tmp_path / "broken.dcm"
    bad.write_bytes(b"\x00" * 128 + b"DICM" + b"\x01\x02" * 50)
    assert not open_in_window(window, qtbot, bad)
    assert str(bad) in window.last_error
    assert window.session.viewing is shown  # still showing the demo


def test_screenshot_flag_writes_png(tmp_path, demo_study, qapp):
    out = tmp_path / "shot.png"
    assert viewer_main([str(demo_study), "--screenshot", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_the_window_starts_on_most_of_the_screen_then_remembers(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no saved geometry
    first = MainWindow()
    qtbot.addWidget(first)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert first.width() >= 0.85 * area.width() and first.height() >= 0.85 * area.height()
    first.resize(int(area.width() * 0.6), int(area.height() * 0.6))
    first.close()  # saves its geometry
    second = MainWindow()
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (first.width(), first.height())
    second.close()


def test_the_image_refits_on_resize_until_the_user_zooms(window, demo_study, qtbot):
    window.resize(1200, 800)
    window.show()
    assert open_in_window(window, qtbot, demo_study)
    qtbot.wait(50)
    small = window.view.current_scale()
    window.resize(1600, 1000)
    qtbot.wait(50)
    larger = window.view.current_scale()
    assert larger > small  # refitted
    window.view.zoom(1.5)
    zoomed = window.view.current_scale()
    window.resize(1300, 850)
    qtbot.wait(50)
    assert window.view.current_scale() == pytest.approx(zoomed)  # the user's zoom is kept


def test_measure_mode_draws_a_ruler_in_mm_and_delete_removes_it(window, demo_study, qtbot):
    assert open_in_window(window, qtbot, demo_study)
    view, session = window.view, window.session
    window.actions.measure.trigger()  # measure mode: a left-drag draws, it does not pan
    start, end = view.mapFromScene(QPointF(400, 600)), view.mapFromScene(QPointF(400, 1400))
    viewport = view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _send_mouse(viewport, QEvent.Type.MouseButtonPress, start, left, left)
    _send_mouse(viewport, QEvent.Type.MouseMove, end, none, left)
    _send_mouse(viewport, QEvent.Type.MouseButtonRelease, end, left, none)
    (measured,) = session.measurements
    spacing = session.image.spacing
    assert measured.length_mm == pytest.approx(800 * spacing.row_mm, rel=0.02)
    assert measured.label().endswith("mm (detector)")
    (ruler,) = window.binding.rulers
    assert ruler.label.childItems()[0].text() == measured.label()
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert session.measurements == [] and window.binding.rulers == []


def test_films_are_decoded_off_the_gui_thread(window, tmp_path, demo_study, qtbot, monkeypatch):
    """In the decoding child, asked for by the loader thread; each film once."""
    import threading

    from knowmvg_viewer.study.process_decoder import ProcessDecoder

    asked_from: list[str] = []
    decode = ProcessDecoder.__call__

    def recording(self, path, frame=0):
        asked_from.append(threading.current_thread().name)
        image = decode(self, path, frame)
        assert image.path == path  # it came back from the child whole
        return image

    monkeypatch.setattr(ProcessDecoder, "__call__", recording)
    folder = tmp_path / "study"
    folder.mkdir()
    for n in range(3):
        shutil.copy(demo_study / "image.dcm", folder / f"film-{n}.dcm")
    assert open_in_window(window, qtbot, folder)
    qtbot.waitUntil(lambda: all(not window.thumbnails.item(i).icon().isNull() for i in range(3)))
    with qtbot.waitSignal(window.load_finished):
        window.thumbnails.setCurrentRow(2)
    assert asked_from == ["study-loader"] * 3  # the click is served from the study's cache


def test_a_decoder_crash_is_one_message_and_the_next_film_decodes(tmp_path, demo_study):
    from knowmvg_viewer.study import StudyError
    from knowmvg_viewer.study.process_decoder import ProcessDecoder

    decoder = ProcessDecoder()
    try:
        decoder._executor().submit(os._exit, 3)  # the child dies as a crashing codec would
        with pytest.raises(StudyError, match="decoder crashed"):
            for _ in range(50):  # the pool notices the death at the next submission
                decoder(demo_study / "image.dcm")
        assert decoder(demo_study / "image.dcm").width == 1700
    finally:
        decoder.shutdown()


def test_thumbnails_arriving_late_do_not_overlap(window, tmp_path, demo_study, qtbot):
    folder = tmp_path / "study"
    folder.mkdir()
    for n in range(3):
        shutil.copy(demo_study / "image.dcm", folder / f"film-{n}.dcm")
    assert open_in_window(window, qtbot, folder)
    strip = window.thumbnails
    qtbot.waitUntil(lambda: all(not strip.item(i).icon().isNull() for i in range(3)))
    rects = [strip.visualItemRect(strip.item(i)) for i in range(3)]
    assert all(not a.intersects(b) for a, b in zip(rects, rects[1:], strict=False))
    assert all(r.height() >= 96 for r in rects)
