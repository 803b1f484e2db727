"""A language version added to an open project (the editor's "Add language version…"), and the
switch between versions, as edits.

The work runs as a job on a copy of the project, through the same code as ``promodesk make
--languages`` (engines.assemble's language version: the caption lines translated with their
facts verbatim, spoken again with the project's voice model when it has a voice-over, each
caption timed to its speech; the shots' panel texts translated, prices verbatim). The job
hands back only what changed (:class:`NewVersion`), and :class:`AddVersion` puts it into the
open project as one undoable step. :class:`ShowLanguage` switches the version seen and heard.

    1. read the source version off the project (its language, caption lines and timing)
    2. translate and voice it on a copy of the project (assemble's language version)
    3. hand back the new tracks, assets and shot texts; the editor applies them as one edit
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Asset, Project, Track, TrackKind
from promodesk.engines.base import CancelToken, Progress, RequestError, stage
from promodesk.engines.text.versions import (SHOT_TEXTS, _shot_takes, languages, show_language,
                                             track_language)

_PER_LANGUAGE = (TrackKind.CAPTIONS, TrackKind.VOICE)


# --- reading the project --------------------------------------------------------------------

def _translated(track: Track) -> bool:
    """Whether ``track`` is a version made by translation (its clips record the model)."""
    return any("translation" in c.recipe.params for c in track.clips)


def source_language(project: Project) -> str:
    """The language the project's own copy is in: its brief's, else its untranslated caption
    track's language, else read from those captions ("zh" for copy mixing Chinese and English,
    as make sets its captions)."""
    from promodesk.core.copytext import detect_language

    given = str((project.brief or {}).get("language") or "")
    if given in ("zh", "ja", "en"):
        return given
    own = [t for t in project.tracks_of(TrackKind.CAPTIONS) if not _translated(t)]
    marked = [track_language(t) for t in own if track_language(t)]
    if marked:
        return marked[0]
    text = " ".join(c.cue.text for t in own for c in t.clips if c.cue is not None) \
        or str((project.brief or {}).get("text") or "")
    found = detect_language(text)
    return "zh" if found == "mixed" else found


def _source_tracks(project: Project, source: str) -> tuple[Track | None, Track | None]:
    """(caption track, voice track) of the ``source`` version: those marked with it, else the
    first unmarked ones (a project made without versions)."""
    def pick(kind: TrackKind) -> Track | None:
        tracks = project.tracks_of(kind)
        marked = [t for t in tracks if track_language(t) == source]
        plain = [t for t in tracks if track_language(t) is None and t.clips]
        return (marked or plain or [None])[0]

    return pick(TrackKind.CAPTIONS), pick(TrackKind.VOICE)


def voice_model(project: Project) -> str | None:
    """The voice model the project's voice-over was made with (its first voice clip's recipe),
    None without a voice-over."""
    for track in project.tracks_of(TrackKind.VOICE):
        for clip in track.clips:
            model = clip.recipe.params.get("model")
            if model:
                return str(model)
    return None


# --- the job --------------------------------------------------------------------------------

@dataclass
class NewVersion:
    """What adding ``language`` changes: new ``tracks`` (with their clips), the ``assets`` they
    use, the shot params of each (clip id, take index) with the version's texts, the
    ``renamed`` unmarked source tracks (id -> name with the source's tag) and ``notes``."""

    language: str
    source: str
    tracks: list[Track]
    assets: list[Asset]
    shot_params: dict[tuple[str, int], dict]
    renamed: dict[str, str] = field(default_factory=dict)
    model: str = ""
    notes: list[str] = field(default_factory=list)


def add_language_version(inputs: dict, progress: Progress, cancel: CancelToken) -> NewVersion:
    """Job: the ``inputs["language"]`` version of ``inputs["project"]`` (assets in
    ``inputs["folder"]``), translated by ``inputs.get("model")`` (a model name or folder; None
    chooses) and, when ``inputs.get("voice")`` names a voice model, spoken. Voice clips are
    written into the folder's assets (content-addressed, as every take). Raises RequestError
    for a language the project has or cannot get, EngineUnavailable without a model,
    Cancelled."""
    from promodesk.core.brief import Brief
    from promodesk.core.plan import PlannedCaption, Storyboard
    from promodesk.engines.assemble import _language_version
    from promodesk.engines.text.translate import LANGUAGES, check_language, font_gaps

    project: Project = inputs["project"]
    folder = Path(inputs["folder"])
    language = check_language(inputs["language"])
    source = source_language(project)
    # 1. The source version, as make planned it: its caption lines and their timing.
    if language == source or language in languages(project):
        raise RequestError(f"This project already has a {LANGUAGES[language]} version.")
    gaps = font_gaps(language)
    if gaps:
        raise RequestError(f"No bundled font can draw {LANGUAGES[language]} "
                           f"({''.join(gaps[:8])}...), so its captions would be blank.")
    captions, voice_track = _source_tracks(project, source)
    if captions is None or not captions.clips:
        raise RequestError("This project has no captions to translate; generate it from a "
                           "brief first.")
    planned = [PlannedCaption(c.cue.text, c.start, c.duration,
                              int(c.recipe.params.get("sentence", n) or 0), c.cue.style)
               for n, c in enumerate(captions.clips) if c.cue is not None and c.cue.text.strip()]
    board = Storyboard(shots=[], captions=list(planned), length=project.duration,
                       energetic=False)
    brief = Brief(text=" ".join(c.text for c in planned),
                  title=str((project.brief or {}).get("title") or ""), language=source)
    voice = inputs.get("voice") if voice_track is not None else None
    # 2. Translate (and speak) on a copy: the same code as make's language versions.
    work = project.copy()
    before = {t.id for t in work.tracks}
    notes: list[str] = []
    _language_version(board, planned, brief, language, source, folder, work, voice,
                      inputs.get("model"), int(inputs.get("seed", 0)),
                      stage(progress, 0.0, 1.0, LANGUAGES[language]), cancel, notes)
    cancel.check()
    # 3. Hand back what changed.
    tracks = [t for t in work.tracks if t.id not in before]
    for track in tracks:
        track.mute = True  # added, not shown: the language box switches to it
    used = {c.take.asset for t in tracks for c in t.clips if c.take.asset}
    shots = {(clip.id, n): copy.deepcopy(params) for clip, n, params in _shot_takes(work)
             if language in (params.get(SHOT_TEXTS) or {})}
    renamed = {t.id: f"{t.name} · {source.upper()}" for t in (captions, voice_track)
               if t is not None and track_language(t) is None}
    model = next((str(c.recipe.params.get("translation", {}).get("model", ""))
                  for t in tracks for c in t.clips if t.kind == TrackKind.CAPTIONS), "")
    return NewVersion(language, source, tracks, [work.assets[a] for a in sorted(used)], shots,
                      renamed, model, notes)


# --- the edits ------------------------------------------------------------------------------

class AddVersion(Edit):
    """Put a :class:`NewVersion` into the project as one step: its caption (and voice) tracks
    after the project's, its assets registered, the shots' params holding its texts, and
    unmarked source tracks named with their language. Reverted exactly."""

    label = "Add language version"
    kind = "tracks"

    def __init__(self, version: NewVersion):
        self.version = version
        self._old_params: dict[tuple[str, int], dict] = {}
        self._old_names: dict[str, str] = {}
        self._added_assets: list[str] = []

    def apply(self, project: Project) -> None:
        v = self.version
        if v.language in languages(project):
            raise EditError(f"The project has a '{v.language}' version already.")
        takes = {}
        for (clip_id, n) in v.shot_params:
            try:
                _, clip = project.find_clip(clip_id)
                takes[(clip_id, n)] = clip.takes[n]
            except (KeyError, IndexError):
                continue  # a shot deleted (or retaken) while the job ran keeps its texts
        self._old_names = {t.id: t.name for t in project.tracks if t.id in v.renamed}
        for track in project.tracks:
            if track.id in v.renamed:
                track.name = v.renamed[track.id]
        self._old_params = {}
        for key, take in takes.items():
            self._old_params[key] = take.recipe.params
            take.recipe.params = copy.deepcopy(v.shot_params[key])
        self._added_assets = [a.id for a in v.assets if a.id not in project.assets]
        for asset in v.assets:
            project.assets.setdefault(asset.id, copy.deepcopy(asset))
        project.tracks.extend(copy.deepcopy(v.tracks))

    def revert(self, project: Project) -> None:
        ids = {t.id for t in self.version.tracks}
        project.tracks[:] = [t for t in project.tracks if t.id not in ids]
        for asset_id in self._added_assets:
            project.assets.pop(asset_id, None)
        for (clip_id, n), params in self._old_params.items():
            _, clip = project.find_clip(clip_id)
            clip.takes[n].recipe.params = params
        for track in project.tracks:
            if track.id in self._old_names:
                track.name = self._old_names[track.id]

    def clip_ids(self) -> frozenset[str]:
        return frozenset(k[0] for k in self.version.shot_params) | frozenset(
            c.id for t in self.version.tracks for c in t.clips)

    def track_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.version.tracks) | frozenset(self.version.renamed)

    def asset_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.version.assets)


class ShowLanguage(Edit):
    """Show and play the ``language`` version (engines.text.versions.show_language): saved
    with the project, undone like any edit."""

    label = "Switch language"
    kind = "tracks"

    def __init__(self, language: str):
        self.language = language
        self._mutes: dict[str, bool] = {}
        self._params: dict[tuple[str, int], dict] = {}

    def apply(self, project: Project) -> None:
        if self.language not in languages(project):
            raise EditError(f"This project has no '{self.language}' version.")
        self._mutes = {t.id: t.mute for t in project.tracks if t.kind in _PER_LANGUAGE}
        self._params = {(clip.id, n): copy.deepcopy(params)
                        for clip, n, params in _shot_takes(project) if SHOT_TEXTS in params}
        show_language(project, self.language)

    def revert(self, project: Project) -> None:
        for track in project.tracks:
            if track.id in self._mutes:
                track.mute = self._mutes[track.id]
        for (clip_id, n), params in self._params.items():
            _, clip = project.find_clip(clip_id)
            clip.takes[n].recipe.params = copy.deepcopy(params)

    def clip_ids(self) -> frozenset[str]:
        return frozenset(k[0] for k in self._params)

    def track_ids(self) -> frozenset[str]:
        return frozenset(self._mutes)




def make_audience_version(inputs: dict, progress: Progress, cancel: CancelToken):
    """Job: the ``inputs["audience"]`` version of ``inputs["brief"]`` as its own project in
    ``inputs["folder"]`` (as ``promodesk make --audiences`` makes it: lines and call to action
    rewritten by ``inputs["model"]`` with facts verbatim, music and pace shifted for the
    audience, spoken with ``inputs.get("voice")``). The folder is removed again when it fails
    or is cancelled. Returns (folder, notes)."""
    import shutil

    from promodesk.engines.assemble import make_project

    folder = Path(inputs["folder"])
    try:
        made = make_project(inputs["brief"], folder, seed=int(inputs.get("seed", 0)),
                            audience=inputs["audience"], rewriter=inputs.get("model"),
                            voice=inputs.get("voice"), progress=progress, cancel=cancel)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return made.folder, list(made.notes)
