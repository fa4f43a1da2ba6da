"""Finding colours shared by the viewer and the exports (one colour per finding index)."""

from __future__ import annotations

# Okabe-Ito first, distinguishable on grey radiographs and for colour-blind readers, then five
# more so a real report's dozen findings rarely share one (RGB). None is white or grey: a
# highlight must show on the report panel's white page, and grey means negated.
FINDING_COLOURS: tuple[tuple[int, int, int], ...] = (
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (240, 228, 66),
    (213, 94, 0),
    (204, 121, 167),
    (0, 114, 178),
    (166, 86, 40),
    (127, 201, 127),
    (153, 153, 255),
    (255, 127, 127),
    (102, 194, 165),
)
NEGATED_COLOUR = (150, 150, 150)
QUERY_COLOUR = (255, 80, 200)
RULER_COLOUR = (255, 235, 59)  # yellow: a measurement, never a finding's colour
# A presentation state's (GSPS) graphics when their layer recommends no colour: cyan, which is
# neither a finding's colour nor the rulers' yellow (the usual GSPS yellow would read as a ruler).
PRESENTATION_COLOUR = (0, 229, 255)


def finding_colour(index: int) -> tuple[int, int, int]:
    return FINDING_COLOURS[index % len(FINDING_COLOURS)]
