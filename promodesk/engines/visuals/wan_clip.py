"""What a Wan clip is made of, before and after the model: its size and frame count for a
preset, the prompts from the shot and the copy, the photo framed as the first frame, and the
generated frames retimed to the shot and written as MP4. Used by :mod:`.wan` (which re-exports
these names); nothing here imports torch or diffusers.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np

from promodesk.engines.base import RequestError
from promodesk.engines.models import loading

DEFAULT_MODEL = "wan2.2-ti2v-5b"
PRESETS = {"draft": (480, 12), "final": (None, 40)}  # short side (None: native), steps
# native size (w, h landscape), frames per second and longest clip in frames, per model
NATIVE = {"wan2.2-ti2v-5b": ((1280, 704), 24, 121), "wan2.1-t2v-1.3b": ((832, 480), 16, 81)}
NATIVE_BY_LAYOUT = {"ti2v": NATIVE["wan2.2-ti2v-5b"], "i2v": ((832, 480), 16, 81),
                    "t2v": NATIVE["wan2.1-t2v-1.3b"]}
STRENGTH = 0.5           # default: guidance 5.0, Wan's own
NEGATIVE = ("warping, morphing, melting, deformed product, changing shape, extra objects, "
            "distorted logo, garbled text, letters, subtitles, watermark, flicker, jitter, "
            "blurry, low quality, static")
SCENE_NEGATIVE = NEGATIVE + ", product, packaging, bottle, box, logo, people's faces"
MOTION = {
    "hero": "slow cinematic orbit around the product, smooth camera",
    "detail": "slow close push in on the product's details, macro lens, shallow focus",
    "feature": "the product in a lifestyle scene, gentle camera drift, natural light",
    "offer": "slow push in on the product, bright and inviting",
    "cta": "gentle slow push in, calm",
    "card": "gentle slow push in, calm",
}
CRF = 18  # H.264 quality of the stored clip: visually lossless for a source asset


# --- sizes, frames and prompts ---------------------------------------------------------------

def native(model: str | Path) -> tuple[tuple[int, int], int, int]:
    """(native (w, h) landscape in pixels, frames per second, longest clip in frames) of
    catalogue model ``model``, or of a model folder by its layout."""
    if str(model) in NATIVE:
        return NATIVE[str(model)]
    from promodesk.engines.visuals.wan_memory import layout

    return NATIVE_BY_LAYOUT[layout(loading.model_folder(model))]


def clip_size(aspect: tuple[int, int], preset: str = "draft",
              model: str | Path = DEFAULT_MODEL) -> tuple[int, int]:
    """(w, h) in pixels, multiples of 32, with the aspect of ``aspect`` (w, h) and the pixel
    count of the preset: the model's native frame for "final" (1280x704 for TI2V-5B), a frame
    of the native shape 480 lines high for "draft" (so 480x864 for 9:16, 640x640 square)."""
    if preset not in PRESETS:
        raise RequestError(f"Unknown preset {preset!r}; choose one of {', '.join(PRESETS)}.")
    (nw, nh), _, _ = native(model)
    short = PRESETS[preset][0]
    area = nw * nh if short is None else short * short * nw / nh
    ratio = aspect[0] / aspect[1]
    w, h = math.sqrt(area * ratio), math.sqrt(area / ratio)
    return max(32, round(w / 32) * 32), max(32, round(h / 32) * 32)


def clip_frames(seconds: float, model_fps: int, longest: int) -> int:
    """Frames to generate for a shot of ``seconds`` at the model's ``model_fps``: 4k + 1 (the
    VAE packs 4 frames into one latent after the first), at most ``longest``."""
    wanted = math.ceil(seconds * model_fps) + 1
    k = max(1, math.ceil((wanted - 1) / 4))
    return min(4 * k + 1, longest)


def motion_prompt(kind: str, copy: str, colors: list[str] | None = None) -> str:
    """The English prompt for animating the product photo of a ``kind`` shot (hero: an orbit;
    detail: a close push; feature: a lifestyle scene) from the copy's words."""
    from promodesk.engines.visuals.diffusion import still_prompt

    look = still_prompt(copy, "lifestyle" if kind == "feature" else "background", colors)
    return f"{MOTION.get(kind, MOTION['hero'])}, {look}, the product keeps its exact shape, " \
           "label and colours"


def scene_prompt(copy: str, colors: list[str] | None = None) -> str:
    """The English prompt for a scene without the product (a background or lifestyle clip for
    a shot that has no photo)."""
    from promodesk.engines.visuals.diffusion import still_prompt

    return f"{still_prompt(copy, 'lifestyle', colors)}, empty scene with no product in view, " \
           "slow gentle camera movement"


def first_frame(photo, size: tuple[int, int], colors: list[str] | None = None):
    """The photo framed as the clip's first frame at ``size`` (w, h): uint8 (h, w, 3) RGB, and
    the product's box (left, top, right, bottom) in it, in pixels. The motion shots' framing:
    the product whole, bands filled with the photo blurred (or its plain studio colour; a
    cut-out lies on the palette's background)."""
    from promodesk.engines.visuals.camera import PhotoCamera
    from promodesk.engines.visuals.palette import palette_from_colors
    from promodesk.engines.visuals.saliency import salient_box

    flat = palette_from_colors(list(colors or []), photo).background \
        if photo.mode == "RGBA" else None
    camera = PhotoCamera(np.asarray(photo), salient_box(photo), size, "still", flat_color=flat)
    box = tuple(int(round(v)) for v in camera.to_region(0.0, camera.salient))
    return camera.render(0.0), box


def retime(frames: list[np.ndarray], model_fps: int, seconds: float,
           fps: Fraction) -> list[np.ndarray]:
    """The frames shown at ``fps`` over ``seconds``: the generated clip trimmed to the shot, or
    slowed evenly when it is shorter than the shot (the model's longest clip is ~5 s)."""
    count = max(1, round(seconds * fps))
    made = len(frames) / model_fps
    speed = min(1.0, made / seconds) if seconds > 0 else 1.0
    return [frames[min(len(frames) - 1, int(j / fps * model_fps * speed + 1e-6))]
            for j in range(count)]


def write_mp4(frames: list[np.ndarray], fps: Fraction, path: Path) -> Path:
    """Write uint8 RGB ``frames`` as H.264 (yuv420p, CRF 18) at ``fps`` to ``path``; returns
    ``path``."""
    import av

    h, w = frames[0].shape[:2]
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": str(CRF), "preset": "medium"}
        for rgb in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb),
                                                             format="rgb24")))
        out.mux(stream.encode(None))
    return path
