"""Drawing the timeline's parts in pixel coordinates: the ruler, lanes, clips (thumbnail
strips, waveforms, caption text), beat/bar lines, the playhead and the snap indicator.

The functions take a ``QPainter`` and an ``XMap`` (microseconds <-> pixels for the current view)
and draw only what is visible, so a long timeline costs what one screen of it costs.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPainter, QPen, QPixmap

from promodesk.app import theme
from promodesk.app.media_cache import Peaks, column_peaks
from promodesk.core.timeline import US_PER_SECOND, seconds_from_us, us_from_seconds

RULER_H = 44  # seconds row (top half) + bars row (bottom half)
LANE_GAP = 4
HANDLE_PX = 10       # a sound clip's fade handles: squares at its top corners
EDGE_GRAB_PX = 5     # a transition band's edge is grabbed this close
BAND_TOP_PX = 22     # a transition band starts this far below its lane's top
LANE_HEIGHTS = {"video": 84, "music": 92, "voice": 60, "captions": 44}
LANE_HEIGHT_OTHER = 60  # an audio track (a clip's own sound)
# lanes shrink to these when the timeline is short (1366x768): thumbnails, waveforms and a
# caption's text stay readable, a header keeps its name and mute button, and the music's its
# gain box (timeline_panel.GAIN_MIN_H)
LANE_MIN_HEIGHTS = {"video": 36, "music": 44, "voice": 28, "captions": 24}
LANE_MIN_OTHER = 28
_SECOND_STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600)


@dataclass
class XMap:
    """Maps timeline microseconds to pixels: ``x = (us - us0) * scale``; ``width`` in pixels."""

    us0: float
    scale: float  # pixels per microsecond
    width: float

    def x(self, us: float) -> float:
        return (us - self.us0) * self.scale

    def us(self, x: float) -> int:
        return int(round(self.us0 + x / self.scale))

    @property
    def us1(self) -> float:
        return self.us0 + self.width / self.scale


def format_time(us: int, precise: bool = False) -> str:
    """``m:ss`` (or ``m:ss.f`` with ``precise``) of a time in microseconds."""
    s = seconds_from_us(max(us, 0))
    minutes = int(s // 60)
    if precise:
        return f"{minutes}:{s - 60 * minutes:04.1f}"
    return f"{minutes}:{int(s - 60 * minutes):02d}"


_FONTS: dict[tuple[int, bool], tuple[QFont, QFontMetrics]] = {}


def _font(size: int, bold: bool = False) -> QFont:
    """A cached font of ``size`` pixels (fonts and metrics are costly to make per clip)."""
    return _font_and_metrics(size, bold)[0]


def _font_and_metrics(size: int, bold: bool = False) -> tuple[QFont, QFontMetrics]:
    found = _FONTS.get((size, bold))
    if found is None:
        f = QFont()
        f.setPixelSize(size)
        f.setBold(bold)
        found = _FONTS[(size, bold)] = (f, QFontMetrics(f))
    return found


def paint_ruler(p: QPainter, xm: XMap, bars: list[int], bar_numbers: list[int],
                bar_range: tuple[int, int] | None) -> None:
    """Seconds row with labelled ticks, bars row with bar numbers (``bars`` are bar-line times in
    microseconds, ``bar_numbers`` their 1-based numbers) and the selected bar range."""
    p.fillRect(QRectF(0, 0, xm.width, RULER_H), theme.qcolor(theme.PANEL))
    half = RULER_H / 2
    p.setPen(QPen(theme.qcolor(theme.BORDER), 1))
    p.drawLine(QPointF(0, half), QPointF(xm.width, half))
    p.drawLine(QPointF(0, RULER_H - 0.5), QPointF(xm.width, RULER_H - 0.5))
    px_per_s = xm.scale * US_PER_SECOND
    step = next((s for s in _SECOND_STEPS if s * px_per_s >= 70), _SECOND_STEPS[-1])
    p.setFont(_font(11))
    first = math.floor(seconds_from_us(xm.us0) / step)
    last = math.ceil(seconds_from_us(xm.us1) / step)
    for i in range(first, last + 1):
        us = us_from_seconds(i * step)
        if us < 0:
            continue
        x = xm.x(us)
        p.setPen(QPen(theme.qcolor(theme.TEXT_DIM), 1))
        p.drawLine(QPointF(x, half - 7), QPointF(x, half))
        p.setPen(theme.qcolor(theme.TEXT))
        label = format_time(us, precise=step < 1)
        w = _font_and_metrics(11)[1].horizontalAdvance(label)
        # a label that would run off the right edge goes left of its tick instead of being cut
        p.drawText(QPointF(x + 4 if x + 4 + w <= xm.width else x - 4 - w, half - 8), label)
        for k in range(1, 5):  # minor ticks
            xx = xm.x(us + k * step * US_PER_SECOND / 5)
            p.setPen(QPen(theme.qcolor(theme.BORDER), 1))
            p.drawLine(QPointF(xx, half - 3), QPointF(xx, half))
    if bar_range is not None:
        a, b = bar_range
        p.fillRect(QRectF(xm.x(a), half, xm.x(b) - xm.x(a), half), theme.qcolor(theme.ACCENT, 90))
    if not bars:
        p.setPen(theme.qcolor(theme.TEXT_DIM))
        p.drawText(QPointF(6, RULER_H - 7), "bars: no music yet")
        return
    spacing = (bars[-1] - bars[0]) / max(len(bars) - 1, 1) * xm.scale if len(bars) > 1 else 100
    every = max(1, math.ceil(26 / max(spacing, 1e-6)))
    lo = max(bisect.bisect_left(bars, xm.us0) - 1, 0)
    hi = bisect.bisect_right(bars, xm.us1) + 1
    for i in range(lo, min(hi, len(bars))):
        x = xm.x(bars[i])
        p.setPen(QPen(theme.qcolor(theme.BORDER), 1))
        p.drawLine(QPointF(x, half), QPointF(x, RULER_H))
        if bar_numbers[i] % every == 0 or every == 1:
            p.setPen(theme.qcolor(theme.TEXT_DIM))
            p.drawText(QPointF(x + 3, RULER_H - 7), str(bar_numbers[i]))


def paint_markers(p: QPainter, xm: XMap, markers: list[tuple[int, str]], bottom: float) -> None:
    """Markers: a flag with the name in the seconds row and a thin line through the lanes."""
    font, fm = _font_and_metrics(10, bold=True)
    p.setFont(font)
    for time, name, *colour in markers:  # (time, name) or (time, name, "#rrggbb" or "")
        if not xm.us0 <= time <= xm.us1:
            continue
        x = xm.x(time)
        flag = colour[0] if colour and colour[0] else theme.SNAP
        p.setPen(QPen(theme.qcolor(flag, 120), 1))
        p.drawLine(QPointF(x, RULER_H / 2), QPointF(x, bottom))
        w = fm.horizontalAdvance(name) + 8 if name else 8
        p.fillRect(QRectF(x, RULER_H / 2 - 12, w, 12), theme.qcolor(flag))
        if name:
            p.setPen(theme.qcolor("#1b1d21"))
            p.drawText(QPointF(x + 4, RULER_H / 2 - 3), name)


def band_top(lane) -> float:
    """Top pixel of the transition bands drawn on ``lane`` (a video lane)."""
    return lane.y + BAND_TOP_PX


def fade_handle_xs(xm: XMap, clip) -> tuple[float, float]:
    """Pixel columns of a sound clip's fade-in and fade-out handles: where its fade-in ends
    and its fade-out begins (the clip's corners when it has none)."""
    return xm.x(clip.start + clip.fade_in), xm.x(clip.end - clip.fade_out)


def fades_shown(rect: QRectF) -> bool:
    """Whether a sound clip drawn in ``rect`` is wide enough to show its fades and handles."""
    return rect.width() >= 3 * HANDLE_PX


def fade_handle_rects(xm: XMap, rect: QRectF, clip) -> tuple[QRectF, QRectF]:
    """The squares of a sound clip's fade-in and fade-out handles (pixels) when drawn in
    ``rect``: at its top, inside the fade-in's end and the fade-out's start."""
    x_in, x_out = fade_handle_xs(xm, clip)
    side = HANDLE_PX - 1
    return (QRectF(x_in, rect.top() + 1, side, side),
            QRectF(x_out - HANDLE_PX + 1, rect.top() + 1, side, side))


def between_fade_handles(xm: XMap, rect: QRectF, clip) -> tuple[float, float] | None:
    """Pixel columns (left, right) between a sound clip's fade handles, clear of their
    outlines, where its label goes; None when the handles are not drawn."""
    if not fades_shown(rect):
        return None
    fade_in, fade_out = fade_handle_rects(xm, rect, clip)
    return fade_in.right() + 3, fade_out.left() - 3


def paint_fades(p: QPainter, xm: XMap, rect: QRectF, clip) -> None:
    """A sound clip's fades: a shaded ramp from its bottom corner up to each handle, and the
    handles themselves (:func:`fade_handle_rects`)."""
    if not fades_shown(rect):
        return
    x_in, x_out = fade_handle_xs(xm, clip)
    top, bottom = rect.top(), rect.bottom()
    p.setPen(QPen(theme.qcolor("#ffffff", 170), 1))
    p.setBrush(theme.qcolor("#000000", 90))
    if clip.fade_in:
        p.drawPolygon([QPointF(rect.left(), top), QPointF(x_in, top), QPointF(rect.left(), bottom)])
    if clip.fade_out:
        p.drawPolygon([QPointF(rect.right(), top), QPointF(x_out, top),
                       QPointF(rect.right(), bottom)])
    p.setBrush(theme.qcolor("#ffffff", 220))
    p.setPen(QPen(theme.qcolor("#1b1d21"), 1))
    p.drawRects(list(fade_handle_rects(xm, rect, clip)))


def paint_transition(p: QPainter, xm: XMap, rect: QRectF, cut_us: int, length_us: int,
                     kind: str) -> None:
    """A transition at a cut: a band centred on the cut as long as the transition (it runs from
    half before to half after), crossed like a bow tie, with its kind's initial."""
    half = length_us / 2
    x0, x1 = xm.x(cut_us - half), xm.x(cut_us + half)
    if x1 - x0 < 4:
        x0, x1 = xm.x(cut_us) - 2, xm.x(cut_us) + 2
    top, bottom = rect.top() + BAND_TOP_PX - 2, rect.bottom() - 4
    band = QRectF(x0, top, x1 - x0, bottom - top)
    p.fillRect(band, theme.qcolor("#000000", 120))
    p.setPen(QPen(theme.qcolor(theme.SNAP), 1.5))
    p.setBrush(Qt.NoBrush)
    p.drawRect(band)
    p.drawLine(QPointF(x0, top), QPointF(x1, bottom))
    p.drawLine(QPointF(x0, bottom), QPointF(x1, top))
    if x1 - x0 >= 14:
        font, _fm = _font_and_metrics(11, bold=True)
        p.setFont(font)
        p.setPen(theme.qcolor(theme.TEXT))
        p.drawText(band, Qt.AlignCenter, kind[:1].upper())


def paint_in_out(p: QPainter, xm: XMap, in_out, bottom: float) -> None:
    """The export range marked with I and O: a band on the ruler between them (or from the in
    point on / up to the out point), with brackets at the marks."""
    a, b = in_out
    if a is None and b is None:
        return
    x0 = xm.x(a) if a is not None else 0.0
    x1 = xm.x(b) if b is not None else xm.width
    colour = theme.qcolor(theme.IN_OUT)
    p.fillRect(QRectF(x0, RULER_H - 5, x1 - x0, 5), theme.qcolor(theme.IN_OUT, 170))
    p.fillRect(QRectF(x0, RULER_H, x1 - x0, bottom - RULER_H), theme.qcolor(theme.IN_OUT, 14))
    p.setPen(QPen(colour, 2))
    for x, sign in ((xm.x(a), 1) if a is not None else (None, 0), (xm.x(b), -1) if b is not None else (None, 0)):
        if x is not None:
            p.drawPolyline([QPointF(x + 6 * sign, 2), QPointF(x, 2), QPointF(x, RULER_H - 2),
                            QPointF(x + 6 * sign, RULER_H - 2)])


def paint_grid(p: QPainter, xm: XMap, top: float, bottom: float, bars: list[int]) -> None:
    """Faint bar lines across all lanes, so clips can be lined up by eye."""
    p.setPen(QPen(theme.blended(theme.PANEL, "#ffffff", 16), 1))
    _vlines(p, xm, bars, xm.us0, xm.us1, top, bottom)


def small_clip_bodies(p: QPainter, rects: list[QRectF], kind: str) -> None:
    """Clips too narrow for anything but their box (zoomed far out), in one batched call: a
    fill in the track colour with its edge colour around it."""
    if not rects:
        return
    fill, edge = theme.CLIP_COLORS.get(kind, theme.CLIP_COLORS["video"])
    p.setPen(QPen(theme.qcolor(edge), 1))
    p.setBrush(QBrush(theme.qcolor(fill)))
    p.drawRects([r.adjusted(0.5, 0.5, -0.5, -0.5) for r in rects])


def clip_body(p: QPainter, rect: QRectF, kind: str, selected: bool) -> None:
    """The rounded clip box in its track colour; a bright border when selected."""
    fill, edge = theme.CLIP_COLORS.get(kind, theme.CLIP_COLORS["video"])
    if rect.width() < 12 and not selected:  # zoomed far out: a plain box is enough (and cheap)
        p.fillRect(rect, theme.qcolor(edge))
        p.fillRect(rect.adjusted(1, 1, -1, -1), theme.qcolor(fill))
        return
    p.setBrush(QBrush(theme.qcolor(fill)))
    # the selected clip gets a white frame: the lanes' own edges are already blue-ish
    p.setPen(QPen(theme.qcolor("#ffffff" if selected else edge), 2.5 if selected else 1))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)


def clip_label_rect(rect: QRectF, text: str,
                    between: tuple[float, float] | None = None) -> tuple[QRectF, str] | None:
    """Where a clip's label goes: (its dark strip in pixels, the text elided to fit in it) at
    the top-left of ``rect``, or from the left of the columns ``between`` (left, right) when
    given (a sound clip's fade handles: :func:`between_fade_handles`); None when there is no
    text or under 30 px of room."""
    left, right = rect.left() + 2, rect.right() - 2
    if between is not None:
        left, right = max(left, between[0]), min(right, between[1])
    if right - left < 28 or not text:
        return None
    fm = _font_and_metrics(11, bold=True)[1]
    shown = fm.elidedText(text, Qt.ElideRight, int(right - left - 8))
    if not shown:
        return None
    return QRectF(left, rect.top() + 2, fm.horizontalAdvance(shown) + 8, 16), shown


def label_area(xm: XMap, rect: QRectF, kind: str, clip) -> tuple[QRectF, tuple[float, float] | None]:
    """Where a clip of track ``kind`` drawn in ``rect`` puts its label: (the area whose top-left
    the strip starts at, the columns between its fade handles or None) for
    :func:`clip_label_rect`. Music shows its section names along the top, so its label goes to
    the bottom; a voice or sound clip's fade handles stand at its top corners, so its label
    goes between them."""
    if kind == "music":
        return rect.adjusted(0, rect.height() - 20, 0, 0), None
    if kind in ("voice", "audio"):
        return rect, between_fade_handles(xm, rect, clip)
    return rect, None


def clip_label(p: QPainter, rect: QRectF, text: str,
               between: tuple[float, float] | None = None) -> None:
    """The clip's name on a dark strip at its top-left (see :func:`clip_label_rect`), elided
    to fit."""
    placed = clip_label_rect(rect, text, between)
    if placed is None:
        return
    strip, shown = placed
    p.setFont(_font(11, bold=True))
    p.fillRect(strip, theme.qcolor("#000000", 150))
    p.setPen(theme.qcolor(theme.TEXT))
    p.drawText(QPointF(strip.left() + 4, strip.top() + 12), shown)


def paint_thumbnails(p: QPainter, rect: QRectF, visible: QRectF, frames: list[QPixmap]) -> None:
    """Tile the clip's thumbnail strip across ``rect``: each tile shows the frame for its place in
    the clip; only tiles inside ``visible`` are drawn."""
    if not frames or rect.width() < 8:
        return
    h = rect.height() - 6
    fw = frames[0].width() * h / max(frames[0].height(), 1)
    if fw < 2:
        return
    p.save()
    p.setClipRect(rect.adjusted(2, 2, -2, -2))
    x = rect.left() + 2
    if visible.left() > x:  # skip tiles left of the view
        x += math.floor((visible.left() - x) / fw) * fw
    while x < min(rect.right(), visible.right()):
        frac = (x + fw / 2 - rect.left()) / max(rect.width(), 1)
        frame = frames[min(int(frac * len(frames)), len(frames) - 1)]
        p.drawPixmap(QRectF(x, rect.top() + 3, fw, h), frame, QRectF(frame.rect()))
        x += fw
    p.restore()


def paint_waveform(p: QPainter, rect: QRectF, visible: QRectF, peaks: Peaks | None,
                   src_t0: float, src_t1: float, colour: str) -> None:
    """Draw the audio between ``src_t0`` and ``src_t1`` seconds of the source across ``rect``,
    one min/max line per pixel column of the visible part."""
    if peaks is None:
        p.setPen(theme.qcolor(theme.TEXT_DIM))
        p.setFont(_font(11))
        p.drawText(rect.adjusted(8, 0, 0, 0), Qt.AlignVCenter | Qt.AlignLeft, "building waveform...")
        return
    left = max(rect.left(), visible.left())
    right = min(rect.right(), visible.right())
    cols = int(right - left)
    if cols <= 0:
        return
    span = src_t1 - src_t0
    t0 = src_t0 + (left - rect.left()) / rect.width() * span
    t1 = src_t0 + (right - rect.left()) / rect.width() * span
    mins, maxs = column_peaks(peaks, t0, t1, cols)
    mid = rect.center().y()
    half = (rect.height() - 8) / 2
    xs = np.repeat(left + np.arange(cols, dtype=np.float64) + 0.5, 2)
    ys = np.empty(cols * 2)
    ys[0::2] = mid - np.clip(maxs, -1, 1) * half - 0.5
    ys[1::2] = mid - np.clip(mins, -1, 1) * half + 0.5
    path = pg.arrayToQPath(xs, ys, connect="pairs")
    # No brush (the clip body's would fill 1000 degenerate subpaths: 100x slower) and an opaque
    # pen (a translucent one makes Qt outline the whole path before filling it).
    p.setBrush(Qt.NoBrush)
    p.setPen(QPen(theme.qcolor(colour), 1))
    p.drawPath(path)


def _vlines(p: QPainter, xm: XMap, times: list[int], lo: float, hi: float, top: float,
            bottom: float) -> None:
    """One batched call drawing a vertical line at each of ``times`` between ``lo`` and ``hi``
    (microseconds)."""
    xs = [xm.x(t) for t in times[bisect.bisect_left(times, lo):bisect.bisect_right(times, hi)]]
    if xs:
        p.drawLines([QLineF(x, top, x, bottom) for x in xs])


def paint_beats(p: QPainter, xm: XMap, rect: QRectF, beats: list[int], bars: list[int]) -> None:
    """Beat lines (when at least 5 px apart) and brighter bar lines over the visible part of a
    music clip."""
    lo_t = max(xm.us(rect.left()), xm.us0)
    hi_t = min(xm.us(rect.right()), xm.us1)
    fill = theme.CLIP_COLORS["music"][0]
    if len(beats) > 1 and (beats[1] - beats[0]) * xm.scale >= 5:
        p.setPen(QPen(theme.blended(fill, "#ffffff", 40), 1))
        _vlines(p, xm, beats, lo_t, hi_t, rect.top() + 18, rect.bottom() - 2)
    p.setPen(QPen(theme.blended(fill, "#ffffff", 110), 1))
    _vlines(p, xm, bars, lo_t, hi_t, rect.top() + 18, rect.bottom() - 2)


def section_bands(xm: XMap, rect: QRectF, sections,
                  between: tuple[float, float] | None = None) -> list[tuple[QRectF, QRectF, str]]:
    """Where a music clip drawn in ``rect`` shows its section names (intro, verse, ...;
    :class:`~promodesk.core.beats.Section` spans in microseconds): (the dark band along the
    clip's top, the text's box inside it, the name elided to fit) for each section wide enough;
    the text keeps to the columns ``between`` the clip's fade handles when given
    (:func:`between_fade_handles`)."""
    fm = _font_and_metrics(11, bold=True)[1]
    lo, hi = between if between is not None else (-math.inf, math.inf)
    placed = []
    for section in sections:
        x0, x1 = max(xm.x(section.start), rect.left()), min(xm.x(section.end), rect.right())
        if x1 - x0 < 12:
            continue
        band = QRectF(x0 + 1, rect.top() + 2, x1 - x0 - 2, 15)
        left, right = max(band.left() + 4, lo), min(band.right() - 2, hi)
        if right - left < 8:
            placed.append((band, QRectF(), ""))
            continue
        shown = fm.elidedText(section.name, Qt.ElideRight, int(right - left))
        placed.append((band, QRectF(left, band.top(), fm.horizontalAdvance(shown), band.height()), shown))
    return placed


def paint_sections(p: QPainter, xm: XMap, rect: QRectF, sections,
                   between: tuple[float, float] | None = None) -> None:
    """Section names in a band at the top of the music clip (:func:`section_bands`)."""
    p.setFont(_font(11, bold=True))
    p.setPen(theme.qcolor("#bff0d8"))
    for band, box, shown in section_bands(xm, rect, sections, between):
        p.fillRect(band, theme.qcolor("#000000", 110))
        if shown:
            p.drawText(box, Qt.AlignVCenter | Qt.AlignLeft, shown)


def paint_caption(p: QPainter, rect: QRectF, text: str) -> None:
    """The caption's text, elided to the block."""
    if rect.width() < 24:
        return
    font, fm = _font_and_metrics(12)
    p.setFont(font)
    p.setPen(theme.qcolor(theme.TEXT))
    shown = fm.elidedText(" ".join(text.split()), Qt.ElideRight, int(rect.width() - 10))
    p.drawText(rect.adjusted(6, 0, -4, 0), Qt.AlignVCenter | Qt.AlignLeft, shown)


def paint_job(p: QPainter, rect: QRectF, fraction: float, message: str) -> None:
    """A running job on a clip: darkened clip, a progress bar along its bottom, the message."""
    p.fillRect(rect, theme.qcolor("#000000", 120))
    bar = QRectF(rect.left() + 3, rect.bottom() - 7, (rect.width() - 6) * fraction, 4)
    p.fillRect(QRectF(rect.left() + 3, rect.bottom() - 7, rect.width() - 6, 4), theme.qcolor("#ffffff", 40))
    p.fillRect(bar, theme.qcolor(theme.ACCENT))
    font, fm = _font_and_metrics(11, bold=True)
    p.setFont(font)
    p.setPen(theme.qcolor(theme.TEXT))
    text = message if fraction <= 0 else f"{message} {int(fraction * 100)}%"
    label = fm.elidedText(text, Qt.ElideRight, int(rect.width() - 10))
    p.drawText(rect.adjusted(6, 0, -4, -6), Qt.AlignVCenter | Qt.AlignLeft, label)


def paint_playhead(p: QPainter, x: float, bottom: float) -> None:
    """The playhead: a red line with a handle in the ruler."""
    p.setPen(QPen(theme.qcolor(theme.PLAYHEAD), 1.5))
    p.drawLine(QPointF(x, 0), QPointF(x, bottom))
    p.setBrush(theme.qcolor(theme.PLAYHEAD))
    p.setPen(Qt.NoPen)
    p.drawPolygon([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x + 6, 8), QPointF(x, 14),
                   QPointF(x - 6, 8)])


def paint_snap(p: QPainter, x: float, bottom: float, label: str) -> None:
    """The snap indicator: a yellow line through every lane and what it snapped to."""
    p.setPen(QPen(theme.qcolor(theme.SNAP), 1.5, Qt.DashLine))
    p.drawLine(QPointF(x, 0), QPointF(x, bottom))
    font, fm = _font_and_metrics(11, bold=True)
    p.setFont(font)
    w = fm.horizontalAdvance(label) + 10
    box = QRectF(x + 4, RULER_H + 2, w, 16)
    p.fillRect(box, theme.qcolor(theme.SNAP))
    p.setPen(theme.qcolor("#1b1d21"))
    p.drawText(box, Qt.AlignCenter, label)
