"""Playback: the transport's clock, driven by the sound card when there is one.

With audio, the clock is the number of samples the output stream has consumed (sounddevice's
callback), so picture follows sound. Without PortAudio or an output device, or while shuttling at
another speed than 1x, playback runs silent on a wall clock and ``audio_status`` says why.
``sounddevice`` is imported only when playback first starts.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from promodesk.core.timeline import SAMPLE_RATE, sample_at, us_from_samples, us_from_seconds


class Playback(QObject):
    """Transport state: ``rate`` (0 paused, 1 play, +-2/4 shuttle), the clock, and the audio out.

    ``set_audio(samples)`` hands it the project's mix (float32 (n, 2) at 48 kHz) when a mix job
    finishes; until then playback is silent. ``audio_status`` (signal) carries a status-bar text."""

    audio_status = Signal(str)
    state_changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rate = 0.0
        self._origin_us = 0
        self._origin_wall = 0.0
        self._audio: np.ndarray | None = None
        self._stream = None
        self._frames_played = 0
        self._lock = threading.Lock()
        self.audio_problem: str | None = None
        self.length_us = 0

    @property
    def playing(self) -> bool:
        return self.rate != 0

    def set_audio(self, samples: np.ndarray | None) -> None:
        """Use ``samples`` (or nothing) as the sound; restarts the stream if playing at 1x."""
        pos = self.position()
        self._stop_stream()
        self._audio = samples
        if self.rate == 1.0:
            self._start(pos, 1.0)

    def position(self) -> int:
        """Current playback time in microseconds."""
        if self.rate == 0:
            return self._origin_us
        if self._stream is not None:
            with self._lock:
                frames = self._frames_played
            pos = self._origin_us + us_from_samples(frames)
        else:
            elapsed = (time.monotonic() - self._origin_wall) * self.rate
            pos = self._origin_us + us_from_seconds(elapsed)
        return max(pos, 0)

    def play(self, from_us: int, rate: float = 1.0) -> None:
        """Start (or change speed) from ``from_us`` microseconds at ``rate``."""
        self._stop_stream()
        self._start(from_us, rate)
        self.state_changed.emit()

    def pause(self) -> int:
        """Stop; returns the time it stopped at (microseconds)."""
        pos = self.position()
        self._stop_stream()
        self.rate, self._origin_us = 0.0, pos
        self.state_changed.emit()
        return pos

    def seek(self, us: int) -> None:
        """Jump to ``us``, keeping the current speed."""
        if self.rate == 0:
            self._origin_us = max(int(us), 0)
        else:
            self.play(us, self.rate)

    def _start(self, from_us: int, rate: float) -> None:
        self.rate, self._origin_us, self._origin_wall = rate, max(int(from_us), 0), time.monotonic()
        if rate != 1.0:
            self.audio_status.emit(f"Shuttle {rate:+g}x: silent")
            return
        if self._audio is None:
            self.audio_status.emit("Playing silent: the audio mix is not ready yet")
            return
        problem = self._open_stream()
        self.audio_status.emit(f"Playing silent: {problem}" if problem else "Audio: playing")

    def _open_stream(self) -> str | None:
        try:
            import sounddevice as sd
        except OSError as err:  # PortAudio missing
            return f"no PortAudio library ({err}); install libportaudio2"
        try:
            device = sd.query_devices(kind="output")
        except (sd.PortAudioError, ValueError):
            return "no audio output device"
        if not device:
            return "no audio output device"
        start = sample_at(self._origin_us)
        audio = self._audio
        self._frames_played = 0

        def callback(out, frames, _time, _status):
            with self._lock:
                a = start + self._frames_played
                chunk = audio[a:a + frames]
                self._frames_played += frames
            out[:len(chunk)] = chunk
            out[len(chunk):] = 0

        try:
            self._stream = sd.OutputStream(samplerate=SAMPLE_RATE, channels=2, dtype="float32",
                                           callback=callback)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as err:
            self._stream = None
            return f"the audio device could not be opened ({err})"
        return None

    def _stop_stream(self) -> None:
        if self._stream is not None:
            pos = self.position()
            try:
                self._stream.stop()
                self._stream.close()
            finally:
                self._stream = None
            self._origin_us, self._origin_wall = pos, time.monotonic()
