"""Where things go on an A4 letter (millimetres from the top-left corner), shared by the renderer and the
precompiled-letter checks.

The address window is Notify's address block: 24.6 mm from the left edge, 39.5 mm from the top, 95.6 mm wide
and 26.8 mm high. Folded into a C5 or DL window envelope, that block shows through the window.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_POINT = 25.4 / 72


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height


A4_WIDTH, A4_HEIGHT = 210.0, 297.0
A4_TOLERANCE = 2.0  # mm: a precompiled page within this of A4 counts as A4
ADDRESS_WINDOW = Rect(24.6, 39.5, 95.6, 26.8)
ADDRESS_FONT_SIZE = 9.0  # points: 7 lines fit the window's height
ADDRESS_LINE_HEIGHT = 3.5  # mm
ADDRESS_INSET = 2.0, 1.5  # mm from the window's left and top edges: 7 lines fill 26 of its 26.8 mm
CONTACT_BLOCK = Rect(125.0, 25.0, 65.0, 45.0)  # the sender's address, to the right of the window
HEADING_TOP = 95.0
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 24.6, 20.0, 20.0, 20.0


def from_pdf_points(x: float, y: float) -> tuple[float, float]:
    """A PDF user-space point (points, origin bottom-left) in this module's millimetres from the top-left."""
    return x * MM_PER_POINT, A4_HEIGHT - y * MM_PER_POINT
