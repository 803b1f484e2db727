"""The timeline panel: track headers (name, mute, gain) beside the :class:`TimelineView`, a scroll
bar under it that follows the view's time range and one beside it, shown when the lanes do not
fit, that scrolls them. Each header stands beside its lane, wherever the lanes are scrolled to;
the ruler and the headers' title cell stay at the top."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDoubleSpinBox, QFrame, QGridLayout, QLabel, QScrollBar,
                               QToolButton, QVBoxLayout, QWidget)

from promodesk.app import theme
from promodesk.app import timeline_paint as paint
from promodesk.app.timeline import TimelineView
from promodesk.core.edits import EditError
from promodesk.core.track_edits import SetTrackGain, SetTrackMute
from promodesk.core.timeline import seconds_from_us

HEADER_W = 168
BAR_STEP_PX = 20  # the vertical scroll bar's arrows move the lanes this far
COMPACT_H = 44  # a header lower than this shows its name and mute button only
ROOMY_SOUND_H = 72  # a sound track's header shows its kind label above the gain box from here
GAIN_MIN_H = 44  # and its gain box from here (below: name and mute)
_KIND_MARK = {"video": "VIDEO", "music": "MUSIC", "voice": "VOICE", "captions": "CAPTIONS"}


class GainBox(QDoubleSpinBox):
    """A track's gain in dB that the wheel changes only once it has the focus (clicked or
    tabbed into): a wheel passing over the headers scrolls the lanes instead (``column``,
    the :class:`HeaderColumn`, takes it)."""

    def __init__(self, column: QWidget):
        super().__init__()
        self.column = column
        self.setFocusPolicy(Qt.StrongFocus)

    def wheelEvent(self, ev) -> None:
        if self.hasFocus():
            super().wheelEvent(ev)
        else:
            self.column.wheelEvent(ev)


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
            self.gain = GainBox(panel.headers)
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


class HeaderColumn(QWidget):
    """The track headers' column, as tall as the view: a fixed title cell over the ruler and the
    headers under it, placed by hand at their lanes' rows (headers scrolled up pass under the
    title). The wheel over it scrolls the lanes and Shift-wheel pans in time, as over the lanes
    themselves."""

    def __init__(self, view: TimelineView):
        super().__init__()
        self.view = view
        self.setFixedWidth(HEADER_W)
        self.title = QLabel("  TRACKS", self)
        self.title.setGeometry(0, 0, HEADER_W, paint.RULER_H)
        self.title.setStyleSheet(f"background: {theme.PANEL}; color: {theme.TEXT_DIM}; font-size: 11px;"
                                 f"border-bottom: 1px solid {theme.BORDER};")

    def wheelEvent(self, ev) -> None:
        if ev.modifiers() & Qt.ShiftModifier:
            self.view.wheelEvent(ev)
        else:
            self.view.scroll_lanes(self.view.wheel_px(ev))
        ev.accept()


class TimelinePanel(QWidget):
    """Headers + timeline + scroll bars. ``view`` is the :class:`TimelineView`."""

    def __init__(self, view: TimelineView, parent=None):
        super().__init__(parent)
        self.view = view
        self.headers = HeaderColumn(view)
        self.scroll = QScrollBar(Qt.Horizontal)
        self.scroll.valueChanged.connect(self._scrolled)
        self.v_scroll = QScrollBar(Qt.Vertical)
        self.v_scroll.valueChanged.connect(view.set_v_offset)
        self.v_scroll_column = QWidget()  # the bar runs beside the lanes, not the ruler
        column = QVBoxLayout(self.v_scroll_column)
        column.setContentsMargins(0, paint.RULER_H, 0, 0)
        column.addWidget(self.v_scroll)
        self.v_scroll_column.hide()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(self.headers, 0, 0)
        grid.addWidget(view, 0, 1)
        grid.addWidget(self.v_scroll_column, 0, 2)
        grid.addWidget(self.scroll, 1, 1)
        grid.setRowStretch(0, 1)
        grid.setColumnStretch(1, 1)
        view.lanes_changed.connect(self.rebuild_headers)
        view.lanes_scrolled.connect(self._lanes_scrolled)
        view.vb.sigXRangeChanged.connect(self._range_changed)
        self._rows: list[TrackHeader] = []
        self.rebuild_headers()
        self._lanes_scrolled()

    def do(self, edit) -> None:
        try:
            self.view.undo.do(edit)
        except EditError as err:
            self.view.message.emit(str(err))

    def rebuild_headers(self) -> None:
        """One header per lane, at the lane's height and row, under the title cell."""
        tracks = [(lane.track, int(lane.h)) for lane in self.view.lanes]
        if [(r.track, r.maximumHeight()) for r in self._rows] == tracks:
            for r in self._rows:
                r.sync()
            return
        for row in self._rows:
            row.hide()  # gone now, not when the event loop next deletes it
            row.deleteLater()
        self._rows = []
        for lane in self.view.lanes:
            row = TrackHeader(self, lane.track, int(lane.h))
            row.setParent(self.headers)
            row.show()
            self._rows.append(row)
        self._place_headers()
        self._range_changed()

    def _place_headers(self) -> None:
        """Each header beside its lane (viewport rows: the header column is level with the
        view), the title cell over any scrolled under it."""
        for row, lane in zip(self._rows, self.view.lanes):
            row.setGeometry(0, int(lane.y), HEADER_W, int(lane.h))
        self.headers.title.raise_()

    def _lanes_scrolled(self) -> None:
        """The lanes moved or how far they scroll changed: the headers and the vertical scroll
        bar follow; the bar shows only when there is something to scroll."""
        view, bar = self.view, self.v_scroll
        top = view.v_max()
        bar.blockSignals(True)
        bar.setRange(0, top)
        bar.setPageStep(max(view.viewport().height() - paint.RULER_H, 1))
        bar.setSingleStep(BAR_STEP_PX)
        bar.setValue(view.v_offset)
        bar.blockSignals(False)
        self.v_scroll_column.setVisible(top > 0)
        self._place_headers()

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
