"""Shots on real pixels: every kind at every preset size, text inside the safe area, the product
never cut, a backdrop only where cropping would cut it, and camera moves that glide sub-pixel."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from promodesk import RESOURCES
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.shots import KINDS, ShotRenderer
from promodesk.engines.visuals.safearea import safe_area

PRODUCTS = Path("/work/shared/data/products")
if not PRODUCTS.is_dir():
    PRODUCTS = RESOURCES / "examples"
SIZES = [(1080, 1920), (1080, 1080), (1920, 1080)]
COPY = {"title": "晨光意式浓缩杯", "text": "加厚骨瓷，保温更持久", "price": "¥99 / 两只装",
        "old_price": "¥159", "cta": "立即抢购", "colors": ["#7a2e1f", "#f3e6d3"]}
SECOND = 1_000_000


@pytest.fixture(scope="module")
def photos():
    return {name: load_photo(PRODUCTS / name) for name in ("espresso-cup.png", "launch.jpg")}


def product_photo() -> Image.Image:
    """A blue product on a soft gradient with a red disc at its centre and a green one near its
    edge, so a frame shows where the camera put it (big discs: their centroids are exact)."""
    ys, xs = np.mgrid[0:800, 0:1200].astype(np.float32)
    base = np.stack([180 + 40 * xs / 1200, 180 + 35 * ys / 800, 190 + 20 * xs / 1200], axis=2)
    image = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    draw.ellipse((700, 250, 1000, 650), fill=(20, 60, 200))
    draw.ellipse((825, 425, 875, 475), fill=(240, 20, 20))
    draw.ellipse((730, 320, 790, 380), fill=(20, 230, 20))
    return image


def centroid(frame: np.ndarray, channel: int) -> tuple[float, float]:
    """Intensity-weighted centre (x, y) of the dot whose colour is ``channel`` (0 red, 1 green)."""
    rgb = frame.astype(np.float32)
    others = [c for c in range(3) if c != channel]
    weight = np.clip(rgb[..., channel] - rgb[..., others].max(axis=2) - 80, 0, None)
    total = weight.sum()
    assert total > 0, "the dot is out of view"
    ys, xs = np.indices(weight.shape)
    return float((weight * xs).sum() / total), float((weight * ys).sum() / total)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_at_every_size(photos, kind, size):
    shot = ShotRenderer(dict(COPY, kind=kind), photos["espresso-cup.png"], size, 4 * SECOND)
    for t in (-200_000, 0, 2 * SECOND, 4 * SECOND + 200_000):   # transitions draw outside too
        frame = shot.frame(t)
        assert frame.shape == (size[1], size[0], 3) and frame.dtype == np.uint8
    frame = shot.frame(2 * SECOND)
    assert frame.std() > 20                                        # not a flat field
    assert len(np.unique(frame.reshape(-1, 3)[::97], axis=0)) > 200
    left, top, right, bottom = safe_area(size)
    for layer in shot.layers:                                      # text, badges, buttons
        if layer.role != "scrim":
            x0, y0, x1, y1 = layer.box
            assert left <= x0 and top <= y0 and x1 <= right and y1 <= bottom, (layer.role, layer.box)


@pytest.mark.parametrize("kind", ["cta", "card", "hero"])
def test_kinds_without_a_photo(kind):
    shot = ShotRenderer(dict(COPY, kind=kind, colors=[]), None, (1080, 1920), 3 * SECOND)
    frame = shot.frame(2 * SECOND)
    assert frame.shape == (1920, 1080, 3) and shot.camera is None
    # the copy is drawn: light ink on the dark default field
    assert (frame.max(axis=2) > 200).mean() > 0.005


def test_text_enters_then_holds(photos):
    shot = ShotRenderer(dict(COPY, kind="card"), None, (1080, 1080), 3 * SECOND)
    before, entering, held, later = (shot.frame(t) for t in (0, 300_000, SECOND, 2 * SECOND))
    assert np.array_equal(before, shot.base)                       # nothing drawn yet
    ink = [np.abs(f.astype(int) - shot.base).sum() for f in (entering, held)]
    assert 0 < ink[0] < ink[1]
    assert np.array_equal(held, later)                             # a still card holds still


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["espresso-cup.png", "launch.jpg"])
@pytest.mark.parametrize("kind", ["hero", "offer", "feature", "cta"])
def test_the_product_is_never_cropped(photos, name, kind, size):
    shot = ShotRenderer(dict(COPY, kind=kind), photos[name], size, 4 * SECOND)
    camera, (x, y, rw, rh) = shot.camera, shot.region
    for u in np.linspace(0, 1, 9):
        x0, y0, x1, y1 = camera.to_region(u, camera.salient)
        assert x0 >= -0.5 and y0 >= -0.5 and x1 <= rw + 0.5 and y1 <= rh + 0.5, (u, camera.mode)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_product_pixels_all_in_frame(size):
    """On pixels: the blue product's ink never touches the frame's edge, and its area is what the
    camera's scale says, so nothing of it is cut off."""
    photo = product_photo()
    blue_in_photo = (np.asarray(photo)[..., 2].astype(int) - np.asarray(photo)[..., 0] > 120).sum()
    shot = ShotRenderer({"kind": "hero", "move": "push_in"}, photo, size, 3 * SECOND)
    for t in (0, 1_500_000, 3 * SECOND):
        frame = shot.frame(t)
        blue = frame[..., 2].astype(int) - frame[..., 0] > 120
        ys, xs = np.nonzero(blue)
        assert xs.min() > 0 and ys.min() > 0 and xs.max() < size[0] - 1 and ys.max() < size[1] - 1
        scale = shot.camera.place(t / (3 * SECOND))[0]
        assert blue.sum() == pytest.approx(blue_in_photo * scale ** 2, rel=0.06)


def test_backdrop_only_when_cropping_would_cut_the_product(photos):
    # the cup fills its landscape photo: a 9:16 frame cannot crop it, so it sits on a backdrop
    tall = ShotRenderer({"kind": "hero"}, photos["espresso-cup.png"], (1080, 1920), 3 * SECOND)
    assert tall.camera.mode == "backdrop"
    frame = tall.frame(SECOND)
    sharp = np.abs(cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), cv2.CV_32F))
    photo_top = int(tall.camera.photo_rect(1 / 3)[1])
    assert photo_top > 200
    assert sharp[: photo_top - 60].mean() < 0.25 * sharp[photo_top + 60: photo_top + 400].mean()

    # a small product in a wide photo: cropping to 9:16 around it keeps it whole, no backdrop
    wide = Image.new("RGB", (1600, 900), (200, 190, 180))
    noise = np.random.default_rng(1).normal(0, 12, (900, 1600, 3))
    wide = Image.fromarray(np.clip(np.asarray(wide) + noise, 0, 255).astype(np.uint8))
    ImageDraw.Draw(wide).ellipse((980, 300, 1180, 600), fill=(20, 60, 200))
    crop = ShotRenderer({"kind": "hero"}, wide, (1080, 1920), 3 * SECOND)
    assert crop.camera.mode == "crop" and crop.camera.backdrop is None
    x0, y0, x1, y1 = crop.camera.to_region(0.0, crop.camera.salient)
    assert 0 <= x0 and x1 <= 1080                                   # cropped around the product
    left, top, right, bottom = crop.camera.photo_rect(0.5)
    assert left <= 0 and top <= 0 and right >= 1080 and bottom >= 1920


def test_push_in_glides_by_sub_pixel_steps():
    shot = ShotRenderer({"kind": "hero", "move": "push_in"}, product_photo(), (1080, 1080),
                        2 * SECOND)
    measured = np.array([centroid(shot.frame(n * SECOND // 30), 1) for n in range(61)])
    steps = np.diff(measured[:, 0])
    # the green disc sits left of and above the zoom centre: it moves up-left, every frame
    assert (steps < 0).all() and (np.diff(measured[:, 1]) < 0).all()
    assert np.abs(steps).max() < 1.0                                   # sub-pixel per frame
    # no integer jitter: a second difference adds up three frames' position errors (about
    # 0.07 px each here, checked below; OpenCV's warp places pixels to 1/32 px)
    assert np.abs(np.diff(steps)).max() < 0.3
    # and it is where the camera's float transform says, to a small fraction of a pixel
    # (the disc's centre is photo point (760.5, 350.5); pixel centres sit at index + 0.5)
    expected = []
    for n in range(61):
        scale, cx, cy = shot.camera.place(n / 60)
        expected.append((scale * (760.5 - cx) + 540 - 0.5, scale * (350.5 - cy) + 540 - 0.5))
    error = measured - np.array(expected)
    assert np.abs(error).max() < 0.2


def test_detail_pan_is_smooth_and_monotonic():
    shot = ShotRenderer({"kind": "detail", "move": "pan_right"}, product_photo(), (1080, 1920),
                        3 * SECOND)
    xs, ys = zip(*(centroid(shot.frame(n * SECOND // 30), 0) for n in range(30, 61)))
    steps = np.diff(xs)
    assert (steps < 0).all()                   # the view travels right: the product slides left
    assert np.abs(np.diff(steps)).max() < 0.15  # eased, no stutter
    assert np.ptp(ys) < 0.5                    # a horizontal pan stays level


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["9x16", "16x9"])
@pytest.mark.parametrize("name", ["espresso-cup.png", "launch.jpg"])
def test_price_badge_keeps_off_the_product(photos, name, size):
    shot = ShotRenderer(dict(COPY, kind="offer"), photos[name], size, 3 * SECOND)
    badge = next(layer for layer in shot.layers if layer.role == "badge")
    disc = badge.inverse_alpha[..., 0] < 128                   # the badge itself, not its shadow
    x0, y0, x1, y1 = (int(round(v)) for v in shot._product_box())
    ys, xs = np.nonzero(disc)
    on_product = (xs + badge.x >= x0) & (xs + badge.x < x1) & (ys + badge.y >= y0) & (ys + badge.y < y1)
    assert on_product.mean() < 0.03


def test_same_seed_same_frames_and_missing_glyphs_are_reported(photos):
    params = dict(COPY, kind="detail", move="auto", title="𓀀 Kit")
    one = ShotRenderer(params, photos["launch.jpg"], (1080, 1080), 3 * SECOND, seed=4)
    two = ShotRenderer(params, photos["launch.jpg"], (1080, 1080), 3 * SECOND, seed=4)
    assert np.array_equal(one.frame(SECOND), two.frame(SECOND))
    assert any("𓀀" in note for note in one.notes)


def test_unknown_kind_or_move_is_refused(photos):
    with pytest.raises(ValueError, match="kind"):
        ShotRenderer({"kind": "montage"}, None, (1080, 1080), SECOND)
    with pytest.raises(ValueError, match="move"):
        ShotRenderer({"kind": "hero", "move": "spin"}, None, (1080, 1080), SECOND)
