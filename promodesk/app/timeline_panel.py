"""The timeline panel: track headers (name, mute, gain) beside the :class:`TimelineView`, and a
scroll bar under it that follows the view's time range."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDoubleSpinBox, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QScrollBar, QToolButton, QVBoxLayout, QWidget)

from promodesk.app import theme
from promodesk.app import timeline_paint as paint
from promodesk.app.timeline import TimelineView
from promodesk.core.edits import EditError
from promodesk.core.track_edits import SetTrackGain, SetTrackMute
from promodesk.core.timeline import seconds_from_us

HEADER_W = 168
COMPACT_H = 44  # a header lower than this shows its name and mute button only
ROOMY_SOUND_H = 72  # a sound track's header shows its kind label above the gain box from here
GAIN_MIN_H = 44  # and its gain box from here (below: name and mute)
_KIND_MARK = {"video": "VIDEO", "music": "MUSIC", "voice": "VOICE", "captions": "CAPTIONS"}


class TrackHeader(QFrame):
    """Name, mute toggle and gain (dB) of one track; changes are undoable edits. The gain steps
    of one spin-box session (until Enter or the focus leaves) are one undo step."""

    def __init__(self, panel: "TimelinePanel", track, height: int):
        super().__init__()
        self.panel, self.track = panel, track
        self.setFixedHeight(height)
        fill = theme.CLIP_COLORS.get(track.kind.value, theme.CLIP_COLORS["video"])[1]
        self.setStyleSheet(f"TrackHeader {{ background: {theme.PANEL}; border-left: 3px solid {fill}; }}"
                           "QLabel { background: transparent; }")
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 6, 4)
        grid.setVerticalSpacing(2)
        name = QLabel(track.name or track.kind.value.capitalize())
        name.setStyleSheet("font-weight: 600;")
        kind = QLabel(_KIND_MARK.get(track.kind.value, ""))
        kind.setObjectName("dim")
        kind.setStyleSheet(f"color: {theme.TEXT_DIM}; font-size: 10px;")
        self.mute = QToolButton()
        self.mute.setText("M")
        self.mute.setCheckable(True)
        self.mute.setChecked(track.mute)
        self.mute.setToolTip("Mute this track (hides a video track)")
        self.mute.toggled.connect(self._mute)
        grid.addWidget(name, 0, 0)
        grid.addWidget(self.mute, 0, 1, Qt.AlignRight)
        sound = track.kind.value in ("music", "voice", "audio")
        # a lane shrunk to fit a short timeline (1366x768): the kind label (the coloured edge
        # says it too) goes first, then the gain box; name and mute always stay
        roomy = height >= (ROOMY_SOUND_H if sound else COMPACT_H)
        if roomy:
            grid.addWidget(kind, 1, 0)
        else:
            grid.setContentsMargins(8, 1, 6, 1)
            kind.hide()
        if not roomy:
            self.mute.setFixedHeight(min(20, height - 4))
        self.gain = None
        if sound and height >= GAIN_MIN_H:
            self.gain = QDoubleSpinBox()
            self.gain.setRange(-60.0, 12.0)
            self.gain.setSingleStep(1.0)
            self.gain.setDecimals(1)
            self.gain.setSuffix(" dB")
            self.gain.setMinimumHeight(22)
            self.gain.setValue(track.gain_db)
            self.gain.setToolTip("Track gain")
            self.gain.valueChanged.connect(self._gain)
            self.gain.editingFinished.connect(self._new_gain_gesture)
            grid.addWidget(self.gain, 2 if roomy else 1, 0, 1, 2)
        self._gain_gesture = object()

    def contextMenuEvent(self, ev) -> None:
        """The track's menu (paste at the playhead, select all, mute), as on its empty lane."""
        from promodesk.app.context_menus import track_menu

        view = self.panel.view
        track_menu(self.window(), view, self.track, view.playhead).exec(ev.globalPos())
        ev.accept()

    def _new_gain_gesture(self) -> None:
        self._gain_gesture = object()

    def _mute(self, on: bool) -> None:
        if on != self.track.mute:
            self.panel.do(SetTrackMute(self.track.id, on))

    def _gain(self, value: float) -> None:
        if abs(value - self.track.gain_db) > 1e-9:
            self.panel.do(SetTrackGain(self.track.id, value, gesture=self._gain_gesture))

    def sync(self) -> None:
        """Show the track's current mute and gain (after undo/redo)."""
        self.mute.blockSignals(True)
        self.mute.setChecked(self.track.mute)
        self.mute.blockSignals(False)
        if self.gain is not None:
            self.gain.blockSignals(True)
            self.gain.setValue(self.track.gain_db)
            self.gain.blockSignals(False)


class TimelinePanel(QWidget):
    """Headers + timeline + scroll bar. ``view`` is the :class:`TimelineView`."""

    def __init__(self, view: TimelineView, parent=None):
        super().__init__(parent)
        self.view = view
        self.headers = QWidget()
        self.headers.setFixedWidth(HEADER_W)
        self._header_layout = QVBoxLayout(self.headers)
        self._header_layout.setContentsMargins(0, 0, 0, 0)
        self._header_layout.setSpacing(0)
        self.scroll = QScrollBar(Qt.Horizontal)
        self.scroll.valueChanged.connect(self._scrolled)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(view, 1)
        right.addWidget(self.scroll)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.headers)
        row.addLayout(right, 1)
        view.lanes_changed.connect(self.rebuild_headers)
        view.vb.sigXRangeChanged.connect(self._range_changed)
        self._rows: list[TrackHeader] = []

    def do(self, edit) -> None:
        try:
            self.view.undo.do(edit)
        except EditError as err:
            self.view.message.emit(str(err))

    def rebuild_headers(self) -> None:
        """One header per lane, at the lane's height, under a ruler-high title cell."""
        tracks = [(lane.track, int(lane.h)) for lane in self.view.lanes]
        if [(r.track, r.maximumHeight()) for r in self._rows] == tracks:
            for r in self._rows:
                r.sync()
            return
        while self._header_layout.count():
            item = self._header_layout.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone now, not when the event loop next deletes it
                item.widget().deleteLater()
        title = QLabel("  TRACKS")
        title.setFixedHeight(paint.RULER_H + paint.LANE_GAP)
        title.setStyleSheet(f"background: {theme.PANEL}; color: {theme.TEXT_DIM}; font-size: 11px;"
                            f"border-bottom: 1px solid {theme.BORDER};")
        self._header_layout.addWidget(title)
        self._rows = []
        for lane in self.view.lanes:
            row = TrackHeader(self, lane.track, int(lane.h))
            self._rows.append(row)
            self._header_layout.addWidget(row)
            self._header_layout.addSpacing(paint.LANE_GAP)
        self._header_layout.addStretch(1)
        self._range_changed()

    def _range_changed(self, *_) -> None:
        project = self.view.project
        (x0, x1), _ = self.view.vb.viewRange()
        total = max(seconds_from_us(project.duration), x1) * 1000
        page = (x1 - x0) * 1000
        self.scroll.blockSignals(True)
        self.scroll.setRange(0, max(int(total - page), 0))
        self.scroll.setPageStep(max(int(page), 1))
        self.scroll.setSingleStep(max(int(page / 20), 1))
        self.scroll.setValue(int(max(x0, 0) * 1000))
        self.scroll.blockSignals(False)

    def _scrolled(self, value: int) -> None:
        (x0, x1), _ = self.view.vb.viewRange()
        self.view.vb.setXRange(value / 1000, value / 1000 + (x1 - x0), padding=0)
