"""Generation from the editor: a brief into a new project, a clip into a new take, dropped
photos into new shots. Each is a job on the generation worker (model jobs one at a time); the
result is applied on the UI thread as one undoable edit, and a failure changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject

from promodesk.app import tasks as regen
from promodesk.app.jobs import Job
from promodesk.core.edits import AddClip, AddTake, EditCaption, EditError
from promodesk.core.plan import photo_shot_params
from promodesk.core.timeline import Asset, Clip, Recipe, Take, TrackKind
from promodesk.engines import registry
from promodesk.engines.base import UnknownEngine, new_seed

DROPPED_SHOT_US = 3_000_000


def projects_root() -> Path:
    """Where generated projects are created: ``$PROMODESK_PROJECTS`` or Documents/PromoDesk."""
    import os

    root = os.environ.get("PROMODESK_PROJECTS")
    if not root:
        import platformdirs

        root = Path(platformdirs.user_documents_dir()) / "PromoDesk"
    Path(root).mkdir(parents=True, exist_ok=True)
    return Path(root)


def new_project_folder(title: str, root: Path | None = None) -> Path:
    """A fresh ``NAME.promodesk`` folder path (not yet created) under ``root``."""
    root = root or projects_root()
    slug = re.sub(r"[^\w\-]+", "-", title.strip().lower(), flags=re.UNICODE).strip("-")[:40] or "promo"
    n, folder = 1, root / f"{slug}.promodesk"
    while folder.exists():
        n += 1
        folder = root / f"{slug}-{n}.promodesk"
    return folder



def can_regenerate(window, clip_id: str) -> bool:
    """Whether a new take of ``clip_id`` may start now: the project has a folder to store it
    and no job is already making one for that clip (else the status bar says why)."""
    if window.folder is None:
        window.show_status("Save the project first: regenerated media is stored in its folder.")
        return False
    if clip_id in window.timeline.jobs:
        window.show_status("This clip is already being regenerated.")
        return False
    return True

class Generation(QObject):
    """Starts generation jobs for a main window and applies their results."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.brief_job: Job | None = None
        window.document.events.changed.connect(self._document_changed)

    def _document_changed(self, change) -> None:
        """A project put in place whose recipes name engines this version lacks: say so (its
        clips stay as they are, and are saved unchanged)."""
        if change.kind != "project":
            return
        unknown = registry.unknown_engines(self.w.project)
        if unknown:
            clips = len({clip.id for clip, _ in unknown})
            self.w.show_status(f"{UnknownEngine(unknown[0][1])} Clips affected: {clips}.")

    # --- brief -> project ---------------------------------------------------------------------

    def generate(self, brief, folder: Path | None = None, seed: int = 0) -> Job:
        """Make a project from ``brief`` in a new folder and open it when done."""
        folder = Path(folder) if folder else new_project_folder(brief.title or "promo")
        job = Job(f"Generate '{brief.title or 'video'}'", regen.make_from_brief, (brief, folder, seed),
                  lane="gpu")
        job.succeeded.connect(self._made)
        job.failed.connect(lambda msg: self.w.show_status(f"Generation failed: {msg}"))
        job.ended.connect(lambda _j: self.w.brief_panel.set_busy(False))
        self.w.brief_panel.set_busy(True)
        self.brief_job = job
        return self.w.jobs.submit(job)

    def _made(self, result) -> None:
        project, folder = result
        if not self.w._confirm_discard():  # the open project changed while this one was made
            self.w.show_status(f"The new project is saved in {folder}; open it with File > Open.")
            return
        self.w.set_project(project, folder)
        self.w._add_recent(folder)

    # --- clip -> new take ---------------------------------------------------------------------

    def regenerate(self, clip_id: str, params: dict | None = None,
                   bars: tuple[int, int] | None = None) -> Job | None:
        """Regenerate a clip through the engine its recipe names (music: the engine picked in
        the inspector): new seed (``params`` None), edited ``params``, or for music only ``bars``
        (first, last; 1-based). Returns the job, or None when it cannot start."""
        w = self.w
        if not can_regenerate(w, clip_id):
            return None
        track, clip = w.project.find_clip(clip_id)
        params = dict(params if params is not None else clip.recipe.params)
        engine_name = clip.recipe.engine
        if track.kind == TrackKind.MUSIC:  # the inspector's music engine picker decides
            choice = w.inspector.music_engine_choice()
            engine_name = registry.engine_for_model("music", choice)
            if engine_name is None:
                w.show_status(f"No music engine here runs {choice}: choose a MusicGen or "
                              "ACE-Step model folder, or another engine in the inspector.")
                return None
            if choice != engine_name:  # a model of that engine
                params["model"] = choice
        if not registry.known(engine_name):
            w.show_status(str(UnknownEngine(engine_name)))
            return None
        request = registry.take_request(w.project, w.folder, clip_id, engine_name=engine_name,
                                        params=params, seed=new_seed(clip.recipe.seed),
                                        bars=bars if track.kind == TrackKind.MUSIC else None)
        inputs = {"clip_id": clip_id, "request": request}
        fn = regen.new_take
        if request.bars:
            title = f"Regenerate bars {bars[0]}-{bars[1]}"
        else:
            title = f"Regenerate {track.kind.value} '{clip.name}'" if clip.name else \
                f"Regenerate {track.kind.value}"
        job = Job(title, fn, inputs, lane="gpu", clip_id=clip_id)
        job.succeeded.connect(self._add_take)
        job.failed.connect(lambda msg: w.show_status(f"{title} failed: {msg}"))
        job.ended.connect(lambda _j: w.timeline.set_job(clip_id, None))
        w.timeline.set_job(clip_id, job)
        return w.jobs.submit(job)

    def _add_take(self, result: regen.RegeneratedTake) -> None:
        w = self.w
        try:
            _, clip = w.project.find_clip(result.clip_id)
            style = result.take.recipe.params.get("style")
            w.undo.beginMacro("New take")
            try:
                w.undo.do(AddTake(result.clip_id, result.take, asset=result.asset))
                if clip.cue is not None and style and style != clip.cue.style:
                    # the caption's look lives on its cue, which the renderer draws
                    w.undo.do(EditCaption(result.clip_id, clip.cue.text, style))
            finally:
                w.undo.endMacro()
        except (EditError, KeyError) as err:
            w.show_status(f"The new take could not be added: {err}")
            return
        w.show_status(f"New take added ({result.take.label}).")
        w.autosave()

    # --- photos dropped on the video track ------------------------------------------------------

    def add_photos(self, paths: list[str], track_id: str, at_us: int) -> None:
        """Import each dropped photo and place it as a new shot at ``at_us`` (snapped to a bar)."""
        w = self.w
        if w.folder is None:
            w.show_status("Save the project first: photos are stored in its folder.")
            return
        bars = w.timeline.bars
        start = min(bars, key=lambda b: abs(b - at_us)) if bars else at_us
        length = (bars[2] - bars[0]) if len(bars) > 2 else DROPPED_SHOT_US
        for i, path in enumerate(paths):
            job = Job(f"Import {Path(path).name}", regen.import_photo, (path, w.folder), lane="cpu")
            job.succeeded.connect(lambda asset_id, s=start + i * length, name=Path(path).name:
                                  self._place(asset_id, track_id, s, length, name))
            job.failed.connect(lambda msg: w.show_status(msg))
            w.jobs.submit(job)

    def _place(self, asset_id: str, track_id: str, start: int, length: int, name: str = "") -> None:
        w = self.w
        params = photo_shot_params()
        track = w.project.track(track_id)
        if track.overlaps(start, start + length):
            start = max((c.end for c in track.clips), default=0)
        clip = Clip(start=start, duration=length, name="photo",
                    takes=[Take(asset_id, Recipe("shots", params, new_seed(0)))])
        try:
            w.undo.do(AddClip(track_id, clip, asset=Asset(asset_id, "image", None,
                                                          {"source": name} if name else {},
                                                          "supplied by the user")))
        except EditError as err:
            w.show_status(str(err))
            return
        w.timeline.select_clip(clip.id)
        w.autosave()
