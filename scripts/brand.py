"""Draw SIM Renew's brand images: a SIM card with a renewal arrow badge, and the wordmark."""

import argparse
from dataclasses import dataclass
import math
from pathlib import Path
import sys

from PIL import Image, ImageDraw, ImageFont

type Point = tuple[float, float]
type Colour = str  # "#RRGGBB"

# The mark is designed in a square of DESIGN_BOX units; y grows downwards, angles run clockwise.
DESIGN_BOX = 1000.0
CARD_LEFT, CARD_TOP, CARD_RIGHT, CARD_BOTTOM = 0.0, 0.0, 700.0, 900.0
CARD_RADIUS = 80.0
# Rounder than the concentric CARD_RADIUS - CARD_STROKE, which looks pinched at small sizes.
CARD_INNER_RADIUS = 44.0
CARD_CLIP = 210.0  # length of each leg of the clipped top-right corner
CARD_STROKE = 60.0

CHIP_LEFT, CHIP_TOP, CHIP_RIGHT, CHIP_BOTTOM = 170.0, 280.0, 530.0, 580.0
CHIP_RADIUS = 56.0
CHIP_LINE = 26.0

BADGE_CENTRE: Point = (770.0, 770.0)
BADGE_RADIUS = 230.0
BADGE_GAP = 40.0  # transparent ring that lifts the badge off the card on any background

ARROW_RADIUS = 126.0
ARROW_STROKE = 56.0
# Degrees clockwise from three o'clock: the arrow runs round from half past one to half past
# ten and its head points into the gap at the top, like the usual symbol for renewing.
ARROW_START, ARROW_END = -40.0, 225.0
ARROW_HEAD_LENGTH = 84.0
ARROW_HEAD_WIDTH = 132.0

WORDS = ("SIM", "Renew")
FONT_FILE = "DejaVuSans-Bold.ttf"
FONT_PACKAGE = "fonts-dejavu-core"
TEXT_CAP_HEIGHT = 0.40  # of the mark's height
TEXT_GAP = 0.16  # between mark and words, of the mark's height


@dataclass(frozen=True)
class Palette:
    """The flat colours of one variant."""

    outline: Colour
    body: Colour
    chip: Colour
    contacts: Colour
    badge: Colour
    arrow: Colour
    first_word: Colour
    second_word: Colour


LIGHT = Palette(
    outline="#1F3B57",
    body="#F3F7FB",
    chip="#F2B134",
    contacts="#A8740A",
    badge="#1F9D68",
    arrow="#FFFFFF",
    first_word="#1F3B57",
    second_word="#1A8A5B",
)
# Dark backgrounds: a light outline around a deep body, and brighter greens.
DARK = Palette(
    outline="#E2EBF4",
    body="#1B2A3A",
    chip="#F5BC45",
    contacts="#9C6A05",
    badge="#2FB87C",
    arrow="#FFFFFF",
    first_word="#E2EBF4",
    second_word="#4CCB93",
)

SUPERSAMPLE = 4
MARGIN = 1  # transparent pixels left around the trimmed artwork
ICON_SIZES = {"icon.png": 256, "icon@2x.png": 512}
LOGO_HEIGHTS = {"logo.png": 160, "logo@2x.png": 320}
ARC_STEP = 4.0  # degrees between the points that stand for a curve


def polar(centre: Point, radius: float, degrees: float) -> Point:
    """Return the point at radius from centre, degrees clockwise from three o'clock."""
    angle = math.radians(degrees)
    return (centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle))


def arc_points(centre: Point, radius: float, start: float, end: float) -> list[Point]:
    """Return points along an arc from start to end degrees, clockwise when end > start."""
    steps = max(2, math.ceil(abs(end - start) / ARC_STEP))
    return [polar(centre, radius, start + (end - start) * i / steps) for i in range(steps + 1)]


def rounded_polygon(vertices: list[Point], radius: float) -> list[Point]:
    """Return the outline of a convex polygon whose corners are rounded to radius."""
    outline: list[Point] = []
    for i, (px, py) in enumerate(vertices):
        ax, ay = vertices[i - 1]
        bx, by = vertices[(i + 1) % len(vertices)]
        to_a = math.atan2(ay - py, ax - px)
        to_b = math.atan2(by - py, bx - px)
        corner = abs(math.remainder(to_b - to_a, math.tau))
        # The corner's circle touches both edges, so its centre lies on their bisector.
        bisector = math.atan2(math.sin(to_a) + math.sin(to_b), math.cos(to_a) + math.cos(to_b))
        reach = radius / math.sin(corner / 2)
        centre = (px + reach * math.cos(bisector), py + reach * math.sin(bisector))
        along = radius / math.tan(corner / 2)
        enter = (px + along * math.cos(to_a), py + along * math.sin(to_a))
        leave = (px + along * math.cos(to_b), py + along * math.sin(to_b))
        first = math.degrees(math.atan2(enter[1] - centre[1], enter[0] - centre[0]))
        last = math.degrees(math.atan2(leave[1] - centre[1], leave[0] - centre[0]))
        outline += arc_points(centre, radius, first, first + math.remainder(last - first, 360))
    return outline


def card_vertices(inset: float) -> list[Point]:
    """Return the card's corners, clockwise from the top left, moved inwards by inset."""
    # Moving the diagonal edge inwards by inset shortens its legs by (2 - sqrt 2) * inset.
    clip = CARD_CLIP - (2 - math.sqrt(2)) * inset
    left, top = CARD_LEFT + inset, CARD_TOP + inset
    right, bottom = CARD_RIGHT - inset, CARD_BOTTOM - inset
    return [(left, top), (right - clip, top), (right, top + clip), (right, bottom), (left, bottom)]


class Canvas:
    """A supersampled RGBA drawing surface that takes coordinates in design units."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        side = round(DESIGN_BOX * scale)
        self.image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def px(self, points: list[Point]) -> list[Point]:
        """Convert design units to pixels."""
        return [(x * self.scale, y * self.scale) for x, y in points]

    def polygon(self, points: list[Point], colour: Colour) -> None:
        """Fill a polygon."""
        self.draw.polygon(self.px(points), fill=colour)

    def disc(self, centre: Point, radius: float, colour: Colour | None) -> None:
        """Fill a circle; None makes it transparent."""
        (x, y), r = self.px([centre])[0], radius * self.scale
        # Drawing on RGBA replaces pixels rather than blending, so a clear fill cuts a hole.
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour or (0, 0, 0, 0))

    def box(
        self, corners: tuple[float, float, float, float], radius: float, colour: Colour
    ) -> None:
        """Fill a rounded rectangle."""
        left, top, right, bottom = (v * self.scale for v in corners)
        self.draw.rounded_rectangle(
            (left, top, right, bottom), radius=radius * self.scale, fill=colour
        )

    def line(self, start: Point, end: Point, width: float, colour: Colour) -> None:
        """Draw a straight line."""
        self.draw.line(self.px([start, end]), fill=colour, width=round(width * self.scale))


def draw_card(canvas: Canvas, palette: Palette) -> None:
    """Draw the SIM card: a clipped-corner outline with the chip and its contact lines."""
    canvas.polygon(rounded_polygon(card_vertices(0), CARD_RADIUS), palette.outline)
    inner = rounded_polygon(card_vertices(CARD_STROKE), CARD_INNER_RADIUS)
    canvas.polygon(inner, palette.body)
    canvas.box((CHIP_LEFT, CHIP_TOP, CHIP_RIGHT, CHIP_BOTTOM), CHIP_RADIUS, palette.chip)
    third = (CHIP_RIGHT - CHIP_LEFT) / 3
    middle = (CHIP_TOP + CHIP_BOTTOM) / 2
    for x in (CHIP_LEFT + third, CHIP_RIGHT - third):
        canvas.line((x, CHIP_TOP), (x, CHIP_BOTTOM), CHIP_LINE, palette.contacts)
    # Contacts split the outer columns only, like a real six-pad chip.
    canvas.line((CHIP_LEFT, middle), (CHIP_LEFT + third, middle), CHIP_LINE, palette.contacts)
    canvas.line((CHIP_RIGHT - third, middle), (CHIP_RIGHT, middle), CHIP_LINE, palette.contacts)


def draw_badge(canvas: Canvas, palette: Palette) -> None:
    """Draw the renewal badge: a disc carrying a clockwise arrow, cut out of the card."""
    canvas.disc(BADGE_CENTRE, BADGE_RADIUS + BADGE_GAP, None)
    canvas.disc(BADGE_CENTRE, BADGE_RADIUS, palette.badge)
    # A filled band rather than a wide polyline, whose joints leave hairline gaps.
    outer = arc_points(BADGE_CENTRE, ARROW_RADIUS + ARROW_STROKE / 2, ARROW_START, ARROW_END)
    inner = arc_points(BADGE_CENTRE, ARROW_RADIUS - ARROW_STROKE / 2, ARROW_END, ARROW_START)
    canvas.polygon(outer + inner, palette.arrow)
    canvas.disc(polar(BADGE_CENTRE, ARROW_RADIUS, ARROW_START), ARROW_STROKE / 2, palette.arrow)
    # The head's tip sits on the arrow's circle, so the head follows the curve.
    tip = ARROW_END + math.degrees(ARROW_HEAD_LENGTH / ARROW_RADIUS)
    half = ARROW_HEAD_WIDTH / 2
    head = [
        polar(BADGE_CENTRE, ARROW_RADIUS + half, ARROW_END),
        polar(BADGE_CENTRE, ARROW_RADIUS, tip),
        polar(BADGE_CENTRE, ARROW_RADIUS - half, ARROW_END),
    ]
    canvas.polygon(head, palette.arrow)


def draw_mark(scale: float, palette: Palette) -> Image.Image:
    """Draw the whole mark, at scale pixels per design unit."""
    canvas = Canvas(scale)
    draw_card(canvas, palette)
    draw_badge(canvas, palette)
    return canvas.image


def load_font(size: int) -> ImageFont.FreeTypeFont:
    """Load the wordmark's font, or stop with a clear message when it is not installed."""
    try:
        return ImageFont.truetype(FONT_FILE, size)
    except OSError:
        sys.exit(
            f"brand: the font {FONT_FILE} is not installed; install it (Debian: {FONT_PACKAGE})"
        )


def draw_logo(height: int, palette: Palette) -> Image.Image:
    """Draw the mark followed by the words, supersampled, for a logo of the given height."""
    mark_height = height * SUPERSAMPLE
    mark = trim(draw_mark(mark_height / DESIGN_BOX, palette))
    font = load_font(round(mark_height * TEXT_CAP_HEIGHT / cap_height_per_em()))
    text_left = mark.width + round(mark_height * TEXT_GAP)
    ink = font.getbbox(" ".join(WORDS), anchor="ls")
    # Slack for kerning differences between the joined words and the two drawn apart.
    width = text_left + math.ceil(ink[2]) + mark_height // 10
    image = Image.new("RGBA", (width, mark.height), (0, 0, 0, 0))
    image.alpha_composite(mark)
    draw = ImageDraw.Draw(image)
    baseline = (mark.height + cap_height(font)) / 2
    draw.text((text_left, baseline), WORDS[0], font=font, fill=palette.first_word, anchor="ls")
    second_left = text_left + font.getlength(WORDS[0] + " ")
    draw.text((second_left, baseline), WORDS[1], font=font, fill=palette.second_word, anchor="ls")
    return image


def cap_height(font: ImageFont.FreeTypeFont) -> float:
    """Return the height of a capital above the baseline, in pixels."""
    return -font.getbbox("H", anchor="ls")[1]


def cap_height_per_em() -> float:
    """Return the font's cap height as a fraction of its size."""
    return cap_height(load_font(1000)) / 1000


def trim(image: Image.Image) -> Image.Image:
    """Crop an image to its visible pixels."""
    box = image.getchannel("A").getbbox()
    if box is None:
        raise ValueError("nothing was drawn")
    return image.crop(box)


def fit(image: Image.Image, width: int | None, height: int) -> Image.Image:
    """Downsample trimmed artwork onto a canvas, centred, MARGIN pixels from its edges."""
    artwork = trim(image)
    room_h = height - 2 * MARGIN
    room_w = (width - 2 * MARGIN) if width is not None else artwork.width * room_h / artwork.height
    factor = min(room_w / artwork.width, room_h / artwork.height)
    size = (max(1, round(artwork.width * factor)), max(1, round(artwork.height * factor)))
    small = artwork.resize(size, Image.Resampling.LANCZOS)
    out_w = width if width is not None else size[0] + 2 * MARGIN
    out = Image.new("RGBA", (out_w, height), (0, 0, 0, 0))
    out.alpha_composite(small, ((out_w - size[0]) // 2, (height - size[1]) // 2))
    return out


def write(image: Image.Image, path: Path) -> None:
    """Save an optimised PNG and report its size."""
    image.save(path, optimize=True)
    print(f"{path}: {image.width}x{image.height}, {path.stat().st_size} bytes")


def main() -> None:
    """Write the icons and logos, light and dark, into the brand folder."""
    default = Path(__file__).resolve().parent.parent / "custom_components" / "simrenew" / "brand"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=default, help="output folder")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for prefix, palette in (("", LIGHT), ("dark_", DARK)):
        for name, size in ICON_SIZES.items():
            write(
                fit(draw_mark(size * SUPERSAMPLE / DESIGN_BOX, palette), size, size),
                out / (prefix + name),
            )
        for name, height in LOGO_HEIGHTS.items():
            write(fit(draw_logo(height, palette), None, height), out / (prefix + name))


if __name__ == "__main__":
    main()
