"""Box geometry without torch: IoU and conversions on numpy arrays, and the letterbox that
maps original image pixels to the model's square frame.

The viewer, the exporters and the metrics use these; keeping torch out of this module
keeps it out of the viewer's start-up. `box_ops` re-exports them for model code.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def box_iou_np(box1: np.ndarray, box2: np.ndarray) -> np.ndarray:
    """IoU of matching xyxy boxes in continuous coordinates (no +1), numpy (..., 4)."""
    box1, box2 = np.asarray(box1, np.float64), np.asarray(box2, np.float64)
    top_left = np.maximum(box1[..., :2], box2[..., :2])
    bottom_right = np.minimum(box1[..., 2:], box2[..., 2:])
    inter = np.clip(bottom_right - top_left, 0, None).prod(-1)
    area1 = np.clip(box1[..., 2:] - box1[..., :2], 0, None).prod(-1)
    area2 = np.clip(box2[..., 2:] - box2[..., :2], 0, None).prod(-1)
    union = area1 + area2 - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def box_xywh_to_xyxy_np(boxes: np.ndarray) -> np.ndarray:
    boxes = np.asarray(boxes, np.float64)
    return np.concatenate((boxes[..., :2], boxes[..., :2] + boxes[..., 2:]), axis=-1)


def box_xyxy_transposed(
    box: tuple[float, float, float, float],
) -> tuple[float, float, float, float]:
    """An (x0, y0, x1, y1) pixel box of an image, in the image transposed (rows as columns)."""
    x0, y0, x1, y1 = box
    return (y0, x0, y1, x1)


def box_xyxy_flipped(
    box: tuple[float, float, float, float],
    width: float,
    height: float,
    left_right: bool = False,
    up_down: bool = False,
) -> tuple[float, float, float, float]:
    """An (x0, y0, x1, y1) pixel box of a `width` x `height` image, the image flipped
    left-right and/or upside down (both: turned by 180 degrees)."""
    x0, y0, x1, y1 = box
    if left_right:
        x0, x1 = width - x1, width - x0
    if up_down:
        y0, y1 = height - y1, height - y0
    return (x0, y0, x1, y1)


@dataclass(frozen=True)
class Letterbox:
    """Resize-and-pad of an (height, width) image into a `size` x `size` square.

    The image is scaled by `scale` and placed at (`pad_x`, `pad_y`); this is the
    mapping between original pixels and the model's normalised [0, 1] frame.
    """

    height: int
    width: int
    size: int

    @property
    def scale(self) -> float:
        return self.size / max(self.height, self.width)

    @property
    def pad_x(self) -> float:
        return (self.size - self.width * self.scale) / 2.0

    @property
    def pad_y(self) -> float:
        return (self.size - self.height * self.scale) / 2.0

    def model_to_image_xyxy(self, boxes: np.ndarray) -> np.ndarray:
        """Normalised model-frame xyxy -> original image pixels, clipped to the image."""
        boxes = np.asarray(boxes, np.float64) * self.size
        x = (boxes[..., 0::2] - self.pad_x) / self.scale
        y = (boxes[..., 1::2] - self.pad_y) / self.scale
        x, y = np.clip(x, 0, self.width), np.clip(y, 0, self.height)
        return np.stack((x[..., 0], y[..., 0], x[..., 1], y[..., 1]), axis=-1)

    def image_to_model_xyxy(self, boxes: np.ndarray) -> np.ndarray:
        """Original image pixels xyxy -> normalised model-frame xyxy."""
        boxes = np.asarray(boxes, np.float64)
        x = boxes[..., 0::2] * self.scale + self.pad_x
        y = boxes[..., 1::2] * self.scale + self.pad_y
        out = np.stack((x[..., 0], y[..., 0], x[..., 1], y[..., 1]), axis=-1)
        return out / self.size

    def frame(self) -> tuple[float, float, float, float]:
        """(ax, bx, ay, by): image-normalised x, y -> model-frame normalised a * v + b.

        Knowledge priors and atlas boxes are normalised over the image; the model works in
        the letterboxed square, so non-square images need this per-image affine map.
        """
        return (
            self.width * self.scale / self.size,
            self.pad_x / self.size,
            self.height * self.scale / self.size,
            self.pad_y / self.size,
        )

    def content_box(self) -> tuple[int, int, int, int]:
        """The image's footprint in the model frame, integer pixels xyxy."""
        x0, y0 = round(self.pad_x), round(self.pad_y)
        return x0, y0, x0 + round(self.width * self.scale), y0 + round(self.height * self.scale)

    def resize(self, image: np.ndarray) -> np.ndarray:
        """The (H, W) image resized and padded (with 0) into the size x size model frame."""
        x0, y0, x1, y1 = self.content_box()
        canvas = np.zeros((self.size, self.size), dtype=image.dtype)
        interpolation = cv2.INTER_AREA if self.scale < 1 else cv2.INTER_LINEAR
        canvas[y0:y1, x0:x1] = cv2.resize(image, (x1 - x0, y1 - y0), interpolation=interpolation)
        return canvas
