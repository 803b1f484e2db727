"""Language and audience versions in the editor: Versions > Add Language Version… and Add
Audience Version…, the language box above the preview, and export of every language version.

- A **language version** is added to the open project: one job per language on the generation
  lane (engines.text.add_version: the captions translated with their facts verbatim, spoken
  again when the project has a voice-over, the shots' panel texts translated), applied as one
  undoable edit when it is done. The jobs panel shows its progress and cancels it.
- The **language box** shows one version at a time (its captions, voice and panel texts; the
  others' tracks muted), through an undoable edit saved with the project.
- An **audience version** has its own music and cut (core.audience), so it is its own project:
  made from the brief beside the open one (as ``promodesk make --audiences``), listed under
  File > Open Recent when done.
- **Export** of a project with language versions writes one MP4 + SRT per language and aspect
  (named as ``make --languages`` names them), unless the user asks for the shown one only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QVBoxLayout)

from promodesk.app.jobs import Job
from promodesk.app.licence_picks import LicencePolicy
from promodesk.engines.text.add_version import (AddVersion, ShowLanguage, add_language_version,
                                                make_audience_version, source_language,
                                                voice_model)
from promodesk.engines.text.translate import LANGUAGES, QWEN_MODEL
from promodesk.engines.text.versions import languages, shown_language

AUTO = "auto"  # the translation model chosen per language pair (TranslationEngine.choose)
FOLDER = "folder"
NO_VOICE = "none"


def _model_items(combo: QComboBox, task: str, auto: str | None) -> None:
    """Fill ``combo`` with ``auto`` (None: none), the catalogue's ``task`` models (marked when
    not on this computer) and a "Model folder…" entry."""
    from promodesk.engines.models.catalogue import CATALOGUE, locate

    if auto:
        combo.addItem(auto, AUTO)
    for name, model in CATALOGUE.items():
        if model.task == task:
            here = "" if locate(name) is not None else " (not downloaded)"
            combo.addItem(f"{model.title}{here}", name)
    combo.addItem("Model folder…", FOLDER)


def _pick_folder(parent, combo: QComboBox, title: str) -> None:
    """After "Model folder…" was picked: ask for the folder and select it (or go back)."""
    if combo.currentData() != FOLDER:
        return
    folder = QFileDialog.getExistingDirectory(parent, title)
    if folder:
        combo.insertItem(combo.count() - 1, folder, folder)
        combo.setCurrentIndex(combo.count() - 2)
    else:
        combo.setCurrentIndex(0)


class VersionsDialog(QDialog):
    """Add language versions (``kind`` "language") or audience versions ("audience") of the
    main window's project. ``start()`` queues the jobs and returns them."""

    def __init__(self, window, kind: str = "language"):
        super().__init__(window)
        self.w, self.kind = window, kind
        project = window.project
        self.source = source_language(project)
        self.setWindowTitle("Add language version" if kind == "language" else
                            "Add audience version")
        self.setMinimumWidth(480)
        form = QFormLayout()
        self.languages = QListWidget()
        self.audiences = QLineEdit()
        self.model = QComboBox()
        if kind == "language":
            from promodesk.engines.text.translate import font_gaps

            have = {self.source, *languages(project)}
            for code, name in LANGUAGES.items():
                if code not in have:
                    item = QListWidgetItem(f"{name} ({code})")
                    item.setData(Qt.UserRole, code)
                    item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                    item.setCheckState(Qt.Unchecked)
                    gaps = font_gaps(code)
                    if gaps:  # its captions would be blank: offered greyed out, saying why
                        item.setFlags(item.flags() & ~Qt.ItemIsEnabled)
                        item.setToolTip(f"No bundled font can draw {name} "
                                        f"({''.join(gaps[:6])}…), so its captions would be "
                                        "blank.")
                    self.languages.addItem(item)
            self.languages.setMinimumHeight(150)
            form.addRow("Languages", self.languages)
            _model_items(self.model, "text",
                         "Choose for each language (Qwen3 on a GPU, else OPUS-MT)")
            self.languages.itemChanged.connect(self._check)
        else:
            brief = window.project.brief or {}
            listed = list(brief.get("audiences") or []) or [brief.get("audience") or ""]
            self.audiences.setText(", ".join(a for a in listed if a))
            self.audiences.setPlaceholderText("students, office workers")
            form.addRow("Audiences", self.audiences)
            _model_items(self.model, "text", None)
            self.model.setCurrentIndex(max(self.model.findData(QWEN_MODEL), 0))
            self.audiences.textChanged.connect(self._check)
            window.brief_panel.copy.textChanged.connect(self._check)  # made from the brief
        form.addRow("Model", self.model)
        self.model.activated.connect(lambda _i: (_pick_folder(self, self.model,
                                                              "Choose a text model folder"),
                                                 self._check()))
        self.voice = QComboBox()
        made_with = voice_model(project)
        if made_with:
            self.voice.addItem(f"The project's voice ({Path(made_with).name})", made_with)
            _model_items(self.voice, "voice", None)
        self.voice.addItem("No voice-over", NO_VOICE)
        self.voice.activated.connect(lambda _i: _pick_folder(self, self.voice,
                                                             "Choose a voice model folder"))
        form.addRow("Voice", self.voice)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setObjectName("warning")
        self.note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.add_button = buttons.addButton("Add", QDialogButtonBox.AcceptRole)
        self.add_button.setObjectName("primary")
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)
        col = QVBoxLayout(self)
        col.addLayout(form)
        col.addWidget(self.note)
        col.addWidget(buttons)
        self.jobs: list[Job] = []
        policy = getattr(window, "licence_policy", None)
        if policy is not None:
            policy.follow(self.voice)
        self._check()

    # --- choices --------------------------------------------------------------------------------

    def chosen(self) -> list[str]:
        """The checked language codes, or the audiences typed (comma-separated), in order."""
        if self.kind == "language":
            return [self.languages.item(i).data(Qt.UserRole) for i in range(self.languages.count())
                    if self.languages.item(i).checkState() == Qt.Checked]
        return list(dict.fromkeys(a.strip() for a in self.audiences.text().replace("，", ",")
                                  .split(",") if a.strip()))

    def model_choice(self) -> str | None:
        """The model chosen: a catalogue name or folder, None to choose per language."""
        data = self.model.currentData()
        return None if data in (AUTO, FOLDER) else data

    def voice_choice(self) -> str | None:
        data = self.voice.currentData()
        return None if data in (NO_VOICE, FOLDER, None) else data

    def problem(self) -> str:
        """What stops the versions from being made ("" when nothing): no choice, or no model
        here (naming the download command)."""
        from promodesk.engines.models.catalogue import download_command, locate
        from promodesk.engines.text.translate import TranslationEngine

        chosen = self.chosen()
        if not chosen:
            return ("Tick one or more languages." if self.kind == "language" else
                    "Type the audiences, separated by commas.")
        if self.w.folder is None:
            return "Save the project first: new versions are stored in its folder."
        model = self.model_choice()
        if self.kind == "language":
            engine = TranslationEngine(model)
            for code in chosen:
                why = engine.availability(self.source, code)
                if why:
                    return f"{LANGUAGES[code]}: {why}"
            return ""
        if not self.w.brief_panel.brief().text.strip():
            return ("An audience version is made from the brief: paste the copy into the Brief "
                    "panel first.")
        if model is None or (not Path(model).is_dir() and locate(model) is None):
            name = model if model and not Path(model).is_absolute() else QWEN_MODEL
            return (f"No instruct model to rewrite the copy is on this computer. Download one "
                    f"with {download_command(name)}, or choose a Qwen3 instruct model folder.")
        return ""

    def _check(self, *_args) -> str:
        found = self.problem()
        self.note.setText(found)
        self.note.setVisible(bool(found))
        self.add_button.setEnabled(not found)
        return found

    # --- jobs -----------------------------------------------------------------------------------

    def _add(self) -> None:
        if self.start():
            self.accept()

    def start(self) -> list[Job]:
        """Queue one job per chosen language or audience on the generation lane; returns them
        ([] with the reason shown when they cannot start)."""
        if self._check():
            return []
        w = self.w
        jobs = []
        for choice in self.chosen():
            if self.kind == "language":
                inputs = {"project": w.project.copy(), "folder": w.folder, "language": choice,
                          "model": self.model_choice(), "voice": self.voice_choice()}
                job = Job(f"Add {LANGUAGES[choice]} version", add_language_version, inputs,
                          lane="gpu")
                job.succeeded.connect(self.w.versions.language_added)
            else:
                from promodesk.app.generation import new_project_folder

                folder = new_project_folder(f"{w.project.title}-{choice}", w.folder.parent)
                inputs = {"brief": w.brief_panel.brief(), "folder": folder, "audience": choice,
                          "model": self.model_choice(), "voice": self.voice_choice()}
                job = Job(f"Make the {choice} version", make_audience_version, inputs,
                          lane="gpu")
                job.succeeded.connect(self.w.versions.audience_made)
            title = job.title
            job.failed.connect(lambda msg, t=title: w.show_status(f"{t} failed: {msg}"))
            jobs.append(w.jobs.submit(job))
        self.jobs = jobs
        w.show_status(f"{len(jobs)} version(s) being made (see the Jobs panel).")
        return jobs


class LanguageBox(QComboBox):
    """The language version shown: one item per version of the project, hidden while it has
    none; picking one is an undoable edit saved with the project."""

    def __init__(self, window):
        super().__init__()
        self.w = window
        self.setToolTip("The language version shown, played and saved as shown (its captions, "
                        "voice and panel texts; the others are muted). Export writes every one.")
        self.activated.connect(self._picked)
        window.document.events.changed.connect(self._document_changed)
        self.refresh()

    def _document_changed(self, change) -> None:
        if change.kind in ("project", "tracks", "clips"):
            self.refresh()

    def refresh(self) -> None:
        """List the project's versions and select the shown one."""
        project = self.w.project
        found = languages(project)
        self.blockSignals(True)
        self.clear()
        for code in found:
            self.addItem(f"{LANGUAGES.get(code, code)} ({code})", code)
        shown = shown_language(project)
        if shown in found:
            self.setCurrentIndex(found.index(shown))
        self.blockSignals(False)
        self.setVisible(len(found) > 1)

    def _picked(self, index: int) -> None:
        code = self.itemData(index)
        if code and code != shown_language(self.w.project):
            self.w.do(ShowLanguage(code))
            self.w.show_status(f"Showing the {LANGUAGES.get(code, code)} version.")


class Versions:
    """The window's versions: menu entries, the language box and applying finished jobs."""

    def __init__(self, window):
        self.w = window
        self.box = LanguageBox(window)
        aspects = getattr(window.preview, "aspects", None)
        if aspects is not None and aspects.layout() is not None:
            aspects.layout().addWidget(self.box)
        menu = window.menuBar().addMenu("&Versions")
        self.add_language = QAction("Add Language Version…", window)
        self.add_language.triggered.connect(lambda _c=False: self.open_dialog("language"))
        self.add_audience = QAction("Add Audience Version…", window)
        self.add_audience.triggered.connect(lambda _c=False: self.open_dialog("audience"))
        menu.addAction(self.add_language)
        menu.addAction(self.add_audience)
        self.menu = menu

    def open_dialog(self, kind: str) -> VersionsDialog | None:
        if self.w.folder is None or self.w.project.duration <= 0:
            self.w.show_status("Generate or open a project before adding versions.")
            return None
        dialog = VersionsDialog(self.w, kind)
        dialog.open()
        return dialog

    def language_added(self, version) -> None:
        """A language job's result: added as one undoable edit (refused: the status says why)."""
        if self.w.do(AddVersion(version)):
            notes = "; ".join(version.notes[:2])
            self.w.show_status(f"{LANGUAGES[version.language]} version added: pick it in the "
                               f"language box above the preview. {notes}".strip())
            self.w.autosave()

    def audience_made(self, result) -> None:
        folder, notes = result
        self.w._add_recent(folder)
        self.w.show_status(f"The audience version is saved in {folder}; open it with File > "
                           f"Open Recent. {'; '.join(notes[:2])}".strip())


def install(window) -> Versions:
    """Give ``window`` its versions (menu, language box, licence policy in the pickers and a
    File > Commercial Use Only toggle); returns them (also ``window.versions``)."""
    window.licence_policy = LicencePolicy(window.settings, window)
    window.licence_policy.follow(window.inspector.music_engine)
    toggle = QAction("Commercial Use Only", window)
    toggle.setCheckable(True)
    toggle.setChecked(window.licence_policy.on)
    toggle.setToolTip("Hide engines and refuse takes whose licence forbids selling the video.")
    toggle.toggled.connect(window.licence_policy.set)
    window.licence_policy.changed.connect(lambda on: toggle.setChecked(on))
    file_menu = window.menuBar().actions()[0].menu()
    export = next((a for a in file_menu.actions() if a.text().startswith("Export")), None)
    after = file_menu.actions()[file_menu.actions().index(export) + 1] if export else None
    file_menu.insertAction(after, toggle) if after else file_menu.addAction(toggle)
    window.commercial_toggle = toggle
    window.versions = Versions(window)
    return window.versions


# --- export ---------------------------------------------------------------------------------

def versions_checkbox(window) -> QCheckBox:
    """The export dialog's "every language version" box (hidden without versions)."""
    found = languages(window.project)
    box = QCheckBox(f"Every language version ({', '.join(found)}): one MP4 + SRT each")
    box.setChecked(len(found) > 1)
    box.setVisible(len(found) > 1)
    return box


def export_versions(project, out: Path, aspects: list[str], every: bool) -> list:
    """(aspect, path, project as exported) of each export: one per aspect and language version
    when ``every`` and ``project`` has several (named as make --languages names them), else one
    per aspect of ``project`` as shown."""
    from promodesk.engines.text.versions import language_version
    from promodesk.render.outputs import language_output_paths, output_paths

    found = languages(project)
    if not every or len(found) < 2:
        return [(aspect, path, project.copy())
                for (_, aspect), path in output_paths(out, aspects).items()]
    return [(aspect, path, language_version(project, language))
            for (_, aspect, language), path in language_output_paths(out, aspects, found).items()]
