"""Finding colours shared by the viewer and the exports (one colour per finding index)."""

from __future__ import annotations

# Okabe-Ito-like, distinguishable on grey radiographs and for colour-blind readers (RGB).
FINDING_COLOURS: tuple[tuple[int, int, int], ...] = (
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (240, 228, 66),
    (213, 94, 0),
    (204, 121, 167),
    (0, 114, 178),
    (255, 255, 255),
)
NEGATED_COLOUR = (150, 150, 150)
QUERY_COLOUR = (255, 80, 200)


def finding_colour(index: int) -> tuple[int, int, int]:
    return FINDING_COLOURS[index % len(FINDING_COLOURS)]
