"""The inspector of the user's own file (a logo placed from the bin) offers no "Regenerate (new
seed)": a seed changes nothing in a file, so the button only made identical takes. Its
settings can still be applied as a take."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QPoint, Qt

from promodesk.core.timeline import TrackKind
from promodesk.engines.visuals.media import import_media


def placed_logo(window, project_folder, tmp_path):
    """Open the project and place an orange logo at 0 on a new overlay track through the bin;
    returns (track, clip)."""
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 60), (255, 140, 0, 255)).save(logo)
    assert window.open_project(project_folder)
    asset = import_media(project_folder, logo)
    window.project.assets[asset.id] = asset
    track = window.media_bin.add_overlay_track()
    return track, window.media_bin.place(asset.id, track, 0)


def test_a_placed_logo_has_no_new_seed_button(qtbot, window, project_folder, tmp_path):
    track, clip = placed_logo(window, project_folder, tmp_path)
    assert clip is not None
    view = window.timeline
    view.fit()
    lane = view.lane_of(track)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton,
                     pos=QPoint(int(view.x_of(clip.start + clip.duration // 2)), int(lane.y + lane.h / 2)))
    qtbot.waitUntil(lambda: view.selected == clip.id, timeout=3000)
    inspector = window.inspector
    qtbot.waitUntil(lambda: inspector.regen_params.isVisible(), timeout=3000)
    assert not inspector.regen_seed.isVisible()
    shot = window.project.tracks_of(TrackKind.VIDEO)[0].clips[0]
    view.select_clip(shot.id)  # a generated shot: the button is back
    qtbot.waitUntil(lambda: inspector.regen_seed.isVisible(), timeout=3000)


def test_a_logo_placement_reads_short_and_keeps_its_exact_value(qtbot, window, project_folder, tmp_path):
    """The overlay's place shows floats to 4 places, not 0.7898148148148149; applying the
    settings untouched keeps the exact numbers, and a typed value is taken."""
    track, clip = placed_logo(window, project_folder, tmp_path)
    _, clip = window.project.find_clip(clip.id)  # the project's own clip
    clip.recipe.params["overlay"] = {**clip.recipe.params["overlay"], "x": 0.7898148148148149}
    exact = dict(clip.recipe.params["overlay"])
    window.document.replace(window.project, window.folder)  # as a drag in the preview leaves it
    window.timeline.select_clip(clip.id)
    inspector = window.inspector
    field = inspector._editors["overlay"]
    qtbot.waitUntil(field.isVisible, timeout=3000)
    assert '"x": 0.7898,' in field.text() and "0.78981" not in field.text()
    assert inspector.edited_params()["overlay"] == exact  # untouched: the exact value
    field.selectAll()
    qtbot.keyClicks(field, field.text().replace('"x": 0.7898', '"x": 0.5'))
    assert inspector.edited_params()["overlay"]["x"] == 0.5  # typed: taken as typed


def test_the_inspector_shows_whole_at_1366x768(qtbot, window, project_folder, tmp_path):
    """At 1366x768 the inspector of a clip's sound scrolls down but is never cut on the right
    (at 270 px its Duration arrows were under the scroll bar)."""
    from PySide6.QtWidgets import QScrollArea

    from tests.render.clips import make_clip

    window.resize(1366, 768)
    assert window.open_project(project_folder)
    asset = import_media(project_folder, make_clip(tmp_path / "c.mp4", size=(320, 180), seconds=1.0,
                                                   tone_hz=440))
    window.project.assets[asset.id] = asset
    from promodesk.engines.visuals.media import sound_asset
    window.project.assets[asset.meta["sound"]] = sound_asset(project_folder, asset)
    main = window.project.tracks_of(TrackKind.VIDEO)[0]
    window.media_bin.place(asset.id, main.id, window.project.duration)
    sound = window.project.tracks_of(TrackKind.AUDIO)[0].clips[0]
    window.timeline.select_clip(sound.id)
    area = window.inspector.findChild(QScrollArea)
    qtbot.waitUntil(lambda: window.inspector.sound_box.isVisible() and window.inspector_dock.width() < 300,
                    timeout=5000)
    qtbot.wait(50)
    assert area.widget().width() <= area.viewport().width()
    spin = window.inspector.duration
    right = spin.mapTo(area.viewport(), spin.rect().topRight()).x()
    assert right < area.viewport().width()
