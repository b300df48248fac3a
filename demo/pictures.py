"""Venue pictures for the demo: simple illustrations drawn with Pillow.

Pure CPU and no database, so the loader draws them in a thread pool. Each
picture goes through the project's image pipeline, like any upload.
"""

import random
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from venues.images import process_image
from venues.models import Organization

K = Organization.Kind

# Pictures are designed on a 960×640 grid and drawn at PHOTO_SIZE (fewer pixels
# keep the image pipeline, and so the first load, fast).
DESIGN_W, DESIGN_H = 960, 640
PHOTO_SIZE = (720, 480)

# sky top, sky bottom, accent, wall
PALETTES: dict[str, tuple[str, str, str, str]] = {
    K.UNION: ("#7fb8f0", "#e6f2ff", "#d7263d", "#f7f0e6"),
    K.YOUTH: ("#6fcfc3", "#e8fbf7", "#1f9d8b", "#fbfcf4"),
    K.WOMEN: ("#f4a7bb", "#fff1f4", "#e0607e", "#fff8f1"),
    K.SCIENCE: ("#6d86f5", "#e4e9ff", "#3d5af1", "#f1f4ff"),
    K.OTHER: ("#f8c15c", "#fff5df", "#dd8a0b", "#fffaf0"),
}
TREE_GREENS = ["#3f8f46", "#4fa35a", "#2f7a3b"]


def _gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    """Vertical gradient: a one-pixel column, stretched (cheap)."""
    width, height = size
    column = Image.new("L", (1, height))
    column.putdata([255 * y // max(1, height - 1) for y in range(height)])
    mask = column.resize(size, Image.Resampling.NEAREST)
    return Image.composite(
        Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask
    )


class _Pen:
    """ImageDraw in design coordinates, scaled to the picture's real size."""

    def __init__(self, img: Image.Image):
        self.img = img
        self.draw = ImageDraw.Draw(img)
        self.k = img.width / DESIGN_W

    def _xy(self, xy):
        if isinstance(xy[0], tuple):
            return [(x * self.k, y * self.k) for x, y in xy]
        return [v * self.k for v in xy]

    def _kw(self, kw):
        if "width" in kw:
            kw["width"] = max(1, round(kw["width"] * self.k))
        return kw

    def rect(self, xy, **kw):
        self.draw.rectangle(self._xy(xy), **self._kw(kw))

    def ellipse(self, xy, **kw):
        self.draw.ellipse(self._xy(xy), **self._kw(kw))

    def polygon(self, xy, **kw):
        self.draw.polygon(self._xy(xy), **self._kw(kw))

    def line(self, xy, **kw):
        self.draw.line(self._xy(xy), **self._kw(kw))

    def arc(self, xy, start, end, **kw):
        self.draw.arc(self._xy(xy), start, end, **self._kw(kw))

    def gradient(self, box, top: str, bottom: str):
        x0, y0, x1, y1 = (round(v * self.k) for v in box)
        self.img.paste(_gradient((x1 - x0, y1 - y0), top, bottom), (x0, y0))


def _canvas(top: str, bottom: str) -> _Pen:
    return _Pen(_gradient(PHOTO_SIZE, top, bottom))


def _tree(pen: _Pen, x: int, base: int, size: int, shade: str) -> None:
    pen.rect([x - size // 10, base - size, x + size // 10, base], fill="#8a5a3b")
    pen.ellipse(
        [x - size // 2, base - size * 2, x + size // 2, base - size], fill=shade
    )


def draw_exterior(rng: random.Random, kind: str, island: bool) -> Image.Image:
    """The venue's building under a sky in its organisation's colours."""
    w, h = DESIGN_W, DESIGN_H
    sky_top, sky_bottom, accent, wall = PALETTES[kind]
    horizon = int(h * rng.uniform(0.62, 0.7))
    pen = _canvas(sky_top, sky_bottom)
    # Sun and clouds.
    sx, sy = rng.randint(60, w - 60), rng.randint(50, 140)
    pen.ellipse([sx - 38, sy - 38, sx + 38, sy + 38], fill="#fff3b0")
    for _ in range(rng.randint(2, 4)):
        cx, cy = rng.randint(0, w), rng.randint(40, horizon // 2)
        for dx, r in ((-40, 26), (0, 36), (42, 24)):
            pen.ellipse([cx + dx - r, cy - r, cx + dx + r, cy + r], fill="#ffffff")
    # Hills, then the sea on the islands, then grass and a path.
    hill = "#9cc3a8" if island else "#a9cfa0"
    for _ in range(3):
        cx, r = rng.randint(-100, w + 100), rng.randint(160, 320)
        pen.ellipse(
            [cx - r * 1.6, horizon - r // 2, cx + r * 1.6, horizon + r], fill=hill
        )
    if island:
        pen.rect([0, horizon - 24, w, horizon + 12], fill="#4f9fd8")
        for i in range(0, w, 48):
            box = [i, horizon - 20, i + 40, horizon - 6]
            pen.arc(box, 200, 340, fill="#d7ecfa", width=2)
    pen.gradient((0, horizon, w, h), "#8fcf78", "#5b9d4c")
    pen.rect([0, horizon + 40, w, horizon + 70], fill="#c9c2b6")
    # The building.
    floors = rng.randint(2, 4)
    floor_h = rng.randint(56, 68)
    bw = int(w * rng.uniform(0.38, 0.55))
    bx = rng.randint(int(w * 0.12), w - bw - int(w * 0.12))
    top = horizon + 30 - floors * floor_h
    bottom = horizon + 40
    pen.rect([bx, top, bx + bw, bottom], fill=wall, outline="#c7bba8", width=3)
    if rng.random() < 0.5:  # pitched roof
        roof = [(bx - 24, top), (bx + bw // 2, top - 70), (bx + bw + 24, top)]
        pen.polygon(roof, fill=accent)
    else:  # flat roof with a band and a flag
        pen.rect([bx - 10, top - 18, bx + bw + 10, top], fill=accent)
        fx = bx + bw - 40
        pen.line([fx, top - 18, fx, top - 80], fill="#6b6b6b", width=3)
        flag = [(fx, top - 80), (fx + 36, top - 70), (fx, top - 60)]
        pen.polygon(flag, fill="#e23b3b")
    cols = max(3, bw // 70)
    gap = bw / cols
    dx = bx + bw // 2  # the entrance
    for f in range(floors):
        y = top + 14 + f * floor_h
        for c in range(cols):
            x = int(bx + c * gap + gap * 0.22)
            x1 = int(x + gap * 0.56)
            if f == floors - 1 and x1 > dx - 80 and x < dx + 80:
                continue  # no window behind the entrance
            pen.rect(
                [x, y, x1, y + floor_h - 30], fill="#cfe8fb", outline="#8aa9c0", width=2
            )
    # Entrance with a coloured sign band (no text) above it.
    pen.rect(
        [dx - 70, bottom - floor_h - 12, dx + 70, bottom - floor_h + 8], fill=accent
    )
    pen.rect([dx - 28, bottom - floor_h + 16, dx + 28, bottom], fill="#7a5236")
    # Trees either side.
    for _ in range(rng.randint(2, 4)):
        left = rng.randint(20, max(21, bx - 40))
        right = rng.randint(min(bx + bw + 40, w - 21), w - 20)
        base, size = horizon + rng.randint(50, 110), rng.randint(50, 80)
        _tree(pen, rng.choice([left, right]), base, size, rng.choice(TREE_GREENS))
    return pen.img


def draw_interior(rng: random.Random, kind: str) -> Image.Image:
    """A room: window, bookshelf, table and chairs, a plant."""
    w, h = DESIGN_W, DESIGN_H
    sky_top, sky_bottom, accent, wall = PALETTES[kind]
    floor_y = int(h * 0.64)
    pen = _canvas(wall, "#e9e2d6")
    pen.gradient((0, floor_y, w, h), "#c8a27a", "#a77e57")
    # A window onto the sky.
    wx = rng.randint(60, 200)
    pen.gradient((wx, 70, wx + 260, 270), sky_top, sky_bottom)
    pen.rect([wx, 70, wx + 260, 270], outline="#ffffff", width=10)
    pen.line([wx + 130, 70, wx + 130, 270], fill="#ffffff", width=6)
    # A bookshelf with coloured spines.
    sx = rng.randint(560, 700)
    pen.rect([sx, 110, sx + 220, floor_y + 10], fill="#8b6243")
    spines = [accent, "#f2c14e", "#5b8e7d", "#f7f7f2", "#3d5a80"]
    for shelf in range(4):
        y = 130 + shelf * 75
        x = sx + 12
        while x < sx + 200:
            bw = rng.randint(10, 20)
            top = y + rng.randint(0, 15)
            pen.rect([x, top, x + bw, y + 60], fill=rng.choice(spines))
            x += bw + 3
        pen.rect([sx + 8, y + 60, sx + 212, y + 66], fill="#6d4a31")
    # Table and chairs.
    tx = rng.randint(120, 260)
    pen.rect([tx, floor_y + 40, tx + 360, floor_y + 60], fill="#f4efe6")
    for leg in (tx + 20, tx + 330):
        pen.rect([leg, floor_y + 60, leg + 10, floor_y + 150], fill="#d9d1c3")
    for cx in range(tx + 30, tx + 340, 90):
        pen.rect([cx, floor_y + 90, cx + 50, floor_y + 110], fill=accent)
        pen.rect([cx + 4, floor_y + 110, cx + 10, floor_y + 170], fill="#555555")
        pen.rect([cx + 40, floor_y + 110, cx + 46, floor_y + 170], fill="#555555")
    # A plant in the corner.
    pen.rect([w - 90, floor_y + 60, w - 40, floor_y + 120], fill="#c96f4a")
    for dx, dy in ((-20, 0), (20, -10), (0, -40)):
        cx, cy = w - 65 + dx, floor_y + 30 + dy
        pen.ellipse([cx - 30, cy - 30, cx + 30, cy + 30], fill="#4fa35a")
    return pen.img


@dataclass(frozen=True)
class RenderedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    caption: str
    position: int


def _processed(img: Image.Image, caption: str, position: int) -> RenderedPhoto:
    out = BytesIO()
    img.save(out, "JPEG", quality=88)
    upload = SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")
    processed = process_image(upload)
    return RenderedPhoto(
        processed.image,
        processed.thumbnail,
        processed.width,
        processed.height,
        caption=caption,
        position=position,
    )


def render_photos(
    rng: random.Random, *, name: str, kind: str, island: bool, has_rooms: bool
) -> list[RenderedPhoto]:
    """A venue's 1–2 pictures: the outside, and a room where it has any."""
    pictures = [(draw_exterior(rng, kind, island=island), f"{name}外景")]
    if has_rooms or rng.random() < 0.4:
        pictures.append((draw_interior(rng, kind), "室内活动空间"))
    return [
        _processed(img, caption, position)
        for position, (img, caption) in enumerate(pictures)
    ]
