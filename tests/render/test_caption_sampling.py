"""A caption over footage chooses its look from keyframes (VideoDecoder.keyframe): the sample is
ffmpeg's own decode of that keyframe, preparing the caption leaves the export's decoder where it
is, and a bright clip still gets the heavy outline / opaque box."""

from __future__ import annotations

import subprocess

import av
import numpy as np
import pytest

from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals.media import import_media
from promodesk.engines.visuals.video import VideoDecoder
from promodesk.render.export import ffmpeg_exe
from promodesk.render.frame import FrameRenderer
from tests.render.clips import ffmpeg_frames, frame_times_us, make_clip, psnr


def keyframe_indices(path) -> list[int]:
    """Indices (in presentation order) of the frames stored as keyframes."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        packets = sorted((p.pts, p.is_keyframe) for p in c.demux(s) if p.pts is not None)
    return [i for i, (_, key) in enumerate(packets) if key]


@pytest.mark.parametrize("rotation", [None, 90])
def test_a_keyframe_sample_is_ffmpegs_decode_of_the_keyframe_at_or_before(tmp_path, rotation):
    path = make_clip(tmp_path / "clip.mp4", size=(320, 240), rate=25, seconds=2.0, gop=12,
                     rotation=rotation)
    upright = (240, 320) if rotation else (320, 240)
    ref = ffmpeg_frames(path, upright)
    times = frame_times_us(path)
    keys = keyframe_indices(path)
    assert len(keys) >= 3  # several GOPs, so "at or before" is tested
    decoder = VideoDecoder(path)
    for t in (0, times[5], times[keys[1]], times[keys[1]] + 1, times[keys[2]] - 1, times[-1],
              times[-1] + 3_000_000, times[keys[1] + 3]):
        want = max(k for k in keys if times[k] <= t) if t >= times[0] else keys[0]
        got = decoder.keyframe(t)
        assert got.shape == (upright[1], upright[0], 3)
        assert psnr(got, ref[want]) >= 40, (t, want)
        others = [k for k in keys if k != want]
        assert all(psnr(got, ref[k]) < 30 for k in others)
    assert decoder.seeks == 0  # frame()'s decoder was never touched
    decoder.close()


def caption_over_footage(folder, clip_path, style="outline", size=(320, 568)):
    """A project of ``size``: footage from 0 to 2 s, a caption from 0.2 s to 1.8 s over it."""
    project = Project(width=size[0], height=size[1], aspect="9:16", fps_num=25)
    asset = import_media(folder, clip_path)
    project.assets[asset.id] = asset
    video = project.add_track(TrackKind.VIDEO, "Main")
    video.clips.append(Clip(0, 2_000_000, [Take(asset.id, Recipe("footage"), asset.duration)]))
    captions = project.add_track(TrackKind.CAPTIONS)
    captions.clips.append(Clip(200_000, 1_600_000, [Take(None, Recipe("captions"))],
                               cue=CaptionCue("Build it. Launch it.", style)))
    return project, asset.id, captions.clips[0]


def test_preparing_a_caption_does_not_move_the_export_decoder(tmp_path):
    path = make_clip(tmp_path / "clip.mp4", size=(320, 568), rate=25, seconds=2.0, gop=12)
    ref = ffmpeg_frames(path, (320, 568))
    project, asset, cue = caption_over_footage(tmp_path, path)
    renderer = FrameRenderer(project, tmp_path, captions=False)
    first = renderer.video_frame(200_000)  # frame 5
    decoder = renderer._media(asset)
    seeks = decoder.seeks
    caption = renderer.caption(cue)  # samples the cue's start, middle (1.0 s) and end (1.8 s)
    # the next frames come from where the decoder was: no seek away and back
    following = [renderer.video_frame(200_000 + k * 40_000) for k in (1, 2, 3)]
    assert decoder.seeks == seeks
    assert psnr(first, ref[5]) >= 40
    for k, got in zip((6, 7, 8), following):
        assert psnr(got, ref[k]) >= 40
    # the middle sample was the keyframe before 1.0 s (frame 24), not the exact frame 25
    keys = keyframe_indices(path)
    assert 24 in keys and 25 not in keys
    sample = renderer.sample_frame(1_000_000)
    assert psnr(sample, ref[24]) >= 40 and psnr(sample, ref[25]) < 35
    assert caption.look.outline > 0


def solid_clip(path, colour: str, size=(320, 568)):
    """Two seconds of one colour with a little noise (as real footage has), H.264."""
    w, h = size
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"color=c={colour}:size={w}x{h}:rate=25:duration=2",
                    "-vf", "noise=alls=6:allf=t", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-g", "12", str(path)], check=True)
    return path


@pytest.mark.parametrize("style", ["outline", "boxed"])
def test_a_caption_over_bright_footage_still_gets_a_legible_look(tmp_path, style):
    looks = {}
    for name, colour in (("bright", "0xF2EEE6"), ("dark", "0x202428")):
        folder = tmp_path / name
        folder.mkdir()
        # big enough that the heavy outline is wider than the fine one's 2-pixel floor
        path = solid_clip(folder / f"{name}.mp4", colour, (540, 960))
        project, _, cue = caption_over_footage(folder, path, style, (540, 960))
        renderer = FrameRenderer(project, folder)
        caption = renderer.caption(cue)
        looks[name] = caption.look
        # the keyframes say what the exact frames say: the same look as sampling those
        from promodesk.core.captionstyle import caption_style
        from promodesk.render.captions import Caption

        exact = Caption(cue.cue.text, caption_style(cue.cue), renderer.size, cue.duration,
                        lambda u: renderer.video_frame(cue.start + u))
        assert exact.look == caption.look
    bright, dark = looks["bright"], looks["dark"]
    if style == "outline":
        assert bright.outline > dark.outline > 0
        assert bright.shadow_opacity > dark.shadow_opacity
    else:
        # a box on every background, at least as opaque over the bright one
        assert bright.box == dark.box == (0, 0, 0)
        assert bright.box_opacity >= dark.box_opacity >= 0.55
