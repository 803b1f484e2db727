"""MusicGen engine: music from a text prompt built from the brief's style, mood and tempo, with
Meta's MusicGen (transformers ``MusicgenForConditionalGeneration``).

- Lengths past one window (~30 s) are generated in overlapping windows: each window is prompted
  with the end of the audio so far (MusicGen's audio continuation) and joined with a crossfade.
- ``regenerate(..., bars=(a, b))`` continues from the audio before bar ``a`` and crossfades back
  into the old audio inside the range, so everything outside the range stays sample-identical.
- The beat grid is estimated from the result with librosa so snapping works.
- Progress and cancel: in transformers 5.x MusicGen's text-to-music ``generate`` calls the streamer
  only once, with the prompt; the logits processors run once per generated step, so a processor
  reports progress and raises :class:`Cancelled`. Stopping criteria cannot be used: stopping
  early leaves the codebooks' delay pattern ragged and the final reshape fails.

The weights (facebook/musicgen-*) are CC-BY-NC 4.0: what this engine makes is not for sale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from promodesk.core.timeline import SAMPLE_RATE
from promodesk.engines.base import (CancelToken, EngineInfo, GenerationError,
                                    Progress, no_progress)
from promodesk.engines.models import loading
from promodesk.engines.models.device import MODELS, with_memory_retry
from promodesk.engines.music.composer import MusicResult

LICENCE = "CC-BY-NC 4.0 (MusicGen weights by Meta): non-commercial use only"

# General MIDI program families -> words MusicGen's text encoder knows.
_GM_FAMILIES = ["piano", "chromatic percussion", "organ", "guitar", "bass", "strings",
                "strings ensemble", "brass", "saxophone", "flute", "synth lead", "synth pad",
                "synth effects", "ethnic instruments", "percussion", "sound effects"]


def music_prompt(spec: Any, extra: str = "") -> str:
    """The English text prompt for ``spec`` (a MusicSpec, or anything with style / bpm / key /
    mode / instruments / mood attributes): style, mood, instruments, key and tempo."""
    parts = []
    style = str(getattr(spec, "style", "") or "").replace("_", " ")
    mood = getattr(spec, "mood", None) or getattr(spec, "moods", None)
    if isinstance(mood, (list, tuple)):
        mood = ", ".join(str(m) for m in mood)
    energy = getattr(spec, "energy", None)
    if isinstance(energy, (int, float)):
        parts.append("energetic" if energy > 0.66 else "relaxed" if energy < 0.33 else "steady")
    if mood and str(mood) not in ("neutral", *style.split()):
        parts.append(str(mood))
    parts.append(f"{style} background music for a product video" if style
                 else "background music for a product video")
    instruments = getattr(spec, "instruments", None) or {}
    names = []
    for role, program in dict(instruments).items():
        name = "drums" if "drum" in str(role) else _GM_FAMILIES[int(program) // 8 % 16]
        if name not in names:
            names.append(name)
    if names:
        parts.append("with " + ", ".join(names))
    key, mode = getattr(spec, "key", None), getattr(spec, "mode", None)
    if key:
        parts.append(f"in {key} {mode or ''}".strip())
    bpm = getattr(spec, "bpm", None)
    if bpm:
        parts.append(f"{float(bpm):.0f} bpm")
    if extra:
        parts.append(extra)
    return ", ".join(parts)


class _StepReporter:
    """A logits processor: called once per generated step, it reports progress and raises
    Cancelled when asked to. It leaves the scores untouched."""

    def __init__(self, total_steps: int, progress: Progress, cancel: CancelToken,
                 span: tuple[float, float] = (0.05, 0.9)) -> None:
        self.total, self.progress, self.cancel, self.span = max(1, total_steps), progress, cancel, span
        self.done = 0

    def __call__(self, input_ids, scores):
        self.cancel.check()
        self.done += 1
        if self.done % 5 == 0 or self.done == self.total:
            lo, hi = self.span
            self.progress(lo + (hi - lo) * min(1.0, self.done / self.total),
                          f"generating music: step {self.done} of {self.total}")
        return scores


class MusicGenEngine:
    """MusicGen as a music engine. ``model`` is a catalogue name ("musicgen-small") or a model
    folder; ``window_s`` the longest single generation, ``context_s`` how much of the audio so
    far prompts the next window, ``guidance`` the classifier-free guidance scale."""

    info = EngineInfo(name="musicgen", kind="music", title="MusicGen (model)",
                      output_licence=LICENCE, commercial_use=False, model=True)

    def __init__(self, model: str | Path = "musicgen-small", device: str | None = None,
                 window_s: float = 30.0, context_s: float = 10.0, crossfade_s: float = 1.0,
                 guidance: float = 3.0) -> None:
        if not 0 < crossfade_s <= context_s < window_s:
            raise ValueError("need 0 < crossfade_s <= context_s < window_s")
        self.model, self.prefer = model, device
        self.window_s, self.context_s, self.crossfade_s = window_s, context_s, crossfade_s
        self.guidance = guidance

    # -- loading ---------------------------------------------------------------------------------

    def folder(self) -> Path:
        """The model folder (checked safe to load); EngineUnavailable when missing."""
        return loading.model_folder(self.model)

    def availability(self) -> str | None:
        """None when the engine can run here, else what is missing and how to get it."""
        return loading.availability(self.folder, ("torch", "transformers"), "MusicGen")

    def _load(self) -> loading.LoadedModel:
        from transformers import AutoProcessor, MusicgenForConditionalGeneration

        return loading.load_pretrained(self.model, MusicgenForConditionalGeneration,
                                       AutoProcessor, prefer=self.prefer)

    # -- generation ------------------------------------------------------------------------------

    def generate(self, spec: Any, progress: Progress = no_progress,
                 cancel: CancelToken | None = None, prompt: str = "") -> MusicResult:
        """Music for ``spec`` (its ``seconds``, ``seed``, style, mood, tempo): a MusicResult of
        float32 stereo at 48 kHz, exactly ``spec.seconds`` long, with an estimated beat grid."""
        cancel = cancel or CancelToken()
        seconds = float(getattr(spec, "seconds", 0) or getattr(spec, "requested_seconds", 0))
        if seconds <= 0:
            raise GenerationError("The music needs a length above zero seconds.")
        text = music_prompt(spec, prompt)
        seed = int(getattr(spec, "seed", 0) or 0)
        progress(0.0, "loading MusicGen")
        loaded = self._load()
        sr = int(loaded.net.config.audio_encoder.sampling_rate)

        def job(shrink: float):
            return self._long(loaded, text, seconds, seed, shrink, progress, cancel)

        # On out-of-memory: drop the other cached models, then retry with half-length windows.
        audio = with_memory_retry(job, [1.0, 0.5], "MusicGen",
                                  on_oom=lambda: MODELS.release_others(loaded.key))
        cancel.check()
        progress(0.92, "finding the beat")
        result = self._result(audio, sr, seconds, spec, text, seed)
        progress(1.0, "music ready")
        return result

    def _windows(self, seconds: float, shrink: float,
                 continues: bool = False) -> list[tuple[float, float]]:
        """(context seconds, new seconds) per window; the first window has no context unless it
        ``continues`` earlier audio. Context plus new audio never exceeds one window."""
        window = max(self.context_s + self.crossfade_s * 2, self.window_s * shrink)
        first = min(seconds, window - self.context_s if continues else window)
        plan, have = [(self.context_s if continues else 0.0, first)], first
        while have < seconds - 1e-6:
            new = min(window - self.context_s, seconds - have + self.crossfade_s)
            plan.append((self.context_s, new))
            have += new - self.crossfade_s
        return plan

    def _long(self, loaded: loading.LoadedModel, text: str, seconds: float, seed: int,
              shrink: float, progress: Progress, cancel: CancelToken,
              start_with: np.ndarray | None = None) -> np.ndarray:
        """Model-rate audio (channels, samples) of ``seconds``; with ``start_with`` (model-rate
        audio) the first window continues from it and the result excludes it."""
        import torch

        net = loaded.net
        sr = int(net.config.audio_encoder.sampling_rate)
        rate = float(net.config.audio_encoder.frame_rate)
        hop = int(round(sr / rate))  # samples per codec frame: contexts are whole frames
        delay = int(net.decoder.num_codebooks // net.config.decoder.audio_channels) - 1
        plan = self._windows(seconds, shrink, continues=start_with is not None)
        steps = [int(np.ceil(new * rate)) + delay + 1 for _, new in plan]
        reporter = _StepReporter(sum(steps), progress, cancel)
        torch.manual_seed(seed)
        fade = int(self.crossfade_s * sr)
        out: np.ndarray | None = None
        for i, ((context_s, new_s), n_steps) in enumerate(zip(plan, steps)):
            source = start_with if out is None else out
            frames = min(int(context_s * rate), 0 if source is None else source.shape[1] // hop)
            context = source[:, source.shape[1] - frames * hop:] if frames else None
            piece = self._one(loaded, text, context, n_steps, reporter)
            if out is None:
                skip = 0 if context is None else context.shape[1]
                out = piece[:, skip:skip + int(round(new_s * sr))]
            else:
                out = join_window(out, piece, frames * hop, fade, int(round(new_s * sr)))
        total = int(round(seconds * sr))
        if out.shape[1] < total:  # the codec rounds to whole frames
            out = np.pad(out, ((0, 0), (0, total - out.shape[1])))
        return out[:, :total]

    def _one(self, loaded: loading.LoadedModel, text, context, n_steps, reporter) -> np.ndarray:
        """One window: (channels, samples) float32 at the model's rate, including the context."""
        import torch
        from transformers import LogitsProcessorList

        net, processor, device = loaded.net, loaded.processor, loaded.device
        sr = int(net.config.audio_encoder.sampling_rate)
        kwargs = dict(text=[text], padding=True, return_tensors="pt")
        if context is not None:
            audio = context if net.config.decoder.audio_channels == 2 else context.mean(axis=0)
            kwargs.update(audio=[audio.astype(np.float32)], sampling_rate=sr)
        inputs = processor(**kwargs)
        inputs = {k: (v.to(device.torch_device(), dtype=device.torch_dtype())
                      if k == "input_values" else v.to(device.torch_device()))
                  for k, v in inputs.items()}
        with torch.inference_mode():
            values = net.generate(**inputs, do_sample=True, guidance_scale=self.guidance,
                                  max_new_tokens=n_steps,
                                  logits_processor=LogitsProcessorList([reporter]))
        return values[0].float().cpu().numpy()

    def _result(self, audio: np.ndarray, sr: int, seconds: float, spec: Any, text: str,
                seed: int) -> MusicResult:
        stereo = _to_48k_stereo(audio, sr, seconds)
        meta = beat_meta(stereo, spec)
        meta.update(seconds=seconds, seed=seed, engine="musicgen", prompt=text,
                    model=str(self.model), licence=LICENCE, commercial_use=False)
        if hasattr(spec, "to_dict"):
            meta["spec"] = spec.to_dict()
        return MusicResult(audio=stereo, sample_rate=SAMPLE_RATE, meta=meta)

    # -- bar-range regeneration --------------------------------------------------------------------

    def regenerate(self, spec: Any, bars: tuple[int, int], seed: int,
                   progress: Progress = no_progress, cancel: CancelToken | None = None,
                   original: MusicResult | None = None, prompt: str = "") -> MusicResult:
        """``original`` (made again from ``spec`` when None: same seed, same music) with bars
        ``a``..``b - 1`` (zero-based, of ``original.meta["downbeats_us"]``) made anew with
        ``seed``: it continues from the audio before bar ``a`` and fades back into the old audio
        inside the range. Same length; outside the range sample-identical."""
        cancel = cancel or CancelToken()
        previous = original if original is not None else self.generate(spec, cancel=cancel,
                                                                         prompt=prompt)
        downbeats = list(previous.meta.get("downbeats_us") or [])
        n = previous.audio.shape[0]
        a, b = bars
        if not downbeats or not 0 <= a < b:
            raise GenerationError("Choose a bar range inside the music to regenerate.")
        s0 = _us_to_sample(downbeats[a]) if a < len(downbeats) else n
        s1 = _us_to_sample(downbeats[b]) if b < len(downbeats) else n
        if s0 >= n:
            raise GenerationError("That bar range starts after the end of the music.")
        progress(0.0, "loading MusicGen")
        loaded = self._load()
        sr = int(loaded.net.config.audio_encoder.sampling_rate)
        before = _from_48k(previous.audio[max(0, s0 - int(self.context_s * SAMPLE_RATE)):s0], sr)
        length = (s1 - s0) / SAMPLE_RATE
        text = music_prompt(spec, prompt)

        def job(shrink: float):
            return self._long(loaded, text, length, seed, shrink, progress, cancel,
                              start_with=before if before.shape[1] else None)

        fresh = with_memory_retry(job, [1.0, 0.5], "MusicGen",
                                  on_oom=lambda: MODELS.release_others(loaded.key))
        new = _to_48k_stereo(fresh, sr, length)
        old = previous.audio[s0:s1]
        fade = min(int(self.crossfade_s * SAMPLE_RATE), len(old) // 4)
        edge = min(int(0.02 * SAMPLE_RATE), len(old) // 4)  # a short fade in: no click at a
        new[:edge] = _crossfade(old[:edge].T, new[:edge].T).T
        if s1 < n:
            new[len(new) - fade:] = _crossfade(new[len(new) - fade:].T, old[len(old) - fade:].T).T
        audio = previous.audio.copy()
        audio[s0:s1] = new
        # bars from MusicGen carry its weights' licence, whatever made the rest of the piece
        meta = dict(previous.meta, seed=seed, regenerated_bars=[a, b], prompt=text,
                    model=str(self.model), licence=LICENCE, commercial_use=False)
        if previous.meta.get("engine") not in (None, "musicgen"):
            meta["engine"] = f"{previous.meta['engine']}+musicgen"
        progress(1.0, "music ready")
        return MusicResult(audio=audio, sample_rate=SAMPLE_RATE, meta=meta)


def join_window(before: np.ndarray, piece: np.ndarray, context: int, fade: int,
                new: int) -> np.ndarray:
    """``before`` (channels, samples) continued by ``piece``, a window that starts with a
    re-decoded copy of the last ``context`` samples of ``before``: the last ``fade`` samples of
    ``before`` crossfade into the same stretch of ``piece``, then ``piece`` runs on, ``new``
    samples from the crossfade's start."""
    start = context - fade
    tail = piece[:, start:start + new]
    joined_at = before.shape[1] - fade
    return np.concatenate([before[:, :joined_at], _crossfade(before[:, joined_at:], tail[:, :fade]),
                           tail[:, fade:]], axis=1)


def _crossfade(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Raised-cosine crossfade from ``a`` to ``b`` (channels, samples) of the same length. The
    gains sum to one, so copies of the same music (a window's re-decoded context, or old and new
    bars sharing tempo, key and level) pass through without a bump."""
    t = np.linspace(0.0, 1.0, a.shape[-1], dtype=np.float32)
    fade_in = (1.0 - np.cos(np.pi * t)) / 2.0
    return (a * (1.0 - fade_in) + b * fade_in).astype(np.float32)


def _us_to_sample(us: int) -> int:
    return int(us) * SAMPLE_RATE // 1_000_000


def _to_48k_stereo(audio: np.ndarray, sr: int, seconds: float) -> np.ndarray:
    """(channels, samples) at ``sr`` -> float32 (n, 2) at 48 kHz, exactly ``seconds`` long."""
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(SAMPLE_RATE, sr)
    out = resample_poly(audio.astype(np.float64), SAMPLE_RATE // g, sr // g, axis=1,
                        padtype="line")  # no edge ramp, even with a DC offset
    out = np.repeat(out, 2, axis=0) if out.shape[0] == 1 else out[:2]
    n = int(round(seconds * SAMPLE_RATE))
    out = np.pad(out, ((0, 0), (0, max(0, n - out.shape[1]))))[:, :n].T
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    if peak > 0.89:  # keep headroom; loudness is set in the final mix
        out = out * (0.89 / peak)
    return np.ascontiguousarray(out, dtype=np.float32)


def _from_48k(audio: np.ndarray, sr: int) -> np.ndarray:
    """float32 (n, 2) at 48 kHz -> (2, samples) at the model's rate ``sr``."""
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(SAMPLE_RATE, sr)
    return resample_poly(audio.T.astype(np.float64), sr // g, SAMPLE_RATE // g,
                         axis=1, padtype="line").astype(np.float32)


def beat_meta(audio: np.ndarray, spec: Any) -> dict:
    """Beat grid of ``audio`` (float32 (n, 2) at 48 kHz) estimated with librosa, in the contract's
    meta shape (bpm, beats_us, downbeats_us, sections, time signature). Where librosa finds no
    steady beat the spec's tempo lays the grid."""
    import librosa

    beats_per_bar = int(getattr(spec, "beats_per_bar", 4) or 4)
    beat_unit = int(getattr(spec, "beat_unit", 4) or 4)
    spec_bpm = float(getattr(spec, "bpm", 0) or 120.0)
    seconds = audio.shape[0] / SAMPLE_RATE
    mono = audio.mean(axis=1)
    tempo, beats = librosa.beat.beat_track(y=mono, sr=SAMPLE_RATE, start_bpm=spec_bpm,
                                           units="time", hop_length=512)
    tempo = float(np.atleast_1d(tempo)[0]) if np.size(tempo) else 0.0
    source = "estimated"
    if len(beats) < 4 or not 40 <= tempo <= 240:
        step = 60.0 / spec_bpm
        beats, tempo, source = np.arange(0.0, seconds, step), spec_bpm, "spec"
    beats_us = [int(round(t * 1_000_000)) for t in beats]
    downbeats_us = beats_us[::beats_per_bar]
    sections = []
    bar_us = [*downbeats_us, int(round(seconds * 1_000_000))]
    for sec in getattr(spec, "sections", None) or []:
        start, count = int(sec["start_bar"]), int(sec["bars"])
        if start >= len(downbeats_us):
            break
        end = bar_us[min(start + count, len(bar_us) - 1)]
        sections.append({"name": sec["name"], "start_us": bar_us[start], "end_us": end,
                         "start_bar": start, "bars": count})
    return {"bpm": round(tempo, 2), "key": getattr(spec, "key", ""),
            "mode": getattr(spec, "mode", ""), "time_signature": [beats_per_bar, beat_unit],
            "beats_us": beats_us, "downbeats_us": downbeats_us, "sections": sections,
            "beat_source": source}
