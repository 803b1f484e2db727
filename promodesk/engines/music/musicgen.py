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
from promodesk.engines.music.modelaudio import (bar_samples, beat_meta, from_48k, music_prompt,
                                               to_48k_stereo)

LICENCE = "CC-BY-NC 4.0 (MusicGen weights by Meta): non-commercial use only"

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
        stereo = to_48k_stereo(audio, sr, seconds)
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
        n = previous.audio.shape[0]
        s0, s1 = bar_samples(previous.meta, bars, n)
        progress(0.0, "loading MusicGen")
        loaded = self._load()
        sr = int(loaded.net.config.audio_encoder.sampling_rate)
        before = from_48k(previous.audio[max(0, s0 - int(self.context_s * SAMPLE_RATE)):s0], sr)
        length = (s1 - s0) / SAMPLE_RATE
        text = music_prompt(spec, prompt)

        def job(shrink: float):
            return self._long(loaded, text, length, seed, shrink, progress, cancel,
                              start_with=before if before.shape[1] else None)

        fresh = with_memory_retry(job, [1.0, 0.5], "MusicGen",
                                  on_oom=lambda: MODELS.release_others(loaded.key))
        new = to_48k_stereo(fresh, sr, length)
        old = previous.audio[s0:s1]
        fade = min(int(self.crossfade_s * SAMPLE_RATE), len(old) // 4)
        edge = min(int(0.02 * SAMPLE_RATE), len(old) // 4)  # a short fade in: no click at a
        new[:edge] = _crossfade(old[:edge].T, new[:edge].T).T
        if s1 < n:
            new[len(new) - fade:] = _crossfade(new[len(new) - fade:].T, old[len(old) - fade:].T).T
        audio = previous.audio.copy()
        audio[s0:s1] = new
        # bars from MusicGen carry its weights' licence, whatever made the rest of the piece
        meta = dict(previous.meta, seed=seed, regenerated_bars=list(bars), prompt=text,
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
