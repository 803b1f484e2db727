"""How the timeline looks: the lanes with their clips (thumbnail strips, waveforms with beats, bars
and sections, caption text, fades, transitions, running jobs), the ruler, markers and in/out range,
and what a gesture draws over them (marquee, snap line), in viewport pixels, visible parts only.

:class:`TimelinePicture` is mixed into :class:`~promodesk.app.timeline.TimelineView`, whose lanes,
time mapping, selection and jobs it draws; the drawing of each part is :mod:`timeline_paint`.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from promodesk.app import theme
from promodesk.app import timeline_paint as paint
from promodesk.core.timeline import seconds_from_us


class TimelinePicture:
    """The painting of the timeline view; its
    :class:`~promodesk.app.timeline_canvas.TimelineCanvas` calls it."""

    def paint_all(self, p: QPainter) -> None:
        """Everything the timeline shows, in one go: the static picture, the overlays of a
        gesture, the playhead (the bench's whole-timeline repaint)."""
        self.paint_static(p)
        self.paint_overlays(p)
        paint.paint_playhead(p, self.x_of(self.playhead), self.lanes_bottom())

    def paint_overlays(self, p: QPainter) -> None:
        """What a gesture draws over the picture: the marquee and the snap line."""
        if self.marquee is not None:  # on the lanes only: the ruler stays clear
            lanes = QRectF(0, paint.RULER_H, self.vb.width(), self.vb.height() - paint.RULER_H)
            p.fillRect(self.marquee.normalized().intersected(lanes), theme.qcolor(theme.ACCENT, 40))
        if self.snap_shown:
            paint.paint_snap(p, self.x_of(self.snap_shown[0]), self.lanes_bottom(),
                             self.snap_shown[1])

    def paint_static(self, p: QPainter) -> None:
        """Lanes, clips, ruler, markers and the in/out range: the cached picture."""
        xm = self.xmap()
        height = self.vb.height()
        p.fillRect(QRectF(0, 0, xm.width, height), theme.qcolor(theme.BASE))
        beats, bars, numbers = self.beats, self.bars, self.bar_numbers
        sections = self.grid.sections if self.grid else ()
        # lanes scrolled up pass under the ruler (drawn last, over them); only those in view
        shown = [(i, lane) for i, lane in enumerate(self.lanes)
                 if lane.y + lane.h > paint.RULER_H and lane.y < height]
        p.save()
        p.setClipRect(QRectF(0, paint.RULER_H, xm.width, height - paint.RULER_H))
        for i, lane in shown:
            p.fillRect(QRectF(0, lane.y, xm.width, lane.h),
                       theme.qcolor(theme.PANEL if i % 2 == 0 else theme.PANEL_ALT))
        bottom = self.lanes_bottom()
        paint.paint_grid(p, xm, paint.RULER_H, bottom, bars)
        span = self.bar_span_us()
        visible = QRectF(0, paint.RULER_H, xm.width, height - paint.RULER_H)
        for _, lane in shown:
            kind = lane.track.kind.value
            clips = lane.track.clips
            lo = bisect.bisect_right(clips, xm.us0, key=lambda c: c.end)
            small = []  # zoomed far out: boxes alone, drawn in one call
            for clip in clips[lo:]:
                if clip.start > xm.us1:
                    break
                rect = self.clip_rect(xm, lane, clip)
                if (rect.width() < 12 and len(clip.takes) == 1 and clip.id not in self.jobs
                        and clip.id != self.selected and clip.id not in self.selection):
                    small.append(rect)
                    continue
                self._paint_clip(p, xm, rect, visible, kind, clip, beats, bars, sections)
            paint.small_clip_bodies(p, small, kind)
            if kind == "music" and span:
                p.fillRect(QRectF(xm.x(span[0]), lane.y, xm.x(span[1]) - xm.x(span[0]), lane.h),
                           theme.qcolor(theme.ACCENT, 60))
            if lane.track.mute:
                p.fillRect(QRectF(0, lane.y, xm.width, lane.h), theme.qcolor("#000000", 110))
        p.restore()
        paint.paint_ruler(p, xm, bars, numbers, span)
        paint.paint_markers(p, xm, [(m.time, m.name, m.colour) for m in self.project.markers],
                            bottom)
        paint.paint_in_out(p, xm, self.in_out, bottom)

    def _paint_clip(self, p, xm, rect, visible, kind, clip, beats, bars, sections) -> None:
        paint.clip_body(p, rect, kind, clip.id == self.selected or clip.id in self.selection)
        label = clip.name
        if kind == "video":
            paint.paint_thumbnails(p, rect, visible, self.media.thumbnails(self.project, clip))
            tr = clip.recipe.params.get("transition_in") or {}
            if tr.get("kind", "cut") != "cut":
                paint.paint_transition(p, xm, rect, clip.start, int(tr.get("duration_us", 0)),
                                       tr["kind"])
        elif kind in ("music", "voice", "audio"):
            peaks = self.media.peaks(clip.asset)
            t0 = seconds_from_us(clip.in_point)
            colour = theme.CLIP_COLORS.get(kind, theme.CLIP_COLORS["voice"])[1]
            inner = rect.adjusted(0, 16 if kind == "music" else 0, 0, 0)
            paint.paint_waveform(p, inner, visible, peaks, t0,
                                 t0 + seconds_from_us(clip.duration), colour)
            if kind == "music":
                paint.paint_beats(p, xm, rect, beats, bars)
                paint.paint_sections(p, xm, rect, sections,  # names clear of the fade handles
                                     paint.between_fade_handles(xm, rect, clip))
                label = ""
        elif kind == "captions":
            paint.paint_caption(p, rect, clip.cue.text if clip.cue else clip.name)
            label = ""
        if len(clip.takes) > 1:
            label = f"{label}  take {clip.selected + 1}/{len(clip.takes)}".strip()
        area, between = paint.label_area(xm, rect, kind, clip)  # clear of the fade handles
        paint.clip_label(p, area, label, between)
        if kind in ("music", "voice", "audio"):
            paint.paint_fades(p, xm, rect, clip)
        job = self.jobs.get(clip.id)
        if job is not None:
            paint.paint_job(p, rect, job.fraction, job.message or job.title)
