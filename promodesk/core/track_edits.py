"""Edits of tracks and markers: a track's gain and mute, and markers added, removed or changed.
Each keeps what it needs to undo, like the clip edits in :mod:`promodesk.core.edits`."""

from __future__ import annotations

import copy

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Marker, Project


class SetTrackGain(Edit):
    """Set a track's gain in dB. Changes of one track in the same ``gesture`` (one slider drag or
    spin-box session) merge into one undo step; an untagged change never merges."""

    label = "Change gain"
    kind = "tracks"

    def __init__(self, track_id: str, gain_db: float, gesture=None):
        self.track_id, self.gain_db, self.gesture = track_id, float(gain_db), gesture
        self._old: float | None = None

    def apply(self, project: Project) -> None:
        track = project.track(self.track_id)
        if not -60.0 <= self.gain_db <= 12.0:
            raise EditError("Gain must be between -60 dB and +12 dB.")
        self._old = track.gain_db
        track.gain_db = self.gain_db

    def revert(self, project: Project) -> None:
        project.track(self.track_id).gain_db = self._old

    def track_ids(self) -> frozenset[str]:
        return frozenset({self.track_id})

    def merge(self, newer: Edit) -> bool:
        if (isinstance(newer, SetTrackGain) and self.gesture is not None
                and newer.track_id == self.track_id and newer.gesture == self.gesture):
            self.gain_db = newer.gain_db
            return True
        return False


class SetTrackMute(Edit):
    """Mute or unmute a track."""

    label = "Mute"
    kind = "tracks"

    def __init__(self, track_id: str, mute: bool):
        self.track_id, self.mute = track_id, bool(mute)
        self._old: bool | None = None

    def apply(self, project: Project) -> None:
        track = project.track(self.track_id)
        self._old = track.mute
        track.mute = self.mute

    def revert(self, project: Project) -> None:
        project.track(self.track_id).mute = self._old

    def track_ids(self) -> frozenset[str]:
        return frozenset({self.track_id})



class AddMarker(Edit):
    """Put a marker (name, colour) at ``time`` us."""

    label = "Add marker"
    kind = "markers"

    def __init__(self, time: int, name: str = "", colour: str = ""):
        self.marker = Marker(max(int(time), 0), name, colour)

    def apply(self, project: Project) -> None:
        if any(m.time == self.marker.time for m in project.markers):
            raise EditError("There is a marker here already; rename it instead.")
        project.markers.append(copy.deepcopy(self.marker))
        project.markers.sort(key=lambda m: m.time)

    def revert(self, project: Project) -> None:
        project.markers[:] = [m for m in project.markers if m.time != self.marker.time]


class RemoveMarker(Edit):
    """Remove the marker at ``time`` us."""

    label = "Remove marker"
    kind = "markers"

    def __init__(self, time: int):
        self.time = int(time)
        self._old: Marker | None = None

    def apply(self, project: Project) -> None:
        found = next((m for m in project.markers if m.time == self.time), None)
        if found is None:
            raise EditError("There is no marker there.")
        self._old = found
        project.markers.remove(found)

    def revert(self, project: Project) -> None:
        project.markers.append(self._old)
        project.markers.sort(key=lambda m: m.time)


class EditMarker(Edit):
    """Rename, recolour or move the marker at ``time`` us (None leaves a field as it is)."""

    label = "Edit marker"
    kind = "markers"

    def __init__(self, time: int, name: str | None = None, colour: str | None = None,
                 new_time: int | None = None):
        self.time, self.name, self.colour, self.new_time = int(time), name, colour, new_time
        self._old: tuple[int, str, str] | None = None

    def apply(self, project: Project) -> None:
        found = next((m for m in project.markers if m.time == self.time), None)
        if found is None:
            raise EditError("There is no marker there.")
        if self.new_time is not None and self.new_time != self.time and \
                any(m.time == self.new_time for m in project.markers):
            raise EditError("There is a marker at that time already.")
        self._old = (found.time, found.name, found.colour)
        if self.name is not None:
            found.name = self.name
        if self.colour is not None:
            found.colour = self.colour
        if self.new_time is not None:
            found.time = max(int(self.new_time), 0)
        project.markers.sort(key=lambda m: m.time)

    def revert(self, project: Project) -> None:
        now = self.new_time if self.new_time is not None else self.time
        found = next(m for m in project.markers if m.time == max(int(now), 0))
        found.time, found.name, found.colour = self._old
        project.markers.sort(key=lambda m: m.time)
