"""The transport: play/pause, J/K/L shuttle, frame steps, Home/End, loop, and keeping the
playhead, the preview frame and the sound together while playing.

The audio mix of the current project is made by ``render.mix.mix_project`` in a job when playback
first needs it (and again after a change of the document); playback is silent until it is ready.
Opening another project stops playback.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from promodesk.app.jobs import Job
from promodesk.app.tasks import mix_for_playback
from promodesk.app.playback import Playback
from promodesk.core.document import Change
from promodesk.core.timeline import frame_at, frame_start

SHUTTLE = (1.0, 2.0, 4.0, 8.0)


class Transport(QObject):
    """Drives playback for a main window (its timeline, preview, frame source and jobs)."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.playback = Playback(self)
        self.playback.audio_status.connect(window.set_audio_status)
        self.timer = QTimer(self)
        self.timer.setInterval(15)
        self.timer.timeout.connect(self._tick)
        self._ticking = False
        self._rev = 0  # counts the document's changes: a mix of an older one is stale
        self._mix_rev = -1
        self._mix_job: Job | None = None
        window.timeline.playhead_changed.connect(self._playhead_moved)
        window.preview.play_button.clicked.connect(self.toggle)
        window.document.events.changed.connect(self._document_changed)

    # --- commands -----------------------------------------------------------------------------

    def toggle(self) -> None:
        """Space: play from the playhead, or pause."""
        if self.playback.playing:
            self.pause()
        else:
            self.play(1.0)

    def play(self, rate: float) -> None:
        start = self.w.timeline.playhead
        if rate > 0 and start >= self.w.project.duration:
            start = 0
        self._ensure_mix()
        self.playback.play(start, rate)
        self.timer.start()
        self.w.preview.show_playing(True)

    def pause(self) -> None:
        pos = self.playback.pause()
        self.timer.stop()
        self.w.preview.show_playing(False)
        self._set(pos)

    def shuttle(self, direction: int) -> None:
        """J (-1) / L (+1): play that way, faster on each press; K (0) stops."""
        if direction == 0:
            self.pause()
            return
        rate = self.playback.rate
        if rate == 0 or (rate > 0) != (direction > 0):
            speed = SHUTTLE[0]
        else:
            speed = next((s for s in SHUTTLE if s > abs(rate)), SHUTTLE[-1])
        self.play(direction * speed)

    def step(self, frames: int) -> None:
        """Left/Right: one frame back or on (pauses)."""
        if self.playback.playing:
            self.pause()
        fps = self.w.project.fps
        self._set(frame_start(max(frame_at(self.w.timeline.playhead, fps) + frames, 0), fps))

    def home(self) -> None:
        self._set(0)

    def end(self) -> None:
        self._set(max(self.w.project.duration - frame_start(1, self.w.project.fps), 0))

    # --- clock --------------------------------------------------------------------------------

    def _set(self, us: int) -> None:
        self.w.timeline.set_playhead(us, follow=True)
        self.playback.seek(us)
        self._show(us, ahead=False)

    def _show(self, us: int, ahead: bool) -> None:
        self.w.preview.show_time(us, self.w.project.duration)
        self.w.frames.show(us, ahead=ahead)

    def _tick(self) -> None:
        pos = self.playback.position()
        length = self.w.project.duration
        if self.playback.rate > 0 and pos >= length:
            if self.w.preview.loop.isChecked() and length > 0:
                self.playback.play(0, self.playback.rate)
                pos = 0
            else:
                self.pause()
                self._set(length)
                return
        elif self.playback.rate < 0 and pos <= 0:
            self.pause()
            return
        self._ticking = True
        try:
            self.w.timeline.set_playhead(pos, follow=True)
        finally:
            self._ticking = False
        self._show(pos, ahead=True)

    def _playhead_moved(self, us: int) -> None:
        if self._ticking:
            return
        if self.playback.playing:
            self.playback.seek(us)
        self._show(us, ahead=False)

    # --- audio mix ----------------------------------------------------------------------------

    def _document_changed(self, change: Change) -> None:
        """After a change the mix is stale; the next play (or this one) makes a new one."""
        self._rev += 1
        if change.kind == "project":  # another project: stop, and never play the old one's sound
            if self.playback.playing:
                self.playback.pause()
                self.timer.stop()
                self.w.preview.show_playing(False)
            self.playback.set_audio(None)
        if self.playback.playing and self.playback.rate == 1.0:
            self._ensure_mix()

    def _ensure_mix(self) -> None:
        rev = self._rev
        if self._mix_rev == rev or self.w.folder is None or self.w.project.duration <= 0:
            return
        if self._mix_job is not None and self._mix_job.active:
            self._mix_job.cancel()
        self._mix_rev = rev
        job = Job("Audio mix", mix_for_playback, (self.w.project.copy(), self.w.folder), lane="cpu")
        job.succeeded.connect(lambda audio, r=rev: self._mixed(r, audio))
        job.failed.connect(lambda msg: self.w.set_audio_status(f"Playing silent: {msg}"))
        self._mix_job = job
        self.w.jobs.submit(job)

    def _mixed(self, rev: int, audio) -> None:
        if rev == self._rev:
            self.playback.set_audio(audio)
