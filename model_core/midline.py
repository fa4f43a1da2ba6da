"""The patient's midline on a frontal chest film, from the pixels alone.

Torch-free, so the viewer's view check (`knowmvg_viewer.study.views`) and the engine's
wrong-side check (`postprocess`) share one search without the viewer importing torch, and
the viewer checks the boxes a reviewer draws with the engine's rule (`side_conflict`).
"""

from __future__ import annotations

import numpy as np

# The midline is searched this fraction of the width either side of the image's centre.
MIDLINE_SEARCH = 0.15
# A box centred within this fraction of the image width from the midline is on neither side.
MIDLINE_DEAD_ZONE = 0.05


def film_midline(image: np.ndarray) -> float:
    """The patient's midline, x in image pixels: the axis about which the film's column
    profile (mean of its middle rows) is most nearly mirror-symmetric, searched within
    MIDLINE_SEARCH of the width's centre. Lungs either side of the mediastinum make the
    profile symmetric about it, so an off-centre patient or an asymmetric crop moves it."""
    pixels = np.asarray(image, np.float32)
    if pixels.ndim == 3:
        pixels = pixels.mean(axis=-1)
    height, width = pixels.shape[:2]
    step = max(1, max(height, width) // 256)
    small = pixels[::step, ::step]
    rows = small.shape[0]
    profile = small[int(rows * 0.15) : max(int(rows * 0.85), 1)].mean(axis=0)
    profile = profile - profile.mean()
    n = len(profile)
    if n < 8 or not np.isfinite(profile).all() or profile.std() == 0:
        return width / 2.0
    reach = n * 0.35  # compare columns this far either side of a candidate axis
    best_error, best_axis = np.inf, (n - 1) / 2.0
    for doubled in range(
        round((n - 1) * (1 - 2 * MIDLINE_SEARCH)), round((n - 1) * (1 + 2 * MIDLINE_SEARCH)) + 1
    ):
        axis = doubled / 2.0  # column profile[i] mirrors profile[doubled - i]
        i = np.arange(max(0, doubled - n + 1), min(n, doubled + 1))
        i = i[np.abs(i - axis) <= reach]
        error = float(np.mean((profile[i] - profile[doubled - i]) ** 2))
        if error < best_error:
            best_error, best_axis = error, axis
    return (best_axis + 0.5) * step


def side_conflict(
    side: str | None, box: tuple[float, float, float, float], midline: float, width: int
) -> bool:
    """Whether `box` (x0, y0, x1, y1 on an upright frontal film) has its centre in the other
    hemithorax from `side` ("right" or "left"), by more than the dead zone. Patient frame:
    the patient's right is on the image's left."""
    if side not in ("right", "left"):
        return False
    offset = (box[0] + box[2]) / 2.0 - midline
    if abs(offset) <= MIDLINE_DEAD_ZONE * width:
        return False
    image_side = "right" if offset < 0 else "left"  # image left = patient right
    return image_side != side
