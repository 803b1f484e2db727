"""The media bin: import a clip and a logo, drop them from the bin onto tracks, export, and find
both in the decoded MP4."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from promodesk.core.timeline import TrackKind
from promodesk.engines.visuals.footage import fit_frame
from promodesk.render.export import export_video
from tests.app.conftest import wait_jobs
from tests.render.clips import ffmpeg_frames, make_clip, make_logo, psnr
from tests.render.media import decode

SIZE = (270, 480)


def drop_from_bin(window, asset_id: str, track_id: str, at_us: int) -> bool:
    """Drag the bin's item for ``asset_id`` onto a track: the enter, move and drop events the
    timeline's viewport gets from a drag, carrying the bin's own drag payload."""
    bin_ = window.media_bin
    item = bin_.list.item(bin_.asset_ids().index(asset_id))
    mime = bin_.list.mimeData([item])
    view = window.timeline
    lane = view.lane_of(track_id)
    pos = QPointF(view.x_of(at_us), lane.y + lane.h / 2)
    vp = view.viewport()
    args = (Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(vp, QDragEnterEvent(pos.toPoint(), *args))
    QApplication.sendEvent(vp, QDragMoveEvent(pos.toPoint(), *args))
    drop = QDropEvent(pos, *args)
    QApplication.sendEvent(vp, drop)
    return drop.isAccepted()


def test_import_place_and_export_a_clip_and_a_logo(qtbot, window, project_folder, tmp_path):
    assert window.open_project(project_folder)
    clip_path = make_clip(tmp_path / "unboxing.mp4", size=(320, 240), seconds=2.0,
                          tone_hz=440)
    logo_path = make_logo(tmp_path / "logo.png", size=(200, 120), colour=(230, 20, 20),
                          feather=1)
    before = set(window.project.assets)
    window.media_bin.import_files([clip_path, logo_path])
    # the clip, its own sound (a WAV the mix reads) and the logo
    qtbot.waitUntil(lambda: len(window.project.assets) == len(before) + 3, timeout=30_000)
    new = {(a.meta["source"], a.kind): a for a in window.project.assets.values()
           if a.id not in before}
    clip, logo = new["unboxing.mp4", "video"], new["logo.png", "image"]
    sound = new["unboxing.mp4", "audio"]
    assert clip.meta["sound"] == sound.id
    assert clip.kind == "video" and logo.kind == "image"
    # the bin lists both with where they came from, length and size, and draws thumbnails
    texts = [window.media_bin.list.item(i).text() for i in range(window.media_bin.list.count())]
    assert any("unboxing.mp4" in t and "2.0 s" in t and "320x240" in t for t in texts)
    assert any("logo.png" in t and "200x120" in t for t in texts)
    qtbot.waitUntil(lambda: {clip.id, logo.id} <= set(window.media_bin._thumbs), timeout=30_000)
    assert (project_folder / "assets" / clip.id).read_bytes() == clip_path.read_bytes()

    main = window.project.tracks_of(TrackKind.VIDEO)[0]
    overlay_id = window.media_bin.add_overlay_track()
    end = main.clips[-1].end
    assert drop_from_bin(window, clip.id, main.id, end)
    placed = main.clips[-1]
    assert placed.asset == clip.id and placed.recipe.engine == "footage"
    assert placed.start == end and placed.take.source_duration == clip.duration
    # the timeline draws the clip's own frames as its thumbnail strip
    qtbot.waitUntil(lambda: bool(window.media.thumbnails(window.project, placed)), timeout=30_000)
    strip = window.media.thumbnails(window.project, placed)[0].toImage()
    colours = {strip.pixelColor(x, y).name() for x in range(0, strip.width(), 3)
               for y in range(0, strip.height(), 3)}
    assert len(colours) > 20  # testsrc2's colours, not a flat placeholder
    # its sound went on an audio track, in step with it and linked to it, in the same step
    heard = window.project.tracks_of(TrackKind.AUDIO)[0].clips[0]
    assert heard.asset == sound.id and heard.start == placed.start and heard.linked
    assert heard.in_point == placed.in_point and abs(heard.duration - placed.duration) <= 40_000
    window.undo.undo()
    assert not window.project.tracks_of(TrackKind.AUDIO) and main.clips[-1].start < end
    window.undo.redo()
    assert window.project.tracks_of(TrackKind.AUDIO)[0].clips[0].asset == sound.id
    assert drop_from_bin(window, logo.id, overlay_id, end)
    badge = window.project.track(overlay_id).clips[0]
    assert badge.asset == logo.id and "overlay" in badge.recipe.params
    # undo takes the logo off, redo puts it back
    window.undo.undo()
    assert not window.project.track(overlay_id).clips
    window.undo.redo()
    assert window.project.track(overlay_id).clips[0].asset == logo.id
    wait_jobs(qtbot, window)

    out = tmp_path / "footage.mp4"
    export_video(window.project, project_folder, out, size=SIZE, captions="none",
                 span=(end, end + 1_000_000), loudness=None)
    frames = decode(out, SIZE)
    assert len(frames) == 30
    ref = ffmpeg_frames(clip_path, (320, 240))
    logo_box = np.zeros(SIZE[::-1], bool)
    red = (frames[..., 0] > 170) & (frames[..., 1] < 90) & (frames[..., 2] < 90)
    for j in (0, 15, 29):
        # the logo: a red badge in the top right, inside the safe area, on every frame
        ys, xs = np.nonzero(red[j])
        assert len(xs) > 150 and xs.mean() > SIZE[0] * 0.6 and ys.mean() < SIZE[1] * 0.2
        logo_box[max(0, ys.min() - 6):ys.max() + 6, max(0, xs.min() - 6):xs.max() + 6] = True
    keep = ~logo_box
    for j in (0, 15, 29):
        k = (j * 25) // 30  # the clip's 25 fps frame showing at the MP4's 30 fps frame j
        want = fit_frame(ref[k], SIZE, "cover")
        got = psnr(frames[j][keep], want[keep])
        assert got >= 28, (j, got)
        assert got > psnr(frames[j][keep], fit_frame(ref[k + 8], SIZE, "cover")[keep]) + 3
    # and the clip's sound plays in the MP4 (the music ended before this span)
    import subprocess

    from promodesk.render.export import ffmpeg_exe

    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(out), "-vn", "-ac", "1",
                          "-ar", "48000", "-f", "f32le", "pipe:"], capture_output=True,
                         check=True).stdout
    pcm = np.frombuffer(raw, np.float32)[4800:-9600]  # away from the edge fades
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm))))
    peak_hz = np.argmax(spectrum) * 48000 / len(pcm)
    assert abs(peak_hz - 440) < 5 and np.sqrt(np.mean(pcm ** 2)) > 0.05


def test_a_briefs_photo_is_named_as_the_users_not_generated():
    from promodesk.app.media_bin import describe
    from promodesk.core.timeline import Asset

    assert describe(Asset("a.jpg", "image", None, {}, "supplied by the user")).startswith("your photo")
    assert describe(Asset("m.wav", "audio", 8_000_000, {"engine": "composer"}, "MIT")).startswith(
        "composer")


def test_assets_are_named_by_their_files_and_repeats_are_numbered():
    from promodesk.app.media_bin import asset_names
    from promodesk.core.timeline import Asset

    assets = [Asset("a1.jpg", "image", None, {"source": "photo.jpg"}, ""),
              Asset("b2.wav", "audio", 1_000_000, {"source": "photo.jpg", "of_video": "v.mp4"}, ""),
              Asset("c3.jpg", "image", None, {"source": "photo.jpg"}, ""),
              Asset("d4.jpg", "image", None, {"source": "photo.jpg (2)"}, ""),
              Asset("e5.ttf", "font", None, {"name": "Brand Sans"}, ""),
              Asset("f6.png", "image", None, {}, "supplied by the user")]
    assert asset_names(assets) == {"a1.jpg": "photo.jpg", "b2.wav": "sound of photo.jpg",
                                   "c3.jpg": "photo.jpg (2)", "d4.jpg": "photo.jpg (2) (2)",
                                   "e5.ttf": "Brand Sans", "f6.png": "your photo"}


def test_a_photo_dropped_on_the_timeline_is_listed_by_its_files_name(qtbot, window, project_folder,
                                                                     tmp_path):
    """A photo dropped from the file manager is stored under its hash; the bin names it by the
    file (the hash only in the tooltip)."""
    from PIL import Image

    photo = tmp_path / "mug on the table.png"
    Image.new("RGB", (640, 480), (90, 140, 60)).save(photo)
    assert window.open_project(project_folder)
    track = window.project.tracks_of(TrackKind.VIDEO)[0]
    count = len(track.clips)
    window.generation.add_photos([str(photo)], track.id, 10_000_000)
    wait_jobs(qtbot, window)
    qtbot.waitUntil(lambda: len(track.clips) > count, timeout=5000)
    placed = max(track.clips, key=lambda c: c.start)
    items = [window.media_bin.list.item(i) for i in range(window.media_bin.list.count())]
    item = next(i for i in items if i.data(Qt.UserRole) == placed.take.asset)
    assert item.text().split("\n")[0] == photo.name and placed.take.asset in item.toolTip()
