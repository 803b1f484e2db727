"""Brief in, editable project and finished videos out: the product's main job.

``make_project`` reads the copy, composes the music, plans the storyboard on the music's beat
grid and assembles a :class:`~promodesk.core.timeline.Project` (video, music and caption tracks,
every clip carrying the recipe that made it) in a project folder. ``make_videos`` then exports it
for each requested aspect. Both are jobs: ``progress(fraction, message)`` and a cancel token.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import Brief, BriefError, BriefProblem
from promodesk.core.copytext import analyze_copy
from promodesk.core.plan import PlannedCaption, PlannedShot, Storyboard, plan_storyboard
from promodesk.core.projectfile import add_asset, save_project
from promodesk.core.timeline import (
    ASPECTS, Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind,
)
from promodesk.engines.base import CancelToken, Progress, no_progress, stage


@dataclass
class MadeProject:
    """What ``make_project`` made: the project, its folder, the storyboard and notes for the
    user (sentences left out, emoji dropped)."""

    project: Project
    folder: Path
    storyboard: Storyboard
    notes: list[str] = field(default_factory=list)


def shot_params(shot: PlannedShot, brief: Brief) -> dict:
    """The ``shots`` engine recipe parameters of a planned shot (contract 2)."""
    return {"kind": shot.kind, "move": shot.move, "text": shot.text, "title": shot.title,
            "price": shot.price, "old_price": shot.old_price, "cta": shot.cta,
            "colors": list(brief.brand_colors), "transition_in": dict(shot.transition_in)}


def _music_asset(folder: Path, result) -> str:
    buf = io.BytesIO()
    sf.write(buf, result.audio, result.sample_rate, format="WAV", subtype="PCM_24")
    return add_asset(folder, buf.getvalue(), "wav")


VOICE_GAP_US = 200_000


def _voice_over(board: Storyboard, folder: Path, project: Project, voice, seed: int,
                progress: Progress, cancel: CancelToken, notes: list[str]) -> None:
    """Speak every caption line with the voice engine ``voice`` (a model name or folder), put one
    voice clip per line on a voice track, and time each caption to its speech exactly: a line
    starts at its planned time or just after the previous line, and lasts as long as it is
    spoken. Lines that would run past the end of the video are left out, with a note."""
    from promodesk.engines.voice.bark import VoiceEngine

    spoken = VoiceEngine(voice).generate([c.text for c in board.captions], progress, cancel,
                                         seed=seed)
    track = project.add_track(TrackKind.VOICE, "Voice")
    timed, t = [], 0
    for cap, line in zip(board.captions, spoken.lines):
        start = max(cap.start, t)
        if start + line.duration_us > board.length:
            notes.append(f"The voice-over is longer than the video: {len(board.captions) - len(timed)}"
                         " line(s) were left out. Shorten the copy or make the video longer.")
            break
        buf = io.BytesIO()
        sf.write(buf, line.audio, spoken.sample_rate, format="WAV", subtype="PCM_24")
        asset = add_asset(folder, buf.getvalue(), "wav")
        project.assets[asset] = Asset(asset, "audio", line.duration_us,
                                      {"text": line.text, "language": line.language},
                                      str(spoken.meta.get("licence", "")))
        track.clips.append(Clip(start=start, duration=line.duration_us, name=line.text[:12],
                                takes=[Take(asset, Recipe("voice", {"text": line.text,
                                                                    "model": str(voice)}, seed),
                                            line.duration_us)]))
        timed.append(PlannedCaption(cap.text, start, line.duration_us, cap.sentence, cap.style))
        t = start + line.duration_us + VOICE_GAP_US
    board.captions = timed


def make_project(brief: Brief, folder: Path, *, seed: int = 0, variant: int = 0,
                 aspect: str | None = None, voice: str | Path | None = None,
                 progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> MadeProject:
    """Plan, compose and assemble a project for ``brief`` in ``folder`` (created; saved).

    ``voice`` names a voice-over model (catalogue name or folder); with it every caption line is
    spoken on a voice track and the music ducks under it. Raises BriefError when the brief cannot
    make a video (empty copy, unreadable photo), EngineUnavailable when the voice model is
    missing, Cancelled when cancelled."""
    from promodesk.engines.music.composer import ComposerEngine
    from promodesk.core.musicspec import spec_from_text
    from promodesk.engines.visuals.photos import PhotoError, load_photo

    cancel = cancel or CancelToken()
    folder = Path(folder)
    aspect = aspect or brief.aspect
    if aspect not in ASPECTS:
        raise BriefError([BriefProblem("aspect", f"'{aspect}' is not one of {', '.join(ASPECTS)}")])
    progress(0.0, "reading the copy")
    analysis = analyze_copy(brief.text, brief.language, brief.cta)
    if not analysis.lines:
        raise BriefError([BriefProblem("text", "the copy is empty; write a sentence or two "
                                               "about the product")], brief.source)
    problems = []
    for path in brief.images:
        try:
            load_photo(path)
        except PhotoError as err:
            problems.append(BriefProblem("images", str(err)))
    if problems:
        raise BriefError(problems, brief.source)
    cancel.check()

    style = None if brief.style in ("", "auto") else brief.style
    spec = spec_from_text(brief.text, brief.seconds, style=style, seed=seed + 7919 * variant)
    music_end = 0.6 if voice else 0.8
    music = ComposerEngine().generate(spec, stage(progress, 0.05, music_end, "music"), cancel)
    grid = BeatGrid.from_meta(music.meta)
    progress(0.8, "planning the shots")
    board = plan_storyboard(brief, analysis, grid, seed=seed, variant=variant, style=spec.style)

    project = Project.for_aspect(aspect, title=brief.title or analysis.key_phrases[0])
    photo_ids = [add_asset(folder, p) for p in brief.images]
    for pid in photo_ids:
        project.assets[pid] = Asset(pid, "image", None, {}, "supplied by the user")
    music_id = _music_asset(folder, music)
    project.assets[music_id] = Asset(music_id, "audio", grid.length, dict(music.meta),
                                     str(music.meta.get("licence", "")))
    cancel.check()

    video = project.add_track(TrackKind.VIDEO, "Shots")
    for n, shot in enumerate(board.shots):
        asset = photo_ids[shot.photo] if shot.photo is not None else None
        video.clips.append(Clip(start=shot.start, duration=shot.duration, name=shot.kind,
                                takes=[Take(asset, Recipe("shots", shot_params(shot, brief),
                                                          seed * 100 + n))]))
    music_track = project.add_track(TrackKind.MUSIC, "Music")
    music_track.clips.append(Clip(start=0, duration=grid.length, name=spec.style,
                                  takes=[Take(music_id, Recipe("composer", spec.to_dict(),
                                                               spec.seed), grid.length)]))
    notes = list(board.notes)
    if voice:
        _voice_over(board, folder, project, voice, seed,
                    stage(progress, music_end, 0.95, "voice"), cancel, notes)
    captions = project.add_track(TrackKind.CAPTIONS, "Captions")
    for cap in board.captions:
        captions.clips.append(Clip(start=cap.start, duration=cap.duration, name=cap.text[:12],
                                   cue=CaptionCue(cap.text, cap.style),
                                   takes=[Take(None, Recipe("captions", {"sentence": cap.sentence}))]))
    save_project(project, folder)
    progress(1.0, "project saved")
    return MadeProject(project, folder, board, notes)
