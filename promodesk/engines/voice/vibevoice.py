"""Voice-over engine: the copy read aloud in Mandarin or English, one clip per caption line, with
Microsoft's VibeVoice 1.5B (transformers ``VibeVoiceForConditionalGeneration``).

Why VibeVoice: of the speech models that run through transformers (5.24) or a well-kept package
without code from the model folder and with safetensors weights, it is the only one trained for
both Mandarin and English whose weights' licence (MIT) allows selling what it makes; it reads far
more naturally than Bark (an LLM, Qwen2.5-1.5B, plans the speech and a diffusion head draws each
1/7.5 s frame). The README's voice section has the whole comparison. Microsoft's model card asks
for two things PromoDesk passes on to its users: no voice of a real person without their consent,
and disclosing that the voice is AI-made.

Voices: VibeVoice has no preset speakers; it speaks in the voice of a short reference recording,
or in a voice of its own choosing without one. Per language, the reference is the recording given
in ``voices`` (checked by :func:`.voices.read_voice_sample`: 3-30 s; the editor and ``make
--voice-sample`` store it in the project's assets first), else ``voices/<language>.wav`` in the
model folder (copy a consenting speaker's 5-20 s clip there), else the first line spoken in that
language: so every line of a language is read by the same voice. Audio is float32 mono at
48 kHz (resampled from the model's 24 kHz with soxr), silence trimmed, so a caption clip can
take exactly the span of its line.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from promodesk.core.timeline import SAMPLE_RATE
from promodesk.engines.base import (CancelToken, EngineInfo, EngineUnavailable, GenerationError,
                                    Progress, RequestError, no_progress)
from promodesk.engines.models import loading
from promodesk.engines.models.device import MODELS, with_memory_retry
from promodesk.engines.voice.bark import (VoiceLine, VoiceOver, language_of, speech_48k,
                                          spoken_lines)
from promodesk.engines.voice.voices import MODEL_RATE, SAMPLE_KEY, read_voice_sample, resample

LICENCE = ("MIT (VibeVoice-1.5B weights by Microsoft): commercial use allowed; no real person's "
           "voice without consent, and say the voice is AI-made")
FRAME_HZ = 7.5  # one speech frame (3200 samples) per language-model step
DIFFUSION_STEPS = 10  # as the model card's examples; each frame is drawn in this many steps
GUIDANCE = 1.3  # classifier-free guidance of the model card
# How long a line takes to read, per character: the frame budget allows twice this plus a second
# (the model ends the line itself; the budget only stops a run that would not end).
_SECONDS_PER_CHAR = {"zh": 0.26, "en": 0.075}


class VibeVoiceEngine:
    """VibeVoice as a voice engine. ``model`` is a catalogue name ("vibevoice-1.5b") or a model
    folder; ``voices`` maps language ("zh", "en") -> a reference recording (WAV, MP3 or FLAC of
    3-30 s) to speak in; lines spoken in one name its file in ``VoiceLine.voice`` (as
    ``voice_sample``: :func:`.takes.voice_engine` passes project assets, named by their ids)."""

    info = EngineInfo(name="vibevoice", kind="voice", title="Voice-over (VibeVoice model)",
                      output_licence=LICENCE, commercial_use=True, model=True)

    def __init__(self, model: str | Path = "vibevoice-1.5b", device: str | None = None,
                 voices: dict[str, str | Path] | None = None) -> None:
        self.model, self.prefer = model, device
        self.voices = {k: Path(v) for k, v in (voices or {}).items()}

    def folder(self) -> Path:
        """The model folder (checked safe to load); EngineUnavailable when missing."""
        return loading.model_folder(self.model)

    def availability(self) -> str | None:
        """None when the engine can run here, else what is missing and how to get it."""
        why = loading.availability(self.folder, ("torch", "transformers", "diffusers"),
                                   "The VibeVoice voice-over")
        if why is None and importlib.util.find_spec("transformers.models.vibevoice") is None:
            why = ("The VibeVoice voice-over needs a newer transformers (5.24 is tested): "
                   "pip install -U 'promodesk[gpu]'.")
        return why

    def _load(self) -> loading.LoadedModel:
        import torch
        from transformers import VibeVoiceForConditionalGeneration, VibeVoiceProcessor

        loaded = loading.load_pretrained(self.model, VibeVoiceForConditionalGeneration,
                                         VibeVoiceProcessor, prefer=self.prefer)
        if loaded.net.dtype == torch.float16 and loaded.device.kind == "cuda" \
                and torch.cuda.is_bf16_supported():
            # Microsoft runs VibeVoice in bfloat16 (float32's range, float16's memory); the
            # narrower range of float16 risks overflow in the LM. Converted once: the model
            # cache keeps this copy.
            loaded.net.to(torch.bfloat16)
        if not getattr(loaded.processor, "chat_template", None):
            raise EngineUnavailable(
                f"{self.folder()} has no chat template (chat_template.jinja), which VibeVoice "
                "needs to read the text. Download the model again with "
                "`promodesk models download vibevoice-1.5b`.")
        return loaded

    def reference_for(self, language: str) -> np.ndarray | None:
        """The recording to speak ``language`` in, mono float32 at 24 kHz, or None when neither
        ``voices`` nor the model folder's ``voices/<language>.wav`` gives one."""
        if language in self.voices:  # the user's choice: checked, with a message naming it
            return read_voice_sample(self.voices[language])
        own = self.folder() / "voices" / f"{language}.wav"
        path = own if own.is_file() else None
        if path is None:
            return None
        import soundfile as sf

        try:
            audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
        except (OSError, RuntimeError) as err:
            raise GenerationError(f"The voice recording {path} cannot be read ({err}). Choose a "
                                  "WAV or FLAC file of one person speaking for 5-20 s.") from None
        return resample(audio.mean(axis=1), rate, MODEL_RATE)

    def generate(self, lines: list[str], progress: Progress = no_progress,
                 cancel: CancelToken | None = None, seed: int = 0,
                 reference: np.ndarray | None = None) -> VoiceOver:
        """Speak each caption line; a VoiceOver whose ``lines`` match ``lines`` one to one.
        ``reference`` (mono float32 at 48 kHz, e.g. an earlier take of the line) is the voice to
        keep for every line; without it each language's voice comes from ``voices``, the model
        folder, or the first line spoken in that language."""
        cancel = cancel or CancelToken()
        texts = spoken_lines(lines)
        refuse_japanese(texts)
        progress(0.0, "loading the voice model")
        loaded = self._load()
        given = None if reference is None else resample(reference, SAMPLE_RATE, MODEL_RATE)
        voices: dict[str, np.ndarray | None] = {}
        spoken = []
        for i, text in enumerate(texts):
            language = language_of(text)
            if language not in voices:
                voices[language] = given if given is not None else self.reference_for(language)

            def job(_setting, i=i, text=text, language=language):
                report = lambda f: progress((i + f) / len(texts),  # noqa: E731
                                            f"speaking line {i + 1} of {len(texts)}")
                return self._line(loaded, text, language, voices[language], seed + i, cancel,
                                  report)

            # No smaller setting would keep the line whole: the retry after out-of-memory runs
            # the same line again once the other models are released.
            audio = with_memory_retry(job, [1.0, 1.0], "The voice model",
                                      on_oom=lambda: MODELS.release_others(loaded.key))
            if voices[language] is None:
                voices[language] = audio  # the first line's voice reads the rest of its language
            chosen = self.voices.get(language) if given is None else None
            spoken.append(VoiceLine(text, language, speech_48k(audio, MODEL_RATE),
                                    {SAMPLE_KEY: chosen.name} if chosen else {}))
        progress(1.0, "voice-over ready")
        return VoiceOver(lines=spoken, meta={"engine": "vibevoice", "model": str(self.model),
                                             "seed": seed, "licence": LICENCE,
                                             "commercial_use": True})

    def _line(self, loaded: loading.LoadedModel, text: str, language: str,
              voice: np.ndarray | None, seed: int, cancel: CancelToken, report) -> np.ndarray:
        """One line spoken: mono float32 at 24 kHz (untrimmed)."""
        import torch
        from transformers.generation.streamers import BaseStreamer

        net, processor, device = loaded.net, loaded.processor, loaded.device
        content = [{"type": "text", "text": text}]
        if voice is not None:
            content.append({"type": "audio", "audio": voice})
        inputs = processor.apply_chat_template([{"role": "0", "content": content}],
                                               tokenize=True, return_dict=True,
                                               return_tensors="pt")
        inputs = inputs.to(device.torch_device(), net.dtype)
        frames = frame_budget(text, language)

        class Steps(BaseStreamer):
            """Each language-model step (one speech frame) reports progress and stops the job
            when cancelled; generate() first hands over the prompt, which is not a step."""

            done = -1

            def put(self, value):
                cancel.check()
                self.done += 1
                if self.done > 0:
                    report(min(0.95, self.done / frames))

            def end(self):
                pass

        torch.manual_seed(seed)
        with torch.inference_mode():
            audio = net.generate(**inputs, max_new_tokens=frames, streamer=Steps(),
                                 num_diffusion_steps=DIFFUSION_STEPS, guidance_scale=GUIDANCE)
        if audio is None or audio[0] is None or audio[0].numel() == 0:
            raise GenerationError(f"The voice model said nothing for “{text}”. Speak it again "
                                  "(a new take), or reword the line.")
        report(1.0)
        return audio[0].reshape(-1).float().cpu().numpy()


def refuse_japanese(texts: list[str]) -> None:
    """RequestError naming the first Japanese line: VibeVoice was trained on Mandarin and
    English only (its model card warns that other languages come out wrong), so a Japanese
    line is refused before the model loads."""
    for n, text in enumerate(texts, 1):
        if language_of(text) == "ja":
            raise RequestError(f"VibeVoice speaks only Chinese and English, and voice-over line "
                               f"{n} is Japanese ({text[:20]!r}). Choose the Bark voice model "
                               "(bark-small speaks Japanese) or make the video without a "
                               "voice-over.")


def frame_budget(text: str, language: str) -> int:
    """The most speech frames (1/7.5 s each) a line may take: twice the time it takes to read,
    at least 1 s, plus a second."""
    guess = max(1.0, len(text) * _SECONDS_PER_CHAR[language])
    return int((2 * guess + 1) * FRAME_HZ) + 2
