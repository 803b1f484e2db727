"""The good inputs the reliability cases spoil: a brief, a photo and a tiny project (a
96x160, one-second project with a card shot, a tone on the music track and a caption), made
fast and without the composer so that hundreds of cases stay cheap."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "launch.jpg"
BRIEF_TEXT = ('title = "SkyForge"\ntext = "Build it. Launch it. Watch it fly."\n'
              'images = ["photo.jpg"]\nseconds = 5\naspect = "16:9"\ncta = "Order now"\n')


def brief_folder(tmp: Path) -> tuple[Path, Path]:
    """A brief (``brief.toml``) and its photo (``photo.jpg``) in ``tmp``; returns both."""
    tmp.mkdir(parents=True, exist_ok=True)
    photo = tmp / "photo.jpg"
    shutil.copyfile(PHOTO, photo)
    brief = tmp / "brief.toml"
    brief.write_text(BRIEF_TEXT, encoding="utf-8")
    return brief, photo


def tiny_project(folder: Path) -> Path:
    """Write the tiny project into ``folder`` (a ``.promodesk`` path); returns it."""
    import io

    import soundfile as sf

    from promodesk.core.projectfile import add_asset, save_project
    from promodesk.core.timeline import (Asset, CaptionCue, Clip, Project, Recipe, Take,
                                         TrackKind)

    p = Project(title="Tiny", width=96, height=160, aspect="9:16")
    video = p.add_track(TrackKind.VIDEO, "Shots")
    video.clips.append(Clip(0, 1_000_000, [Take(None, Recipe("shots", {
        "kind": "card", "move": "still", "text": "Hi", "title": "Tiny", "price": "",
        "old_price": "", "cta": "", "colors": ["#225588"],
        "transition_in": {"kind": "cut", "duration_us": 0}}))], name="card"))
    t = np.arange(48_000) / 48_000
    tone = (0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, np.stack([tone, tone], 1), 48_000, format="WAV", subtype="PCM_16")
    music = add_asset(folder, buf.getvalue(), "wav")
    p.assets[music] = Asset(music, "audio", 1_000_000, {}, "test tone")
    p.add_track(TrackKind.MUSIC, "Music").clips.append(
        Clip(0, 1_000_000, [Take(music, Recipe("import", {}), 1_000_000)], name="tone"))
    p.add_track(TrackKind.CAPTIONS, "Captions").clips.append(
        Clip(100_000, 800_000, [Take(None, Recipe("captions", {"sentence": 0}))],
             cue=CaptionCue("Hello"), name="Hello"))
    save_project(p, folder)
    return folder
