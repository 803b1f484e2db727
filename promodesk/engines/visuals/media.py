"""Bringing the user's files into a project: a video, an audio file or an image is checked,
copied into the project's ``assets/`` by content hash (so the project folder stays
self-contained) and described as an :class:`~promodesk.core.timeline.Asset` with what the media
bin shows: kind, duration, resolution, frame rate, rotation and where it came from.

:func:`import_media` returns the Asset; registering it in the project is the caller's edit (an
``AddClip``/``AddTake``/``AddAsset`` with ``asset=...``), so importing can be undone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from promodesk.core.projectfile import add_asset, asset_path
from promodesk.core.timeline import Asset, US_PER_SECOND, us_from_samples
from promodesk.engines.base import GenerationError

VIDEO_EXTS = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi")
AUDIO_EXTS = (".wav", ".mp3", ".aac", ".m4a", ".flac", ".ogg", ".opus")
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")
KINDS_HINT = ("Import a video (MP4, MOV, MKV, WebM), an audio file (WAV, MP3, AAC, FLAC, OGG) or "
              "an image (PNG, JPEG, WebP).")


class MediaError(GenerationError):
    """A file that cannot be imported; the message names it and says what to do."""


def media_kind(path: str | Path) -> str:
    """"video", "audio" or "image" from the file name; MediaError for anything else."""
    ext = Path(path).suffix.lower()
    for kind, exts in (("video", VIDEO_EXTS), ("audio", AUDIO_EXTS), ("image", IMAGE_EXTS)):
        if ext in exts:
            return kind
    raise MediaError(f"{Path(path).name} is not a kind of file PromoDesk imports. {KINDS_HINT}")


def import_media(folder: str | Path, path: str | Path) -> Asset:
    """Check the file at ``path``, copy it into ``folder``/assets/ and return its Asset entry
    (duration in microseconds; ``meta`` with width/height in pixels, fps, rotation, codec,
    has_audio, ``source``, the file's original name, and for a video with sound ``sound``, the
    asset id of that sound as a 48 kHz WAV: see :func:`sound_asset`). Footage above 1080p also
    gets its preview proxy (:func:`~promodesk.engines.visuals.video.make_proxy`). Raises MediaError (or the photo and
    video loaders' own errors) with a message for the user."""
    path, folder = Path(path), Path(folder)
    kind = media_kind(path)
    if not path.is_file():
        raise MediaError(f"{path.name} is missing (looked in {path.parent}).")
    meta: dict = {"source": path.name}
    duration = None
    if kind == "video":
        from promodesk.engines.visuals.video import make_proxy, needs_proxy, probe_video, proxy_path

        info = probe_video(path)
        meta.update(info.meta())
        duration = info.duration_us
        if info.has_audio:
            meta["sound"] = _store_sound(folder, path)
        asset_id = add_asset(folder, path)
        if needs_proxy(info):  # the preview scrubs a small all-intra copy; export never does
            make_proxy(asset_path(folder, asset_id), proxy_path(folder, asset_id))
        return Asset(asset_id, kind, duration, meta, "")
    elif kind == "audio":
        duration, rate, channels = _probe_audio(path)
        meta.update(sample_rate=rate, channels=channels)
    else:
        from promodesk.engines.visuals.photos import load_photo

        photo = load_photo(path)
        meta.update(width=photo.size[0], height=photo.size[1], alpha=photo.mode == "RGBA")
    asset_id = add_asset(folder, path)
    return Asset(asset_id, kind, duration, meta, "")


def _store_sound(folder: Path, path: Path) -> str:
    """The sound of the video at ``path`` decoded to a 48 kHz stereo float WAV in ``folder``'s
    assets/ (what the mix reads); returns its asset id."""
    import io

    import av
    import soundfile as sf

    from promodesk.core.timeline import SAMPLE_RATE

    pieces = []
    resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(container.streams.audio[0]):
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1, 2))
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1, 2))
    except av.FFmpegError as exc:
        raise MediaError(f"The sound of {path.name} is damaged ({exc}). Export the clip again, "
                         "or mute its sound in your video app first.") from None
    audio = np.concatenate(pieces) if pieces else np.zeros((0, 2), np.float32)
    buf = io.BytesIO()
    sf.write(buf, audio, SAMPLE_RATE, format="WAV", subtype="FLOAT")
    return add_asset(folder, buf.getvalue(), "wav")


def sound_asset(folder: str | Path, video: Asset) -> Asset | None:
    """The Asset entry of a video asset's own sound (stored at import), or None when it has
    none. Its duration is the sound's, in microseconds."""
    sound = (video.meta or {}).get("sound")
    if not sound:
        return None
    import soundfile as sf

    info = sf.info(str(asset_path(Path(folder), sound)))
    return Asset(sound, "audio", us_from_samples(info.frames, info.samplerate),
                 {"source": (video.meta or {}).get("source", ""), "of_video": video.id}, "")


def _probe_audio(path: Path) -> tuple[int, int, int]:
    """(duration in microseconds, sample rate in Hz, channels) of an audio file, via PyAV."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise MediaError(f"{path.name} has no sound in it. {KINDS_HINT}")
            stream = container.streams.audio[0]
            if stream.duration is not None:
                duration = int(stream.duration * stream.time_base * US_PER_SECOND)
            else:
                duration = int((container.duration or 0) * US_PER_SECOND // av.time_base)
            return duration, int(stream.rate or 0), int(stream.channels or 0)
    except av.FFmpegError as exc:
        raise MediaError(f"{path.name} is not audio PromoDesk can read ({exc}). "
                         f"{KINDS_HINT}") from None


def thumbnail(folder: str | Path, asset: Asset, height: int = 72) -> np.ndarray | None:
    """A uint8 (height, w, 3) RGB picture of ``asset`` for the media bin: a video's frame at a
    tenth of its length, an image over grey (so transparency shows), None for audio."""
    import cv2

    source = asset_path(Path(folder), asset.id)
    if asset.kind == "video":
        from promodesk.engines.visuals.video import VideoDecoder

        decoder = VideoDecoder(source, cache_frames=2, threads=False)
        try:
            rgb = decoder.frame((asset.duration or 0) // 10)
        finally:
            decoder.close()
    elif asset.kind == "image":
        from promodesk.engines.visuals.photos import load_photo

        rgba = np.asarray(load_photo(source).convert("RGBA"), np.float32)
        a = rgba[..., 3:] / 255.0
        rgb = (rgba[..., :3] * a + 128.0 * (1 - a)).round().astype(np.uint8)
    else:
        return None
    h, w = rgb.shape[:2]
    width = max(1, round(w * height / h))
    return np.ascontiguousarray(cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA))


def import_job(inputs, progress, cancel) -> list:
    """Job: import each file into the project folder. inputs: (folder, [paths]). Returns
    [(Asset or None, error message or "")] in the same order (a video's own sound right after
    it, as an audio asset): one bad file does not stop the others."""
    folder, paths = inputs
    out = []
    for i, path in enumerate(paths):
        cancel.check()
        progress(i / max(1, len(paths)), f"Importing {Path(path).name}")
        try:
            asset = import_media(folder, path)
            out.append((asset, ""))
            sound = sound_asset(folder, asset) if asset.kind == "video" else None
            if sound is not None:
                out.append((sound, ""))
        except (GenerationError, OSError) as err:
            out.append((None, str(err)))
    return out


def thumbnail_job(inputs, progress, cancel) -> np.ndarray | None:
    """Job: :func:`thumbnail` of an asset. inputs: (folder, Asset, height in pixels)."""
    folder, asset, height = inputs
    progress(0.1, "Drawing a thumbnail")
    return thumbnail(folder, asset, height)


def open_media(path: str | Path):
    """What a visual engine draws from the file at ``path``: a
    :class:`~promodesk.engines.visuals.video.VideoDecoder` for a video, else the photo as a PIL
    image (:func:`~promodesk.engines.visuals.photos.load_photo`)."""
    if Path(path).suffix.lower() in VIDEO_EXTS:
        from promodesk.engines.visuals.video import VideoDecoder

        return VideoDecoder(path)
    from promodesk.engines.visuals.photos import load_photo

    return load_photo(path)
