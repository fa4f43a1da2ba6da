"""The radiograph canvas: fit, wheel zoom, drag pan, right-drag window/level, pixel hover."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView

ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 0.02, 40.0


class RadiographView(QGraphicsView):
    """Scene coordinates are image pixel coordinates (pixel (x, y) spans [x, x+1))."""

    pixel_hovered = Signal(int, int)  # image pixel under the cursor
    left_image = Signal()
    window_dragged = Signal(float, float)  # dx, dy in screen pixels since the last event

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
        else:
            super().mouseMoveEvent(event)
        self._emit_hover(position)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton and self._window_drag_from is not None:
            self._window_drag_from = None
            event.accept()
            return
        super().mouseReleaseEvent(event)

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
