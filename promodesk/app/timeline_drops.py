"""What the timeline does with things dropped on it from outside: photos from a file manager on a
video lane (``photos_dropped(paths, track id, us)``, the window makes shots of them) and a
transition from the transitions panel on a cut (``transition_dropped(incoming clip id, kind)``).
Items of the media bin never get here: the bin's event filter on the timeline takes them first.

:class:`TimelineDrops` is mixed into :class:`~promodesk.app.timeline.TimelineView`, whose lanes,
time mapping and signals it uses; it only reads the drag and emits, the window makes the edits.
"""

from __future__ import annotations

from pathlib import Path

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}


class TimelineDrops:
    """Qt's drag-enter, drag-move and drop handlers of the timeline view."""

    @staticmethod
    def _photo_paths(mime) -> list[str]:
        if not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls()
                if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES]

    def _cut_under(self, ev):
        """The cut (its incoming clip) a transition dragged over ``ev``'s position lands on:
        the nearest within 40 px on the video lane under it, or None."""
        from promodesk.app.transitions_panel import MIME
        from promodesk.core.transitions import cut_near

        if not ev.mimeData().hasFormat(MIME):
            return None
        lane = self.lane_at(ev.position().y())
        if lane is None or lane.track.kind.value != "video":
            return None
        clip = cut_near(self.project, self.us_at(ev.position().x()), int(40 / self.xmap().scale))
        return clip if clip is not None and clip in lane.track.clips else None

    def dragEnterEvent(self, ev) -> None:
        from promodesk.app.transitions_panel import MIME

        if self._photo_paths(ev.mimeData()) or ev.mimeData().hasFormat(MIME):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev) -> None:
        lane = self.lane_at(ev.position().y())
        if lane and lane.track.kind.value == "video" and (self._photo_paths(ev.mimeData())
                                                          or self._cut_under(ev) is not None):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dropEvent(self, ev) -> None:
        from promodesk.app.transitions_panel import MIME

        if ev.mimeData().hasFormat(MIME):
            clip = self._cut_under(ev)
            if clip is None:
                ev.ignore()
                self.message.emit("Drop a transition on a cut: where one shot meets the next.")
                return
            ev.acceptProposedAction()
            self.transition_dropped.emit(clip.id, bytes(ev.mimeData().data(MIME)).decode())
            return
        lane = self.lane_at(ev.position().y())
        paths = self._photo_paths(ev.mimeData())
        if lane is None or lane.track.kind.value != "video" or not paths:
            ev.ignore()
            return
        ev.acceptProposedAction()
        self.photos_dropped.emit(paths, lane.track.id, self.us_at(ev.position().x()))
