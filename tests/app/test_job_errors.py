"""A failed job in the jobs panel says what the CLI says (promodesk.core.failures.describe): what
failed, which file, what to do; not a raw exception text."""

from __future__ import annotations

from promodesk.app.jobs_panel import JobRow
from promodesk.commands.errors import describe
from promodesk.core.projectfile import asset_path
from promodesk.core.timeline import TrackKind
from tests.app.conftest import PHOTO, wait_jobs


def row_of(window, word: str) -> JobRow:
    rows = [r for r in window.jobs_panel.findChildren(JobRow) if word in r.job.title]
    assert rows, [r.job.title for r in window.jobs_panel.findChildren(JobRow)]
    return rows[-1]


def test_a_shot_over_a_corrupt_photo_fails_naming_the_photo(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    shot = window.project.tracks_of(TrackKind.VIDEO)[0].clips[0]
    photo = asset_path(project_folder, shot.asset)
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)  # a PNG cut off after its signature

    job = window.generation.regenerate(shot.id)
    assert job is not None
    qtbot.waitUntil(lambda: not job.active, timeout=60_000)
    row = row_of(window, "Regenerate")
    assert job.state == "failed" and len(shot.takes) == 1
    shown = row.message.text()
    assert photo.name in shown and "damaged" in shown and "again" in shown, shown
    assert "Traceback" not in shown and "internal error" not in shown


def test_a_file_error_in_a_job_gets_the_clis_words(qtbot, window, project_folder):
    """A dropped photo cannot be stored because the project's assets/ became a file: the row
    names that path and says what to check, as `promodesk` would."""
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    assets = project_folder / "assets"
    assets.rename(project_folder / "assets-moved")
    assets.write_text("not a folder")
    track = window.project.tracks_of(TrackKind.VIDEO)[0]

    window.generation.add_photos([str(PHOTO)], track.id, 0)
    row = row_of(window, "Import")
    qtbot.waitUntil(lambda: not row.job.active, timeout=60_000)
    assert row.job.state == "failed"
    shown = row.message.text()
    assert str(assets) in shown and "Check the disk and try again" in shown, shown
    assert "[Errno" not in shown
    try:  # the same failure as the CLI words it
        assets.mkdir(parents=True, exist_ok=True)  # what storing an asset does first
    except OSError as err:
        code, cli = describe(err)
    assert code == 1 and shown == cli[:1].upper() + cli[1:]
