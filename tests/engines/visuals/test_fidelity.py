"""The product fidelity check: a clip made from the photo (moved by the motion camera, encoded,
softened) keeps the product; a clip of another photo, of a blank backdrop, or of the product
warped out of shape does not. Real sample photos, real camera frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from promodesk.engines.visuals.camera import PhotoCamera
from promodesk.engines.visuals.fidelity import (FIDELITY_THRESHOLD, is_product_kept,
                                                product_fidelity)
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.saliency import salient_box

PRODUCTS = Path("/work/shared/data/products")
if not PRODUCTS.is_dir():  # the sample photos also ship with the examples
    PRODUCTS = Path(__file__).resolve().parents[3] / "resources" / "examples" / "products"
PHOTOS = ["espresso-cup.png", "launch.jpg"]


def camera_frames(photo, region=(360, 640), move="push_in", count=12):
    """``count`` frames of a 5-second motion-camera move over ``photo`` into ``region`` (w, h),
    and the product's box in the first frame (region pixels)."""
    camera = PhotoCamera(np.asarray(photo), salient_box(photo), region, move=move, seconds=5.0)
    frames = [camera.render(i / (count - 1)) for i in range(count)]
    box = tuple(int(round(v)) for v in camera.to_region(0.0, camera.salient))
    return frames, box


def encoded(frame, quality=30):
    """``frame`` through JPEG at ``quality`` and a slight blur: what encoding and a soft model
    do."""
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.GaussianBlur(cv2.imdecode(data, cv2.IMREAD_UNCHANGED), (0, 0), 1.0)


def wobbled(frame, amount=0.05):
    """``frame`` with a sine warp of ``amount`` of its size: the product melting out of shape."""
    h, w = frame.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x = xs + amount * w * np.sin(2 * np.pi * 3 * ys / h)
    map_y = ys + amount * h * np.sin(2 * np.pi * 3 * xs / w)
    return cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


@pytest.mark.parametrize("name", PHOTOS)
@pytest.mark.parametrize("region", [(360, 640), (640, 360)])
def test_the_photos_own_slow_zoom_keeps_the_product(name, region):
    photo = load_photo(PRODUCTS / name)
    frames, box = camera_frames(photo, region)
    assert frames[0].shape != frames[-1].shape or not np.array_equal(frames[0], frames[-1])
    for score in (product_fidelity(photo, frames), product_fidelity(photo, frames, box),
                  product_fidelity(photo, [encoded(f) for f in frames])):
        assert score > FIDELITY_THRESHOLD + 0.2, score
        assert is_product_kept(score)


def test_a_pan_keeps_the_product():
    photo = load_photo(PRODUCTS / "espresso-cup.png")
    frames, box = camera_frames(photo, (512, 512), move="pan_left")
    assert is_product_kept(product_fidelity(photo, frames, box))


@pytest.mark.parametrize("name", PHOTOS)
def test_another_photo_is_not_the_product(name):
    photo = load_photo(PRODUCTS / name)
    other = load_photo(PRODUCTS / next(n for n in PHOTOS if n != name))
    frames, _ = camera_frames(other)
    _, box = camera_frames(photo)
    for score in (product_fidelity(photo, frames), product_fidelity(photo, frames, box)):
        assert score < FIDELITY_THRESHOLD - 0.2, score
        assert not is_product_kept(score)


@pytest.mark.parametrize("name", PHOTOS)
def test_a_blank_backdrop_is_not_the_product(name):
    photo = load_photo(PRODUCTS / name)
    _, box = camera_frames(photo)
    blank = [np.full((640, 360, 3), 228, np.uint8)] * 4
    assert product_fidelity(photo, blank) < FIDELITY_THRESHOLD - 0.2
    assert not is_product_kept(product_fidelity(photo, blank, box))


@pytest.mark.parametrize("name", PHOTOS)
def test_a_warped_product_is_not_kept(name):
    photo = load_photo(PRODUCTS / name)
    frames, box = camera_frames(photo)
    melted = [wobbled(f) for f in frames]
    assert product_fidelity(photo, melted) < FIDELITY_THRESHOLD - 0.1
    assert not is_product_kept(product_fidelity(photo, melted, box))


def test_a_product_that_changes_late_in_the_clip_is_not_kept():
    """The lowest sampled frame decides: kept for most of the clip is not kept."""
    photo = load_photo(PRODUCTS / "espresso-cup.png")
    frames, box = camera_frames(photo)
    late = frames[:-3] + [wobbled(f, 0.08) for f in frames[-3:]]
    assert is_product_kept(product_fidelity(photo, frames[:-3], box))
    assert not is_product_kept(product_fidelity(photo, late, box))


def test_no_frames_scores_zero():
    photo = load_photo(PRODUCTS / "launch.jpg")
    assert product_fidelity(photo, []) == 0.0


def test_a_cut_out_is_compared_on_its_opaque_pixels():
    """A product cut-out (transparent around it) is laid on a flat backdrop by the camera; its
    own pixels count, not the backdrop's, so any flat colour behind it keeps the product."""
    photo = load_photo(PRODUCTS / "espresso-cup.png").convert("RGBA")
    w, h = photo.size
    alpha = np.zeros((h, w), np.uint8)
    cv2.ellipse(alpha, (w // 2, h // 2), (int(w * 0.34), int(h * 0.46)), 0, 0, 360, 255, -1)
    photo.putalpha(Image.fromarray(alpha))
    for backdrop in ((236, 236, 232), (40, 60, 90)):
        camera = PhotoCamera(np.asarray(photo), salient_box(photo), (360, 640), "push_in",
                             seconds=5.0, flat_color=backdrop)
        frames = [camera.render(i / 7) for i in range(8)]
        assert is_product_kept(product_fidelity(photo, frames))
    blank = [np.full((640, 360, 3), (236, 236, 232), np.uint8)] * 3
    assert not is_product_kept(product_fidelity(photo, blank))
