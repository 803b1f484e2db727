"""The voice-over engines as the registry sees them (:mod:`promodesk.engines.registry`): a new
take of a voice clip is its line spoken again (new seed, or another model).

Which speech model speaks: VibeVoice 1.5B (:mod:`.vibevoice`) when its weights are on this
computer, as it reads Mandarin and English far more naturally; else Bark small (:mod:`.bark`),
which stays for computers without a graphics card (as slow as VibeVoice on a CPU, but a third of
the download and a fifth of the memory). A model folder is run by the engine its config names."""

from __future__ import annotations

import io
import json
from pathlib import Path

from promodesk.core.timeline import Asset, Recipe, Take, US_PER_SECOND
from promodesk.engines.base import (CancelToken, EngineInfo, NewTake, Progress, RequestError,
                                    TakeRequest, no_progress, stage)
from promodesk.engines.voice.voices import (SAMPLE_KEY, SPEAKER_KEY, VoicePick, sample_path,
                                            store_voice_sample)

VIBEVOICE, BARK = "vibevoice-1.5b", "bark-small"


def default_voice_model() -> str:
    """The catalogue name of the voice model to use when none is named: VibeVoice when its
    weights are here, else Bark (whose absence the engine then explains). Reads local files."""
    from promodesk.engines.models import catalogue

    return VIBEVOICE if catalogue.locate(VIBEVOICE) is not None else BARK


def speech_family(model: str | Path) -> str | None:
    """"vibevoice" or "bark": which engine runs ``model`` (a catalogue voice model, or a folder
    whose config.json names its model type); None for anything else (not a speech model, or a
    folder that is not there)."""
    from promodesk.engines.models import catalogue

    known = catalogue.CATALOGUE.get(str(model))
    if known is not None:
        kind = known.name.split("-")[0] if known.task == "voice" else None
    else:
        try:
            kind = json.loads((Path(model) / "config.json").read_text("utf-8")).get("model_type")
        except (OSError, ValueError, AttributeError):
            kind = None
    return kind if kind in ("vibevoice", "bark") else None


def voice_engine(model: str | Path | VoicePick | None = None, device: str | None = None,
                 project: Path | None = None):
    """The engine that speaks with ``model`` (None: :func:`default_voice_model`): a
    :class:`.vibevoice.VibeVoiceEngine` or a :class:`.bark.VoiceEngine`; both have
    ``availability()`` and ``generate(lines, progress, cancel, seed) -> VoiceOver``, whose lines
    name the voice they were spoken in (``VoiceLine.voice``: recipe params).

    ``model`` may be a :class:`.voices.VoicePick`: its speakers go to Bark; its recordings are
    checked and stored in the ``project`` folder's assets (VoiceSampleError naming a bad one),
    and VibeVoice speaks in them. A pick of the other engine's kind is refused (RequestError)."""
    pick = model if isinstance(model, VoicePick) else None
    model = (pick.model if pick else model) or default_voice_model()
    # Bark for anything unknown: its availability() then says what is wrong with the folder.
    if speech_family(model) == "vibevoice":
        from promodesk.engines.voice.vibevoice import VibeVoiceEngine

        if pick and pick.speakers:
            raise RequestError("Preset speakers are Bark's; VibeVoice speaks in the voice of a "
                               "recording (--voice-sample LANGUAGE=FILE).")
        voices = {}
        if pick and pick.samples:
            if project is None:
                raise ValueError("voice recordings are stored in a project: pass its folder")
            voices = {language: sample_path(project, store_voice_sample(project, path))
                      for language, path in pick.samples.items()}
        return VibeVoiceEngine(model, device, voices)
    from promodesk.engines.voice.bark import VoiceEngine

    if pick and pick.samples:
        raise RequestError(f"{model} (Bark) cannot speak in the voice of a recording; choose "
                           "one of its preset speakers (--speaker LANGUAGE=v2/…), or VibeVoice.")
    return VoiceEngine(model, device, pick.speakers if pick else None)


class VoiceTakes:
    """The voice-over ("voice"). Params: ``text`` (the line), ``model`` (a catalogue name or a
    model folder; default: :func:`default_voice_model`), and the voice: ``voice_sample`` (a
    recording in the project's assets, for VibeVoice) or ``speaker`` (a Bark preset)."""

    settings = ("text", "model", SAMPLE_KEY, SPEAKER_KEY)
    fixed_model: str | None = None  # an engine bound to one model (VibeVoiceTakes)

    info = EngineInfo(name="voice", kind="voice", title="Voice-over (VibeVoice or Bark model)",
                      output_licence="MIT (VibeVoice by Microsoft, or Bark by Suno): commercial "
                                     "use allowed", commercial_use=True, model=True)

    @property
    def default_model(self) -> str:
        return self.fixed_model or default_voice_model()

    def _engine(self, model, folder: Path | None = None, params: dict | None = None):
        """The engine for ``model``, speaking in the voice ``params`` name (a recording in the
        project ``folder``'s assets for VibeVoice, a preset speaker for Bark; other voice params
        are dropped: the engines' voices differ)."""
        from promodesk.engines.voice.bark import language_of

        params = params or {}
        language = language_of(str(params.get("text", "")))
        family = speech_family(model)
        if family == "vibevoice" and params.get(SAMPLE_KEY):
            from promodesk.engines.voice.vibevoice import VibeVoiceEngine

            return VibeVoiceEngine(model, voices={
                language: sample_path(folder, str(params[SAMPLE_KEY]))})
        if family != "vibevoice" and params.get(SPEAKER_KEY):
            from promodesk.engines.voice.bark import VoiceEngine

            return VoiceEngine(model, voices={language: str(params[SPEAKER_KEY])})
        return voice_engine(model)

    def runs(self, model: str) -> bool:
        """Whether ``model`` (a catalogue name or folder) is a speech model this engine runs."""
        family = speech_family(model)
        return family is not None and (self.fixed_model is None or family == "vibevoice")

    def availability(self) -> str | None:
        """None when the default voice model is installed here, else what is missing."""
        return self._engine(self.default_model).availability()

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """Speak the line again with the request's seed, in the voice its recipe names (else, for
        VibeVoice, the current take's voice); the speech (silence trimmed, then held to at least
        the clip's length) is stored as a 24-bit WAV in the project's assets/, and the new take's
        recipe names the voice it was spoken in. VoiceSampleError when the named recording is
        not in the project, RequestError for a Bark speaker the model lacks."""
        import numpy as np
        import soundfile as sf

        from promodesk.core.projectfile import add_asset

        cancel = cancel or CancelToken()
        params = dict(request.recipe.params)
        text = str(params.get("text") or request.text).strip()
        if not text:
            raise RequestError("This voice clip has no text to speak; set its 'text'.")
        model = str(params.get("model") or self.default_model)
        if self.fixed_model and speech_family(model) != speech_family(self.fixed_model):
            model = self.fixed_model  # a Bark recipe spoken again by VibeVoice
        params.update(text=text, model=model)
        engine = self._engine(model, request.folder, params)
        extra = {}
        if hasattr(engine, "reference_for") and not engine.voices:
            # VibeVoice without a chosen recording: speak again in the current take's voice
            extra["reference"] = _current_audio(request)
        spoken = engine.generate([text], stage(progress, 0.0, 0.9), cancel,
                                 seed=int(request.recipe.seed), **extra)
        line = spoken.lines[0]
        cancel.check()
        # Shorter speech is held with silence to the clip's length, so the take fits the clip
        # (its captions are timed to the clip); longer speech is the user's to trim or extend.
        need = -(-request.duration_us * spoken.sample_rate // US_PER_SECOND)
        if len(line.audio) < need:
            line.audio = np.concatenate([line.audio, np.zeros(need - len(line.audio),
                                                              line.audio.dtype)])
        buf = io.BytesIO()
        sf.write(buf, line.audio, spoken.sample_rate, format="WAV", subtype="PCM_24")
        asset_id = add_asset(request.folder, buf.getvalue(), "wav")
        asset = Asset(asset_id, "audio", line.duration_us,
                      {"text": line.text, "language": line.language},
                      str(spoken.meta.get("licence", "")))
        for key in (SAMPLE_KEY, SPEAKER_KEY):  # the voice it was spoken in, and no other
            params.pop(key, None)
        params.update(line.voice)
        take = Take(asset_id, Recipe(request.recipe.engine, params, int(request.recipe.seed)),
                    line.duration_us, label="spoken again")
        progress(1.0, "Voice ready")
        return NewTake(take, asset)


class VibeVoiceTakes(VoiceTakes):
    """The voice-over spoken by VibeVoice 1.5B ("vibevoice"), whatever model a recipe names."""

    fixed_model = VIBEVOICE

    def __init__(self) -> None:
        from promodesk.engines.voice.vibevoice import VibeVoiceEngine

        self.info = VibeVoiceEngine.info


def _current_audio(request: TakeRequest):
    """The clip's current take as mono float32 at 48 kHz (the voice to keep), or None when the
    clip has no readable audio asset."""
    import numpy as np
    import soundfile as sf

    from promodesk.core.projectfile import asset_path
    from promodesk.core.timeline import SAMPLE_RATE

    if request.asset is None or request.asset.kind != "audio":
        return None
    try:
        audio, rate = sf.read(str(asset_path(request.folder, request.asset.id)), dtype="float32",
                              always_2d=True)
    except (OSError, RuntimeError):
        return None
    if rate != SAMPLE_RATE or not audio.size:
        return None
    return np.ascontiguousarray(audio.mean(axis=1))
