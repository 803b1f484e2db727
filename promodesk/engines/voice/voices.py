"""Choosing the voice, per language, that both voice engines honour.

- Bark speaks in one of its preset speakers (``v2/zh_speaker_3``), listed in the model folder's
  ``speaker_embeddings_path.json``. A voice clip's recipe names it as ``speaker``.
- VibeVoice has no presets: it speaks in the voice of a short reference recording. The user's
  WAV, MP3 or FLAC is checked (readable, 3-30 s), mixed to mono, resampled to the model's 24 kHz
  with soxr when used; the file itself is stored in the project's assets/ (content-addressed, so
  the project keeps working when the original file moves). A voice clip's recipe names that
  asset as ``voice_sample``, so a new take of the clip is spoken in the same voice.

Cloning someone's voice needs their consent (VibeVoice's model card requires it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from promodesk.engines.base import RequestError

SAMPLE_KEY, SPEAKER_KEY = "voice_sample", "speaker"  # recipe params naming a line's voice
MODEL_RATE = 24000  # VibeVoice's acoustic tokenizer works at 24 kHz
MIN_SECONDS, MAX_SECONDS = 3.0, 30.0
CONSENT = ("Only use a recording of someone who gave their consent to have their voice cloned, "
           "and say that the voice is AI-made (VibeVoice's model card requires both).")


class VoiceSampleError(RequestError):
    """A voice recording that cannot be used; the message names the file and what to do."""


@dataclass
class VoicePick:
    """A voice model and the voice it speaks each language in: ``samples`` (language -> the
    user's recording, for VibeVoice) and ``speakers`` (language -> Bark preset). ``str()`` is the
    model's name, as voice clips' recipes record it."""

    model: str
    samples: dict[str, Path] = field(default_factory=dict)
    speakers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.model)


def parse_pairs(text: str, option: str) -> dict[str, str]:
    """``"zh=a.wav,en=b.wav"`` -> ``{"zh": "a.wav", "en": "b.wav"}``; ValueError naming
    ``option`` when a part is not LANGUAGE=VALUE with a language of zh or en."""
    pairs: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        language, sep, value = part.partition("=")
        language, value = language.strip().lower(), value.strip()
        if not sep or language not in ("zh", "en") or not value:
            raise ValueError(f"{option} takes LANGUAGE=VALUE pairs separated by commas, with "
                             f"LANGUAGE zh or en (e.g. {option} zh=…,en=…); got '{part}'.")
        pairs[language] = value
    return pairs


def read_voice_sample(path: str | Path) -> np.ndarray:
    """The recording at ``path`` as mono float32 at 24 kHz (the model's rate), checked: a
    readable WAV/MP3/FLAC of 3-30 s with sound in it. VoiceSampleError naming the file
    otherwise."""
    import soundfile as sf

    path = Path(path)
    what = ("Choose a WAV, MP3 or FLAC recording of one person speaking for "
            f"{MIN_SECONDS:g}-{MAX_SECONDS:g} s.")
    if not path.is_file():
        raise VoiceSampleError(f"The voice recording {path} is not there. {what}")
    try:
        info = sf.info(str(path))  # the length before decoding: a 5-minute file is not read
    except (RuntimeError, OSError) as err:  # soundfile's LibsndfileError is a RuntimeError
        raise VoiceSampleError(f"The voice recording {path} cannot be read as audio ({err}). "
                               f"{what}") from None
    seconds = info.frames / info.samplerate if info.samplerate else 0.0
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise VoiceSampleError(f"The voice recording {path} lasts {seconds:.1f} s; it must last "
                               f"{MIN_SECONDS:g}-{MAX_SECONDS:g} s. Trim it, or choose another.")
    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as err:
        raise VoiceSampleError(f"The voice recording {path} cannot be read as audio ({err}). "
                               f"{what}") from None
    mono = audio.mean(axis=1)
    if not np.isfinite(mono).all() or float(np.max(np.abs(mono), initial=0.0)) < 1e-4:
        raise VoiceSampleError(f"The voice recording {path} is silent. {what}")
    return resample(mono, rate, MODEL_RATE)


def store_voice_sample(folder: Path, path: str | Path) -> str:
    """Check the recording at ``path`` (:func:`read_voice_sample`) and store the file as it is
    in the project ``folder``'s assets/; returns its asset id (the hash of its bytes: the same
    recording stored twice is one asset; resampling happens when it is used, as its floating
    point result may differ in the last bit between runs). VoiceSampleError, with nothing
    stored, when it is unusable."""
    from promodesk.core.projectfile import add_asset

    read_voice_sample(path)
    return add_asset(Path(folder), Path(path))


def sample_path(folder: Path, asset_id: str) -> Path:
    """The stored voice recording ``asset_id`` of the project ``folder``; VoiceSampleError when
    the project's assets/ lack it."""
    from promodesk.core.projectfile import asset_path

    try:
        path = asset_path(Path(folder), asset_id)
    except ValueError:  # not a hash: typed by hand (regenerate --set)
        path = None
    if path is None or not path.is_file():
        raise VoiceSampleError(f"The voice recording {asset_id} is missing from {folder}/assets. "
                               "Choose the recording again (inspector: Voice > Use a "
                               "recording…).")
    return path


def bark_speakers(model: str | Path) -> list[str]:
    """The preset speakers of the Bark ``model`` (a catalogue name or folder), sorted (e.g.
    ``v2/en_speaker_0`` ... ``v2/zh_speaker_9``); [] when it has none or is not here. Reads only
    the model folder's ``speaker_embeddings_path.json``."""
    import json

    from promodesk.engines.base import EngineUnavailable
    from promodesk.engines.models import loading

    try:
        folder = loading.model_folder(model)
        listed = json.loads((folder / "speaker_embeddings_path.json").read_text("utf-8"))
    except (EngineUnavailable, OSError, ValueError):
        return []
    return sorted(k for k, v in listed.items() if isinstance(v, dict))


def speakers_for(speakers: list[str], language: str) -> list[str]:
    """The presets of ``speakers`` that speak ``language`` ("zh": ``v2/zh_speaker_N``)."""
    return [s for s in speakers if s.rsplit("/", 1)[-1].startswith(f"{language}_")]


def check_speakers(model: str | Path, chosen: dict[str, str]) -> None:
    """RequestError naming the preset when a speaker of ``chosen`` (language -> preset) is not
    one of the Bark ``model``'s, or does not speak its language."""
    known = bark_speakers(model)
    for language, preset in chosen.items():
        fits = speakers_for(known, language)
        if preset not in fits:
            offer = ", ".join(fits[:10]) or "none: the model folder lists no preset speakers"
            raise RequestError(f"The Bark speaker '{preset}' is not one of {model}'s {language} "
                               f"speakers ({offer}).")


def resample(audio: np.ndarray, rate: int, to: int) -> np.ndarray:
    """Mono ``audio`` at ``rate`` Hz -> float32 at ``to`` Hz (soxr, high quality)."""
    import soxr

    if rate == to:
        return np.asarray(audio, np.float32)
    return soxr.resample(np.asarray(audio, np.float32), rate, to, quality="HQ").astype(np.float32)


def pick_voice(model: str, samples: str | None = None, speakers: str | None = None,
               brief_voice: dict[str, str] | None = None) -> str | VoicePick:
    """The voice ``make`` speaks in: ``model`` alone when nothing is chosen, else a VoicePick
    of the recordings (``"zh=a.wav,en=b.wav"``), the Bark speakers (``"zh=v2/zh_speaker_3"``)
    and the brief's ``voice`` table (an entry starting "v2/" is a speaker, else a recording;
    the options win). Every choice is checked now, before any work: ValueError (a
    VoiceSampleError or RequestError) saying what is wrong."""
    from promodesk.engines.voice.takes import speech_family

    chosen = {k: v for k, v in (brief_voice or {}).items()}
    chosen.update(parse_pairs(samples or "", "--voice-sample"))
    chosen.update(parse_pairs(speakers or "", "--speaker"))
    if not chosen:
        return model
    pick = VoicePick(model, {k: Path(v).expanduser() for k, v in chosen.items()
                             if not v.startswith("v2/")},
                     {k: v for k, v in chosen.items() if v.startswith("v2/")})
    if speech_family(model) == "vibevoice":
        if pick.speakers:
            raise RequestError(f"{', '.join(pick.speakers.values())}: preset speakers are "
                               "Bark's; VibeVoice speaks in the voice of a recording "
                               "(--voice-sample LANGUAGE=FILE).")
        for path in pick.samples.values():
            read_voice_sample(path)
    else:
        if pick.samples:
            raise RequestError(f"{model} (Bark) cannot speak in the voice of a recording "
                               f"({', '.join(map(str, pick.samples.values()))}); choose one of "
                               "its preset speakers (--speaker LANGUAGE=v2/…), or "
                               "--voice vibevoice-1.5b.")
        check_speakers(model, pick.speakers)
    return pick
