"""Project folders: round trip, atomic saves, typed errors that never overwrite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from promodesk.core import projectfile as pf
from promodesk.core.timeline import Asset, CaptionCue, Clip, Marker, Project, Recipe, Take, TrackKind


def full_project(folder: Path) -> Project:
    """A project using every field, with real asset files in ``folder``."""
    p = Project(title="晨光意式浓缩杯", fps_num=30000, fps_den=1001, width=1080, height=1920, aspect="9:16")
    photo = pf.add_asset(folder, b"\x89PNG fake bytes for hashing", "png")
    music = pf.add_asset(folder, b"RIFF fake wav", ".WAV")
    v = p.add_track(TrackKind.VIDEO, "Shots")
    v.clips.append(Clip(start=0, duration=2_000_000, in_point=100, name="hero",
                        takes=[Take(photo, Recipe("shots", {"kind": "hero", "zoom": 1.08}, 3)),
                               Take(None, Recipe("shots", {"kind": "card"}, 4), None, "take 2")],
                        selected=1))
    m = p.add_track(TrackKind.MUSIC, "Music")
    m.gain_db, m.mute = -3.5, True
    m.clips.append(Clip(0, 2_000_000, [Take(music, Recipe("composer", {"style": "warm"}, 7), 20_000_000)]))
    c = p.add_track(TrackKind.CAPTIONS)
    c.clips.append(Clip(0, 1_500_000, [Take(None, Recipe("captions"))], cue=CaptionCue("每一个清晨", "boxed")))
    p.markers.append(Marker(1_000_000, "drop"))
    p.assets[music] = Asset(music, "audio", 20_000_000, {"bpm": 96.0, "beats": [0, 625_000]}, "CC0")
    return p


def test_round_trip_keeps_every_field(tmp_path):
    folder = tmp_path / "cup.promodesk"
    p = full_project(folder)
    path = pf.save_project(p, folder)
    assert path == folder / "project.json"
    loaded = pf.load_project(folder)
    assert loaded == p
    text = path.read_text("utf-8")
    assert json.loads(text)["schema"] == pf.SCHEMA
    assert "晨光意式浓缩杯" in text  # readable, not \\u-escaped


def test_assets_are_content_addressed(tmp_path):
    a = pf.add_asset(tmp_path, b"same bytes", "png")
    src = tmp_path / "photo.PNG"
    src.write_bytes(b"same bytes")
    assert pf.add_asset(tmp_path, src) == a
    assert a.endswith(".png") and len(a) == 64 + 4
    assert pf.asset_path(tmp_path, a).read_bytes() == b"same bytes"
    with pytest.raises(ValueError):
        pf.asset_path(tmp_path, "../../etc/passwd")


def test_damaged_file_gives_a_clear_error_and_is_not_touched(tmp_path):
    folder = tmp_path / "x.promodesk"
    pf.save_project(full_project(folder), folder)
    path = folder / "project.json"
    damaged = path.read_bytes()[:200]
    path.write_bytes(damaged)
    with pytest.raises(pf.DamagedProjectError) as err:
        pf.load_project(folder)
    assert "damaged" in str(err.value) and "autosave" in str(err.value)
    assert path.read_bytes() == damaged


@pytest.mark.parametrize("mutate", [
    lambda d: d.pop("tracks"),
    lambda d: d["tracks"][0]["clips"][0].update(start="soon"),
    lambda d: d["tracks"][0]["clips"][0].update(duration=0),
    lambda d: d["tracks"][0].update(kind="hologram"),
    lambda d: d["tracks"][0]["clips"][0]["takes"][0].update(asset="../../secret.png"),
    lambda d: d.update(schema="one"),
])
def test_wrong_structure_is_damaged(tmp_path, mutate):
    folder = tmp_path / "x.promodesk"
    pf.save_project(full_project(folder), folder)
    d = json.loads((folder / "project.json").read_text())
    mutate(d)
    (folder / "project.json").write_text(json.dumps(d))
    with pytest.raises(pf.DamagedProjectError):
        pf.load_project(folder)


def test_newer_version_is_refused_and_kept(tmp_path):
    folder = tmp_path / "x.promodesk"
    pf.save_project(full_project(folder), folder)
    d = json.loads((folder / "project.json").read_text())
    d["schema"] = pf.SCHEMA + 1
    raw = json.dumps(d).encode()
    (folder / "project.json").write_bytes(raw)
    with pytest.raises(pf.NewerProjectError) as err:
        pf.load_project(folder)
    assert "newer PromoDesk" in str(err.value) and "Update" in str(err.value)
    assert (folder / "project.json").read_bytes() == raw


def test_missing_assets_are_named(tmp_path):
    folder = tmp_path / "x.promodesk"
    p = full_project(folder)
    pf.save_project(p, folder)
    gone = p.tracks[1].clips[0].asset
    pf.asset_path(folder, gone).unlink()
    with pytest.raises(pf.MissingAssetsError) as err:
        pf.load_project(folder)
    assert err.value.missing == [gone]
    assert pf.load_project(folder, check_assets=False) == p


def test_not_a_project(tmp_path):
    with pytest.raises(pf.ProjectNotFoundError):
        pf.load_project(tmp_path / "nope.promodesk")
    with pytest.raises(pf.ProjectNotFoundError):
        pf.load_project(tmp_path)


def test_failed_rename_leaves_the_old_file_intact(tmp_path, monkeypatch):
    folder = tmp_path / "x.promodesk"
    p = full_project(folder)
    pf.save_project(p, folder)
    old = (folder / "project.json").read_bytes()

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pf.os, "replace", full_disk)
    p.title = "changed"
    with pytest.raises(pf.ProjectSaveError) as err:
        pf.save_project(p, folder)
    assert "No space left" in str(err.value) and "intact" in str(err.value)
    monkeypatch.undo()
    assert (folder / "project.json").read_bytes() == old
    assert sorted(x.name for x in folder.iterdir()) == ["assets", "project.json"]  # no temp left
    assert pf.load_project(folder).title == "晨光意式浓缩杯"


def test_save_killed_midway_leaves_the_old_file_loadable(tmp_path):
    folder = tmp_path / "x.promodesk"
    p = full_project(folder)
    pf.save_project(p, folder)
    old = (folder / "project.json").read_bytes()
    # A child process starts a save of a changed project and is killed (SIGKILL) after the new
    # bytes are written and synced but before the rename.
    script = textwrap.dedent(f"""
        import os, signal
        from promodesk.core import projectfile as pf
        p = pf.load_project({str(folder)!r})
        p.title = "half-saved"
        def die(*a):
            os.kill(os.getpid(), signal.SIGKILL)
        pf.os.replace = die
        pf.save_project(p, {str(folder)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()
    assert (folder / "project.json").read_bytes() == old
    assert pf.load_project(folder) == p


# --- issue 11: bounds on load, stale temp files, file modes -------------------------------------

@pytest.mark.parametrize("change,where", [
    (lambda d: d.__setitem__("fps", [100000, 1]), "fps"),
    (lambda d: d.__setitem__("size", [16000, 16000]), "size[0]"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("start", 10**13), "tracks[0].clips[0].start"),
    (lambda d: d["tracks"][0].__setitem__("gain_db", 1e308), "tracks[0].gain_db"),
    (lambda d: d["tracks"][0]["clips"][0]["takes"][0]["recipe"].__setitem__("params", "x"),
     "tracks[0].clips[0].takes[0].recipe.params"),
])
def test_values_out_of_bounds_are_refused_with_their_place(tmp_path, change, where):
    folder = tmp_path / "x.promodesk"
    pf.save_project(full_project(folder), folder)
    d = json.loads((folder / "project.json").read_text("utf-8"))
    change(d)
    (folder / "project.json").write_text(json.dumps(d), encoding="utf-8")
    before = (folder / "project.json").read_bytes()
    with pytest.raises(pf.DamagedProjectError) as err:
        pf.load_project(folder)
    assert where in str(err.value) and "project.json" in str(err.value)
    assert (folder / "project.json").read_bytes() == before


def test_deep_nesting_and_a_folder_for_a_file_are_damaged_not_crashes(tmp_path):
    folder = tmp_path / "x.promodesk"
    folder.mkdir()
    (folder / "project.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(pf.DamagedProjectError, match="nested too deeply"):
        pf.load_project(folder)
    (folder / "project.json").unlink()
    (folder / "project.json").mkdir()
    with pytest.raises(pf.DamagedProjectError, match="folder"):
        pf.load_project(folder)


def test_stale_temp_files_are_swept_on_open_and_save_but_live_ones_kept(tmp_path):
    folder = tmp_path / "x.promodesk"
    p = full_project(folder)
    pf.save_project(p, folder)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = folder / f".project.json.pd{dead}-abcd1234.tmp"
    stale_asset = folder / "assets" / f".{'0' * 64}.png.pd{dead}-zzzz9999.tmp"
    live = folder / f".project.json.pd{os.getpid()}-live0000.tmp"
    old_style = folder / ".project.json.k2j4h5g6.tmp"
    for f in (stale, stale_asset, live, old_style):
        f.write_bytes(b"half")
    os.utime(old_style, (1, 1))  # from a save long ago
    pf.load_project(folder)
    assert not stale.exists() and not stale_asset.exists() and not old_style.exists()
    assert live.exists()  # this process might be writing it
    stale.write_bytes(b"half")
    pf.save_project(p, folder)
    assert not stale.exists() and live.exists()


def test_project_files_are_written_like_other_files(tmp_path):
    folder = tmp_path / "x.promodesk"
    mask = os.umask(0o022)
    try:
        pf.save_project(full_project(folder), folder)
    finally:
        os.umask(mask)
    assert (folder / "project.json").stat().st_mode & 0o777 == 0o644
    assert all(a.stat().st_mode & 0o777 == 0o644 for a in (folder / "assets").iterdir())


def test_temp_names_stay_legal_for_a_long_file_name(tmp_path):
    long = tmp_path / ("n" * 250 + ".json")
    pf.atomic_write_bytes(long, b"{}")
    assert long.read_bytes() == b"{}"
