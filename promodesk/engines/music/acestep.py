"""ACE-Step engine: instrumental music for the copy from ACE-Step 1.5 (diffusers' ``AceStepPipeline``),
on the spec's own tempo, key and metre, so the storyboard's beat grid is the music's.

1. Load: the pipeline from a local folder (safetensors only, no remote code, no network).
2. Prompt: style, mood, energy and instruments of the spec as a caption; ``bpm``, ``keyscale`` and
   ``timesignature`` as the model's metadata; "[Instrumental]" as the lyrics.
3. Denoise with progress and cancel from ``callback_on_step_end``.
4. Decode, resample to 48 kHz stereo, master through the composer's loudness functions
   (-14 LUFS integrated, true peak <= -1 dBTP).
5. Check the grid: librosa's tempo of the result against the spec's; when the model drifted the
   grid is the one estimated from the audio (``beat_source`` says which).

``regenerate(..., bars=(a, b))`` repaints the seconds of those bars (``task_type="repaint"`` with
``repainting_start/end`` on the bar times), levels the new bars to the old ones and splices them in
with short crossfades inside the range: outside it the audio is sample-identical.

ACE-Step 1.5's weights are MIT licensed and its model card allows commercial use of the music.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from promodesk.core.timeline import SAMPLE_RATE, us_from_seconds
from promodesk.engines.base import (CancelToken, EngineInfo, GenerationError, Progress,
                                    no_progress)
from promodesk.engines.models import loading
from promodesk.engines.music.composer import MusicResult
from promodesk.engines.music.modelaudio import (bar_samples, beat_meta, from_48k, music_prompt,
                                               to_48k_stereo)

LICENCE = "MIT (ACE-Step 1.5 weights by ACE Studio and StepFun): commercial use allowed"
ENGINE_NAME = "acestep"
INSTRUMENTAL = "[Instrumental]"
# How far librosa's tempo may sit from the spec's before the grid is re-estimated from the audio
# (ratio; half and double tempo count as agreeing, as beat trackers often lock onto them).
TEMPO_TOLERANCE = 0.04
EDGE_S = 0.02      # fade into the new bars at the range's start: no click
FADE_S = 0.5       # crossfade back into the old audio before the range's end


def keyscale(spec: Any) -> str:
    """ACE-Step's ``keyscale`` for ``spec``: "D major", "A minor" (pentatonic plays as major)."""
    mode = str(getattr(spec, "mode", "major") or "major")
    return f"{getattr(spec, 'key', 'C')} {'minor' if mode == 'minor' else 'major'}"


class AceStepEngine:
    """ACE-Step as a music engine. ``model`` is a catalogue name or a model folder; ``steps`` the
    denoising steps (8 for the turbo weights), ``guidance`` the guidance scale (1.0: none, as the
    turbo weights expect), ``shift`` the flow-matching schedule's shift."""

    info = EngineInfo(name=ENGINE_NAME, kind="music", title="ACE-Step 1.5 (model)",
                      output_licence=LICENCE, commercial_use=True, model=True)

    def __init__(self, model: str | Path = "ace-step-1.5", device: str | None = None,
                 steps: int = 8, guidance: float = 1.0, shift: float = 3.0) -> None:
        self.model, self.prefer = model, device
        self.steps, self.guidance, self.shift = int(steps), float(guidance), float(shift)

    # -- 1. loading ------------------------------------------------------------------------------

    def folder(self) -> Path:
        """The model folder (checked: safetensors only, no code of its own); EngineUnavailable
        when missing."""
        return loading.model_folder(self.model)

    def availability(self) -> str | None:
        """None when the engine can run here, else what is missing and how to get it."""
        return loading.availability(self.folder, ("torch", "diffusers", "transformers"),
                                    "ACE-Step")

    def _load(self) -> loading.LoadedModel:
        from diffusers import AceStepPipeline

        return loading.load_pretrained(self.model, AceStepPipeline, prefer=self.prefer)

    # -- 2-3. prompt and denoising -----------------------------------------------------------------

    def _run(self, pipe, spec: Any, seconds: float, seed: int, progress: Progress,
             cancel: CancelToken, span: tuple[float, float], prompt: str, **task) -> np.ndarray:
        """One pipeline call: (channels, samples) float32 at the pipeline's rate."""
        import torch

        lo, hi = span

        def on_step(_pipe, step: int, _t, _kwargs):
            cancel.check()  # raising here stops the loop; nothing has been written
            progress(lo + (hi - lo) * (step + 1) / self.steps,
                     f"generating music: step {step + 1} of {self.steps}")
            return {}

        generator = torch.Generator(device="cpu").manual_seed(int(seed))
        with torch.inference_mode():
            out = pipe(prompt=music_prompt(spec, prompt), lyrics=INSTRUMENTAL,
                       audio_duration=float(seconds), num_inference_steps=self.steps,
                       guidance_scale=self.guidance, shift=self.shift, generator=generator,
                       bpm=int(round(float(spec.bpm))), keyscale=keyscale(spec),
                       timesignature=str(int(getattr(spec, "beats_per_bar", 4) or 4)),
                       callback_on_step_end=on_step, output_type="np", **task)
        return np.asarray(out.audios[0], dtype=np.float32)

    # -- generation ------------------------------------------------------------------------------

    def generate(self, spec: Any, progress: Progress = no_progress,
                 cancel: CancelToken | None = None, prompt: str = "") -> MusicResult:
        """Music for ``spec`` (its ``seconds``, ``seed``, style, mood, tempo, key): a MusicResult
        of float32 (n, 2) at 48 kHz, exactly ``spec.seconds`` long, mastered to -14 LUFS, with
        the spec's beat grid (or one estimated from the audio where the model drifted)."""
        from promodesk.engines.models.device import MODELS, with_memory_retry

        cancel = cancel or CancelToken()
        seconds = float(getattr(spec, "seconds", 0) or 0)
        if seconds <= 0:
            raise GenerationError("The music needs a length above zero seconds.")
        seed = int(getattr(spec, "seed", 0) or 0)
        progress(0.0, "loading ACE-Step")
        loaded = self._load()
        pipe = loaded.net
        raw = with_memory_retry(
            lambda _: self._run(pipe, spec, seconds, seed, progress, cancel, (0.05, 0.85), prompt),
            [None], "ACE-Step", on_oom=lambda: MODELS.release_others(loaded.key))
        cancel.check()
        progress(0.88, "mastering")
        audio, loudness = _master(to_48k_stereo(raw, pipe.sample_rate, seconds, headroom=None))
        progress(0.94, "checking the beat")
        meta = grid_meta(audio, spec)
        meta.update(seconds=seconds, duration_us=us_from_seconds(seconds), seed=seed,
                    style=getattr(spec, "style", ""), engine=ENGINE_NAME,
                    model=str(self.model), prompt=prompt, licence=LICENCE, commercial_use=True,
                    mix={"loudness": loudness.to_dict()})
        if hasattr(spec, "to_dict"):
            meta["spec"] = spec.to_dict()
        progress(1.0, "music ready")
        return MusicResult(audio=audio, sample_rate=SAMPLE_RATE, meta=meta)

    # -- bar-range regeneration --------------------------------------------------------------------

    def regenerate(self, spec: Any, bars: tuple[int, int], seed: int,
                   progress: Progress = no_progress, cancel: CancelToken | None = None,
                   original: MusicResult | None = None, prompt: str = "") -> MusicResult:
        """``original`` (made again from ``spec`` when None) with bars ``a``..``b - 1`` (zero-based,
        of ``original.meta["downbeats_us"]``) repainted with ``seed``. Same length; outside the
        range sample-identical."""
        from promodesk.engines.models.device import MODELS, with_memory_retry

        cancel = cancel or CancelToken()
        previous = original if original is not None else self.generate(spec, cancel=cancel,
                                                                         prompt=prompt)
        n = previous.audio.shape[0]
        s0, s1 = bar_samples(previous.meta, bars, n)
        progress(0.0, "loading ACE-Step")
        loaded = self._load()
        pipe = loaded.net
        seconds = n / SAMPLE_RATE
        src = from_48k(previous.audio, pipe.sample_rate)
        import torch

        raw = with_memory_retry(
            lambda _: self._run(pipe, spec, seconds, seed, progress, cancel, (0.05, 0.9),
                                prompt, task_type="repaint", src_audio=torch.from_numpy(src),
                                repainting_start=s0 / SAMPLE_RATE,
                                repainting_end=s1 / SAMPLE_RATE),
            [None], "ACE-Step", on_oom=lambda: MODELS.release_others(loaded.key))
        cancel.check()
        fresh = to_48k_stereo(raw, pipe.sample_rate, seconds, headroom=None)
        audio = splice(previous.audio, fresh, s0, s1)
        meta = dict(previous.meta, seed=seed, regenerated_bars=list(bars), model=str(self.model),
                    licence=LICENCE if previous.meta.get("commercial_use", True) else
                    previous.meta.get("licence", LICENCE))
        if previous.meta.get("engine") not in (None, ENGINE_NAME):
            meta["engine"] = f"{previous.meta['engine']}+{ENGINE_NAME}"
        progress(1.0, "music ready")
        return MusicResult(audio=audio, sample_rate=SAMPLE_RATE, meta=meta)


def splice(old: np.ndarray, new: np.ndarray, s0: int, s1: int) -> np.ndarray:
    """``old`` (n, 2) with samples ``s0..s1`` taken from ``new`` (same shape), levelled to ``old``
    by the energy outside the range (the pipeline peak-normalises its whole output), faded in over
    ``EDGE_S`` and crossfaded back over ``FADE_S`` inside the range. Outside it, ``old`` exactly."""
    out = old.copy()
    keep = np.ones(len(old), bool)
    keep[s0:s1] = False
    e_old = float(np.mean(old[keep] ** 2)) if keep.any() else 0.0
    e_new = float(np.mean(new[keep] ** 2)) if keep.any() else 0.0
    gain = np.sqrt(e_old / e_new) if e_old > 0 and e_new > 0 else 1.0
    part = new[s0:s1] * np.float32(np.clip(gain, 10 ** (-24 / 20), 10 ** (24 / 20)))
    span = s1 - s0
    edge = min(int(EDGE_S * SAMPLE_RATE), span // 4)
    fade = min(int(FADE_S * SAMPLE_RATE), span // 4)
    if edge:
        w = _ramp(edge)
        part[:edge] = old[s0:s0 + edge] * (1 - w) + part[:edge] * w
    if fade and s1 < len(old):
        w = _ramp(fade)
        part[span - fade:] = part[span - fade:] * (1 - w) + old[s1 - fade:s1] * w
    out[s0:s1] = part
    return out


def _ramp(n: int) -> np.ndarray:
    """Raised-cosine 0 -> 1 over ``n`` samples, shaped (n, 1) for stereo."""
    t = np.linspace(0.0, 1.0, n, dtype=np.float32)
    return ((1.0 - np.cos(np.pi * t)) / 2.0)[:, None]


def _master(audio: np.ndarray):
    """(audio at -14 LUFS, true peak <= -1 dBTP; the LoudnessSettings that did it). A 20 Hz
    high-pass first: a generated waveform can carry a DC offset or rumble that costs headroom
    the loudness never gets back (K-weighting ignores it; the limiter does not)."""
    from scipy.signal import butter, sosfiltfilt

    from promodesk.engines.music.mastering import LoudnessSettings, fit_loudness, integrated_lufs

    sos = butter(2, 20.0, btype="highpass", fs=SAMPLE_RATE, output="sos")
    clean = sosfiltfilt(sos, audio.astype(np.float64), axis=0).astype(np.float32)
    mastered, settings = fit_loudness(clean, SAMPLE_RATE, -14.0, -1.0)
    # fit_loudness estimates the limiter's loss from plain energy; on dense, bright material the
    # K-weighted result can land above the target. Turning down is always peak-safe.
    over = integrated_lufs(mastered, SAMPLE_RATE) + 14.0
    if over > 0.2:
        mastered *= np.float32(10.0 ** (-over / 20.0))
        settings = LoudnessSettings(settings.gain_db, settings.ceiling_db, settings.trim_db - over)
    return mastered, settings


def grid_meta(audio: np.ndarray, spec: Any) -> dict:
    """The beat grid meta of ``audio`` (float32 (n, 2) at 48 kHz) made for ``spec``: the spec's
    exact grid when librosa's tempo of the audio agrees with the spec's bpm within
    ``TEMPO_TOLERANCE`` (half or double tempo included), else the grid estimated from the audio.
    ``beat_source`` is "spec" or "estimated"; ``measured_bpm`` is librosa's figure."""
    import librosa


    spec_bpm = float(spec.bpm)
    tempo = librosa.feature.tempo(y=audio.mean(axis=1), sr=SAMPLE_RATE, start_bpm=spec_bpm)
    measured = float(np.atleast_1d(tempo)[0]) if np.size(tempo) else 0.0
    agrees = measured > 0 and any(abs(measured * k / spec_bpm - 1.0) <= TEMPO_TOLERANCE
                                  for k in (0.5, 1.0, 2.0))
    meta = spec_grid_meta(spec) if agrees else beat_meta(audio, spec)
    meta.update(beat_source="spec" if agrees else "estimated", measured_bpm=round(measured, 2),
                bpm=spec_bpm if agrees else meta["bpm"], key=getattr(spec, "key", ""),
                mode=getattr(spec, "mode", ""))
    return meta


def spec_grid_meta(spec: Any) -> dict:
    """The spec's exact grid (core ``BeatGrid.from_spec``, the grid the planner cut on) in a music
    asset's meta shape, with its tempo and metre."""
    from promodesk.core.beats import BeatGrid

    meta = BeatGrid.from_spec(spec).to_meta()
    meta.update(bpm=float(spec.bpm), time_signature=[int(spec.beats_per_bar),
                                                     int(getattr(spec, "beat_unit", 4) or 4)])
    return meta
