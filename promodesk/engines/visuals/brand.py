"""A brief's own media in a made project: its clips become shots cut on the plan's bars, showing
each clip's most active stretch, between the photo shots; its logo sits over the whole video on
an overlay track.

"Most active" is measured from frame differences: the clip is sampled a few times a second at a
tiny size and the stretch whose frames change most (motion, a hand turning the product) wins.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind, seconds_from_us

SAMPLE_US = 200_000        # activity is measured every this many microseconds
PROBE_SIZE = (64, 36)      # at this size (w, h): enough to see motion, cheap to decode
KEEP_SHOTS = ("hero", "cta", "offer")  # planned shots that stay photos (product, price, end card)
LOGO = {"x": 0.86, "y": 0.08, "scale": 0.18, "opacity": 0.95}


def activity(path: str | Path, duration_us: int) -> np.ndarray:
    """Mean absolute difference (0..255) between successive frames sampled every SAMPLE_US
    microseconds of the video at ``path``; entry i covers [i, i+1) * SAMPLE_US."""
    import cv2

    from promodesk.engines.visuals.video import VideoDecoder

    decoder = VideoDecoder(path, cache_frames=2)
    try:
        grey = [cv2.cvtColor(cv2.resize(decoder.frame(t), PROBE_SIZE, interpolation=cv2.INTER_AREA),
                             cv2.COLOR_RGB2GRAY).astype(np.float32)
                for t in range(0, max(1, duration_us), SAMPLE_US)]
    finally:
        decoder.close()
    if len(grey) < 2:
        return np.zeros(1, np.float32)
    return np.array([np.abs(b - a).mean() for a, b in zip(grey, grey[1:])], np.float32)


def most_active_start(act: np.ndarray, length_us: int, duration_us: int,
                      avoid: list[tuple[int, int]] = ()) -> int | None:
    """The in-point (microseconds, a multiple of SAMPLE_US) of the ``length_us`` stretch of a
    clip ``duration_us`` long with the most activity, not overlapping the ``avoid`` spans; None
    when the clip is too short or no free stretch is left."""
    if length_us > duration_us:
        return None
    window = max(1, length_us // SAMPLE_US)
    last = (duration_us - length_us) // SAMPLE_US
    sums = np.convolve(act, np.ones(window, np.float32), "valid") if len(act) >= window else \
        np.array([act.sum()])
    best, best_score = None, -1.0
    for i in range(0, min(last, len(sums) - 1) + 1):
        start = i * SAMPLE_US
        if any(start < b and a < start + length_us for a, b in avoid):
            continue
        if sums[i] > best_score:
            best, best_score = start, float(sums[i])
    return best


def add_brief_media(project: Project, folder: Path, media: list[Path], logo: Path | None,
                    with_photos: bool = True) -> list[str]:
    """Put a brief's clips and logo into a planned ``project`` (assets stored in ``folder``):
    clips replace the middle shots of the main track (every other one when there are photos,
    all of them when there are none), each showing a stretch of the clip the shot's length;
    images in ``media`` are left to the photo shots. Returns notes for the user (a clip too
    short for any shot)."""
    from promodesk.engines.visuals.media import import_media

    notes: list[str] = []
    clips = []
    for path in media:
        asset = import_media(folder, path)
        project.assets[asset.id] = asset
        if asset.kind == "video":
            clips.append((asset, activity(Path(folder) / "assets" / asset.id, asset.duration)))
    main = project.tracks_of(TrackKind.VIDEO)[0]
    middle = [c for c in main.clips if c.name not in KEEP_SHOTS]
    targets = middle[1::2] if with_photos and len(middle) > 1 else middle
    used: dict[str, list[tuple[int, int]]] = {}
    for n, shot in enumerate(targets if clips else []):
        asset, act = clips[n % len(clips)]
        start = most_active_start(act, shot.duration, asset.duration, used.get(asset.id, []))
        if start is None:
            start = most_active_start(act, shot.duration, asset.duration)  # reuse a stretch
        if start is None:
            notes.append(f"{asset.meta['source']} is shorter than a shot "
                         f"({seconds_from_us(shot.duration):.1f} s), so a photo shot stays there.")
            continue
        used.setdefault(asset.id, []).append((start, start + shot.duration))
        shot.takes = [Take(asset.id, Recipe("footage", {}), asset.duration,
                           label=asset.meta.get("source", ""))]
        shot.selected, shot.in_point, shot.name = 0, start, "footage"
    if logo is not None:
        entry = import_media(folder, logo)
        project.assets[entry.id] = entry
        track = project.add_track(TrackKind.VIDEO, "Logo")
        # over the shots: right after the main track
        project.tracks.insert(project.tracks.index(main) + 1, project.tracks.pop())
        track.clips.append(Clip(0, max(c.end for c in main.clips), name="logo",
                                takes=[Take(entry.id, Recipe("footage", {"overlay": dict(LOGO)}))]))
    return notes
