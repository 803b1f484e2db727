"""make_project's audience versions take the audience's pace (core.audience): the students
version's music is faster and livelier and its cut has more shots than the plain version's;
an audience no rule knows makes the plain version's music and cut, with a note."""

from __future__ import annotations

from pathlib import Path

from promodesk.core.brief import Brief
from promodesk.core.timeline import TrackKind
from promodesk.engines.assemble import make_project

PHOTO = Path(__file__).resolve().parents[2] / "resources/examples/products/launch.jpg"
BRIEF = Brief(text="A calm cup for slow mornings. Thick bone china keeps it warm. "
                   "Hand glazed and soft to hold. Two for $19.",
              title="Dawn Cup", images=[PHOTO], seconds=30, language="en", price="$19")


def _made(tmp_path: Path, audience: str | None):
    made = make_project(BRIEF, tmp_path / f"{audience or 'plain'}.promodesk", seed=1,
                        aspect="1:1", audience=audience)
    music = made.project.tracks_of(TrackKind.MUSIC)[0].clips[0].recipe.params
    shots = made.project.tracks_of(TrackKind.VIDEO)[0].clips
    return made, music, shots


def test_students_version_is_faster_and_livelier_and_unknown_is_plain(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "no-models"))  # no rewriter here
    plain, plain_music, plain_shots = _made(tmp_path, None)
    students, music, shots = _made(tmp_path, "students")
    assert music["bpm"] > plain_music["bpm"] and music["energy"] > plain_music["energy"]
    assert len(shots) > len(plain_shots)
    assert students.project.duration == plain.project.duration
    assert any("paced lively" in n for n in students.notes)
    other, other_music, other_shots = _made(tmp_path, "cat owners")
    assert other_music["bpm"] == plain_music["bpm"]
    assert other_music["energy"] == plain_music["energy"]
    assert [(c.start, c.duration) for c in other_shots] == \
        [(c.start, c.duration) for c in plain_shots]
    assert any("No pacing rule for the audience 'cat owners'" in n for n in other.notes)
