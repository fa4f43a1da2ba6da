"""The radiograph canvas: fit, wheel zoom, drag pan, right-drag window/level, pixel hover,
and in measure mode a left-drag that draws a ruler."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView

from .overlays import MeasurementOverlay

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.02, 40.0
MIN_RULER_SCREEN_PX = 4  # a shorter drag is a click, not a measurement


class RadiographView(QGraphicsView):
    """Scene coordinates are image pixel coordinates (pixel (x, y) spans [x, x+1))."""

    pixel_hovered = Signal(int, int)  # image pixel under the cursor
    left_image = Signal()
    window_dragged = Signal(float, float)  # dx, dy in screen pixels since the last event
    measured = Signal(QPointF, QPointF)  # a ruler drawn in measure mode, in image pixels

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
        elif self._ruler is not None:
            start, end = self._ruler_from, self.mapToScene(position)
            self._ruler.set_line(QLineF(start, end), self.length_label(start, end))
            event.accept()
        else:
            super().mouseMoveEvent(event)
        self._emit_hover(position)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton and self._window_drag_from is not None:
            self._window_drag_from = None
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
