"""Where the product is in a photo: a box around the salient region, so framing never cuts it.

A product cut-out (a photo with transparency) is easy: the box around its opaque pixels. For an
ordinary photo the map combines three cues, each cheap on a ~128-pixel thumbnail:

- spectral residual saliency (Hou and Zhang, CVPR 2007): what stands out from the image's own
  "expected" texture; OpenCV's contrib module has it, but the headless wheel does not, and it is a
  few lines of FFT;
- colour distinctness: how far each pixel's Lab colour is from the colours along the photo's border,
  where product shots usually keep their background;
- a centre prior: photographers put the product near the middle.

The box surrounds the map's strong blobs, padded a little. Everything here is in the photo's own pixel coordinates.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

THUMB = 128          # long side of the analysis thumbnail, pixels
PAD = 0.04           # padding around the box, as a share of the photo's long side


def salient_box(photo: Image.Image) -> tuple[float, float, float, float]:
    """The product's box ``(left, top, right, bottom)`` in the photo's pixels (floats).

    Uses the alpha channel when the photo has one, else :func:`saliency_map`."""
    width, height = photo.size
    if photo.mode == "RGBA":
        alpha = np.asarray(photo.getchannel("A"))
        ys, xs = np.nonzero(alpha > 24)
        if len(xs):
            box = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
            return _pad(box, width, height, PAD / 2)
    mask = salient_mask(photo)
    ys, xs = np.nonzero(mask)
    scale_x = width / mask.shape[1]
    scale_y = height / mask.shape[0]
    box = (xs.min() * scale_x, ys.min() * scale_y, (xs.max() + 1) * scale_x, (ys.max() + 1) * scale_y)
    return _pad(box, width, height, PAD)


def salient_mask(photo: Image.Image) -> np.ndarray:
    """A boolean mask on the :func:`saliency_map` thumbnail: the blobs that make up the product.

    The map is thresholded (Otsu, but never below a third of its peak); blobs whose own peak
    reaches half the global peak are kept, so a stray highlight in a corner does not stretch the box."""
    weights = saliency_map(photo)
    level = (weights * 255).astype(np.uint8)
    otsu, _ = cv2.threshold(level, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    binary = (level >= max(otsu, 255 // 3)).astype(np.uint8)
    count, labels = cv2.connectedComponents(binary, connectivity=8)
    keep = np.zeros(binary.shape, dtype=bool)
    for label in range(1, count):
        blob = labels == label
        if weights[blob].max() >= 0.5:
            keep |= blob
    if not keep.any():  # a flat photo: treat the middle half as the product
        h, w = keep.shape
        keep[h // 4: h - h // 4, w // 4: w - w // 4] = True
    return keep


def saliency_map(photo: Image.Image) -> np.ndarray:
    """A float32 map in 0..1 on a thumbnail (long side :data:`THUMB` pixels) of the photo; high
    where the product probably is."""
    rgb = np.asarray(photo.convert("RGB"))
    height, width = rgb.shape[:2]
    scale = THUMB / max(width, height)
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    thumb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    residual = _normalise(_spectral_residual(thumb))
    distinct = _normalise(_colour_distinctness(thumb))
    tuned = _normalise(_frequency_tuned(thumb))
    ys, xs = np.mgrid[0:size[1], 0:size[0]].astype(np.float32)
    dx = (xs + 0.5) / size[0] - 0.5
    dy = (ys + 0.5) / size[1] - 0.5
    centre = np.exp(-(dx * dx + dy * dy) / (2 * 0.28 ** 2))
    combined = (0.2 * residual + 0.3 * distinct + 0.5 * tuned) * (0.3 + 0.7 * centre)
    combined = cv2.GaussianBlur(combined, (0, 0), sigmaX=max(size) / 40)
    return _normalise(combined)


def _spectral_residual(rgb: np.ndarray) -> np.ndarray:
    """Hou and Zhang's spectral residual on a 64-pixel greyscale version, resized back."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    small = cv2.resize(grey, (64, 64), interpolation=cv2.INTER_AREA)
    spectrum = np.fft.fft2(small)
    log_amplitude = np.log(np.abs(spectrum) + 1e-6)
    residual = log_amplitude - cv2.blur(log_amplitude, (3, 3), borderType=cv2.BORDER_REPLICATE)
    back = np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))
    sal = cv2.GaussianBlur((np.abs(back) ** 2).astype(np.float32), (0, 0), sigmaX=2.5)
    return cv2.resize(sal, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)


def _frequency_tuned(rgb: np.ndarray) -> np.ndarray:
    """Achanta et al. (CVPR 2009): Lab distance of each slightly blurred pixel from the mean."""
    smooth = cv2.GaussianBlur(rgb.astype(np.float32) / 255.0, (0, 0), sigmaX=1.5)
    lab = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)
    mean = lab.reshape(-1, 3).mean(axis=0)
    return np.sqrt(((lab - mean) ** 2).sum(axis=2)).astype(np.float32)


def _colour_distinctness(rgb: np.ndarray) -> np.ndarray:
    """Distance in Lab from each pixel to the nearest of a few typical border colours."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    height, width = lab.shape[:2]
    ring = max(2, min(height, width) // 12)
    border = np.concatenate([lab[:ring].reshape(-1, 3), lab[-ring:].reshape(-1, 3),
                             lab[:, :ring].reshape(-1, 3), lab[:, -ring:].reshape(-1, 3)])
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    clusters = min(4, len(border))
    cv2.setRNGSeed(0)  # k-means++ seeds from OpenCV's (per-thread) RNG: same photo, same box
    _, _, centres = cv2.kmeans(border.astype(np.float32), clusters, None, criteria, 2,
                               cv2.KMEANS_PP_CENTERS)
    flat = lab.reshape(-1, 1, 3)
    distance = np.sqrt(((flat - centres.reshape(1, -1, 3)) ** 2).sum(axis=2)).min(axis=1)
    return distance.reshape(height, width).astype(np.float32)


def _normalise(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - low) / (high - low)).astype(np.float32)


def _pad(box, width: int, height: int, pad: float) -> tuple[float, float, float, float]:
    margin = pad * max(width, height)
    x0, y0, x1, y1 = box
    return (max(0.0, x0 - margin), max(0.0, y0 - margin),
            min(float(width), x1 + margin), min(float(height), y1 + margin))
