"""Regenerate a shot with a chosen engine: "Motion (built-in)" (the shots engine: the next layout
and camera move over the photo) or the video engine (Wan: the photo animated, or a scene for a
shot without one), with the video engine's model, prompt, strength and preset.

The new take is made by a generation job (progress and Cancel in the jobs panel; a missing model
or a failure is said there and changes nothing) and added as one undoable edit, with its recipe
(engine, model, prompt, seed, steps) and its asset's licence. A generated take whose product no
longer looks like the photo is labelled "product changed" by the engine; the inspector says so.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFileDialog, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout)

from promodesk.app import tasks
from promodesk.app.generation import can_regenerate
from promodesk.app.jobs import Job
from promodesk.core.edits import AddTake, EditError
from promodesk.core.timeline import Project, TrackKind
from promodesk.engines import registry
from promodesk.engines.base import new_seed
# the shot's own params and photo (a new take starts from the photo, never from a video take):
# one rule, shared with the CLI's regenerate through registry.take_request
from promodesk.engines.visuals.takes import MOTION, VIDEO, is_shot, shot_basis  # noqa: F401

MOTION_TITLE = "Motion (built-in)"
FOLDER_ITEM = "Model folder…"
DEFAULT_STRENGTH = 0.5  # Wan's own guidance (engines/visuals/wan.py STRENGTH)


class RegenerateDialog(QDialog):
    """Which engine makes the new take of clip ``clip_id`` and with what settings.
    :meth:`choice` gives (engine name, recipe params)."""

    def __init__(self, project: Project, clip_id: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Regenerate shot")
        self.setObjectName("regenerateDialog")
        self.project, self.clip_id = project, clip_id
        _, clip = project.find_clip(clip_id)
        self.engine = QComboBox()
        self.engine.addItem(MOTION_TITLE, MOTION)
        self.engine.addItem(registry.info(VIDEO).title, VIDEO)
        self.model = QComboBox()
        self.model.setToolTip("The video model: a downloaded one (File > Models, or `promodesk "
                              "models download`), or a model folder.")
        self._fill_models()
        self.model.activated.connect(self._model_picked)
        self.prompt = QPlainTextEdit()
        self.prompt.setFixedHeight(72)
        self.prompt.setPlaceholderText("Leave empty for a prompt from the shot's kind and copy")
        self.strength = QDoubleSpinBox()
        self.strength.setRange(0.0, 1.0)
        self.strength.setSingleStep(0.05)
        self.strength.setDecimals(2)
        self.strength.setValue(DEFAULT_STRENGTH)
        self.strength.setToolTip("How strongly the prompt steers the video (0.5: the model's own).")
        self.preset = QComboBox()
        self.preset.addItem("Draft (480p, few steps)", "draft")
        self.preset.addItem("Final (the model's full size)", "final")
        self.note = QLabel()
        self.note.setObjectName("dim")
        self.note.setWordWrap(True)
        if clip.recipe.engine == VIDEO:  # start from the take shown: same model, prompt, look
            params = clip.recipe.params
            self.engine.setCurrentIndex(1)
            self.prompt.setPlainText(str(params.get("prompt") or ""))
            self.strength.setValue(float(params.get("strength", DEFAULT_STRENGTH)))
            self.preset.setCurrentIndex(max(0, self.preset.findData(params.get("preset"))))
            if params.get("model"):
                self.set_model(str(params["model"]))
        form = QFormLayout()
        form.addRow("Engine", self.engine)
        form.addRow("Model", self.model)
        form.addRow("Prompt", self.prompt)
        form.addRow("Strength", self.strength)
        form.addRow("Quality", self.preset)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Regenerate")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        col = QVBoxLayout(self)
        col.addLayout(form)
        col.addWidget(self.note)
        col.addWidget(self.buttons)
        self.engine.currentIndexChanged.connect(self._engine_changed)
        self._engine_changed()

    # --- the video model --------------------------------------------------------------------

    def _fill_models(self) -> None:
        from promodesk.engines.models.catalogue import CATALOGUE

        for name, model in CATALOGUE.items():
            if model.task == "video" and registry.engine(VIDEO).runs(name):
                self.model.addItem(model.title, name)
        self.model.addItem(FOLDER_ITEM, None)

    def set_model(self, model: str) -> None:
        """Select ``model`` (a catalogue name, or a model folder, added when not listed)."""
        i = self.model.findData(model)
        if i < 0:
            i = self.model.count() - 1
            self.model.insertItem(i, f"Folder: {model}", model)
        self.model.setCurrentIndex(i)
        self._engine_changed()

    def _model_picked(self, index: int) -> None:
        if self.model.itemData(index) is not None:
            self._engine_changed()
            return
        folder = QFileDialog.getExistingDirectory(self, "Choose a Wan model folder")
        if folder:
            self.set_model(folder)
        else:
            self.model.setCurrentIndex(0)
            self._engine_changed()

    # --- state --------------------------------------------------------------------------------

    def _engine_changed(self, *_args) -> None:
        video = self.engine.currentData() == VIDEO
        for w in (self.model, self.prompt, self.strength, self.preset):
            w.setEnabled(video)
        if not video:
            self.note.setText("A new layout and camera move over the product photo; no model "
                              "needed, yours to use commercially.")
            return
        from promodesk.engines.assemble import video_availability

        why = video_availability(self.model.currentData())
        info = registry.info(VIDEO)
        self.note.setText(why or f"Generated on this computer; licence {info.output_licence} "
                          "(commercial use allowed). A clip that no longer shows the product "
                          "as in the photo is marked \"product changed\".")

    def choice(self) -> tuple[str, dict]:
        """(engine name, the new take's recipe params): the shot's own params, plus for the
        video engine its model, preset, strength and prompt (left out when empty: the engine
        writes one from the shot's kind and copy)."""
        _, clip = self.project.find_clip(self.clip_id)
        params, _ = shot_basis(self.project, clip)
        engine = self.engine.currentData()
        if engine == VIDEO:
            params.update(model=str(self.model.currentData() or registry.engine(VIDEO)
                                    .default_model),
                          preset=self.preset.currentData(),
                          strength=round(float(self.strength.value()), 3))
            prompt = self.prompt.toPlainText().strip()
            if prompt:
                params["prompt"] = prompt
        return engine, params


def regenerate_with(window, clip_id: str, engine_name: str, params: dict) -> Job | None:
    """Start the job making a new take of ``clip_id`` with ``engine_name`` and ``params`` from
    the shot's photo, as the editor's other regenerations do (one at a time per clip, in the
    generation worker, the take added as one undoable edit). Returns the job, or None when it
    cannot start (the status bar says why)."""
    if not can_regenerate(window, clip_id):
        return None
    track, clip = window.project.find_clip(clip_id)
    request = registry.take_request(window.project, window.folder, clip_id,
                                    engine_name=engine_name, params=params,
                                    seed=new_seed(clip.recipe.seed))
    title = (f"Regenerate '{clip.name or track.name}' with "
             f"{MOTION_TITLE if engine_name == MOTION else registry.info(engine_name).title}")
    job = Job(title, tasks.new_take, {"clip_id": clip_id, "request": request}, lane="gpu",
              clip_id=clip_id)
    job.succeeded.connect(lambda result: _add_take(window, result))
    job.failed.connect(lambda message: window.show_status(f"{title} failed: {message}"))
    job.ended.connect(lambda _job: window.timeline.set_job(clip_id, None))
    window.timeline.set_job(clip_id, job)
    return window.jobs.submit(job)


def _add_take(window, result: tasks.RegeneratedTake) -> None:
    """Add the job's take to its clip as one undoable edit (its asset registered with it)."""
    try:
        window.undo.do(AddTake(result.clip_id, result.take, asset=result.asset))
    except (EditError, KeyError) as err:
        window.show_status(f"The new take could not be added: {err}")
        return
    window.show_status(f"New take added ({result.take.label or result.take.recipe.engine}).")
    window.autosave()


def open_dialog(window, clip_id: str) -> RegenerateDialog | None:
    """Show the dialog for ``clip_id`` (a clip on a video track) over ``window``; Regenerate
    starts :func:`regenerate_with`. Returns the dialog (None for a clip that is no shot)."""
    try:
        track, clip = window.project.find_clip(clip_id)
    except KeyError:
        return None
    if track.kind != TrackKind.VIDEO or not is_shot(clip):
        window.show_status("Choosing the engine is for shots (a product photo or a card); "
                           "your own footage, logos and titles are shown as they are.")
        return None
    dialog = RegenerateDialog(window.project, clip_id, window)
    policy = getattr(window, "licence_policy", None)  # "Commercial use only" (licence_picks)
    if policy is not None:
        from promodesk.app.licence_picks import engine_terms, model_terms

        policy.follow(dialog.engine, engine_terms)
        policy.follow(dialog.model, model_terms)
    dialog.accepted.connect(lambda: regenerate_with(window, clip_id, *dialog.choice()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
