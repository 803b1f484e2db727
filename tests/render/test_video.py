"""The user's footage: PyAV decoding checked against ffmpeg's own decode, and footage clips on the
timeline drawn from the right source frame."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.core.projectfile import asset_path, save_project
from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind
from promodesk.engines import registry
from promodesk.engines.visuals.footage import fit_frame
from promodesk.engines.visuals.media import MediaError, import_media
from promodesk.engines.visuals.video import VideoDecoder, VideoError, probe_video
from promodesk.render.frame import FrameRenderer
from tests.render.clips import ffmpeg_frames, frame_times_us, make_clip, psnr

CASES = {
    "plain": dict(size=(320, 240)),
    "rotated": dict(size=(320, 240), rotation=90),        # a phone held upright
    "vfr": dict(size=(320, 240), rate=30, vfr=True),       # 1 s at 30 fps, then 15 fps
    "10bit-odd": dict(size=(321, 241), pix_fmt="yuv444p10le"),
    "10bit-420": dict(size=(320, 240), pix_fmt="yuv420p10le"),
}


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return {name: make_clip(folder / f"{name}.mp4", **kw) for name, kw in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_frames_match_ffmpegs_own_decode_at_seek_points(clips, name):
    path = clips[name]
    info = probe_video(path)
    w, h = CASES[name]["size"]
    upright = (h, w) if CASES[name].get("rotation") else (w, h)
    assert (info.width, info.height) == upright
    ref = ffmpeg_frames(path, upright)
    times = frame_times_us(path)
    assert len(times) == len(ref)
    # the container's duration, which for VFR files may stop short of the last frame's time
    assert abs(info.duration_us - times[-1]) <= 100_000
    decoder = VideoDecoder(path)
    n = len(ref)
    # out of order, as a scrub does: end, start, middle, back, and forward runs
    for k in [n - 1, 0, n // 2, 3, n // 2 + 1, n // 2 + 2, n - 2, 1]:
        later = times[k + 1] if k + 1 < n else times[k] + 40_000
        for t in (times[k], (times[k] + later) // 2, later - 1):
            got = decoder.frame(t)
            assert got.shape == (upright[1], upright[0], 3)
            assert psnr(got, ref[k]) >= 40, (name, k, t)
    # the frame shown past the end is the last one
    assert psnr(decoder.frame(times[-1] + 5_000_000), ref[-1]) >= 40
    decoder.close()


def test_vfr_frames_are_picked_by_time_not_by_count(clips):
    times = frame_times_us(clips["vfr"])
    gaps = np.diff(times)
    assert gaps.min() < 40_000 < gaps.max()  # really variable
    ref = ffmpeg_frames(clips["vfr"], (320, 240))
    decoder = VideoDecoder(clips["vfr"])
    # 1.5 s: frame 30 + (0.5 s at 15 fps) = frame 37, where counting at 30 fps would say 45
    k = max(i for i, t in enumerate(times) if t <= 1_500_000)
    assert k == 37
    assert psnr(decoder.frame(1_500_000), ref[37]) >= 40
    assert psnr(decoder.frame(1_500_000), ref[min(45, len(ref) - 1)]) < 30


def footage_project(folder, clip_path, in_point_frame: int, rate=25):
    project = Project(width=320, height=240, aspect="16:9", fps_num=rate)
    asset = import_media(folder, clip_path)
    project.assets[asset.id] = asset
    track = project.add_track(TrackKind.VIDEO, "Main")
    in_point = in_point_frame * 1_000_000 // rate
    track.clips.append(Clip(1_000_000, 600_000, [Take(asset.id, Recipe("footage"),
                                                      asset.duration)], in_point=in_point))
    save_project(project, folder)
    return project


def test_a_trimmed_footage_clip_starts_on_its_in_point_frame(tmp_path, clips):
    project = footage_project(tmp_path, clips["plain"], 17)
    ref = ffmpeg_frames(clips["plain"], (320, 240))
    renderer = FrameRenderer(project, tmp_path, (320, 240))
    first = renderer.frame(1_000_000)
    assert psnr(first, ref[17]) >= 40
    assert psnr(first, ref[16]) < 35 and psnr(first, ref[18]) < 35
    # five frames later on the timeline is five frames later in the source
    assert psnr(renderer.frame(1_000_000 + 5 * 40_000), ref[22]) >= 40
    assert renderer.frame(900_000).max() == 0  # before the clip: nothing


def test_footage_fills_other_aspects_upright(tmp_path, clips):
    project = footage_project(tmp_path, clips["rotated"], 0)
    ref = ffmpeg_frames(clips["rotated"], (240, 320))
    for size in [(270, 480), (300, 300), (480, 270)]:
        got = FrameRenderer(project, tmp_path, size).frame(1_000_000)
        assert psnr(got, fit_frame(ref[0], size, "cover")) >= 35, size


def test_import_copies_the_file_by_content_and_describes_it(tmp_path, clips):
    asset = import_media(tmp_path, clips["rotated"])
    assert asset.kind == "video" and asset.id.endswith(".mp4")
    assert asset_path(tmp_path, asset.id).read_bytes() == clips["rotated"].read_bytes()
    assert asset.meta["width"] == 240 and asset.meta["height"] == 320
    assert asset.meta["rotation"] in (90, 270) and asset.meta["source"] == "rotated.mp4"
    assert 1_900_000 <= asset.duration <= 2_100_000
    assert import_media(tmp_path, clips["rotated"]).id == asset.id  # stored once
    assert registry.engine("footage").availability() is None


def test_bad_files_get_a_message_naming_them(tmp_path):
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    with pytest.raises(VideoError, match="holiday.mp4"):
        probe_video(bad)
    with pytest.raises(MediaError, match="notes.txt"):
        import_media(tmp_path, tmp_path / "notes.txt")


def test_the_mix_carries_a_clips_own_sound_at_its_tracks_gain(tmp_path):
    from promodesk.core.arrange import DeleteClips, MoveClips
    from promodesk.core.document import Document, History
    from promodesk.engines.visuals.media import sound_asset
    from promodesk.render.mix import mix_project, read_audio

    path = make_clip(tmp_path / "tone.mp4", seconds=2.0, tone_hz=440)
    folder = tmp_path / "p.promodesk"
    video = import_media(folder, path)
    sound = sound_asset(folder, video)
    assert sound is not None and abs(sound.duration - video.duration) <= 40_000
    project = Project(width=320, height=240, aspect="16:9", fps_num=25)
    project.assets.update({video.id: video, sound.id: sound})
    main = project.add_track(TrackKind.VIDEO, "Main")
    shot = Clip(500_000, 1_500_000, [Take(video.id, Recipe("footage"), video.duration)],
                in_point=300_000)
    main.clips.append(shot)
    audio = project.add_track(TrackKind.AUDIO, "Clip sound")
    audio.gain_db = -6.0
    audio.clips.append(Clip(500_000, 1_500_000, [Take(sound.id, Recipe("footage"),
                                                      sound.duration)], in_point=300_000))
    source = read_audio(asset_path(folder, sound.id))
    mix, sr = mix_project(project, folder, normalize=False)
    # the clip's middle: the source from in_point + 0.5 s, 6 dB down
    a, b = sr * 1, sr * 3 // 2
    got, want = mix[a:b], source[sr * 8 // 10: sr * 13 // 10]
    ratio_db = 20 * np.log10(np.sqrt(np.mean(got ** 2)) / np.sqrt(np.mean(want ** 2)))
    assert abs(ratio_db + 6.0) < 0.3
    assert np.corrcoef(got[:, 0], want[:, 0])[0, 1] > 0.99   # in step, not just as loud
    assert np.abs(mix[: sr * 4 // 10]).max() < 1e-4           # silent before the clip
    # the sound is linked to its clip: moving the clip carries it, deleting takes it along
    history = History(Document(project, folder))
    history.push(MoveClips({shot.id: 1_000_000}))
    assert audio.clips[0].start == 1_000_000 and audio.clips[0].in_point == 300_000
    history.push(DeleteClips([shot.id]))
    assert not audio.clips and not main.clips
    history.undo()
    assert audio.clips[0].start == main.clips[0].start == 1_000_000


def test_big_footage_gets_a_proxy_the_preview_uses_and_export_does_not(tmp_path):
    from promodesk.engines.visuals.video import PROXY_HEIGHT, proxy_path

    path = make_clip(tmp_path / "big.mp4", size=(2560, 1440), rate=10, seconds=1.0, gop=10)
    folder = tmp_path / "p.promodesk"
    asset = import_media(folder, path)
    proxy = proxy_path(folder, asset.id)
    info = probe_video(proxy)
    assert (info.width, info.height) == (960, PROXY_HEIGHT)
    assert asset.duration - 100_000 <= info.duration_us <= asset.duration + 100_000
    # every proxy frame is a keyframe: a scrub decodes one frame
    import av

    with av.open(str(proxy)) as c:
        assert all(p.is_keyframe for p in c.demux(c.streams.video[0]) if p.size)
    project = Project(width=1920, height=1080, aspect="16:9", fps_num=10)
    project.assets[asset.id] = asset
    project.add_track(TrackKind.VIDEO).clips.append(
        Clip(0, 1_000_000, [Take(asset.id, Recipe("footage"), asset.duration)]))
    preview = FrameRenderer(project, folder, (480, 270), proxies=True)
    export = FrameRenderer(project, folder, (480, 270))
    a, b = preview.frame(500_000), export.frame(500_000)
    assert psnr(a, b) >= 30  # the same picture
    assert preview._photos[asset.id].path == proxy
    assert export._photos[asset.id].path == asset_path(folder, asset.id)
    small = import_media(folder, make_clip(tmp_path / "small.mp4", seconds=0.5))
    assert not proxy_path(folder, small.id).exists()  # 1080p and under: no proxy


@pytest.mark.parametrize("name", list(CASES))
def test_a_cropped_frame_is_the_same_part_of_the_whole_frame(clips, name):
    """Export asks the decoder for just the part of a frame that shows (a 16:9 clip in 9:16):
    it is the part cut from the whole frame, at odd and even offsets, upright or turned."""
    decoder = VideoDecoder(clips[name])
    whole = decoder.frame(500_000).copy()
    h, w = whole.shape[:2]
    for x, y, cw, ch in [(0, 0, w, h), (w // 3, 0, w // 3, h), (w // 3 + 1, 3, w // 3 + 1, h - 7),
                         (5, 1, 17, 9), (0, h // 8, w, h // 2 + 1), (1, 0, w - 1, h)]:
        part = decoder.frame(500_000, crop=(x, y, cw, ch))
        assert part.shape == (ch, cw, 3)
        cut = whole[y:y + ch, x:x + cw]
        if name in ("plain", "rotated", "vfr"):  # 8-bit 4:2:0: the same conversion, bit for bit
            assert np.array_equal(part, cut), (name, x, y)
        else:  # 10-bit: the scaler's chroma filter sees fewer neighbours at the cut's edges
            assert psnr(part, cut) >= 40, (name, x, y)
    # a crop that no longer fits (the file changed size) gives the whole frame back
    assert decoder.frame(500_000, crop=(0, 0, w + 2, h)).shape == whole.shape
    decoder.close()


def test_footage_filling_another_shape_draws_as_before(tmp_path, clips):
    """A clip covering a frame of another shape converts only the part that shows, and draws
    the same pixels as scaling the whole decoded frame (fit_frame)."""
    from promodesk.engines.visuals.footage import FootageSource

    for size in [(90, 160), (160, 160), (400, 224)]:
        source = FootageSource({}, VideoDecoder(clips["plain"]), size)
        reference = VideoDecoder(clips["plain"])
        for t in (0, 300_000, 310_000, 1_500_000):
            expected = fit_frame(reference.frame(t), size)
            assert np.array_equal(source.frame(t), expected), (size, t)
