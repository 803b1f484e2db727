"""Voice-over engine: the copy read aloud in Mandarin or English, one clip per caption line, with
Suno's Bark (transformers ``BarkModel``).

Why Bark: it is the only text-to-speech model in transformers (5.24) that speaks both Mandarin and
English and whose weights allow commercial use (MIT). The others: MMS-TTS (VITS) has no Mandarin
voice and is CC-BY-NC; SeamlessM4T v2 speaks Mandarin but is CC-BY-NC and ~9 GB; SpeechT5 and
FastSpeech2 are English only; VibeVoice (MIT, zh+en) needs a reference recording of a speaker and
~5 GB; Higgs Audio v2 (3B+) has a custom licence. On PyPI, Kokoro (Apache-2.0, 82M, zh+en) and
MeloTTS (MIT) ship pickled ``.pth`` weights, which PromoDesk refuses to load, and edge-tts needs
the network. bark-small is 1.7 GB of safetensors and runs on a CPU (slowly) or any GPU.

Each caption line is spoken on its own and trimmed of Bark's leading and trailing silence, so a
caption clip can take exactly the span of its line's audio. Audio is float32 mono at 48 kHz.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from promodesk.core.script import has_han, looks_japanese
from promodesk.core.timeline import SAMPLE_RATE, us_from_samples
from promodesk.engines.base import (CancelToken, EngineInfo, GenerationError,
                                    Progress, RequestError, no_progress)
from promodesk.engines.models import loading
from promodesk.engines.models.device import MODELS, with_memory_retry
from promodesk.engines.voice.voices import SPEAKER_KEY, resample

LICENCE = "MIT (Bark weights by Suno): commercial use allowed"
# Bark's semantic tokens per second of speech, and how fast each language is read.
_SEMANTIC_HZ = 49.9
_SECONDS_PER_CHAR = {"zh": 0.26, "ja": 0.17, "en": 0.075}
_VOICES = {"zh": "v2/zh_speaker_4", "ja": "v2/ja_speaker_2", "en": "v2/en_speaker_6"}


@dataclass
class VoiceLine:
    """One spoken caption line: ``audio`` float32 mono at 48 kHz, speech from its first sample
    to its last (silence trimmed)."""

    text: str
    language: str
    audio: np.ndarray
    voice: dict = field(default_factory=dict)  # recipe params naming the voice it was spoken in

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    @property
    def duration_us(self) -> int:
        """Length in integer microseconds (exact for 48 kHz: 1 sample = 125/6 us, floored)."""
        return us_from_samples(len(self.audio))


@dataclass
class VoiceOver:
    """All lines of a voice-over, in order, with the licence of the voice that spoke them."""

    lines: list[VoiceLine]
    sample_rate: int = SAMPLE_RATE
    meta: dict = field(default_factory=dict)


def language_of(text: str) -> str:
    """"ja" when the line is Japanese (it has kana), "zh" when it has Chinese characters,
    else "en"."""
    return "ja" if looks_japanese(text) else "zh" if has_han(text) else "en"


class VoiceEngine:
    """Bark as the voice engine. ``model`` is a catalogue name ("bark-small") or a model folder;
    ``voices`` maps language -> the Bark preset speaker chosen for it (one the model folder does
    not have is refused); other languages take a default preset when the folder has it."""

    info = EngineInfo(name="voice", kind="voice", title="Voice-over (Bark model)",
                      output_licence=LICENCE, commercial_use=True, model=True)

    def __init__(self, model: str | Path = "bark-small", device: str | None = None,
                 voices: dict[str, str] | None = None) -> None:
        self.model, self.prefer = model, device
        self.chosen = dict(voices or {})
        self.voices = dict(_VOICES, **self.chosen)

    def folder(self) -> Path:
        """The model folder (checked safe to load); EngineUnavailable when missing."""
        return loading.model_folder(self.model)

    def availability(self) -> str | None:
        """None when the engine can run here, else what is missing and how to get it."""
        return loading.availability(self.folder, ("torch", "transformers"), "The voice-over")

    def _load(self) -> loading.LoadedModel:
        from transformers import BarkModel, BarkProcessor

        return loading.load_pretrained(self.model, BarkModel, BarkProcessor, prefer=self.prefer)

    def generate(self, lines: list[str], progress: Progress = no_progress,
                 cancel: CancelToken | None = None, seed: int = 0) -> VoiceOver:
        """Speak each caption line; a VoiceOver whose ``lines`` match ``lines`` one to one."""
        cancel = cancel or CancelToken()
        texts = spoken_lines(lines)
        progress(0.0, "loading the voice model")
        loaded = self._load()
        spoken = []
        for i, text in enumerate(texts):
            def job(scale: float, i=i, text=text):
                return self._line(loaded, text, seed + i, scale, cancel,
                                  lambda f: progress((i + f) / len(texts),
                                                     f"speaking line {i + 1} of {len(texts)}"))

            # No smaller setting exists that would not cut the speech short: the retry after
            # out-of-memory runs the same line again once the other models are released.
            spoken.append(with_memory_retry(job, [1.0, 1.0], "The voice model",
                                            on_oom=lambda: MODELS.release_others(loaded.key)))
        progress(1.0, "voice-over ready")
        return VoiceOver(lines=spoken, meta={"engine": "voice", "model": str(self.model),
                                             "seed": seed, "licence": LICENCE,
                                             "commercial_use": True})

    def _line(self, loaded: loading.LoadedModel, text: str, seed: int, scale: float,
              cancel: CancelToken, report) -> VoiceLine:
        import torch

        net, processor, device = loaded.net, loaded.processor, loaded.device
        language = language_of(text)
        preset = self.voices.get(language)
        known = getattr(processor, "speaker_embeddings", None) or {}
        if language in self.chosen and preset not in known:
            raise RequestError(f"The Bark speaker '{preset}' is not one of {self.model}'s "
                               "(choose another, or the model's own voice).")
        used = preset if preset in known else None
        inputs = processor(text, voice_preset=used, return_tensors="pt")
        inputs = {k: (v.to(device.torch_device()) if hasattr(v, "to") else
                      {n: t.to(device.torch_device()) for n, t in v.items()})
                  for k, v in inputs.items()}
        guess = max(1.0, len(text) * _SECONDS_PER_CHAR[language])
        semantic_tokens = min(768, int((guess * 1.5 + 0.5) * _SEMANTIC_HZ * scale))
        # Bark runs three models one after another; each forward pass is one step. A hook on
        # each reports progress and stops the job when cancelled.
        expected = semantic_tokens * 4
        steps = [0]

        def step(module, args):
            cancel.check()
            steps[0] += 1
            if steps[0] % 20 == 0:
                report(min(0.95, steps[0] / expected))

        hooks = [m.register_forward_pre_hook(step)
                 for m in (net.semantic, net.coarse_acoustics, net.fine_acoustics)]
        try:
            torch.manual_seed(seed)
            with torch.inference_mode():
                audio = net.generate(**inputs, do_sample=True,
                                     semantic_max_new_tokens=semantic_tokens)
        finally:
            for h in hooks:
                h.remove()
        report(1.0)
        rate = int(net.generation_config.sample_rate)
        return VoiceLine(text, language, speech_48k(audio[0].float().cpu().numpy(), rate),
                         {SPEAKER_KEY: used} if used else {})


def spoken_lines(lines: list[str]) -> list[str]:
    """The caption lines to speak, stripped; raises GenerationError when there are none or one
    is empty (every voice engine checks its lines here)."""
    texts = [t.strip() for t in lines]
    if not texts or not all(texts):
        raise GenerationError("Every voice-over line needs some text.")
    return texts


def speech_48k(audio: np.ndarray, rate: int) -> np.ndarray:
    """Mono speech at ``rate`` -> float32 at 48 kHz (soxr), leading/trailing silence trimmed
    (30 ms kept each side), peak at most -1 dBFS. Every voice engine finishes its lines here."""
    import librosa

    out = resample(audio, rate, SAMPLE_RATE)
    _, (start, end) = librosa.effects.trim(out, top_db=40)
    keep = int(0.03 * SAMPLE_RATE)
    out = out[max(0, start - keep):min(len(out), end + keep)]
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    if peak > 0.89:
        out = out * (0.89 / peak)
    return out.astype(np.float32)
