"""The camera's fast shift (a pan, a still): the same pixels as OpenCV's general warp, and a pan
lands where the camera's float transform says."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from promodesk.engines.visuals.camera import PhotoCamera, _resample
from promodesk.engines.visuals.shots import ShotRenderer
from tests.engines.visuals.test_shots import SECOND, centroid, product_photo


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse)


@pytest.mark.parametrize("offset", [(-3.25, -7.75), (-0.5, -0.03125), (-40.9, -2.0), (0.0, 0.0),
                                    (-1.0, -0.999), (2.3, 1.6), (-57.2, -61.4)])
def test_a_shift_is_the_warp_at_scale_one(offset):
    rng = np.random.default_rng(7)
    texture = cv2.GaussianBlur(rng.integers(0, 256, (300, 420, 4), dtype=np.uint8), (0, 0), 1.5)
    size = (360, 240)
    reference = cv2.warpAffine(texture, np.array([[1.0, 0, offset[0]], [0, 1.0, offset[1]]]),
                               size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    got = _resample(texture, (1.0, 1.0), offset, size)
    assert got.shape == reference.shape
    # the warp rounds the position to 1/32 pixel and its weights to fixed point: a level or so
    assert np.abs(got.astype(int) - reference).max() <= 2
    assert psnr(got, reference) >= 45


def test_a_zoom_still_takes_the_general_warp():
    texture = np.random.default_rng(1).integers(0, 256, (200, 200, 4), dtype=np.uint8)
    matrix = np.array([[0.93, 0, -4.2], [0, 0.93, -3.1]])
    reference = cv2.warpAffine(texture, matrix, (150, 150), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    assert np.array_equal(_resample(texture, (0.93, 0.93), (-4.2, -3.1), (150, 150)), reference)


def test_a_pan_glides_where_the_camera_says():
    """A pan is a shift every frame: the product moves by sub-pixel steps, evenly eased, to
    where the camera's float transform puts it."""
    shot = ShotRenderer({"kind": "hero", "move": "pan_left"}, product_photo(), (1080, 1080),
                        2 * SECOND)
    assert shot.camera.keys[0][0] == shot.camera.keys[1][0]  # a pan keeps its scale
    measured = np.array([centroid(shot.frame(n * SECOND // 30), 1) for n in range(61)])
    expected = []
    for n in range(61):
        scale, cx, cy = shot.camera.place(n / 60)
        expected.append((scale * (760.5 - cx) + 540 - 0.5, scale * (350.5 - cy) + 540 - 0.5))
    # where the float transform says, to a small fraction of a pixel (no integer jitter), over
    # a pan that really travels
    assert np.abs(measured - np.array(expected)).max() < 0.2
    assert np.ptp(measured[:, 0]) > 20 and np.ptp(measured[:, 1]) < 0.5


def test_a_still_camera_draws_the_same_fresh_picture_every_frame():
    photo = np.asarray(product_photo().convert("RGB"))
    camera = PhotoCamera(photo, (600, 200, 900, 500), (320, 480), "still")
    first, later = camera.render(0.0), camera.render(0.7)
    assert np.array_equal(first, later)
    first[:] = 0  # a caller draws on its frame: the next one is untouched
    assert camera.render(0.9).any()


@pytest.mark.parametrize("shape, region", [((300, 12000, 3), (1080, 1920)), ((1, 1, 3), (96, 54)),
                                           ((4000, 3000, 3), (3, 2)), ((5, 7, 4), (64, 36))])
@pytest.mark.parametrize("move", ["push_in", "pan_left", "pan_up", "still"])
def test_odd_photos_and_regions_still_frame(shape, region, move):
    """A panorama, a single pixel, a sliver of a region, a tiny cut-out: every move renders a
    frame of the region's size (the source is scaled to a size, not a factor, when a factor
    would round to nothing)."""
    photo = np.random.default_rng(3).integers(0, 256, shape, dtype=np.uint8)
    camera = PhotoCamera(photo, (0, 0, shape[1], shape[0]), region, move)
    for u in (0.0, 0.5, 1.0):
        assert camera.render(u).shape == (region[1], region[0], 3)
