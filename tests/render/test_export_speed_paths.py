"""The shortcuts export and scrubbing take for speed draw exactly what the slow paths drew:
PyAV's own rgb24 conversion for 8-bit footage (against FFmpeg's filter graph), seeking instead of
decoding forward in an all-intra proxy, and the frame renderer's per-clip caches (against a fresh
renderer per frame, as ``render_frame`` makes)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from promodesk.engines.visuals import video
from promodesk.engines.visuals.video import VideoDecoder, make_proxy
from tests.render.clips import ffmpeg_frames, frame_times_us, make_clip, psnr


@pytest.mark.parametrize("pix_fmt", ["yuv420p", "yuvj420p", "yuv422p", "yuv444p",
                                     "yuv420p10le"])
def test_footage_frames_are_the_same_through_either_conversion(tmp_path, pix_fmt, monkeypatch):
    path = make_clip(tmp_path / f"{pix_fmt}.mp4", size=(322, 242), seconds=1.0, pix_fmt=pix_fmt)
    fast = VideoDecoder(path)
    times = frame_times_us(path)
    got = [fast.frame(t).copy() for t in times]
    # 8-bit layouts take PyAV's conversion once checked; 10-bit stays on the filter graph
    assert list(fast._fast.values()) == [not pix_fmt.endswith("10le")]
    monkeypatch.setattr(video, "FAST_RGB", ())
    slow = VideoDecoder(path)
    for t, frame in zip(times, got):
        assert np.array_equal(slow.frame(t), frame), (pix_fmt, t)
    assert list(slow._fast.values()) == [False]


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
