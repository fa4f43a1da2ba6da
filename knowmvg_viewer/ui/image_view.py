"""The radiograph canvas: fit, wheel zoom, drag pan, right-drag window/level, pixel hover,
in measure mode a left-drag that draws a ruler; under review, the selected finding's box is
moved by dragging it and resized by its corner handles, and a new finding's box is drawn
by a left-drag."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
)

from .overlays import CORNERS, BoxOverlay, MeasurementOverlay, corner_point

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.02, 40.0
MIN_RULER_SCREEN_PX = 4  # a shorter drag is a click, not a measurement
GRIP_SCREEN_PX = 8  # how near a corner a press takes its handle
MIN_BOX_PX = 2.0  # the smallest box, in image pixels
GRIP_CURSORS = {
    "move": Qt.CursorShape.SizeAllCursor,
    "top-left": Qt.CursorShape.SizeFDiagCursor,
    "bottom-right": Qt.CursorShape.SizeFDiagCursor,
    "top-right": Qt.CursorShape.SizeBDiagCursor,
    "bottom-left": Qt.CursorShape.SizeBDiagCursor,
}


class RadiographView(QGraphicsView):
    """Scene coordinates are image pixel coordinates (pixel (x, y) spans [x, x+1))."""

    pixel_hovered = Signal(int, int)  # image pixel under the cursor
    left_image = Signal()
    window_dragged = Signal(float, float)  # dx, dy in screen pixels since the last event
    measured = Signal(QPointF, QPointF)  # a ruler drawn in measure mode, in image pixels
    box_edited = Signal(int, QRectF)  # a finding's box moved or resized, in image pixels
    box_drawn = Signal(QRectF)  # a box drawn for a new finding, in image pixels
    drawing_cancelled = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._pixmap_item = QGraphicsPixmapItem()
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        # repaints for overlays then blit the scaled film instead of resampling 4 Mpx each time
        self._pixmap_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.scene().addItem(self._pixmap_item)
        self.setBackgroundBrush(Qt.GlobalColor.black)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self._window_drag_from: QPoint | None = None
        self._fit_on_resize = True
        self._measuring = False
        self._ruler: MeasurementOverlay | None = None  # the one being drawn
        self._ruler_from: QPointF | None = None
        self.length_label: Callable[[QPointF, QPointF], str] = lambda a, b: ""
        self._editable: tuple[int, BoxOverlay] | None = None  # the box that handles move
        self._edit: tuple[str, QPointF, QRectF] | None = None  # grip, from, box at the press
        self._drawing = False
        self._draft: QGraphicsRectItem | None = None  # the new finding's box, being drawn
        self._draft_from: QPointF | None = None

    # -- review: editing a box, drawing a new one -----------------------------------------
    def set_editable_box(self, index: int | None, overlay: BoxOverlay | None) -> None:
        """The box a left-drag moves (inside it) or resizes (at a corner handle)."""
        self._editable = None if index is None or overlay is None else (index, overlay)

    def start_drawing(self) -> None:
        """A left-drag draws a box (`box_drawn`); Esc cancels (`drawing_cancelled`)."""
        self._drawing = True
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.setFocus()

    def stop_drawing(self) -> None:
        if self._draft is not None:
            self.scene().removeItem(self._draft)
        self._drawing, self._draft, self._draft_from = False, None, None
        self.set_measuring(self._measuring)

    def _grip_at(self, position: QPoint) -> str | None:
        """The grip under POSITION: "move" inside the editable box, a corner on its handle."""
        if self._editable is None:
            return None
        rect = self._editable[1].rect.rect()
        for corner in CORNERS:
            at = self.mapFromScene(corner_point(rect, corner))
            if QLineF(QPointF(at), QPointF(position)).length() <= GRIP_SCREEN_PX:
                return corner
        return "move" if rect.contains(self.mapToScene(position)) else None

    def _dragged(self, now: QPointF) -> QRectF:
        grip, start, rect = self._edit
        bounds = self.sceneRect()
        dx, dy = now.x() - start.x(), now.y() - start.y()
        if grip == "move":
            dx = min(max(dx, bounds.left() - rect.left()), bounds.right() - rect.right())
            dy = min(max(dy, bounds.top() - rect.top()), bounds.bottom() - rect.bottom())
            return rect.translated(dx, dy)
        x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
        if grip.endswith("left"):
            x0 = min(x0 + dx, x1 - MIN_BOX_PX)
        else:
            x1 = max(x1 + dx, x0 + MIN_BOX_PX)
        if grip.startswith("top"):
            y0 = min(y0 + dy, y1 - MIN_BOX_PX)
        else:
            y1 = max(y1 + dy, y0 + MIN_BOX_PX)
        return QRectF(QPointF(x0, y0), QPointF(x1, y1)).intersected(bounds)

    def set_measuring(self, measuring: bool) -> None:
        """Measure mode: a left-drag draws a ruler instead of panning."""
        self._measuring = measuring
        self.setDragMode(
            QGraphicsView.DragMode.NoDrag if measuring else QGraphicsView.DragMode.ScrollHandDrag
        )
        self.viewport().setCursor(
            Qt.CursorShape.CrossCursor if measuring else Qt.CursorShape.OpenHandCursor
        )

    # -- content -------------------------------------------------------------------
    def set_pixmap(self, pixmap: QPixmap, *, fit: bool) -> None:
        """Replace the image; `fit` for a new image, not for a window/level change."""
        self._pixmap_item.setPixmap(pixmap)
        self.scene().setSceneRect(QRectF(pixmap.rect()))
        if fit:
            self.fit()

    def centre_on_rect(self, rect: QRectF) -> None:
        """Bring a finding's box into view without changing the zoom."""
        if not self.mapToScene(self.viewport().rect()).boundingRect().contains(rect):
            self.centerOn(rect.center())

    def has_image(self) -> bool:
        return not self._pixmap_item.pixmap().isNull()

    # -- zoom ----------------------------------------------------------------------
    def fit(self) -> None:
        if self.has_image():
            self.fitInView(self._pixmap_item, Qt.AspectRatioMode.KeepAspectRatio)
            self._fit_on_resize = True

    def zoom(self, factor: float) -> None:
        scale = self.current_scale()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        self.scale(factor, factor)
        self._fit_on_resize = False

    def current_scale(self) -> float:
        return self.transform().m11()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt override)
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(ZOOM_STEP**steps)
        event.accept()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fit_on_resize:
            self.fit()

    # -- mouse: right-drag window/level, hover readout -----------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton:
            self._window_drag_from = event.position().toPoint()
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._drawing and self.has_image():
            self._draft_from = self.mapToScene(event.position().toPoint())
            self._draft = QGraphicsRectItem(QRectF(self._draft_from, self._draft_from))
            pen = QPen(QColor(255, 255, 255), 2.0, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._draft.setPen(pen)
            self._draft.setZValue(10)
            self.scene().addItem(self._draft)
            event.accept()
            return
        grip = self._grip_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and grip and not self._measuring:
            rect = self._editable[1].rect.rect()
            self._edit = (grip, self.mapToScene(event.position().toPoint()), rect)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._measuring and self.has_image():
            self._ruler_from = self.mapToScene(event.position().toPoint())
            line = QLineF(self._ruler_from, self._ruler_from)
            self._ruler = MeasurementOverlay(self.scene(), line, "")
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._fit_on_resize = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        position = event.position().toPoint()
        if self._window_drag_from is not None:
            delta = position - self._window_drag_from
            self._window_drag_from = position
            self.window_dragged.emit(float(delta.x()), float(delta.y()))
            event.accept()
        elif self._draft is not None:
            end = self.mapToScene(position)
            self._draft.setRect(QRectF(self._draft_from, end).normalized())
            event.accept()
        elif self._edit is not None:
            self._editable[1].set_rect(self._dragged(self.mapToScene(position)))
            event.accept()
        elif self._ruler is not None:
            start, end = self._ruler_from, self.mapToScene(position)
            self._ruler.set_line(QLineF(start, end), self.length_label(start, end))
            event.accept()
        else:
            super().mouseMoveEvent(event)
            if event.buttons() == Qt.MouseButton.NoButton:
                self._show_grip_cursor(position)
        self._emit_hover(position)

    def _show_grip_cursor(self, position: QPoint) -> None:
        """Over the editable box: a move or resize cursor, as the press would do."""
        if self._drawing or self._measuring:
            return
        grip = self._grip_at(position)
        cursor = GRIP_CURSORS.get(grip, Qt.CursorShape.OpenHandCursor)
        self.viewport().setCursor(cursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton and self._window_drag_from is not None:
            self._window_drag_from = None
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._draft is not None:
            self._finish_draft(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._edit is not None:
            rect = self._dragged(self.mapToScene(event.position().toPoint()))
            before = self._edit[2]
            self._edit = None
            if rect != before and self._editable is not None:
                self.box_edited.emit(self._editable[0], rect)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._ruler is not None:
            self._finish_ruler(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _finish_ruler(self, end: QPointF) -> None:
        """The drawn line goes; the session's measurement, if long enough, replaces it."""
        start = self._ruler_from
        self._ruler.remove(self.scene())
        self._ruler, self._ruler_from = None, None
        on_screen = QLineF(self.mapFromScene(start), self.mapFromScene(end)).length()
        if on_screen >= MIN_RULER_SCREEN_PX:
            self.measured.emit(start, end)

    def _finish_draft(self, end: QPointF) -> None:
        """A drawn box big enough on screen is the new finding's; drawing ends either way."""
        start = self._draft_from
        rect = QRectF(start, end).normalized().intersected(self.sceneRect())
        on_screen = QLineF(self.mapFromScene(start), self.mapFromScene(end))
        big_enough = min(abs(on_screen.dx()), abs(on_screen.dy())) >= MIN_RULER_SCREEN_PX
        self.stop_drawing()
        if big_enough and rect.width() >= MIN_BOX_PX and rect.height() >= MIN_BOX_PX:
            self.box_drawn.emit(rect)
        else:
            self.drawing_cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self._drawing:
            self.stop_drawing()
            self.drawing_cancelled.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        event.accept()  # the right button belongs to window/level

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.left_image.emit()
        super().leaveEvent(event)

    def _emit_hover(self, position: QPoint) -> None:
        if not self.has_image():
            return
        scene_point: QPointF = self.mapToScene(position)
        x, y = int(scene_point.x() // 1), int(scene_point.y() // 1)
        if self.sceneRect().contains(scene_point):
            self.pixel_hovered.emit(x, y)
        else:
            self.left_image.emit()
