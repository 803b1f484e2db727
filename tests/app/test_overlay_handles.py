"""Moving and scaling a logo (and a caption) by hand in the preview: real mouse and key events on
the frame view, the edits they make, and the exported pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from promodesk.core.overlay_snap import SNAP_SCREEN_PX
from promodesk.core.projectfile import save_project
from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals import safearea
from promodesk.engines.visuals.media import import_media
from promodesk.render.frame import render_frame
from tests.render.clips import make_logo
from tests.render.test_overlays import project_with

GREY = (90, 90, 90)
RED = (230, 20, 20)
START = {"x": 0.3, "y": 0.3, "scale": 0.3}


@pytest.fixture
def logo_folder(tmp_path):
    """A 9:16 project: a grey picture filling the frame, a red logo over it on an overlay track,
    and a caption, 2 s each."""
    folder = tmp_path / "logo.promodesk"
    folder.mkdir()
    grey = tmp_path / "grey.png"
    Image.new("RGB", (90, 160), GREY).save(grey)
    logo = make_logo(tmp_path / "logo.png", size=(200, 120), colour=RED, feather=1)
    project = Project.for_aspect("9:16", title="Logo test")
    for name, path, params in (("Shots", grey, {}), ("Logo", logo, {"overlay": dict(START)})):
        entry = import_media(folder, path)
        project.assets[entry.id] = entry
        track = project.add_track(TrackKind.VIDEO, name)
        track.clips.append(Clip(0, 2_000_000, [Take(entry.id, Recipe("footage", params))], name=name))
    caps = project.add_track(TrackKind.CAPTIONS, "Captions")
    caps.clips.append(Clip(0, 2_000_000, [Take(None, Recipe("captions", {}))], name="cap",
                           cue=CaptionCue("Order now", "boxed")))
    save_project(project, folder)
    return folder


def logo_clip(window) -> Clip:
    return window.project.tracks_of(TrackKind.VIDEO)[1].clips[0]


def settings(window) -> dict:
    return logo_clip(window).recipe.params["overlay"]


def opened(qtbot, window, folder):
    assert window.open_project(folder)
    view = window.preview.view
    qtbot.waitUntil(lambda: view.image is not None and view.mapping() is not None, timeout=60_000)
    return view


def target(window, clip_id):
    return next(t for t in window.preview.handles.targets() if t.clip_id == clip_id)


def widget_point(view, x: float, y: float) -> QPoint:
    p = view.mapping().to_widget(x, y)
    return QPoint(round(p.x()), round(p.y()))


def drag(qtbot, view, start: QPoint, end: QPoint, shift: bool = False, steps: int = 6) -> None:
    """A left-button drag from ``start`` to ``end`` in ``steps`` mouse moves (Shift held:
    every move and the release carry the modifier)."""
    mods = Qt.ShiftModifier if shift else Qt.NoModifier
    qtbot.mousePress(view, Qt.LeftButton, mods, start)
    for i in range(1, steps + 1):
        p = QPointF(start + (end - start) * (i / steps))
        ev = QMouseEvent(QEvent.MouseMove, p, view.mapToGlobal(p), Qt.NoButton, Qt.LeftButton, mods)
        QApplication.sendEvent(view, ev)
    qtbot.mouseRelease(view, Qt.LeftButton, mods, end)


def red_centre(window, size) -> tuple[float, float]:
    """Centre (x, y) in pixels of the logo's red pixels in the exported frame at ``size``."""
    frame = render_frame(window.project, 500_000, size, window.folder)
    r, g = frame[..., 0].astype(int), frame[..., 1].astype(int)
    ys, xs = np.nonzero((r > 200) & (g < 60))
    assert len(xs) > 50
    return float(xs.mean()), float(ys.mean())


def test_drag_the_logo_moves_snaps_scales_and_undoes(qtbot, window, logo_folder):
    view = opened(qtbot, window, logo_folder)
    clip = logo_clip(window)
    canvas = view.canvas
    assert canvas == (window.project.width, window.project.height)
    box = target(window, clip.id).box
    before = window.undo.count()

    # a click on the logo picks it: the timeline selects it and handles are drawn
    centre = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    qtbot.mouseClick(view, Qt.LeftButton, Qt.NoModifier, centre)
    assert window.timeline.selected == clip.id and window.preview.handles.current() is not None
    assert window.undo.count() == before  # a click is no edit

    # Shift drag: no snapping, the centre moves by exactly the dragged fraction of the frame
    m = view.mapping()
    moved = centre + QPoint(40, 30)
    drag(qtbot, view, centre, moved, shift=True)
    assert window.undo.count() == before + 1
    assert settings(window)["x"] == pytest.approx(START["x"] + 40 / m.scale / canvas[0], abs=1e-3)
    assert settings(window)["y"] == pytest.approx(START["y"] + 30 / m.scale / canvas[1], abs=1e-3)
    assert settings(window)["scale"] == pytest.approx(START["scale"])

    # a drag ending a few screen pixels off the frame's centre lands exactly on it
    box = target(window, clip.id).box
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    off = SNAP_SCREEN_PX // 2
    near = widget_point(view, canvas[0] / 2, canvas[1] / 2) + QPoint(off, -off)
    drag(qtbot, view, grab, near)
    assert window.undo.count() == before + 2  # one undo step per drag
    assert (settings(window)["x"], settings(window)["y"]) == pytest.approx((0.5, 0.5), abs=1e-3)
    # the inspector shows the new place (Regenerate with these settings would not move it back)
    assert window.inspector.edited_params()["overlay"]["x"] == pytest.approx(0.5, abs=1e-3)
    # the exported frame has the logo there, at any size
    for size in ((270, 480), (540, 960)):
        x, y = red_centre(window, size)
        assert abs(x - size[0] / 2) <= 2 and abs(y - size[1] / 2) <= 2

    # the same drag with Shift held does not snap
    box = target(window, clip.id).box
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    drag(qtbot, view, grab, grab + QPoint(off, -off), shift=True)
    assert settings(window)["x"] == pytest.approx(0.5 + off / m.scale / canvas[0], abs=1e-3)

    # the bottom-right corner dragged outwards along the diagonal scales it about the top-left
    box = target(window, clip.id).box
    w0 = box[2] - box[0]
    corner = widget_point(view, box[2], box[3])
    grow = 24
    drag(qtbot, view, corner, corner + QPoint(grow, round(grow * (box[3] - box[1]) / w0)), shift=True)
    grown = target(window, clip.id).box
    assert grown[:2] == pytest.approx(box[:2], abs=2)
    assert (grown[2] - grown[0]) / w0 == pytest.approx((w0 + grow / m.scale) / w0, abs=0.02)
    assert settings(window)["scale"] > START["scale"] * 1.05
    x, y = red_centre(window, (270, 480))  # the export follows: centre of the grown box
    assert abs(x - (grown[0] + grown[2]) / 2 * 270 / canvas[0]) <= 2
    assert window.undo.count() == before + 4

    # undo takes the four drags back, one each
    for _ in range(4):
        window.undo.undo()
    assert settings(window) == START


def test_arrow_keys_nudge_the_picked_logo_as_one_step(qtbot, window, logo_folder):
    view = opened(qtbot, window, logo_folder)
    clip = logo_clip(window)
    window.timeline.select_clip(clip.id)
    assert window.preview.handles.current() is not None
    view.setFocus()
    before, playhead = window.undo.count(), window.timeline.playhead
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key_Right)
    qtbot.keyClick(view, Qt.Key_Down, Qt.ShiftModifier)
    m = view.mapping()
    assert settings(window)["x"] == pytest.approx(START["x"] + 3 / m.scale / view.canvas[0], abs=1e-3)
    assert settings(window)["y"] == pytest.approx(START["y"] + 10 / m.scale / view.canvas[1], abs=1e-3)
    assert window.timeline.playhead == playhead  # the arrows went to the logo, not frame stepping
    assert window.undo.count() == before + 4  # each key press is a step (a held key merges)
    window.undo.undo()
    assert settings(window)["y"] == pytest.approx(START["y"])


@pytest.mark.parametrize("aspect", ["16:9", "1:1"])
def test_in_another_aspect_the_handles_sit_on_the_logo_and_snap_there_too(qtbot, window, logo_folder,
                                                                          aspect):
    from promodesk.core.timeline import ASPECTS

    view = opened(qtbot, window, logo_folder)
    clip = logo_clip(window)
    qtbot.mouseClick(window.preview.aspects.buttons[aspect], Qt.LeftButton)
    qtbot.waitUntil(lambda: view.canvas == ASPECTS[aspect], timeout=60_000)
    canvas = view.canvas
    box = target(window, clip.id).box
    # the handles' box is where the preview's own frame has the logo
    image = view.image.convertToFormat(view.image.Format.Format_RGB888)
    w, h = image.width(), image.height()
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())[:, :3 * w]
    rgb = rgb.reshape(h, w, 3).astype(int)
    ys, xs = np.nonzero((rgb[..., 0] > 200) & (rgb[..., 1] < 60))
    k = w / canvas[0]
    bw, bh = box[2] - box[0], box[3] - box[1]  # make_logo's red fills 15-85% across, 20-80% down
    assert abs(xs.min() - (box[0] + 0.15 * bw) * k) <= 2 and abs(xs.max() + 1 - (box[0] + 0.85 * bw) * k) <= 2
    assert abs(ys.min() - (box[1] + 0.2 * bh) * k) <= 2 and abs(ys.max() + 1 - (box[1] + 0.8 * bh) * k) <= 2

    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    near = widget_point(view, canvas[0] / 2, canvas[1] / 2) + QPoint(3, 3)
    drag(qtbot, view, grab, near)
    assert (settings(window)["x"], settings(window)["y"]) == pytest.approx((0.5, 0.5), abs=1e-3)
    small = (canvas[0] // 4, canvas[1] // 4)
    x, y = red_centre(window, small)
    assert abs(x - small[0] / 2) <= 2 and abs(y - small[1] / 2) <= 2

    # dragged far past the right edge it stops at this aspect's safe area, its edge on the guide
    box = target(window, clip.id).box
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    drag(qtbot, view, grab, grab + QPoint(2000, 0))
    right = safearea.safe_area(canvas)[2]
    assert target(window, clip.id).box[2] == pytest.approx(right, abs=1)
    window.undo.undo()
    window.undo.undo()
    assert settings(window) == START


def test_drag_a_caption_within_the_safe_area(qtbot, window, logo_folder):
    view = opened(qtbot, window, logo_folder)
    caption = window.project.tracks_of(TrackKind.CAPTIONS)[0].clips[0]
    assert caption.id not in window.preview.handles.caption_boxes  # fading in at 0:00: unseen
    window.timeline.set_playhead(500_000)
    qtbot.waitUntil(lambda: caption.id in window.preview.handles.caption_boxes, timeout=60_000)
    canvas = view.canvas
    box = target(window, caption.id).box
    safe = safearea.safe_area(canvas)
    assert safe[0] <= box[0] and box[2] <= safe[2] and box[3] <= safe[3]
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    before = window.undo.count()
    # up to a few pixels off the frame's centre: it lands on the centre
    near = widget_point(view, canvas[0] / 2, canvas[1] / 2) + QPoint(2, 3)
    drag(qtbot, view, grab, near)
    assert window.undo.count() == before + 1
    look = caption.cue.look
    assert look is not None and look.position == pytest.approx((0.5, 0.5), abs=2e-3)
    # the export draws the caption there: its white letters are centred on the frame
    frame = render_frame(window.project, 500_000, (270, 480), window.folder)
    ys, xs = np.nonzero(frame.min(axis=-1) > 230)
    assert len(ys) > 100 and abs(ys.mean() - 240) <= 6 and abs(xs.mean() - 135) <= 6
    # dragged far up it stops at the safe area's top
    box = target(window, caption.id).box
    qtbot.waitUntil(lambda: abs((target(window, caption.id).box[1] + target(window, caption.id).box[3]) / 2
                                - canvas[1] / 2) < 8, timeout=60_000)
    box = target(window, caption.id).box
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    drag(qtbot, view, grab, grab + QPoint(0, -2000))
    h = box[3] - box[1]
    assert caption.cue.look.position[1] == pytest.approx((safe[1] + h / 2) / canvas[1], abs=3e-3)
    window.undo.undo()
    window.undo.undo()
    assert caption.cue.look is None or caption.cue.look.position is None


@pytest.mark.parametrize("aspect", ["9:16", "1:1", "16:9"])
def test_targets_are_where_the_renderer_draws_titles_and_logos_topmost_first(tmp_path, aspect):
    """The handles' boxes (no window: overlay_targets) against the exported pixels: a white
    title and a red logo on black, in every aspect."""
    from promodesk.app.overlay_handles import SpriteCache, overlay_targets
    from promodesk.core.timeline import ASPECTS

    folder = tmp_path / "t.promodesk"
    folder.mkdir()
    black = tmp_path / "black.png"
    Image.new("RGB", (32, 32), (0, 0, 0)).save(black)
    logo = make_logo(tmp_path / "logo.png", size=(200, 120), colour=RED, feather=1)
    layers = [(black, {}), (None, {"text": "Summer sale", "overlay": {"x": 0.5, "y": 0.3, "scale": 0.6}}),
              (logo, {"overlay": {"x": 0.5, "y": 0.32, "scale": 0.2}})]
    project = project_with(folder, layers, project=Project.for_aspect(aspect), duration=1_000_000)
    canvas = ASPECTS[aspect]
    found = overlay_targets(project, folder, 500_000, canvas, SpriteCache())
    logo_box, title_box = (t.box for t in found)  # topmost (the logo) first
    assert [t.clip_id for t in found] == [project.tracks[2].clips[0].id, project.tracks[1].clips[0].id]
    small = (canvas[0] // 4, canvas[1] // 4)
    frame = render_frame(project, 500_000, small, folder).astype(int)
    k = small[0] / canvas[0]
    for box, ink in ((title_box, (frame[..., 1] > 200) & (frame[..., 2] > 200)),
                     (logo_box, (frame[..., 0] > 200) & (frame[..., 1] < 60))):
        ys, xs = np.nonzero(ink)
        assert len(xs) > 30
        # every ink pixel inside the box, and the ink spans most of it across
        assert xs.min() >= box[0] * k - 2 and xs.max() < box[2] * k + 2
        assert ys.min() >= box[1] * k - 2 and ys.max() < box[3] * k + 2
        assert xs.max() - xs.min() > 0.6 * (box[2] - box[0]) * k


def test_escape_during_a_drag_puts_it_back(qtbot, window, logo_folder):
    view = opened(qtbot, window, logo_folder)
    clip = logo_clip(window)
    box = target(window, clip.id).box
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    before = window.undo.count()
    qtbot.mousePress(view, Qt.LeftButton, Qt.NoModifier, grab)
    p = QPointF(grab + QPoint(50, 40))
    QApplication.sendEvent(view, QMouseEvent(QEvent.MouseMove, p, view.mapToGlobal(p), Qt.NoButton,
                                             Qt.LeftButton, Qt.NoModifier))
    assert window.preview.handles.live.box != box  # following the mouse
    qtbot.keyClick(view, Qt.Key_Escape)
    qtbot.mouseRelease(view, Qt.LeftButton, Qt.NoModifier, grab + QPoint(50, 40))
    assert window.undo.count() == before and settings(window) == START


def test_the_exported_mp4_has_the_logo_where_it_was_dropped(qtbot, window, logo_folder, tmp_path):
    from promodesk.render.export import export_video
    from tests.render.media import decode

    view = opened(qtbot, window, logo_folder)
    clip, canvas = logo_clip(window), view.canvas
    box = target(window, clip.id).box
    grab = widget_point(view, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    drag(qtbot, view, grab, widget_point(view, canvas[0] / 2, canvas[1] * 0.6) + QPoint(2, 0))

    def logo_in_mp4(name: str) -> tuple[float, float]:
        out = tmp_path / name
        export_video(window.project, window.folder, out, (270, 480), captions="none",
                     span=(0, 400_000), loudness=None)
        frame = decode(out, (270, 480))[-1].astype(int)
        ys, xs = np.nonzero((frame[..., 0] > 180) & (frame[..., 1] < 80))
        assert len(xs) > 50
        return float(xs.mean()), float(ys.mean())

    x, y = logo_in_mp4("moved.mp4")
    assert abs(x - 135) <= 2 and abs(y - settings(window)["y"] * 480) <= 2  # x snapped to centre
    window.undo.undo()
    x, y = logo_in_mp4("undone.mp4")
    assert abs(x - START["x"] * 270) <= 2 and abs(y - START["y"] * 480) <= 2


def test_a_brand_logos_own_spot_per_aspect_is_where_its_handles_are(tmp_path):
    """A brand kit's logo keeps a spot per aspect until the user moves it (render.overlay):
    the handles follow the spot, and a move by hand holds in every aspect."""
    from promodesk.app.overlay_handles import SpriteCache, overlay_targets
    from promodesk.core.document import Document, History
    from promodesk.core.media_edits import SetOverlay
    from promodesk.core.timeline import ASPECTS

    folder = tmp_path / "b.promodesk"
    folder.mkdir()
    logo = make_logo(tmp_path / "logo.png", size=(200, 120), colour=RED, feather=1)
    entry = import_media(folder, logo)
    project = Project.for_aspect("9:16")
    project.assets[entry.id] = entry
    auto = {"from": [0.3, 0.3, 0.3], "16:9": {"x": 0.8, "y": 0.25, "scale": 0.15}}
    track = project.add_track(TrackKind.VIDEO, "Logo")
    track.clips.append(Clip(0, 1_000_000, [Take(entry.id, Recipe("footage", {"overlay": {
        "x": 0.3, "y": 0.3, "scale": 0.3, "auto": auto}}))]))
    save_project(project, folder)

    def centre(aspect):
        (t,) = overlay_targets(project, folder, 0, ASPECTS[aspect], SpriteCache())
        return (t.box[0] + t.box[2]) / 2 / ASPECTS[aspect][0], (t.box[1] + t.box[3]) / 2 / ASPECTS[aspect][1]

    assert centre("9:16") == pytest.approx((0.3, 0.3), abs=1e-3)
    assert centre("16:9") == pytest.approx((0.8, 0.25), abs=1e-3)
    History(Document(project)).push(SetOverlay(track.clips[0].id, {"x": 0.5, "y": 0.6, "scale": 0.3}))
    assert centre("16:9") == pytest.approx((0.5, 0.6), abs=1e-3)
