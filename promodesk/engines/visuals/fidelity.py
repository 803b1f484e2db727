"""Did a generated clip keep the product? Its region in sampled frames compared with the photo.

A video model animating a product photo may turn the product into something else (another shape,
other text on the label, a melted logo), which is what shop owners complain about most. The photo
is the truth, so :func:`product_fidelity` measures how much of it is still there:

1. the product's box in the photo (:func:`saliency.salient_box`) gives the reference patch;
2. in each sampled frame, the patch is found where it best matches (normalised cross-correlation
   over a range of scales and positions), so a camera that zooms or pans does not count as a
   change: only the product's own look does;
3. there the frame and the patch are compared with SSIM (Wang et al. 2004: local luminance,
   contrast and structure in 7-pixel Gaussian windows), per colour channel, at a fixed analysis
   size, over the product's pixels (a cut-out's opaque pixels only), each pixel weighted by
   how much structure the two have there (information-content weighting, Wang and Li 2011), so
   a flat sky or studio sweep that any picture matches does not decide the score.

SSIM rather than a plain pixel difference because it scores structure (edges, printed text, the
product's outline) and shrugs off what generation and encoding legitimately change a little
(brightness, slight blur); rather than a learned metric (LPIPS, CLIP) because it needs no model
download, runs in milliseconds on the CPU, and means the same on every computer. scikit-image's
``structural_similarity`` is not installed with PromoDesk, so it is the same formula with OpenCV's
Gaussian filter.

The clip's score is the lowest of its sampled frames: a product that melts only at the end of the
clip is still not the product.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from promodesk.engines.visuals.saliency import salient_box

# Measured on the sample photos (tests/engines/visuals/test_fidelity.py, 9:16, 16:9 and 1:1):
# the photo's own frames through the motion camera (push-in, pull-out, pan) score 0.82..0.97,
# and still 0.75 or more after what generation and encoding do without changing the product
# (JPEG at quality 30 plus blur, a third of the resolution, +15% brightness, noise, a 1 degree
# tilt, a 3% perspective turn). Frames of another photo or of a blank backdrop score below 0.2,
# the product under a 4% wobble or an 8 degree twist below 0.42. The threshold sits in that gap:
# a product that turned into another shape fails, one that is merely re-lit or softer passes.
# (A model that orbits the product far enough to show another side fails too: that is a new
# picture of the product, not the photo.)
FIDELITY_THRESHOLD = 0.5

SAMPLES = 6            # frames compared per clip, evenly spread from first to last
ANALYSIS_SIDE = 96     # the product patch's long side when compared, pixels
SEARCH_SIDE = 256      # frames are searched for the product at this long side, pixels
SCALE_STEP = 1.06      # ratio between neighbouring scales tried in the search
NEAR_BOX = (0.75, 1.35)  # with a known box: scales tried, relative to the box's own
WIN_SIGMA = 1.5        # SSIM's Gaussian window (Wang et al.), at the analysis size
C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2


def product_fidelity(photo: Image.Image, frames: list[np.ndarray],
                     box: tuple[int, int, int, int] | None = None) -> float:
    """How well ``frames`` (uint8 RGB (h, w, 3) arrays of one clip) keep the product of
    ``photo``: the lowest weighted SSIM (about -1..1; 1 is identical, near 0 unrelated) over up to
    :data:`SAMPLES` evenly spread frames between the photo's product patch and where it best
    matches in the frame.

    ``box`` (left, top, right, bottom; frame pixels) is where the product was placed in the first
    frame; the search then looks near it. Without it the whole frame is searched. Returns 0.0 for
    no frames."""
    if not frames:
        return 0.0
    patch, mask = _product_patch(photo)
    picks = np.unique(np.linspace(0, len(frames) - 1, min(SAMPLES, len(frames))).round()
                      .astype(int))
    return float(min(_frame_score(patch, mask, np.asarray(frames[i]), box) for i in picks))


def is_product_kept(score: float) -> bool:
    """Whether a clip scoring ``score`` (see :func:`product_fidelity`) still shows the product."""
    return score >= FIDELITY_THRESHOLD


def _product_patch(photo: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """The product's pixels (uint8 RGB) cut from ``photo`` by its salient box, and for a cut-out
    a boolean mask of its opaque pixels (None for an ordinary photo)."""
    left, top, right, bottom = (int(round(v)) for v in salient_box(photo))
    crop = photo.crop((left, top, max(right, left + 1), max(bottom, top + 1)))
    if crop.mode == "RGBA":
        alpha = np.asarray(crop.getchannel("A"))
        grey = Image.new("RGB", crop.size, (128, 128, 128))
        grey.paste(crop, mask=crop.getchannel("A"))
        return np.asarray(grey), alpha > 127
    return np.asarray(crop.convert("RGB")), None


def _frame_score(patch: np.ndarray, mask, frame: np.ndarray, box) -> float:
    """SSIM between ``patch`` and the part of ``frame`` where it best matches."""
    found = _locate(patch, frame, box)
    if found is None:
        return 0.0
    x0, y0, x1, y1 = found
    ph, pw = patch.shape[:2]
    scale = ANALYSIS_SIDE / max(pw, ph)
    size = (max(8, round(pw * scale)), max(8, round(ph * scale)))
    region = cv2.resize(np.ascontiguousarray(frame[y0:y1, x0:x1, :3]), size,
                        interpolation=cv2.INTER_AREA)
    reference = cv2.resize(patch, size, interpolation=cv2.INTER_AREA)
    keep = None
    if mask is not None:
        keep = cv2.resize(mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    return _ssim(reference, region, keep)


def _locate(patch: np.ndarray, frame: np.ndarray, box) -> tuple[int, int, int, int] | None:
    """Where (left, top, right, bottom; frame pixels) the product patch best matches in the frame:
    normalised cross-correlation of greyscale versions over scales (near ``box``'s when given,
    else from a fifth of the frame up to filling it) and positions. None when it cannot fit."""
    fh, fw = frame.shape[:2]
    shrink = min(1.0, SEARCH_SIDE / max(fw, fh))
    grey = cv2.cvtColor(np.ascontiguousarray(frame[..., :3]), cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (max(1, round(fw * shrink)), max(1, round(fh * shrink))),
                       interpolation=cv2.INTER_AREA).astype(np.float32)
    template = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY)
    ph, pw = template.shape
    offset = (0, 0)
    if box is not None:
        bx0, by0, bx1, by1 = (float(v) * shrink for v in box)
        fit = min((bx1 - bx0) / pw, (by1 - by0) / ph)
        scales = _geometric(fit * NEAR_BOX[0], fit * NEAR_BOX[1])
        grow_x, grow_y = (bx1 - bx0) * 0.5, (by1 - by0) * 0.5
        x0, y0 = max(0, int(bx0 - grow_x)), max(0, int(by0 - grow_y))
        x1 = min(small.shape[1], int(np.ceil(bx1 + grow_x)))
        y1 = min(small.shape[0], int(np.ceil(by1 + grow_y)))
        small, offset = small[y0:y1, x0:x1], (x0, y0)
    else:
        fit = min(small.shape[1] / pw, small.shape[0] / ph)
        scales = _geometric(fit * 0.2, fit)
    best = _best_match(small, template, scales)
    if best is not None:  # the coarse steps miss the scale by up to 3%: SSIM notices, so refine
        fine = np.geomspace(best[5] / SCALE_STEP, best[5] * SCALE_STEP, 13)
        best = max(best, _best_match(small, template, fine) or best)
    if best is None:
        if box is None:
            return None
        return tuple(int(round(v)) for v in box)
    _, x, y, tw, th, _ = best
    x, y = (x + offset[0]) / shrink, (y + offset[1]) / shrink
    x0, y0 = max(0, int(round(x))), max(0, int(round(y)))
    x1, y1 = min(fw, int(round(x + tw / shrink))), min(fh, int(round(y + th / shrink)))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return x0, y0, x1, y1


def _best_match(image: np.ndarray, template: np.ndarray, scales) -> tuple | None:
    """(peak correlation, x, y, width, height, scale) of ``template`` resized by the scale whose
    best position in ``image`` correlates most; None when no scale fits or the template is flat
    (nothing to correlate)."""
    best = None
    ph, pw = template.shape
    for scale in scales:
        tw, th = round(pw * scale), round(ph * scale)
        if tw < 8 or th < 8 or tw > image.shape[1] or th > image.shape[0]:
            continue
        shrunk = cv2.resize(template, (tw, th), interpolation=cv2.INTER_AREA).astype(np.float32)
        if shrunk.std() < 1e-3:
            continue
        result = np.nan_to_num(cv2.matchTemplate(image, shrunk, cv2.TM_CCOEFF_NORMED), nan=-1.0,
                               posinf=-1.0, neginf=-1.0)
        _, peak, _, (x, y) = cv2.minMaxLoc(result)
        if best is None or peak > best[0]:
            best = (peak, x, y, tw, th, float(scale))
    return best


def _geometric(low: float, high: float) -> list[float]:
    """Scales from ``low`` to ``high`` a :data:`SCALE_STEP` apart (both ends included)."""
    if high <= low:
        return [high]
    count = int(np.ceil(np.log(high / low) / np.log(SCALE_STEP))) + 1
    return list(np.geomspace(low, high, count))


def _ssim(a: np.ndarray, b: np.ndarray, keep: np.ndarray | None = None) -> float:
    """Mean SSIM of two same-sized uint8 RGB images, averaged over the channels, over the pixels
    where ``keep`` is True (all when None): scikit-image's ``structural_similarity`` with
    ``gaussian_weights=True, sigma=1.5, use_sample_covariance=False``."""
    scores = []
    for c in range(3):
        x = a[..., c].astype(np.float32)
        y = b[..., c].astype(np.float32)
        blur = lambda v: cv2.GaussianBlur(v, (0, 0), WIN_SIGMA, borderType=cv2.BORDER_REFLECT)
        mx, my = blur(x), blur(y)
        vx, vy = blur(x * x) - mx * mx, blur(y * y) - my * my
        cxy = blur(x * y) - mx * my
        ssim = ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2))
        # information-content weights (Wang and Li 2011): flat areas, a sky or a studio sweep,
        # say little about whether the product is the same; edges and print say most
        weight = np.log((1 + np.maximum(vx, 0) / C2) * (1 + np.maximum(vy, 0) / C2))
        if keep is not None and keep.any():
            ssim, weight = ssim[keep], weight[keep]
        total = float(weight.sum())
        scores.append(float((ssim * weight).sum() / total) if total > 1e-6 else float(ssim.mean()))
    return float(np.mean(scores))
