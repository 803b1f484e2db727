"""Test helpers: tiny projects, and reading MP4s back with the real ffmpeg binary."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np

from promodesk.core.projectfile import add_asset, save_project
from promodesk.core.timeline import Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.render.export import ffmpeg_exe

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def probe(path: Path) -> dict:
    """What ``ffmpeg -i`` says about ``path``: duration (s), video codec/pix_fmt/size/fps,
    audio codec/rate, subtitle codec, from its stream lines."""
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                         text=True).stderr
    info: dict = {"text": err}
    m = re.search(r"Duration: (\d+):(\d+):([\d.]+)", err)
    info["duration"] = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]) if m else None
    v = re.search(r"Stream #\S+: Video: (\w+).*?, (\w+)\(.*?(\d+)x(\d+).*?, ([\d.]+) fps", err)
    if v:
        info.update(vcodec=v[1], pix_fmt=v[2], size=(int(v[3]), int(v[4])), fps=float(v[5]))
    a = re.search(r"Stream #\S+: Audio: (\w+).*?, (\d+) Hz", err)
    if a:
        info.update(acodec=a[1], rate=int(a[2]))
    s = re.search(r"Stream #\S+: Subtitle: (\w+)", err)
    info["scodec"] = s[1] if s else None
    return info


def decode(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame of ``path`` as uint8 (n, h, w, 3) RGB."""
    w, h = size
    # as a careful player does: the matrix the file is tagged with, accurately rounded
    scale = "scale=flags=bicubic+accurate_rnd+full_chroma_int"
    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-vf", scale,
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two uint8 images."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def caption_project(aspect: str = "9:16", cues=(("每一个清晨，都值得一杯好咖啡。", "outline"),
                                                 ("Build it. Launch it. Watch it fly.", "karaoke")),
                    cue_us: int = 1_000_000) -> Project:
    """A project with only a captions track: one cue after another."""
    p = Project.for_aspect(aspect)
    track = p.add_track(TrackKind.CAPTIONS)
    for i, (text, style) in enumerate(cues):
        track.clips.append(Clip(i * cue_us, cue_us, [Take(None, Recipe("captions"))],
                                cue=CaptionCue(text, style)))
    return p


def shot_project(folder: Path, aspect: str = "9:16", shot_us: int = 1_000_000,
                 transition: str = "crossfade") -> Project:
    """Two photo shots (the example cup and rocket) with a transition between them and a caption
    on each, saved in ``folder``."""
    p = caption_project(aspect, (("晨光意式浓缩杯，温润如玉。", "outline"),
                                 ("Climbs to 300 meters!", "boxed")), shot_us)
    video = p.add_track(TrackKind.VIDEO, "Shots")
    p.tracks.insert(0, p.tracks.pop())
    for i, (name, kind, move) in enumerate((("espresso-cup.png", "hero", "push_in"),
                                            ("launch.jpg", "detail", "pan_left"))):
        asset = add_asset(folder, EXAMPLES / "products" / name)
        p.assets[asset] = Asset(asset, "image")
        params = {"kind": kind, "move": move, "text": "", "title": "", "price": "",
                  "old_price": "", "cta": "", "colors": [],
                  "transition_in": {"kind": transition if i else "cut", "duration_us": 400_000}}
        video.clips.append(Clip(i * shot_us, shot_us, [Take(asset, Recipe("shots", params, i))]))
    save_project(p, folder)
    return p


def tone_asset(folder, seconds: float, freq: float, amp: float = 0.2) -> str:
    """A stereo 48 kHz float WAV of a ``freq`` Hz sine at ``amp`` lasting ``seconds``, added
    to project ``folder``'s assets; returns its asset id."""
    import io

    import soundfile as sf

    t = np.arange(int(seconds * 48000)) / 48000
    x = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, np.stack([x, x], axis=1), 48000, format="WAV", subtype="FLOAT")
    return add_asset(folder, buf.getvalue(), "wav")
