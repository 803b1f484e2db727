"""Right-click menus of the timeline: on a clip, on a track's empty space, and on the ruler
(markers). Every entry runs a command of :class:`~promodesk.app.arranging.Arranging` or the
window, so a menu does what the keyboard shortcut beside it does."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMenu

from promodesk.app import timeline_paint as paint
from promodesk.app.arranging import MARKER_COLOURS, _swatch
from promodesk.core.track_edits import SetTrackMute
from promodesk.core.timeline import TrackKind, seconds_from_us

MARKER_REACH_PX = 6  # a right click this close to a marker opens that marker's menu


def _title(menu: QMenu, text: str) -> None:
    """A greyed first line naming what the menu acts on (QMenu.addSection draws nothing under
    the editor's dark style sheet)."""
    menu.addAction(text).setEnabled(False)
    menu.addSeparator()


def menu_at(window, view, pos: QPointF) -> QMenu | None:
    """The menu for a right click at ``pos`` (timeline pixels): ruler, clip or track; None
    outside all of them."""
    us = view.us_at(pos.x())
    if pos.y() < paint.RULER_H:
        return ruler_menu(window, view, us, pos.x())
    hit = view.hit(pos)
    if hit is not None:
        track, clip, _ = hit
        if clip.id not in view.selection:
            view.select_clip(clip.id)
        return clip_menu(window, view, track, clip)
    lane = view.lane_at(pos.y())
    return track_menu(window, view, lane.track, us) if lane else None


def clip_menu(window, view, track, clip) -> QMenu:
    """Copy, paste, duplicate, split, duration, regenerate, unlink, delete for ``clip``."""
    a = window.arranging
    menu = QMenu(view)
    count = len(view.selection)
    what = f"{count} clips" if count > 1 else (clip.name or track.kind.value)
    _title(menu, what)
    menu.addAction("Copy\tCtrl+C", a.copy)
    menu.addAction("Paste at Playhead\tCtrl+V", lambda: a.paste())
    menu.addAction("Duplicate\tCtrl+D", a.duplicate)
    menu.addSeparator()
    menu.addAction("Split at Playhead\tS", window.split)
    menu.addAction(f"Duration ({seconds_from_us(clip.duration):.2f} s)...",
                   lambda: a.set_duration(clip.id))
    menu.addAction("Regenerate\tR", lambda: window.generation.regenerate(clip.id, None, None))
    if track.kind in (TrackKind.CAPTIONS, TrackKind.VOICE, TrackKind.AUDIO):
        if clip.linked:
            menu.addAction("Unlink from Shot", lambda: a.set_linked(False))
        else:
            menu.addAction("Link to Shot", lambda: a.set_linked(True))
    menu.addSeparator()
    menu.addAction("Delete\tDel", lambda: a.delete(False))
    menu.addAction("Ripple Delete\tShift+Del", lambda: a.delete(True))
    return menu


def track_menu(window, view, track, us: int) -> QMenu:
    """Paste here, select everything on the track, mute."""
    a = window.arranging
    menu = QMenu(view)
    _title(menu, track.name or track.kind.value)
    paste = menu.addAction("Paste Here", lambda: a.paste(us))
    paste.setEnabled(bool(a.clipboard))
    menu.addAction("Select All on Track", lambda: view.select_many([c.id for c in track.clips]))
    mute = menu.addAction("Mute Track", lambda: window.do(SetTrackMute(track.id, not track.mute)))
    mute.setCheckable(True)
    mute.setChecked(track.mute)
    return menu


def ruler_menu(window, view, us: int, x: float) -> QMenu:
    """Add a marker here; on a marker: rename, colour, remove; jump to any marker."""
    a = window.arranging
    menu = QMenu(view)
    near = [m for m in window.project.markers if abs(view.x_of(m.time) - x) <= MARKER_REACH_PX]
    if near:
        m = near[0]
        _title(menu, f"{m.name or 'Marker'}  ·  {seconds_from_us(m.time):.2f} s")
        menu.addAction("Rename...", lambda: a.rename_marker(m.time))
        colours = menu.addMenu("Colour")
        for name, colour in MARKER_COLOURS.items():
            colours.addAction(_swatch(colour), name, lambda c=colour: a.recolour_marker(m.time, c))
        colours.addAction("Other...", lambda: a.recolour_marker(m.time))
        menu.addAction("Remove Marker", lambda: a.remove_marker(m.time))
    else:
        _title(menu, f"Ruler at {seconds_from_us(us):.2f} s")
        menu.addAction("Add Marker Here...", lambda: a.add_marker(us, ask=True))
        menu.addAction("Move Playhead Here", lambda: view.set_playhead(us))
    if window.project.markers:
        jump = menu.addMenu("Go to Marker")
        for mk in window.project.markers:
            jump.addAction(_swatch(mk.colour or MARKER_COLOURS["Yellow"]),
                           f"{seconds_from_us(mk.time):.2f} s  {mk.name}",
                           lambda t=mk.time: a.jump_to_marker(t))
    return menu
