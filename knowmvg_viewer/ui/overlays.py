"""Scene items over the radiograph: finding boxes with labels, the heatmap layer, rulers, and a
presentation state's (GSPS) graphics.

Boxes use cosmetic pens and labels ignore the view transform, so both stay legible at
any zoom; the heatmap is one pixmap whose opacity changes without recomputing it.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from ..render.palette import RULER_COLOUR as RULER_RGB
from ..study.presentation_state import GraphicObject, GraphicType, LayerDrawing, TextObject

HEATMAP_Z, BOX_Z, LABEL_Z = 1, 2, 3
HANDLE_Z = 4
HANDLE_PX = 9  # a resize handle's side, in screen pixels
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
PRESENTATION_Z = 1.5  # a GSPS's graphics: over the heatmap, under the findings' boxes
HALO = QColor(0, 0, 0, 150)  # the dark edge that keeps a GSPS line visible on white bone
POINT_MARK_PX = 6  # half the size of a POINT's cross, in screen pixels
RULER_COLOUR = QColor(*RULER_RGB)
WARNING_PLATE = QColor(150, 0, 0, 220)  # a box on the other side from the one its phrase names


def _cosmetic_pen(colour: QColor) -> QPen:
    """A pen whose width is in screen pixels, whatever the zoom."""
    pen = QPen(colour, 2.0)
    pen.setCosmetic(True)
    return pen


def _label_plate(text: str, colour: QColor, warning: bool = False) -> QGraphicsRectItem:
    """Coloured bold text on a dark plate (dark red for a warning), constant size on screen at
    any zoom."""
    plate = QGraphicsRectItem()
    plate.setBrush(QBrush(WARNING_PLATE if warning else QColor(0, 0, 0, 170)))
    plate.setPen(QPen(Qt.PenStyle.NoPen))
    plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item = QGraphicsSimpleTextItem(text, plate)
    font = QFont()
    font.setPointSize(10)
    font.setBold(True)
    item.setFont(font)
    item.setBrush(QBrush(colour))
    bounds = item.boundingRect()
    item.setPos(3, 1)
    plate.setRect(QRectF(0, 0, bounds.width() + 6, bounds.height() + 2))
    plate.setZValue(LABEL_Z)
    return plate


class BoxOverlay:
    """One finding: a rectangle in image pixels and a 'phrase (score)' label above it.

    A hedged (uncertain) finding's box is dotted whether or not it is selected; an
    interpretation sharing another finding's box puts its label under the box; a box on the
    other side from the one its phrase names has its label on a dark red plate.
    """

    def __init__(
        self,
        scene: QGraphicsScene,
        rect: QRectF,
        label: str,
        colour: QColor,
        uncertain: bool = False,
        label_below: bool = False,
        wrong_side: bool = False,
    ) -> None:
        self.uncertain = uncertain
        self.rect = QGraphicsRectItem(rect)
        self.rect.setPen(_cosmetic_pen(colour))
        self.rect.setZValue(BOX_Z)
        self.label = _label_plate(label, colour, warning=wrong_side)
        # a box shared with the finding it interprets: this label goes under the box
        self.label.setPos(rect.left(), rect.bottom() if label_below else rect.top())
        self.label_below = label_below
        self.colour = colour
        self.handles: dict[str, QGraphicsRectItem] = {}  # corner -> handle, while editable
        scene.addItem(self.rect)
        scene.addItem(self.label)
        self.set_selected(False)

    def set_rect(self, rect: QRectF) -> None:
        """While its box is dragged: the box, its label and its handles follow."""
        self.rect.setRect(rect)
        self.label.setPos(rect.left(), rect.bottom() if self.label_below else rect.top())
        for corner, handle in self.handles.items():
            handle.setPos(corner_point(rect, corner))

    def set_handles(self, shown: bool) -> None:
        """Resize handles on the box's corners (the selected finding under review)."""
        if shown and not self.handles:
            scene = self.rect.scene()
            half = HANDLE_PX / 2
            for corner in CORNERS:
                handle = QGraphicsRectItem(QRectF(-half, -half, HANDLE_PX, HANDLE_PX))
                handle.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
                handle.setBrush(QBrush(QColor(255, 255, 255)))
                handle.setPen(_cosmetic_pen(self.colour))
                handle.setZValue(HANDLE_Z)
                handle.setPos(corner_point(self.rect.rect(), corner))
                scene.addItem(handle)
                self.handles[corner] = handle
        elif not shown and self.handles:
            for handle in self.handles.values():
                handle.scene().removeItem(handle)
            self.handles = {}

    def set_selected(self, selected: bool) -> None:
        pen = self.rect.pen()
        pen.setWidthF(3.5 if selected else 1.5)
        if self.uncertain:
            pen.setStyle(Qt.PenStyle.DotLine)
        else:
            pen.setStyle(Qt.PenStyle.SolidLine if selected else Qt.PenStyle.DashLine)
        self.rect.setPen(pen)
        self.label.setVisible(selected or self.rect.isVisible())
        self.label.setZValue(LABEL_Z + 1 if selected else LABEL_Z)  # the selected label on top

    def set_visible(self, visible: bool) -> None:
        self.rect.setVisible(visible)
        self.label.setVisible(visible)

    def remove(self, scene: QGraphicsScene) -> None:
        self.set_handles(False)
        scene.removeItem(self.rect)
        scene.removeItem(self.label)


def corner_point(rect: QRectF, corner: str) -> QPointF:
    top, left = corner.startswith("top"), corner.endswith("left")
    return QPointF(rect.left() if left else rect.right(), rect.top() if top else rect.bottom())


class MeasurementOverlay:
    """A length on the film: a line in image pixels and its length label at its end."""

    def __init__(self, scene: QGraphicsScene, line: QLineF, label: str) -> None:
        self.line = QGraphicsLineItem(line)
        self.line.setPen(_cosmetic_pen(RULER_COLOUR))
        self.line.setZValue(BOX_Z)
        self.label = _label_plate(label, RULER_COLOUR)
        self.label.setPos(line.p2())
        scene.addItem(self.line)
        scene.addItem(self.label)

    def set_line(self, line: QLineF, label: str) -> None:
        """While dragging: follow the pointer."""
        self.line.setLine(line)
        self.label.setPos(line.p2())
        text = self.label.childItems()[0]
        text.setText(label)
        bounds = text.boundingRect()
        self.label.setRect(QRectF(0, 0, bounds.width() + 6, bounds.height() + 2))

    def remove(self, scene: QGraphicsScene) -> None:
        scene.removeItem(self.line)
        scene.removeItem(self.label)


class HeatmapLayer:
    """An RGBA pixmap in image coordinates above the radiograph, below the boxes."""

    def __init__(self, scene: QGraphicsScene) -> None:
        self.item = QGraphicsPixmapItem()
        self.item.setZValue(HEATMAP_Z)
        self.item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        scene.addItem(self.item)

    def show_rgba(
        self, rgba: np.ndarray | None, image_width: int = 0, image_height: int = 0
    ) -> None:
        """Show a (small) RGBA map stretched over the image's width x height pixels."""
        if rgba is None:
            self.item.setPixmap(QPixmap())
            return
        rgba = np.ascontiguousarray(rgba)
        height, width = rgba.shape[:2]
        image = QImage(rgba.data, width, height, rgba.strides[0], QImage.Format.Format_RGBA8888)
        self.item.setPixmap(QPixmap.fromImage(image.copy()))
        self.item.setTransform(
            QTransform.fromScale((image_width or width) / width, (image_height or height) / height)
        )

    def set_opacity(self, opacity: float) -> None:
        self.item.setOpacity(opacity)

    def set_visible(self, visible: bool) -> None:
        self.item.setVisible(visible)


class PresentationOverlay:
    """A presentation state's graphics over one image, all of its layers: solid thin lines over
    a dark halo in the layer's colour (its recommended CIELab or grey value, else
    `default_colour`), text on plates of the same colour; unlike the findings' dashed boxes.

    Geometry is in image pixels (scene coordinates): a circle is its centre and a point on it,
    an ellipse its major then minor axis end points, an INTERPOLATED curve a Catmull-Rom spline
    through its points, a POINT a cross of fixed screen size. A text sits at its bounding box's
    top-left corner, else at its anchor; a visible anchor is joined to the box by a line."""

    def __init__(
        self, scene: QGraphicsScene, layers: tuple[LayerDrawing, ...], default_colour: QColor
    ) -> None:
        self.items: list[QGraphicsItem] = []
        for depth, layer in enumerate(layers):  # later layers over earlier ones
            colour = QColor(*layer.colour) if layer.colour is not None else default_colour
            z = PRESENTATION_Z + depth * 1e-3
            for graphic in layer.graphics:
                self._add_graphic(scene, graphic, colour, z)
            for text in layer.texts:
                self._add_text(scene, text, colour, z)

    def set_visible(self, visible: bool) -> None:
        for item in self.items:
            item.setVisible(visible)

    def remove(self, scene: QGraphicsScene) -> None:
        for item in self.items:
            scene.removeItem(item)
        self.items = []

    def _add(self, scene: QGraphicsScene, item: QGraphicsItem, z: float) -> QGraphicsItem:
        item.setZValue(z)
        scene.addItem(item)
        self.items.append(item)
        return item

    def _add_graphic(
        self, scene: QGraphicsScene, graphic: GraphicObject, colour: QColor, z: float
    ) -> None:
        point = graphic.graphic_type is GraphicType.POINT
        path = _cross() if point else graphic_path(graphic)
        for pen_colour, width, depth in ((HALO, 3.5, z), (colour, 1.5, z + 1e-4)):
            item = QGraphicsPathItem(path)
            pen = QPen(pen_colour, width)
            pen.setCosmetic(True)
            item.setPen(pen)
            if graphic.filled and pen_colour is colour:
                item.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 60))
            if point:
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
                item.setPos(QPointF(*graphic.points[0]))
            self._add(scene, item, depth)

    def _add_text(self, scene: QGraphicsScene, text: TextObject, colour: QColor, z: float) -> None:
        plate = _label_plate(text.text, colour)
        corner = text.box[:2] if text.box is not None else text.anchor
        plate.setPos(QPointF(*corner))
        self._add(scene, plate, LABEL_Z)
        if text.anchor is not None and text.box is not None and text.anchor_visible:
            x0, y0, x1, y1 = text.box
            ax, ay = text.anchor
            nearest = QPointF(min(max(ax, x0), x1), min(max(ay, y0), y1))
            line = QGraphicsLineItem(QLineF(nearest, QPointF(ax, ay)))
            line.setPen(_cosmetic_pen(colour))
            self._add(scene, line, z)


def graphic_path(graphic: GraphicObject) -> QPainterPath:
    """The outline of a GSPS graphic object in image pixels (not POINT: see `_cross`)."""
    points = [QPointF(x, y) for x, y in graphic.points]
    path = QPainterPath()
    if graphic.graphic_type is GraphicType.CIRCLE:
        centre, edge = points
        radius = QLineF(centre, edge).length()
        path.addEllipse(centre, radius, radius)
    elif graphic.graphic_type is GraphicType.ELLIPSE:
        path = _ellipse(*points)
    elif graphic.graphic_type is GraphicType.INTERPOLATED and len(points) > 2:
        path = _spline(points)
    else:
        path.moveTo(points[0])
        for point in points[1:]:
            path.lineTo(point)
    if graphic.filled and points[0] == points[-1]:
        path.closeSubpath()
    return path


def _ellipse(a0: QPointF, a1: QPointF, b0: QPointF, b1: QPointF) -> QPainterPath:
    """The ellipse with major axis a0-a1 and minor axis b0-b1 (PS3.3 C.10.5.1.2)."""
    centre = (a0 + a1) / 2.0
    major, minor = QLineF(a0, a1), QLineF(b0, b1)
    path = QPainterPath()
    path.addEllipse(QPointF(0.0, 0.0), major.length() / 2.0, minor.length() / 2.0)
    angle = math.degrees(math.atan2(a1.y() - a0.y(), a1.x() - a0.x()))
    return QTransform().translate(centre.x(), centre.y()).rotate(angle).map(path)


def _spline(points: list[QPointF]) -> QPainterPath:
    """A Catmull-Rom curve through every point (closed when the last repeats the first)."""
    closed = points[0] == points[-1]
    ring = points[:-1] if closed else points
    n = len(ring)

    def at(i: int) -> QPointF:
        return ring[i % n] if closed else ring[min(max(i, 0), n - 1)]

    path = QPainterPath(ring[0])
    for i in range(n if closed else n - 1):
        p0, p1, p2, p3 = at(i - 1), at(i), at(i + 1), at(i + 2)
        path.cubicTo(p1 + (p2 - p0) / 6.0, p2 - (p3 - p1) / 6.0, p2)
    return path


def _cross() -> QPainterPath:
    path = QPainterPath()
    for dx, dy in ((1, 1), (1, -1)):
        path.moveTo(-POINT_MARK_PX * dx, -POINT_MARK_PX * dy)
        path.lineTo(POINT_MARK_PX * dx, POINT_MARK_PX * dy)
    return path
