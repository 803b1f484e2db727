"""The voice-over engine as the registry sees it (:mod:`promodesk.engines.registry`): a new take
of a voice clip is its line spoken again (new seed, or another model) by Bark."""

from __future__ import annotations

import io

from promodesk.core.timeline import Asset, Recipe, Take, US_PER_SECOND
from promodesk.engines.base import (CancelToken, NewTake, Progress, RequestError, TakeRequest,
                                    no_progress, stage)


class VoiceTakes:
    """Bark voice-over. Params: ``text`` (the line) and ``model`` (a catalogue name or a model
    folder; default bark-small)."""

    settings = ("text", "model")
    default_model = "bark-small"

    def __init__(self) -> None:
        from promodesk.engines.voice.bark import VoiceEngine

        self.info = VoiceEngine.info

    def _engine(self, model):
        from promodesk.engines.voice.bark import VoiceEngine

        return VoiceEngine(model)

    def availability(self) -> str | None:
        """None when the default voice model is installed here, else what is missing."""
        return self._engine(self.default_model).availability()

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """Speak the line again with the request's seed; the speech (silence trimmed, then held
        to at least the clip's length) is stored as a 24-bit WAV in the project's assets/."""
        import numpy as np
        import soundfile as sf

        from promodesk.core.projectfile import add_asset

        cancel = cancel or CancelToken()
        params = dict(request.recipe.params)
        text = str(params.get("text") or request.text).strip()
        if not text:
            raise RequestError("This voice clip has no text to speak; set its 'text'.")
        model = str(params.get("model") or self.default_model)
        spoken = self._engine(model).generate([text], stage(progress, 0.0, 0.9), cancel,
                                              seed=int(request.recipe.seed))
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
        params.update(text=text, model=model)
        take = Take(asset_id, Recipe(request.recipe.engine, params, int(request.recipe.seed)),
                    line.duration_us, label="spoken again")
        progress(1.0, "Voice ready")
        return NewTake(take, asset)
