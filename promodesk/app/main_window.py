"""The main window: brief panel, preview with transport, timeline, inspector, jobs, menus and a
status bar; opening, saving, autosave and recovery of projects.

The window holds one :class:`~promodesk.core.document.Document` for its whole life; opening a
project puts it in the document. The views subscribe to the document's change events themselves,
so the window never refreshes them: it only turns commands into edits on the undo stack."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox,
                               QSplitter)

from promodesk.app.arranging import Arranging
from promodesk.app.brief_panel import BriefPanel
from promodesk.app.catalogue_view import open_catalogue
from promodesk.app.generation import Generation, projects_root
from promodesk.app.inspector import Inspector
from promodesk.app.jobs import Job, JobRunner
from promodesk.app.jobs_panel import JobsPanel
from promodesk.app.media import MediaStore
from promodesk.app.media_bin import add_media_bin
from promodesk.app.preview import FrameSource, PreviewPanel
from promodesk.app.project_dialog import project_dialog
from promodesk.app.regenerate_dialog import open_dialog as open_regenerate_dialog
from promodesk.app.timeline import TimelineView
from promodesk.app.timeline_canvas import SNAP_OFF_NAME
from promodesk.app.timeline_panel import TimelinePanel
from promodesk.app.transitions_panel import TransitionsPanel
from promodesk.app.caption_panel import CaptionPanel
from promodesk.app.transport import Transport
from promodesk.app.undo import ProjectUndo
from promodesk.app.brand_dialog import install_brand
from promodesk.app.versions_dialog import install as install_versions
from promodesk.core.brief import Brief
from promodesk.core.document import Change, Document
from promodesk.core.edits import EditCaption, EditError, SelectTake
from promodesk.core.transitions import SetTransition
from promodesk.core.gestures import split_at_playhead
from promodesk.core.handle_edits import SetClipSound
from promodesk.core.projectfile import (AUTOSAVE_DIR, PROJECT_FILE, ProjectFileError, archive_autosave,
                                        atomic_write_bytes, load_project, project_to_dict,
                                        read_project_json, save_project, save_project_as)
from promodesk.core.timeline import Project, seconds_from_us

AUTOSAVE_MS = 60_000
TIMELINE_MIN_H = 300  # the timeline keeps at least this much height, even at 1366x768
SIDE_DOCK_W = (330, 350)  # brief, inspector widths on a wide screen
NARROW_DOCK_W = (292, 290)  # below 1500 px: the brief's fields and the inspector's buttons
# still fit uncut beside its scroll bar (at 270 the Duration arrows were cut off)


def write_autosave(inputs, _progress, _cancel) -> None:
    """Job: write serialised project bytes to FOLDER/autosave/project.json atomically."""
    folder, data = inputs
    (folder / AUTOSAVE_DIR).mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(folder / AUTOSAVE_DIR / PROJECT_FILE, data)
RECENT_MAX = 8


class MainWindow(QMainWindow):
    """The editor. ``set_project(project, folder)`` shows a project; ``open_project(folder)``
    loads one (an error dialog, not an exception, when it cannot)."""

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings("PromoDesk", "PromoDesk")
        self.document = Document(Project.for_aspect("9:16"), None)
        self.undo = ProjectUndo(self.document, self)
        self.jobs = JobRunner(parent=self)
        self.media = MediaStore(self.jobs, self)
        self.timeline = TimelineView(self.media, self.document, self.undo)
        self.timeline_panel = TimelinePanel(self.timeline)
        self.preview = PreviewPanel(self.document)
        self.frames = FrameSource(self.document, self)
        self.inspector = Inspector(self.document)
        self.brief_panel = BriefPanel(self.document)
        self.jobs_panel = JobsPanel(self.jobs)
        self.transitions_panel = TransitionsPanel(self.document, self._selected_clips, self.settings)
        self.caption_panel = CaptionPanel(self.document, self._selected_clips)
        self.generation = Generation(self)
        self.arranging = Arranging(self)
        self._build_layout()
        self.media_bin = add_media_bin(self)
        self.transport = Transport(self)
        self._build_status_bar()
        self._build_actions()
        self._connect()
        install_versions(self)  # Versions menu, language box, licence policy in the pickers
        install_brand(self)  # Brand menu: choose a saved brand kit, save one
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self._autosaved_index = 0
        self._update_title()
        QTimer.singleShot(300, self.jobs.warm_up)

    # --- layout -------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.setWindowTitle("PromoDesk")
        self.resize(1560, 960)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.preview)
        split.addWidget(self.timeline_panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([480, 380])
        self.main_split = split
        self.setCentralWidget(split)
        self.setDockNestingEnabled(True)
        for title, widget, area, name in (("Brief", self.brief_panel, Qt.LeftDockWidgetArea, "brief"),
                                          ("Inspector", self.inspector, Qt.RightDockWidgetArea, "inspector"),
                                          ("Jobs", self.jobs_panel, Qt.RightDockWidgetArea, "jobs"),
                                          ("Transitions", self.transitions_panel, Qt.RightDockWidgetArea,
                                           "transitions"),
                                          ("Captions", self.caption_panel, Qt.RightDockWidgetArea,
                                           "captions")):
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(widget)
            # closable too: View > Panels brings a closed one back
            dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                             | QDockWidget.DockWidgetClosable)
            self.addDockWidget(area, dock)
            setattr(self, f"{name}_dock", dock)
        self.splitDockWidget(self.inspector_dock, self.jobs_dock, Qt.Vertical)
        self.tabifyDockWidget(self.jobs_dock, self.transitions_dock)  # one tab each, below
        self.tabifyDockWidget(self.jobs_dock, self.captions_dock)  # (one group: Qt 6 leaves a
        # stale tab bar on screen when a second group is made before the window is shown)
        self.jobs_dock.raise_()
        self.resizeDocks([self.brief_dock, self.inspector_dock], list(SIDE_DOCK_W), Qt.Horizontal)
        self.resizeDocks([self.inspector_dock, self.jobs_dock], [560, 260], Qt.Vertical)
        self._fitted_for: tuple[int, int] | None = None

    def fit_layout(self) -> None:
        """Share the window out for its size: side panels narrower below 1500 px wide, and the
        timeline at least TIMELINE_MIN_H high (the preview gives way), as at 1366x768."""
        size = (self.width(), self.height())
        if size == self._fitted_for:
            return
        self._fitted_for = size
        docks = [d for d in (self.brief_dock, self.inspector_dock) if d.isVisible() and not d.isFloating()]
        if docks:
            widths = SIDE_DOCK_W if self.width() >= 1500 else NARROW_DOCK_W
            self.resizeDocks(docks, [widths[d is self.inspector_dock] for d in docks], Qt.Horizontal)
        total = sum(self.main_split.sizes())
        if total > 0:
            timeline = max(TIMELINE_MIN_H, int(total * 0.42))
            self.main_split.setSizes([max(total - timeline, 120), timeline])

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        QTimer.singleShot(0, self, self.fit_layout)  # after the docks have their new sizes

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        QTimer.singleShot(0, self, self.fit_layout)

    def _build_status_bar(self) -> None:
        self.snap_label = QLabel(f"Snapping on (hold {SNAP_OFF_NAME} to drag freely)")
        self.audio_label = QLabel("Audio: idle")
        self.statusBar().addPermanentWidget(self.snap_label)
        self.statusBar().addPermanentWidget(self.audio_label)

    def _action(self, menu, text: str, slot, keys=None, context=Qt.WindowShortcut) -> QAction:
        act = QAction(text, self)
        if keys:
            act.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, (list, tuple)) else [keys])])
            act.setShortcutContext(context)
        act.triggered.connect(lambda _checked=False: slot())
        if menu is not None:
            menu.addAction(act)
        else:
            self.addAction(act)
        return act

    def _build_actions(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu("&File")
        self._action(f, "New", self.new_project, QKeySequence.New)
        self._action(f, "Open...", self.open_dialog, QKeySequence.Open)
        self.recent_menu = f.addMenu("Open Recent")
        self._action(f, "Open Catalogue...", lambda: open_catalogue(self))
        self._action(f, "Import...", lambda: self.media_bin.import_dialog(), "Ctrl+I")
        self._action(f, "Save", self.save, QKeySequence.Save)
        self._action(f, "Save As...", self.save_as, "Ctrl+Shift+S")
        f.addSeparator()
        self._action(f, "Export...", self.export_dialog, "Ctrl+E")
        f.addSeparator()
        self._action(f, "Quit", self.close, QKeySequence.Quit)
        e = bar.addMenu("&Edit")
        self.undo_action = self._action(e, "Undo", lambda: self.undo.undo(), "Ctrl+Z")
        self.redo_action = self._action(e, "Redo", lambda: self.undo.redo(), ["Ctrl+Shift+Z", "Ctrl+Y"])
        e.addSeparator()
        a = self.arranging
        self._action(e, "Copy", a.copy, QKeySequence.Copy)
        self._action(e, "Paste", lambda: a.paste(), QKeySequence.Paste)
        self._action(e, "Duplicate", a.duplicate, "Ctrl+D")
        self._action(e, "Duration...", lambda: a.set_duration(), "Ctrl+R")
        self._action(e, "Unlink from Shot", lambda: a.set_linked(False))
        e.addSeparator()
        self._action(e, "Split at Playhead", self.split, "S")
        self._action(e, "Delete", lambda: self.delete(False), "Delete")
        self._action(e, "Ripple Delete", lambda: self.delete(True), "Shift+Delete")
        e.addSeparator()
        self._action(e, "Regenerate Selection", a.regenerate, "R")
        self.markers_menu = bar.addMenu("&Markers")
        self.markers_menu.aboutToShow.connect(lambda: a.fill_markers_menu(self.markers_menu))
        a.fill_markers_menu(self.markers_menu)
        self._action(None, "Add Marker", lambda: a.add_marker(), "M")
        self._action(None, "Previous Marker", lambda: a.next_marker(-1), "Shift+,")
        self._action(None, "Next Marker", lambda: a.next_marker(1), "Shift+.")
        v = bar.addMenu("&View")
        self._action(v, "Zoom In", lambda: self.timeline.zoom(0.5), ["Ctrl+=", "Ctrl++"])
        self._action(v, "Zoom Out", lambda: self.timeline.zoom(2.0), "Ctrl+-")
        self._action(v, "Zoom to Fit", self.timeline.fit, "Ctrl+0")
        v.addSeparator()
        panels = v.addMenu("Panels")
        for dock in (self.brief_dock, self.inspector_dock, self.jobs_dock, self.transitions_dock,
                     self.captions_dock):
            panels.addAction(dock.toggleViewAction())
        p = bar.addMenu("&Playback")
        t = self.transport
        self._action(p, "Play / Pause", t.toggle, "Space")
        self._action(p, "Shuttle Back", lambda: t.shuttle(-1), "J")
        self._action(p, "Stop", lambda: t.shuttle(0), "K")
        self._action(p, "Shuttle Forward", lambda: t.shuttle(1), "L")
        self._action(p, "Previous Frame", lambda: t.step(-1), "Left")
        self._action(p, "Next Frame", lambda: t.step(1), "Right")
        self._action(p, "Go to Start", t.home, "Home")
        self._action(p, "Go to End", t.end, "End")
        p.addSeparator()
        self._action(p, "Mark In (export from here)", lambda: self.mark_in_out(0), "I")
        self._action(p, "Mark Out (export to here)", lambda: self.mark_in_out(1), "O")
        self._action(p, "Clear In and Out", lambda: self.mark_in_out(None), "Alt+X")
        self._update_recent_menu()

    def _connect(self) -> None:
        tl = self.timeline
        tl.selection_changed.connect(lambda cid: self.inspector.show_clip(self.project, cid))
        tl.message.connect(self.show_status)
        tl.bar_range_changed.connect(self.inspector.show_bars)
        tl.photos_dropped.connect(self.generation.add_photos)
        tl.transition_dropped.connect(
            lambda cid, kind: self.do(SetTransition([cid], kind, self.transitions_panel.default()[1])))
        self.transitions_panel.apply_requested.connect(
            lambda ids, kind, us: self.do(SetTransition(ids, kind, us)))
        self.caption_panel.edit_requested.connect(self.do)
        self.caption_panel.message.connect(self.show_status)
        tl.selection_changed.connect(lambda _cid: self.caption_panel.refresh())
        self.inspector.bars_chosen.connect(tl.set_bar_range)
        self.inspector.regenerate.connect(self.generation.regenerate)
        self.inspector.regenerate_with.connect(lambda cid: open_regenerate_dialog(self, cid))
        self.inspector.take_chosen.connect(lambda cid, i: self.do(SelectTake(cid, i)))
        self.inspector.caption_edited.connect(lambda cid, text, style: self.do(EditCaption(cid, text, style)))
        self.inspector.message.connect(self.show_status)
        self.inspector.edit_requested.connect(self.do)
        self.inspector.duration_set.connect(
            lambda cid, us: self.arranging.set_duration(cid, seconds_from_us(us)))
        self.inspector.sound_set.connect(
            lambda cid, changes, session: self.do(SetClipSound(cid, session, **changes)))
        self.brief_panel.generate.connect(self.generation.generate)
        # the brief is saved with the project (_keep_brief): typing in it is an unsaved change
        self.brief_panel.edited.connect(self.undo.resetClean)
        self.frames.frame_shown.connect(self.preview.view.set_image)
        self.preview.follow(self.frames)  # the overlay and caption handles on the frame
        tl.selection_changed.connect(self.preview.select_clip)
        self.preview.clip_picked.connect(tl.select_clip)
        self.preview.edit_requested.connect(self.do)
        self.preview.aspect_changed.connect(self.frames.set_aspect)
        self.frames.problem.connect(self.preview.view.set_note)
        self.undo.cleanChanged.connect(lambda _clean: self._update_title())
        self.document.events.changed.connect(self._document_changed)

    # --- project ------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        """The project being edited (the document's)."""
        return self.document.project

    @property
    def folder(self) -> Path | None:
        """The project's folder; None while it is unsaved."""
        return self.document.folder

    def set_project(self, project: Project, folder: Path | None) -> None:
        """Show ``project`` (stored in ``folder``, None while unsaved) with a fresh undo history."""
        self.undo.clear()
        self._autosaved_index = 0
        self.document.replace(project, folder)

    def _document_changed(self, change: Change) -> None:
        if change.kind in ("project", "folder"):
            self.media.set_folder(self.folder)  # a cache, not a view: it follows the folder
        self._update_title()

    def _update_title(self) -> None:
        name = self.folder.name if self.folder else "unsaved"
        dirty = "" if self.undo.isClean() else " *"
        self.setWindowTitle(f"{self.project.title} ({name}){dirty} - PromoDesk")

    def do(self, edit) -> bool:
        """Apply an edit through the undo stack; a refused edit shows why in the status bar."""
        try:
            self.undo.do(edit)
        except EditError as err:
            self.show_status(str(err))
            return False
        return True

    # --- edit commands --------------------------------------------------------------------------

    def split(self) -> None:
        try:
            edit = split_at_playhead(self.project, self.timeline.playhead, self.timeline.selected)
        except EditError as err:
            self.show_status(str(err))
            return
        self.do(edit)

    def delete(self, ripple: bool) -> None:
        """Delete the selected clips (shots take their linked captions); ripple closes gaps."""
        self.arranging.delete(ripple)

    def _selected_clips(self) -> list[str]:
        """Ids of the selected clips (the primary one last)."""
        chosen = list(getattr(self.timeline, "selection", []) or [])
        if self.timeline.selected and self.timeline.selected not in chosen:
            chosen.append(self.timeline.selected)
        return chosen

    def mark_in_out(self, which: int | None) -> None:
        """Set the export's in (0) or out (1) point at the playhead, or clear both (None)."""
        marks = self.timeline.in_out
        if which is None:
            marks[:] = [None, None]
            self.show_status("In and out cleared: exports run to the last clip.")
        else:
            marks[which] = self.timeline.playhead
            a, b = marks
            if a is not None and b is not None and b <= a:
                marks[1 - which] = None  # the other end is on the wrong side now
            self.show_status("In/out set: Export offers this range.")
        self.timeline.canvas.update()

    # --- files --------------------------------------------------------------------------------

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.critical(self, title, message)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def set_audio_status(self, text: str) -> None:
        self.audio_label.setText(text)

    def _confirm_discard(self) -> bool:
        if self.undo.isClean():
            return True
        answer = QMessageBox.question(self, "Unsaved changes", "Save the changes to this project first?",
                                      QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_project(self) -> None:
        if self._confirm_discard():
            self.set_project(Project.for_aspect("9:16"), None)
            self.brief_panel.set_brief(Brief(text=""))  # no old copy, photos or price
            self.brief_panel.problems.setText("")
            self.brief_panel.copy.setFocus()

    def open_dialog(self) -> None:
        dialog = project_dialog(self, projects_root())
        if dialog.exec() and dialog.project_folder is not None and self._confirm_discard():
            self.open_project(dialog.project_folder)

    def open_project(self, folder: Path) -> bool:
        """Load and show the project in ``folder``; offer a newer autosave. False (after an
        error dialog) when it cannot be opened."""
        folder = Path(folder)
        try:
            project = load_project(folder)
        except ProjectFileError as err:
            self.show_error("Cannot open the project", str(err))
            return False
        auto = folder / AUTOSAVE_DIR / PROJECT_FILE
        main = folder / PROJECT_FILE
        recovered = False
        if auto.is_file() and auto.stat().st_mtime > main.stat().st_mtime:
            answer = QMessageBox.question(
                self, "Recover autosave?", "This project has an autosave newer than its last save "
                "(PromoDesk may have closed unexpectedly). Open the autosaved version?",
                QMessageBox.Yes | QMessageBox.No)
            if answer == QMessageBox.Yes:
                try:
                    project, recovered = read_project_json(auto), True
                except ProjectFileError as err:
                    self.show_error("The autosave cannot be used", str(err))
            archive_autosave(folder)  # answered either way: not offered again
        self.set_project(project, folder)
        if recovered:  # its changes are not in project.json yet: marked modified, Quit asks
            self.undo.resetClean()
            self._autosaved_index = -1  # and autosaved again, in case of another crash
        self._add_recent(folder)
        return True

    def _keep_brief(self) -> None:
        """Put the brief panel's fields into the project, to be saved with it."""
        self.project.brief = self.brief_panel.brief_record(self.folder)

    def save(self) -> bool:
        if self.folder is None:
            return self.save_as()
        self._keep_brief()
        try:
            save_project(self.project, self.folder)
        except ProjectFileError as err:
            self.show_error("Cannot save the project", str(err))
            return False
        self.undo.setClean()
        self.show_status(f"Saved {self.folder}")
        return True

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", str(projects_root() / "promo.promodesk"))
        if not path:
            return False
        dst = Path(path)
        if dst.suffix != ".promodesk":
            dst = dst.with_name(dst.name + ".promodesk")
        self._keep_brief()
        try:
            save_project_as(self.project, self.folder, dst)
        except (ProjectFileError, OSError) as err:
            self.show_error("Cannot save the project", str(err))
            return False
        self.document.set_folder(dst)
        self.undo.setClean()
        self._add_recent(dst)
        return True

    def autosave(self) -> Job | None:
        """Write the project to its autosave/ folder when it changed since the last autosave
        (serialised here, written and fsynced by a job); returns the job or None."""
        if self.folder is None or self.undo.isClean() or self.undo.index() == self._autosaved_index:
            return None
        self._keep_brief()
        data = (json.dumps(project_to_dict(self.project), ensure_ascii=False, indent=1) + "\n").encode()
        self._autosaved_index = self.undo.index()
        job = Job("Autosave", write_autosave, (self.folder, data), lane="thread")
        job.failed.connect(lambda msg: self.show_status(f"Autosave failed: {msg}"))
        return self.jobs.submit(job)

    def export_dialog(self) -> None:
        from promodesk.app.export_dialog import ExportDialog

        if self.folder is None or self.project.duration <= 0:
            self.show_status("Generate or open a project before exporting.")
            return
        ExportDialog(self).open()

    def _add_recent(self, folder: Path) -> None:
        recent = [str(folder)] + [r for r in self._recent() if r != str(folder)]
        self.settings.setValue("recent", recent[:RECENT_MAX])
        self._update_recent_menu()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self._confirm_discard() and self.open_project(Path(p)))
        self.recent_menu.setEnabled(bool(self._recent()))

    def closeEvent(self, ev) -> None:
        if not self._confirm_discard():
            ev.ignore()
            return
        self.transport.pause()
        self.jobs.shutdown()
        self.frames.stop()
        # A dirty QUndoStack clears itself when it is deleted with the window and emits
        # cleanChanged into the half-deleted window ("ProjectUndo already deleted" after Discard).
        self.undo.blockSignals(True)
        ev.accept()
