"""The editor's arranging commands: delete and ripple delete of the selection (linked captions
with their shots), copy, paste, duplicate, a clip's duration, unlinking, markers (add with M,
rename, recolour, remove, jump to) and regenerate that follows what is picked (bars first).

Each command turns the window's state (selection, playhead, picked bars) into one edit of
:mod:`promodesk.core.arrange` or :mod:`promodesk.core.edits` on the undo stack; nothing here
changes the project directly."""

from __future__ import annotations

import copy

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog

from promodesk.core.arrange import DeleteClips, PasteClips, SetDuration, SetLinked, main_track
from promodesk.core.track_edits import AddMarker, EditMarker, RemoveMarker
from promodesk.core.timeline import TrackKind, seconds_from_us, us_from_seconds

MARKER_COLOURS = {"Yellow": "#f5c542", "Red": "#e5484d", "Green": "#46a758", "Blue": "#3e8ef7",
                  "Purple": "#8e4ec6"}


class Arranging:
    """Commands of ``window`` (a :class:`~promodesk.app.main_window.MainWindow`)."""

    def __init__(self, window):
        self.w = window
        self.clipboard: list = []  # (track id, Clip) copies

    @property
    def view(self):
        return self.w.timeline

    def selection(self) -> list[str]:
        """The selected clip ids (the primary one last)."""
        return list(self.view.selection) or ([self.view.selected] if self.view.selected else [])

    # --- clips ----------------------------------------------------------------------------------

    def delete(self, ripple: bool) -> None:
        """Delete the selected clips (shots with their linked captions); ripple closes gaps."""
        ids = self.selection()
        if not ids:
            self.w.show_status("Select a clip to delete.")
            return
        if self.w.do(DeleteClips(ids, ripple=ripple)):
            self.view.select_clip(None)

    def copy(self) -> bool:
        """Copy the selected clips; False when nothing is selected."""
        ids = self.selection()
        if not ids:
            self.w.show_status("Select a clip to copy.")
            return False
        found = [self.w.project.find_clip(cid) for cid in ids]
        found.sort(key=lambda tc: tc[1].start)
        self.clipboard = [(t.id, copy.deepcopy(c)) for t, c in found]
        self.w.show_status(f"Copied {len(ids)} clip{'s' if len(ids) > 1 else ''}.")
        return True

    def paste(self, at: int | None = None) -> None:
        """Paste the copied clips at ``at`` us (default the playhead); on the main track they are
        inserted and the later shots make room."""
        if not self.clipboard:
            self.w.show_status("Copy a clip first (Ctrl+C).")
            return
        edit = PasteClips(self.clipboard, self.view.playhead if at is None else at)
        if self.w.do(edit):
            self.view.select_many(edit.new_ids)

    def duplicate(self) -> None:
        """Paste a copy of the selected clips right after the last of them."""
        if self.copy():
            end = max(c.end for _, c in self.clipboard)
            self.paste(end)

    def set_duration(self, clip_id: str | None = None, seconds: float | None = None) -> None:
        """Give a clip (default the selected one) a new length, asked for when ``seconds`` is
        None; later shots on the main track follow."""
        clip_id = clip_id or self.view.selected
        if clip_id is None:
            self.w.show_status("Select a clip to change its duration.")
            return
        _, clip = self.w.project.find_clip(clip_id)
        if seconds is None:
            seconds, ok = QInputDialog.getDouble(self.w, "Duration", "Duration in seconds:",
                                                 seconds_from_us(clip.duration), 0.04, 3600.0, 2)
            if not ok:
                return
        self.w.do(SetDuration(clip_id, us_from_seconds(seconds)))

    def set_linked(self, linked: bool) -> None:
        """Unlink (or link again) the selected captions and voice clips from their shots."""
        ids = self.selection()
        if not ids:
            self.w.show_status("Select a caption to unlink it from its shot.")
            return
        self.w.do(SetLinked(ids, linked))

    # --- markers --------------------------------------------------------------------------------

    def add_marker(self, at: int | None = None, ask: bool = False) -> None:
        """Add a marker at ``at`` us (default the playhead), named "Marker N" unless ``ask``."""
        at = self.view.playhead if at is None else int(at)
        name = f"Marker {len(self.w.project.markers) + 1}"
        if ask:
            name, ok = QInputDialog.getText(self.w, "Add marker", "Name:", text=name)
            if not ok:
                return
        self.w.do(AddMarker(at, name, MARKER_COLOURS["Yellow"]))

    def rename_marker(self, time: int) -> None:
        marker = next(m for m in self.w.project.markers if m.time == time)
        name, ok = QInputDialog.getText(self.w, "Rename marker", "Name:", text=marker.name)
        if ok:
            self.w.do(EditMarker(time, name=name))

    def recolour_marker(self, time: int, colour: str | None = None) -> None:
        """Give the marker at ``time`` a colour (#rrggbb), asked for when ``colour`` is None."""
        if colour is None:
            marker = next(m for m in self.w.project.markers if m.time == time)
            chosen = QColorDialog.getColor(QColor(marker.colour or MARKER_COLOURS["Yellow"]),
                                           self.w, "Marker colour")
            if not chosen.isValid():
                return
            colour = chosen.name()
        self.w.do(EditMarker(time, colour=colour))

    def remove_marker(self, time: int) -> None:
        self.w.do(RemoveMarker(time))

    def jump_to_marker(self, time: int) -> None:
        self.view.set_playhead(time, follow=True)

    def next_marker(self, direction: int) -> None:
        """Move the playhead to the next (1) or previous (-1) marker."""
        times = [m.time for m in self.w.project.markers]
        here = self.view.playhead
        later = [t for t in times if (t > here if direction > 0 else t < here)]
        if not later:
            self.w.show_status("No marker that way.")
            return
        self.jump_to_marker(min(later) if direction > 0 else max(later))

    def fill_markers_menu(self, menu) -> None:
        """The Markers menu: add, previous/next, and one entry per marker that jumps to it."""
        menu.clear()
        menu.addAction("Add Marker at Playhead\tM", lambda: self.add_marker())
        menu.addAction("Previous Marker\tShift+,", lambda: self.next_marker(-1))
        menu.addAction("Next Marker\tShift+.", lambda: self.next_marker(1))
        if self.w.project.markers:
            menu.addSeparator()
        for m in self.w.project.markers:
            act = menu.addAction(f"{seconds_from_us(m.time):6.2f} s   {m.name or 'Marker'}",
                                 lambda t=m.time: self.jump_to_marker(t))
            act.setIcon(_swatch(m.colour or MARKER_COLOURS["Yellow"]))

    # --- regenerate -----------------------------------------------------------------------------

    def regenerate(self) -> None:
        """R: the picked bars of the music when bars are picked, else the selected clip."""
        view = self.view
        if view.bar_range is not None:
            span = view.bar_span_us()
            music = [c for t in self.w.project.tracks_of(TrackKind.MUSIC) for c in t.clips
                     if span and c.start < span[1] and span[0] < c.end]
            if music:
                self.w.generation.regenerate(music[0].id, None, view.bar_range)
                return
        if view.selected is None:
            self.w.show_status("Select a shot, a caption or the music (or pick bars on the ruler) "
                               "to regenerate it.")
            return
        self.w.generation.regenerate(view.selected, None, None)

    def on_main_track(self, clip_id: str) -> bool:
        main = main_track(self.w.project)
        return main is not None and any(c.id == clip_id for c in main.clips)


def _swatch(colour: str):
    from PySide6.QtGui import QIcon, QPixmap

    pix = QPixmap(12, 12)
    pix.fill(QColor(colour))
    return QIcon(pix)
