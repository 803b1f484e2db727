"""Photos from phones and designers come out upright, 8-bit, and in the right colours; broken files
give a message, not a traceback. Also the product box and the palette read from photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from promodesk import RESOURCES
from promodesk.engines.visuals.palette import palette_from_colors, palette_from_photo
from promodesk.engines.visuals.photos import PhotoError, load_photo
from promodesk.engines.visuals.saliency import salient_box
from promodesk.engines.visuals.typeset import contrast_ratio

PRODUCTS = Path("/work/shared/data/products")
SAMPLES = sorted(PRODUCTS.glob("*")) if PRODUCTS.is_dir() else sorted(
    (RESOURCES / "examples").glob("*.[jp][pn]g"))

RED = (220, 20, 20)


def upright_with_marker(size=(90, 60)) -> Image.Image:
    """A white picture with a red block in its top-left corner, as the viewer should see it."""
    image = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 19, 14), fill=RED)
    return image


def marker_corner(image: Image.Image) -> str:
    """Which corner (tl, tr, bl, br) holds the red block."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    h, w = rgb.shape[:2]
    corners = {"tl": rgb[:10, :10], "tr": rgb[:10, w - 10:], "bl": rgb[h - 10:, :10],
               "br": rgb[h - 10:, w - 10:]}
    redness = {k: (v[..., 0] - v[..., 1]).mean() for k, v in corners.items()}
    return max(redness, key=redness.get)


# Stored pixels for each EXIF orientation: exif_transpose must turn them back into the upright view.
STORED = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_exif_orientation_is_honoured(tmp_path, orientation):
    upright = upright_with_marker()
    stored = upright if orientation == 1 else upright.transpose(STORED[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"phone-{orientation}.jpg"
    stored.save(path, quality=95, exif=exif)
    assert Image.open(path).getexif()[0x0112] == orientation

    photo = load_photo(path)
    assert photo.mode == "RGB"
    assert photo.size == upright.size          # landscape again, not sideways
    assert marker_corner(photo) == "tl"


def test_cmyk_jpeg_comes_out_rgb_with_right_colours(tmp_path):
    path = tmp_path / "print.jpg"
    upright_with_marker().convert("CMYK").save(path, quality=95)
    assert Image.open(path).mode == "CMYK"
    photo = load_photo(path)
    rgb = np.asarray(photo).astype(int)
    assert photo.mode == "RGB"
    assert marker_corner(photo) == "tl"
    assert np.abs(rgb[5, 5] - RED).max() < 30           # red stays red (not inverted)
    assert rgb[40, 60].min() > 235                       # white stays white


def test_16_bit_greyscale_png_is_scaled_to_8_bit(tmp_path):
    values = np.full((40, 60), 30000, np.uint16)
    values[:10, :10] = 65535
    path = tmp_path / "deep.png"
    Image.fromarray(values).save(path)
    assert Image.open(path).mode.startswith("I")
    rgb = np.asarray(load_photo(path)).astype(int)
    assert rgb.shape == (40, 60, 3)
    assert (rgb[5, 5] == 255).all()
    assert np.abs(rgb[30, 30] - round(30000 / 257)).max() <= 1


def test_16_bit_colour_png(tmp_path):
    bgr = np.zeros((40, 60, 3), np.uint16)
    bgr[:] = (65535, 65535, 65535)
    bgr[:15, :20] = (5000, 5000, 60000)   # OpenCV writes BGR: red
    path = tmp_path / "deep-colour.png"
    cv2.imwrite(str(path), bgr)
    photo = load_photo(path)
    assert photo.mode == "RGB"
    assert marker_corner(photo) == "tl"
    assert np.asarray(photo)[5, 5, 0] > 220 and np.asarray(photo)[5, 5, 2] < 40


def test_png_with_alpha_keeps_it_and_opaque_alpha_is_dropped(tmp_path):
    cutout = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    ImageDraw.Draw(cutout).ellipse((10, 5, 50, 35), fill=(20, 80, 200, 255))
    path = tmp_path / "cutout.png"
    cutout.save(path)
    photo = load_photo(path)
    assert photo.mode == "RGBA"
    alpha = np.asarray(photo)[..., 3]
    assert alpha[20, 30] == 255 and alpha[0, 0] == 0

    opaque = tmp_path / "opaque.png"
    upright_with_marker().convert("RGBA").save(opaque)
    assert load_photo(opaque).mode == "RGB"


def test_webp_palette_and_greyscale(tmp_path):
    upright = upright_with_marker()
    webp = tmp_path / "photo.webp"
    upright.save(webp, lossless=True)
    assert load_photo(webp).mode == "RGB" and marker_corner(load_photo(webp)) == "tl"

    palette = tmp_path / "palette.png"
    upright.quantize(colors=4).save(palette)
    assert Image.open(palette).mode == "P"
    photo = load_photo(palette)
    assert photo.mode == "RGB" and marker_corner(photo) == "tl"

    see_through = tmp_path / "palette-transparent.png"
    indexed = upright.quantize(colors=4)
    white = indexed.getpixel((60, 40))
    indexed.save(see_through, transparency=white)
    photo = load_photo(see_through)
    assert photo.mode == "RGBA" and np.asarray(photo)[40, 60, 3] == 0

    grey = tmp_path / "grey.png"
    upright.convert("L").save(grey)
    photo = load_photo(grey)
    assert photo.mode == "RGB" and photo.size == upright.size


@pytest.mark.parametrize("content", [b"", b"this is not a photo at all" * 10, b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_corrupt_files_raise_photo_error_with_a_message(tmp_path, content):
    path = tmp_path / "product.png"
    path.write_bytes(content)
    with pytest.raises(PhotoError) as err:
        load_photo(path)
    message = str(err.value)
    assert "product.png" in message and len(message) > 40
    assert "JPEG" in message or "PNG" in message


def test_truncated_jpeg_and_missing_file(tmp_path):
    full = tmp_path / "full.jpg"
    Image.effect_noise((400, 300), 60).convert("RGB").save(full, quality=90)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(PhotoError, match="truncated.jpg.*(damaged|incomplete)"):
        load_photo(truncated)
    with pytest.raises(PhotoError, match="missing"):
        load_photo(tmp_path / "nowhere.jpg")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_photos_load(path):
    photo = load_photo(path)
    assert photo.mode == "RGB" and min(photo.size) >= 300


# --- the product's box ---------------------------------------------------------------------------

def test_salient_box_finds_an_off_centre_product_on_a_plain_background():
    image = Image.new("RGB", (600, 400), (236, 236, 236))
    ImageDraw.Draw(image).ellipse((380, 80, 540, 300), fill=(30, 90, 200))
    x0, y0, x1, y1 = salient_box(image)
    assert x0 <= 380 and y0 <= 80 and x1 >= 540 and y1 >= 300       # the whole product
    assert (x1 - x0) * (y1 - y0) < 2.5 * 160 * 220                  # and not the whole photo


def test_salient_box_on_textured_background():
    rng = np.random.default_rng(3)
    texture = np.clip(rng.normal(128, 20, (400, 600, 3)) + (20, 0, -20), 0, 255).astype(np.uint8)
    image = Image.fromarray(cv2.GaussianBlur(texture, (0, 0), 2))
    ImageDraw.Draw(image).rounded_rectangle((60, 120, 220, 380), radius=20, fill=(250, 250, 245))
    x0, y0, x1, y1 = salient_box(image)
    assert x0 <= 60 and y0 <= 120 and x1 >= 220 and y1 >= 380
    assert x1 < 400


def test_salient_box_of_a_cutout_is_its_opaque_part():
    image = Image.new("RGBA", (500, 500), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((100, 150, 199, 399), fill=(200, 40, 40, 255))
    x0, y0, x1, y1 = salient_box(image)
    assert 85 <= x0 <= 100 and 135 <= y0 <= 150 and 200 <= x1 <= 215 and 400 <= y1 <= 415


# --- palette -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_palette_from_photo_is_readable(path):
    palette = palette_from_photo(load_photo(path))
    assert contrast_ratio(palette.text, palette.background) >= 4.5
    assert contrast_ratio(palette.on_accent, palette.accent) >= 4.5
    assert palette.accent != palette.background


def test_brand_colours_win_over_the_photo():
    photo = load_photo(SAMPLES[0])
    palette = palette_from_colors(["#7a2e1f", "#f3e6d3"], photo)
    assert palette.background == (0x7A, 0x2E, 0x1F)
    assert palette.accent == (0xF3, 0xE6, 0xD3)
    assert palette.text == (0xF3, 0xE6, 0xD3)     # the brand's cream reads on its brown
    light = palette_from_colors(["#fafafa"], None)
    assert contrast_ratio(light.text, light.background) >= 4.5
    assert palette_from_colors(["not a colour"], photo) == palette_from_photo(photo)
