"""Test media made on the spot with the bundled ffmpeg: testsrc2 clips (rotated, variable frame
rate, 10-bit, odd sizes, with a sine tone) and PNG logos with a soft alpha edge."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from promodesk.render.export import ffmpeg_exe



def make_clip(path: Path, size=(320, 240), rate=25, seconds=2.0, pix_fmt="yuv420p",
              rotation: int | None = None, vfr: bool = False, tone_hz: float | None = None,
              gop: int = 12) -> Path:
    """A testsrc2 clip at ``path`` (H.264 unless ``path`` ends in .mov): ``rotation`` tags it
    with a display matrix (degrees, as a phone does); ``vfr`` keeps the first second at ``rate``
    and then every frame twice as long; ``tone_hz`` adds a sine sound track."""
    w, h = size
    src = f"testsrc2=size={(w + 1) // 2 * 2}x{(h + 1) // 2 * 2}:rate={rate}:duration={seconds}"
    cmd = [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i", src]
    if tone_hz:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000:"
                                     f"duration={seconds}"]
    vf = [f"scale={w}:{h}"]
    if vfr:
        vf.append(f"setpts='if(lt(N,{rate}),N,{rate}+(N-{rate})*2)/{rate}/TB'")
    cmd += ["-vf", ",".join(vf), "-c:v", "libx264", "-pix_fmt", pix_fmt, "-g", str(gop)]
    if vfr:
        cmd += ["-fps_mode", "vfr"]
    if tone_hz:
        cmd += ["-c:a", "aac", "-b:a", "128k"]
    target = path if rotation is None else path.with_name("plain-" + path.name)
    subprocess.run(cmd + [str(target)], check=True)
    if rotation is not None:
        subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-display_rotation",
                        str(rotation), "-i", str(target), "-c", "copy", str(path)], check=True)
    return path


def ffmpeg_frames(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame ffmpeg decodes from ``path`` (rotation applied, one per stored frame) as
    uint8 (n, h, w, 3) RGB; ``size`` is the upright (w, h)."""
    w, h = size
    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(path),
                          "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24",
                          "pipe:"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def frame_times_us(path: Path) -> list[int]:
    """The presentation time of every frame of ``path`` in microseconds (ffprobe's view, via
    PyAV's demuxer: packet pts sorted)."""
    import av

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        pts = sorted(p.pts for p in c.demux(s) if p.pts is not None)
        return [int(p * s.time_base * 1_000_000) for p in pts]


def make_logo(path: Path, size=(200, 120), colour=(255, 255, 255), feather: float = 6.0) -> Path:
    """A PNG logo: a ``colour`` rounded rectangle whose alpha falls off over ``feather`` pixels,
    with fully transparent pixels stored as black (what halos are made of)."""
    from PIL import ImageDraw, ImageFilter

    w, h = size
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((w * 0.15, h * 0.2, w * 0.85, h * 0.8),
                                           radius=h * 0.15, fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(feather))
    a = np.asarray(mask)
    rgb = np.where(a[..., None] > 0, np.array(colour, np.uint8), 0).astype(np.uint8)
    Image.fromarray(np.dstack([rgb, a])).save(path)
    return path


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two uint8 images."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
