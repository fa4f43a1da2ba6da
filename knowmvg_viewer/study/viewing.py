"""What the user is looking at: image, window, polarity. Qt-free, so the rules are testable.

The Qt view only renders what this state says and forwards gestures to it. A presentation
state (GSPS) that references the image sets where the display starts: its window becomes the
first preset and its Presentation LUT Shape the polarity; the user changes both as usual, and
reset returns to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .image import RadiographImage, VoiFunction, WindowPreset
from .presentation_state import PresentationState
from .window import DisplayRenderer

DRAG_PIXELS_FOR_FULL_RANGE = 800.0  # a drag this long sweeps the whole value range


@dataclass
class ViewingState:
    image: RadiographImage
    presentation: PresentationState | None = None  # applied when it references the image
    window: WindowPreset = field(init=False)
    invert: bool = False
    preset_index: int | None = 0  # None once the user drags away from a preset
    presets: list[WindowPreset] = field(init=False)  # the GSPS's window, then the image's
    default_invert: bool = field(init=False)  # what reset returns to
    renderer: DisplayRenderer = field(init=False, repr=False)
    value_span: float = field(init=False)
    _rendered: tuple | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.renderer = DisplayRenderer(self.image)
        if self.presentation is not None and not self.presentation.applies_to(self.image):
            self.presentation = None
        self.presets = list(self.image.presets)
        self.default_invert = False
        if self.presentation is not None:
            window = self.presentation.window_for(self.image)
            if window is not None:
                self.presets.insert(0, window)
            self.default_invert = self._presentation_invert()
        self.window, self.invert = self.presets[0], self.default_invert
        low, high = self.renderer.stored_range
        if not self.image.is_color:
            low, high = (
                low * self.image.modality_slope + self.image.modality_intercept,
                high * self.image.modality_slope + self.image.modality_intercept,
            )
        self.value_span = max(abs(high - low), 1.0)

    def render(self) -> np.ndarray:
        """The 8-bit display image; kept until the window or polarity changes, so the worker
        can render a new image and the GUI thread only shows it."""
        cached = self._rendered
        if cached is None or cached[0] is not self.window or cached[1] != self.invert:
            pixels = self.renderer.render(self.window, self.invert)
            pixels.setflags(write=False)  # shared by the view and the exports
            self._rendered = cached = (self.window, self.invert, pixels)
        return cached[2]

    def _presentation_invert(self) -> bool:
        """The user's invert that shows the film as the GSPS says: its Presentation LUT Shape
        decides the polarity, whatever the image's Photometric Interpretation (PS3.4
        N.2.1.4); the renderer inverts MONOCHROME1 itself, so the toggle is the difference."""
        inverse = self.presentation.inverse if self.presentation is not None else None
        if inverse is None or self.image.is_color:
            return False
        return self.image.inverted_by_file != inverse

    def choose_preset(self, index: int) -> bool:
        """Select preset `index` (0-based); False when there is no such preset."""
        if not 0 <= index < len(self.presets):
            return False
        self.window, self.preset_index = self.presets[index], index
        return True

    def toggle_invert(self) -> None:
        self.invert = not self.invert

    def reset(self) -> None:
        """Back to where the display started: the GSPS's window and polarity, if any."""
        self.invert = self.default_invert
        self.choose_preset(0)

    def drag_window(self, dx: float, dy: float) -> None:
        """Right-drag: horizontal changes the width, vertical the level (center).

        A LUT preset becomes the equivalent linear window of its input range first.
        """
        center, width = self.window_center_width()
        step = self.value_span / DRAG_PIXELS_FOR_FULL_RANGE
        width = max(1.0, width + dx * step)
        center = center + dy * step
        function = VoiFunction.LINEAR if self.window.is_lut else self.window.function
        self.window = WindowPreset("User", center, width, function, source="user")
        self.preset_index = None

    def window_center_width(self) -> tuple[float, float]:
        if not self.window.is_lut:
            return self.window.center, self.window.width
        first, n = self.window.lut_first, len(self.window.lut)
        return first + n / 2.0, float(n)

    def window_text(self) -> str:
        if self.window.is_lut:
            return f"{self.window.name} (VOI LUT)"
        return f"{self.window.name}: C {self.window.center:.0f} / W {self.window.width:.0f}"

    def pixel_readout(self, x: int, y: int) -> str | None:
        """Status-bar text for image pixel (x, y): stored value, modality value, mm."""
        image = self.image
        if not (0 <= x < image.width and 0 <= y < image.height):
            return None
        stored = image.stored[y, x]
        parts = [f"x {x}, y {y}"]
        if image.is_color:
            parts.append("RGB " + " ".join(str(int(c)) for c in stored))
        else:
            parts.append(f"stored {_number(stored)}")
            if image.modality_slope != 1.0 or image.modality_intercept != 0.0:
                value = float(stored) * image.modality_slope + image.modality_intercept
                unit = f" {image.rescale_type}" if image.rescale_type else ""
                parts.append(f"value {value:g}{unit}")
        if image.spacing is not None:
            kind = " (detector)" if image.spacing.kind == "detector" else ""
            parts.append(f"{x * image.spacing.col_mm:.1f}, {y * image.spacing.row_mm:.1f} mm{kind}")
        return "  |  ".join(parts)


def _number(value: np.generic) -> str:
    return (
        str(int(value))
        if np.issubdtype(np.asarray(value).dtype, np.integer)
        else f"{float(value):g}"
    )
