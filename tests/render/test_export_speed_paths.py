"""Speed paths draw what the plain paths draw: scrubbing an all-intra proxy seeks instead of
decoding forward and still finds ffmpeg's frames; the exporter's threads sharing one renderer (its
per-clip caches) give the pixels of ``render_frame`` (a fresh renderer per frame, the preview's
single path)."""

from __future__ import annotations

import random

import numpy as np

from promodesk.engines.visuals.video import VideoDecoder, make_proxy
from tests.render.clips import ffmpeg_frames, frame_times_us, make_clip, psnr


def test_scrubbing_an_all_intra_proxy_seeks_and_finds_the_right_frames(tmp_path):
    src = make_clip(tmp_path / "src.mp4", size=(640, 360), rate=30, seconds=4.0, gop=60)
    proxy = make_proxy(src, tmp_path / "proxy.mp4")
    ref = ffmpeg_frames(proxy, (960, 540))
    times = frame_times_us(proxy)
    decoder = VideoDecoder(proxy)
    decoder.frame(0)
    rng = random.Random(3)
    for _ in range(12):
        k = rng.randrange(len(times))
        assert psnr(decoder.frame(times[k] + 1000), ref[k]) >= 40
    # every frame is a keyframe: a frame more than one frame ahead is sought, not decoded to
    assert decoder._forward_us() <= max(np.diff(times))
    # the long-GOP source still decodes forward within its keyframe spacing
    source = VideoDecoder(src)
    for t in range(0, 3_000_000, 100_000):
        source.frame(t)
    assert source._forward_us() == 2_000_000


def test_frames_drawn_by_export_threads_equal_render_frame(tmp_path):
    """The exporter's way (one renderer shared by four threads) and the preview's single path
    (``render_frame``: a fresh renderer per frame) give the same pixels, footage, logo,
    transitions and captions included."""
    from concurrent.futures import ThreadPoolExecutor

    from promodesk.core.projectfile import save_project
    from promodesk.core.timeline import Clip, Recipe, Take, TrackKind, frame_start
    from promodesk.engines.visuals.media import import_media
    from promodesk.render.frame import FrameRenderer, render_frame
    from tests.render.clips import make_logo
    from tests.render.media import shot_project

    size = (180, 320)
    project = shot_project(tmp_path, "9:16", shot_us=600_000)
    video = project.tracks_of(TrackKind.VIDEO)[0]
    clip_file = import_media(tmp_path, make_clip(tmp_path / "clip.mp4", size=(320, 180),
                                                 rate=30, seconds=1.5))
    project.assets[clip_file.id] = clip_file
    video.clips.append(Clip(1_200_000, 600_000, [Take(clip_file.id, Recipe("footage", {}),
                                                      clip_file.duration)], in_point=300_000))
    logo = import_media(tmp_path, make_logo(tmp_path / "logo.png", (80, 48), (230, 20, 20)))
    project.assets[logo.id] = logo
    overlay = project.add_track(TrackKind.VIDEO, "Logo")
    overlay.clips.append(Clip(0, 1_800_000, [Take(logo.id, Recipe(
        "footage", {"overlay": {"x": 0.8, "y": 0.1, "scale": 0.2, "fade_in_us": 200_000}}))]))
    save_project(project, tmp_path)
    times = [frame_start(i, project.fps) for i in range(54)]

    renderer = FrameRenderer(project, tmp_path, size)
    with ThreadPoolExecutor(max_workers=4) as pool:
        exported = list(pool.map(renderer.frame, times))
    for i in (0, 5, 17, 18, 20, 25, 36, 37, 40, 53):  # shots, transitions, footage, fades
        assert np.array_equal(exported[i], render_frame(project, times[i], size, tmp_path)), i
    # the footage really shows (not the shot before it), and so does the logo over it
    assert not np.array_equal(exported[45], exported[30])
    overlay.mute = True
    under = render_frame(project, times[45], size, tmp_path)
    assert (np.abs(exported[45].astype(int) - under).max(axis=2) > 40).sum() > 200
