"""Upload -> safe stored images (no database; works with and without pytest-django)."""

import io
import os
import struct
import warnings
import zlib

import django
import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, features

from venues.images import (
    MAX_EDGE,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    THUMB_EDGE,
    ProcessedImage,
    process_image,
)

# Under pytest-django the project settings are already set up; under
# `-p no:django` fall back to Django's defaults so gettext() can run.
if not settings.configured and "DJANGO_SETTINGS_MODULE" not in os.environ:
    settings.configure()
if not apps.ready:
    django.setup()

GPS_IFD = 0x8825
ORIENTATION = 0x0112
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


# --- helpers -----------------------------------------------------------------


def encode(im: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def refused(data: bytes, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as info:
        process_image(upload(data, name))
    return info.value


def opened(processed_file) -> Image.Image:
    im = Image.open(io.BytesIO(processed_file.read()))
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    return im


def jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of the header segments of a JPEG, up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while data[i + 1] != 0xDA:
        assert data[i] == 0xFF
        markers.append(data[i + 1])
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return markers


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_claiming(width: int, height: int) -> bytes:
    """A few dozen bytes of valid PNG whose IHDR announces width x height RGB."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


def close_to(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.fixture
def no_pixel_decoding(monkeypatch):
    """Fail the test if anything tries to decode (and so allocate) pixel data."""

    def explode(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", explode)


# --- the happy path ----------------------------------------------------------


def test_gps_exif_and_comment_are_stripped_and_dimensions_kept():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 9.0)})
    source = encode(Image.new("RGB", (640, 480), RED), exif=exif, comment=b"secret")
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)[2]  # sanity

    result = process_image(upload(source))

    assert isinstance(result, ProcessedImage)
    assert (result.width, result.height) == (640, 480)
    for stored, size in ((result.image, (640, 480)), (result.thumbnail, (480, 360))):
        data = stored.read()
        im = opened(stored.open())
        assert im.size == size
        assert len(im.getexif()) == 0
        assert "exif" not in im.info and "comment" not in im.info
        # Only the JFIF APP0 marker: no APP1 (EXIF/XMP), APP2 (ICC) or COM.
        assert [m for m in jpeg_segments(data) if 0xE0 <= m <= 0xEF or m == 0xFE] == [
            0xE0
        ]
        assert b"secret" not in data and b"PhoneMaker" not in data


def test_names_are_random_hex_jpg():
    result = process_image(upload(encode(Image.new("RGB", (10, 10)))))
    names = {result.image.name, result.thumbnail.name}
    assert len(names) == 2
    for name in names:
        stem, ext = name.rsplit(".", 1)
        assert ext == "jpg"
        int(stem, 16)
        assert len(stem) >= 16


def test_exif_orientation_is_applied():
    # Stored sideways: red on the left, blue on the right; orientation 6 means
    # "rotate 90 degrees clockwise to display", so red must end up on top.
    im = Image.new("RGB", (400, 200), BLUE)
    im.paste(RED, (0, 0, 200, 200))
    exif = Image.Exif()
    exif[ORIENTATION] = 6

    result = process_image(upload(encode(im, exif=exif)))

    assert (result.width, result.height) == (200, 400)
    out = opened(result.image)
    assert close_to(out.getpixel((100, 50)), RED)
    assert close_to(out.getpixel((100, 350)), BLUE)


def test_large_rotated_photo_is_shrunk_and_upright():
    im = Image.new("RGB", (3000, 2000), BLUE)
    im.paste(RED, (0, 0, 1500, 2000))
    exif = Image.Exif()
    exif[ORIENTATION] = 6

    result = process_image(upload(encode(im, exif=exif)))

    assert (result.width, result.height) == (1365, 2048)
    out = opened(result.image)
    assert close_to(out.getpixel((680, 200)), RED)
    assert close_to(out.getpixel((680, 1800)), BLUE)
    assert opened(result.thumbnail).size == (320, 480)


def test_transparent_png_becomes_rgb_jpeg_on_white():
    im = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (0, 0, 50, 100))

    out = opened(process_image(upload(encode(im, "PNG"), "logo.png")).image)

    assert close_to(out.getpixel((20, 50)), RED)
    assert close_to(out.getpixel((80, 50)), WHITE)


def test_palette_gif_transparency_is_flattened_on_white():
    im = Image.new("P", (60, 60), 0)
    im.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    im.paste(1, (0, 0, 30, 60))
    data = encode(im, "GIF", transparency=0)

    out = opened(process_image(upload(data, "x.gif")).image)

    assert close_to(out.getpixel((10, 30)), RED)
    assert close_to(out.getpixel((50, 30)), WHITE)


@pytest.mark.parametrize(
    ("size", "expected", "thumb"),
    [
        ((4000, 3000), (2048, 1536), (480, 360)),
        ((3000, 4000), (1536, 2048), (360, 480)),
        ((300, 100), (300, 100), (300, 100)),  # never enlarged
    ],
)
def test_long_edge_is_limited(size, expected, thumb):
    assert MAX_EDGE == 2048 and THUMB_EDGE == 480
    result = process_image(upload(encode(Image.new("RGB", size, RED))))

    assert (result.width, result.height) == expected
    assert opened(result.image).size == expected
    assert opened(result.thumbnail).size == thumb


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("L", "PNG"),
        ("LA", "PNG"),
        ("1", "PNG"),
        ("I;16", "PNG"),
        ("P", "PNG"),
        ("CMYK", "JPEG"),
        ("L", "JPEG"),
        ("RGB", "GIF"),
    ],
)
def test_other_modes_end_up_rgb(mode, fmt):
    im = Image.new("RGB", (50, 40), RED)
    im = im.convert(mode) if mode != "I;16" else Image.new("I;16", (50, 40), 300)
    result = process_image(upload(encode(im, fmt), f"x.{fmt.lower()}"))
    assert opened(result.image).size == (50, 40)


def test_animated_gif_keeps_first_frame():
    frames = [Image.new("RGB", (40, 40), c) for c in (RED, BLUE, BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])

    out = opened(process_image(upload(data, "anim.gif")).image)

    assert close_to(out.getpixel((20, 20)), RED)


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_webp_is_accepted():
    result = process_image(upload(encode(Image.new("RGB", (30, 20), RED), "WEBP")))
    assert (result.width, result.height) == (30, 20)


def test_multi_picture_jpeg_from_phones_is_accepted():
    im = Image.new("RGB", (64, 48), RED)
    data = encode(im, "MPO", save_all=True, append_images=[im])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = process_image(upload(data))

    assert (result.width, result.height) == (64, 48)


def test_an_already_read_upload_is_rewound():
    f = upload(encode(Image.new("RGB", (10, 10))))
    f.read()
    assert process_image(f).width == 10


# --- refusals ----------------------------------------------------------------


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the upload was read")

    def seek(self, *args):
        raise AssertionError("the upload was touched")


def test_oversized_upload_is_refused_before_reading():
    f = SimpleUploadedFile("huge.jpg", b"")
    f.size = MAX_UPLOAD_BYTES + 1
    f.file = Unreadable()

    with pytest.raises(ValidationError) as info:
        process_image(f)

    assert info.value.code == "file_too_large"
    assert "10" in info.value.messages[0]


def test_upload_whose_size_lies_is_still_capped():
    f = upload(b"\xff" * (MAX_UPLOAD_BYTES + 1))
    f.size = 1000

    with pytest.raises(ValidationError) as info:
        process_image(f)

    assert info.value.code == "file_too_large"


@pytest.mark.parametrize(
    "data",
    [
        b"Hello, this is a text file renamed to .jpg\n" * 20,
        b"",
        b"\xff\xd8\xff\xe0" + b"\x00" * 50,  # JPEG magic, nothing behind it
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
    ],
    ids=["text", "empty", "jpeg-magic-only", "png-magic-only"],
)
def test_non_images_are_refused(data):
    assert refused(data).code == "invalid_image"


def noise(size=(600, 400)) -> Image.Image:
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def test_truncated_jpeg_is_refused():
    data = encode(noise())
    assert refused(data[: len(data) // 2]).code == "invalid_image"


def test_truncated_png_is_refused():
    data = encode(noise(), "PNG")
    assert refused(data[: len(data) // 2], "x.png").code == "invalid_image"


def test_png_with_corrupt_crc_is_refused():
    data = bytearray(encode(Image.new("RGB", (20, 20), RED), "PNG"))
    data[30] ^= 0xFF  # inside IHDR: its CRC no longer matches
    assert refused(bytes(data), "x.png").code == "invalid_image"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "PPM"])
def test_other_formats_are_refused(fmt):
    error = refused(encode(Image.new("RGB", (20, 20), RED), fmt), "x.jpg")
    assert error.code == "unsupported_format"


def test_png_claiming_50000_square_is_refused_without_decoding(no_pixel_decoding):
    data = png_claiming(50_000, 50_000)
    assert len(data) < 100

    assert refused(data, "bomb.png").code == "too_many_pixels"


def test_our_pixel_limit_holds_without_pillows_global_guard(
    no_pixel_decoding, monkeypatch
):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert refused(png_claiming(50_000, 50_000), "bomb.png").code == "too_many_pixels"


def test_pixel_limit_is_stricter_than_pillows(no_pixel_decoding):
    # 42 MP: under Pillow's default warning threshold (~89 MP), over ours.
    width, height = 7000, 6000
    assert width * height > MAX_PIXELS
    assert width * height < (Image.MAX_IMAGE_PIXELS or 0)

    assert refused(png_claiming(width, height), "big.png").code == "too_many_pixels"


def test_pillow_bomb_warning_turned_error_is_still_a_validation_error(monkeypatch):
    # Some setups run with warnings as errors; Pillow then raises its warning.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 40x40 only warns
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        assert refused(encode(Image.new("RGB", (40, 40)))).code == "too_many_pixels"
