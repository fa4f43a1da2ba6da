"""Scene items over the radiograph: finding boxes with labels, and the heatmap layer.

Boxes use cosmetic pens and labels ignore the view transform, so both stay legible at
any zoom; the heatmap is one pixmap whose opacity changes without recomputing it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPen, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from ..render.palette import RULER_COLOUR as RULER_RGB

HEATMAP_Z, BOX_Z, LABEL_Z = 1, 2, 3
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
        scene.addItem(self.rect)
        scene.addItem(self.label)
        self.set_selected(False)

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
        scene.removeItem(self.rect)
        scene.removeItem(self.label)


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
