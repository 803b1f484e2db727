"""Export a project to MP4 (H.264 yuv420p + AAC 48 kHz, +faststart) with SRT and WebVTT beside it.

Frames are rendered by a pool of worker threads (the heavy steps, OpenCV warps and numpy blends,
release the GIL) while ffmpeg (imageio-ffmpeg's binary) encodes: the main thread hands finished
frames to ffmpeg's stdin in order, so rendering and encoding overlap and every core works. A
hardware H.264 encoder (NVENC, Quick Sync, VideoToolbox) is used when ffmpeg has one that really
opens on this machine; otherwise, or when it fails, libx264. The MP4 is written to a temporary
file in the target folder and renamed at the end: a cancelled or failed export leaves no file.
"""

from __future__ import annotations

import errno
import functools
import os
import subprocess
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from promodesk.core.atomic import sweep_stale_temps, temp_prefix
from promodesk.core.timeline import (ASPECTS, Project, SAMPLE_RATE, TrackKind, US_PER_SECOND,
                                     frame_at, frame_start, seconds_from_us)
from promodesk.engines.base import CancelToken, Progress, no_progress
from promodesk.render.frame import FrameRenderer
from promodesk.render.licences import (check_commercial, metadata_args, project_licences,
                                       sidecar_path, write_sidecar)
from promodesk.render.mix import TARGET_LUFS
from promodesk.render.subtitles import (Cue, cues_from_project, subtitle_language, write_srt,
                                        write_vtt)

CAPTION_MODES = ("burn", "soft", "both", "none")
HARDWARE_ENCODERS = ("h264_nvenc", "h264_qsv", "h264_videotoolbox")


class ExportError(RuntimeError):
    """An export that failed for a reason the user can act on; the message says what to do."""


@dataclass
class ExportResult:
    """What an export wrote: the MP4, its subtitle files, the encoder used, the number of
    frames, the wall time in seconds, and characters no bundled font could draw (left out)."""

    path: Path
    subtitles: list[Path] = field(default_factory=list)
    encoder: str = "libx264"
    frames: int = 0
    seconds: float = 0.0
    missing_glyphs: list[str] = field(default_factory=list)
    licences: Path | None = None  # OUT.licences.json: every asset's engine and licence


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped with imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE). Raises
    ExportError saying so when there is none: a missing ffmpeg is not a disk problem."""
    import imageio_ffmpeg

    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (RuntimeError, OSError) as err:
        raise ExportError(f"ffmpeg, which writes the videos, is missing ({err}). Reinstall "
                          "PromoDesk, or set IMAGEIO_FFMPEG_EXE to a working ffmpeg.") from None
    if not Path(exe).is_file():
        raise ExportError(f"ffmpeg, which writes the videos, is missing: {exe} does not exist. "
                          "Reinstall PromoDesk, or set IMAGEIO_FFMPEG_EXE to a working ffmpeg.")
    return exe


@functools.lru_cache(maxsize=None)
def working_hardware_encoders() -> tuple[str, ...]:
    """The hardware H.264 encoders ffmpeg lists that also open and encode a test clip here."""
    try:
        exe = ffmpeg_exe()
    except ExportError:
        return ()
    try:
        listed = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True,
                                text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    found = []
    for name in HARDWARE_ENCODERS:
        if f" {name} " not in listed:
            continue
        probe = [exe, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                 "color=c=gray:s=256x256:r=30", "-frames:v", "3", "-pix_fmt", "yuv420p",
                 "-c:v", name, "-f", "null", "-"]
        try:
            if subprocess.run(probe, capture_output=True, timeout=20).returncode == 0:
                found.append(name)
        except (OSError, subprocess.TimeoutExpired):
            pass
    return tuple(found)


def encoder_args(encoder: str, size: tuple[int, int], fps: float) -> list[str]:
    """ffmpeg output options for H.264 yuv420p with ``encoder`` at ``size`` (w, h) and ``fps``."""
    w, h = size
    if encoder == "libx264":
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"]
    if encoder == "h264_nvenc":
        return ["-c:v", "h264_nvenc", "-preset", "p4", "-rc", "vbr", "-cq", "19", "-b:v", "0",
                "-pix_fmt", "yuv420p"]
    if encoder == "h264_qsv":
        return ["-c:v", "h264_qsv", "-preset", "faster", "-global_quality", "19",
                "-pix_fmt", "nv12"]
    return ["-c:v", encoder, "-b:v", str(int(w * h * fps * 0.15)), "-pix_fmt", "yuv420p"]


# Frames go down the pipe either as I420 converted by OpenCV on the render threads (BT.601
# limited range, about 1 ms a 1080x1920 frame, half the bytes of RGB; the default), or as RGB24
# that ffmpeg's scaler converts to BT.709 on its own thread. The stream is tagged to match, so
# players decode the same colours either way; bench/bench_export.py measures both.
_TAGS = "setparams=range=tv:color_primaries=bt709:color_trc=bt709"
PIPE_FORMATS = {
    "yuv420p": ["-vf", f"{_TAGS}:colorspace=smpte170m"],
    "rgb24": ["-vf", f"scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
                     f"{_TAGS}:colorspace=bt709"],
}


def input_args(size: tuple[int, int], fps: str, pipe_format: str = "yuv420p",
               source: str = "pipe:0") -> list[str]:
    """ffmpeg input options for raw frames of ``size`` at ``fps`` in ``pipe_format`` read from
    ``source``."""
    w, h = size
    return ["-f", "rawvideo", "-pix_fmt", pipe_format, "-s", f"{w}x{h}", "-r", fps, "-i", source]


def colour_args(pipe_format: str = "yuv420p") -> list[str]:
    """ffmpeg output options: the conversion ``pipe_format`` needs, and colour tags to match
    (sRGB primaries and transfer, limited range)."""
    return list(PIPE_FORMATS[pipe_format])


def pipe_bytes(frame: np.ndarray, pipe_format: str = "yuv420p") -> memoryview:
    """``frame`` (uint8 RGB (h, w, 3)) as the raw bytes ffmpeg reads for ``pipe_format``."""
    if pipe_format == "yuv420p":
        frame = cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420)
    return memoryview(np.ascontiguousarray(frame)).cast("B")


def content_end(project: Project) -> int:
    """Where an export of the whole project ends, in microseconds: the end of the last clip one
    sees or hears spoken (video, captions, voice), so music running on past the last shot does
    not add black frames; the project's duration when it has only music."""
    ends = [c.end for t in project.tracks if t.kind != TrackKind.MUSIC for c in t.clips]
    return max(ends, default=project.duration)


def export_span(project: Project, span: tuple[int, int] | None = None) -> tuple[int, int]:
    """The (start, end) in microseconds an export covers: ``span`` (an in/out range) clamped to
    the project, or (0, :func:`content_end`). The start is moved back to its frame's start."""
    if span is None:
        return 0, content_end(project)
    start = frame_start(frame_at(max(int(span[0]), 0), project.fps), project.fps)
    return start, min(max(int(span[1]), start), project.duration)


def frame_count(project: Project, span: tuple[int, int] | None = None) -> int:
    """Number of frames an export of ``project`` (or of ``span``, see :func:`export_span`) has:
    enough to cover it, the last one starting before its end."""
    fps = project.fps
    start, end = export_span(project, span) if span is not None else (0, project.duration)
    num = end * fps.numerator
    den = US_PER_SECOND * fps.denominator
    return -(-num // den) - frame_at(start, fps)


def cues_in_span(cues: list[Cue], span: tuple[int, int]) -> list[Cue]:
    """``cues`` cut to ``span`` (microseconds) and moved so that the span starts at 0."""
    a, b = span
    return [Cue(max(c.start, a) - a, min(c.end, b) - a, c.text, c.look) for c in cues
            if c.end > a and c.start < b]


def _temp(folder: Path, name: str, suffix: str) -> Path:
    # named with our process id, so the next export here can sweep what a killed one left
    fd, path = tempfile.mkstemp(prefix=temp_prefix(name), suffix=suffix, dir=folder)
    os.close(fd)
    return Path(path)


def _readable(path: Path) -> Path:
    """Give ``path`` the permissions a normally created file has (temp files start as 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
    return path


def _audio(project: Project, folder: Path, path: Path, span: tuple[int, int],
           loudness: float | None) -> None:
    import soundfile as sf

    from promodesk.render.mix import mix_project

    audio, sr = mix_project(project, folder, target_lufs=loudness, span=span)
    try:
        sf.write(str(path), audio, sr, format="WAV", subtype="FLOAT")
    except (sf.LibsndfileError, AssertionError) as err:
        # soundfile reports a full disk as its own error, or as an assert on a short write
        raise OSError(errno.ENOSPC, f"could not write the audio ({err or 'short write'})",
                      str(path)) from None


def export_video(project: Project, folder: Path, out_path: Path,
                 size: tuple[int, int] | str | None = None, captions: str = "burn",
                 progress: Progress = no_progress, cancel: CancelToken | None = None,
                 encoder: str = "auto", workers: int | None = None,
                 pipe_format: str = "yuv420p", encoder_threads: int | None = None,
                 span: tuple[int, int] | None = None,
                 loudness: float | None = TARGET_LUFS,
                 commercial_only: bool = False) -> ExportResult:
    """Render ``project`` (assets in ``folder``) to ``out_path`` (.mp4) at ``size`` (w, h pixels,
    an aspect name such as "16:9", or None for the project's canvas), 30 fps unless the project
    says otherwise. ``captions``: "burn" (drawn into the picture), "soft" (a mov_text subtitle
    track), "both" or "none"; except for "none", .srt and .vtt files are written beside the MP4.
    ``encoder``: "auto" (a working hardware encoder, else libx264) or an ffmpeg encoder name;
    when it fails, libx264 takes over (``ExportResult.encoder`` says which one wrote the file).
    ``workers``: render threads (default: cores + 2); ``pipe_format``: "yuv420p" or "rgb24",
    see :data:`PIPE_FORMATS`. ``encoder_threads``: fix the encoder's thread count (x264's
    output depends on it, so batch renders fix it to give the same bytes on every machine).
    ``span``: (in, out) in microseconds to export a range; default from 0 to the last clip
    (:func:`content_end`). ``loudness``: the integrated LUFS the whole mix is normalised to once
    (track gains keep their difference), or None to keep the mix's level. Every asset's engine
    and licence go into the MP4's comment tag and ``OUT.licences.json`` (render.licences);
    ``commercial_only`` refuses, before any work, a take that may not be used commercially.
    Returns an :class:`ExportResult`; raises Cancelled (nothing left behind), LicenceError or
    ExportError."""
    if captions not in CAPTION_MODES:
        raise ValueError(f"captions must be one of {', '.join(CAPTION_MODES)}, not {captions!r}")
    cancel = cancel or CancelToken()
    size = ASPECTS[size] if isinstance(size, str) else tuple(size or (project.width, project.height))
    if size[0] % 2 or size[1] % 2:
        raise ExportError(f"The video size {size[0]}x{size[1]} must be even in both directions "
                          "for H.264; choose a preset size.")
    out_path = Path(out_path)
    if project.duration <= 0:
        raise ExportError("The timeline is empty: add a clip before exporting.")
    check_output(out_path, captions != "none")
    if commercial_only:
        check_commercial(project)
    licences = project_licences(project)
    sweep_stale_temps(out_path.parent)
    started = time.monotonic()
    # a hardware encoder that fails to open or dies mid-way hands over to libx264
    candidates = [*working_hardware_encoders()] if encoder == "auto" else [encoder]
    candidates += ["libx264"] if "libx264" not in candidates else []
    span = export_span(project, span)
    if span[1] <= span[0]:
        raise ExportError("The in/out range is empty: set the out point after the in point.")
    cues = cues_in_span(cues_from_project(project), span) if captions != "none" else []
    renderer = FrameRenderer(project, Path(folder), size, captions=captions in ("burn", "both"),
                             decode_threads=False)
    temps: list[Path] = []
    try:
        progress(0.0, "mixing the audio")
        wav = _temp(out_path.parent, out_path.stem, ".wav")
        temps.append(wav)
        _audio(project, Path(folder), wav, span, loudness)
        srt = None
        if captions in ("soft", "both") and cues:
            srt = _temp(out_path.parent, out_path.stem, ".srt")
            temps.append(srt)
            write_srt(cues, srt)
        cancel.check()
        for i, name in enumerate(candidates):
            video = _temp(out_path.parent, out_path.stem, ".mp4")
            temps.append(video)
            try:
                frames = _encode(renderer, project, size, name, wav, srt, cues, video,
                                 progress, cancel, workers, pipe_format, encoder_threads, span,
                                 metadata_args(licences))
                break
            except ExportError:
                if i == len(candidates) - 1:
                    raise
        # the licence list first, so that a video is never in place without it
        sidecar = write_sidecar(out_path, licences)
        temps.append(sidecar)
        os.replace(_readable(video), out_path)
        temps.remove(video)
        temps.remove(sidecar)
        subtitles = []
        if captions != "none" and cues:
            subtitles = [_readable(write_srt(cues, out_path.with_suffix(".srt"))),
                         _readable(write_vtt(cues, out_path.with_suffix(".vtt")))]
        progress(1.0, "done")
        return ExportResult(out_path, subtitles, name, frames, time.monotonic() - started,
                            renderer.missing_glyphs(), sidecar)
    except OSError as err:
        raise ExportError(_write_problem(err, out_path)) from None
    finally:
        for p in temps:
            p.unlink(missing_ok=True)


def check_output(out_path: Path, subtitles: bool = True) -> None:
    """Refuse, before any rendering, an output the export could only fail on at the end: a
    folder, a name too long for the file system, or a folder that does not exist. Raises
    ExportError naming the file."""
    out_path = Path(out_path)
    names = [out_path, sidecar_path(out_path)] + (
        [out_path.with_suffix(".srt"), out_path.with_suffix(".vtt")] if subtitles else [])
    for p in names:
        if p.is_dir():
            raise ExportError(f"{p} is a folder; choose a file name for the video.")
        if len(os.fsencode(p.name)) > 255:
            raise ExportError(f"The file name {p.name[:60]}... is longer than the 255 bytes "
                              "file systems allow; choose a shorter name.")
    if not out_path.parent.is_dir():
        raise ExportError(f"The folder {out_path.parent} does not exist; choose another one.")


def _write_problem(err: OSError, out_path: Path) -> str:
    """A message for an OSError met while writing ``out_path``, by its cause."""
    where = out_path if not err.filename or Path(err.filename).name.startswith(".") \
        else err.filename  # a temp file's name would mean nothing to the user
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return (f"The disk is full: could not write {where}. Free some disk space or choose "
                "another folder.")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"No permission to write {where}; choose a folder you can write to."
    if err.errno == errno.ENAMETOOLONG:
        return (f"The name {out_path.name[:60]}... is too long for the file system; choose a "
                "shorter one.")
    return f"Could not write {where} ({err.strerror or err}); check the disk and try again."


PREPARE_AHEAD_US = 1_000_000  # clips and captions are prepared this far ahead of their frames


def _starts(project: Project, span: tuple[int, int]) -> deque:
    """Start times (microseconds, ascending, each once) of the video clips and captions that
    begin after the start of ``span`` and before its end."""
    times = {c.start for t in project.tracks if t.kind in (TrackKind.VIDEO, TrackKind.CAPTIONS)
             for c in t.clips if span[0] < c.start < span[1]}
    return deque(sorted(times))


def _pipe_frame(renderer: FrameRenderer, t_us: int, pipe_format: str) -> memoryview:
    return pipe_bytes(renderer.frame(t_us), pipe_format)


def _widen_pipe(stream) -> None:
    """Ask Linux for a 1 MiB pipe (default 64 KiB): fewer wake-ups per 3-6 MB frame."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError, ValueError):
        pass


def _encode(renderer: FrameRenderer, project: Project, size: tuple[int, int], encoder: str,
            wav: Path, srt: Path | None, cues, video: Path, progress: Progress,
            cancel: CancelToken, workers: int | None, pipe_format: str,
            encoder_threads: int | None = None, span: tuple[int, int] | None = None,
            metadata: list[str] = ()) -> int:
    """Render every frame of ``span`` (microseconds; default the whole project) on a thread pool
    and pipe them, in order, into one ffmpeg process writing ``video``. Returns the number of
    frames."""
    fps = project.fps
    span = span or (0, project.duration)
    first = frame_at(span[0], fps)
    n = frame_count(project, span)
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
           *input_args(size, f"{fps.numerator}/{fps.denominator}", pipe_format), "-i", str(wav)]
    if srt is not None:
        cmd += ["-i", str(srt)]
    cmd += ["-map", "0:v", "-map", "1:a", *colour_args(pipe_format),
            *encoder_args(encoder, size, float(fps)),
            *(["-threads", str(encoder_threads)] if encoder_threads else []),
            "-c:a", "aac", "-b:a", "192k", "-ar", str(SAMPLE_RATE)]
    if srt is not None:
        lang = subtitle_language(cues)
        cmd += ["-map", "2:s", "-c:s", "mov_text", "-metadata:s:s:0", f"language={lang}"]
    cmd += [*metadata, "-t", f"{seconds_from_us(span[1] - span[0]):.6f}", "-movflags",
            "+faststart", str(video)]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    except OSError as err:  # there but not runnable: not a disk problem
        raise ExportError(f"ffmpeg ({cmd[0]}) cannot run ({err.strerror or err}). Reinstall "
                          "PromoDesk, or set IMAGEIO_FFMPEG_EXE to a working ffmpeg.") from None
    _widen_pipe(proc.stdin)
    errors: deque[bytes] = deque(maxlen=40)
    reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
    reader.start()
    # two more threads than cores: a frame's Python steps wait for the GIL while OpenCV work on
    # the others runs, and ffmpeg's threads compete for the same cores (measured in bench/)
    workers = workers or (os.cpu_count() or 1) + 2
    # Each render thread runs OpenCV single-threaded: its own thread pool on top of ours and
    # x264's oversubscribes the cores (measured: about 25% longer exports on 2 cores). The
    # setting is process-wide, so it is restored when the export ends.
    cv_threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="render")
    pending: deque = deque()
    starts = _starts(project, span)  # where clips and captions begin: prepared ahead
    try:
        nxt = 0
        for i in range(n):
            while nxt < n and len(pending) < 2 * workers + 2:
                t = frame_start(first + nxt, fps)
                while starts and starts[0] <= t + PREPARE_AHEAD_US:
                    # a cue's caption (it renders frames to choose its look) and a shot's
                    # layout are made on a render thread before their first frame is wanted;
                    # a failure shows again, with its message, when that frame is drawn
                    pool.submit(renderer.prepare, starts.popleft())
                pending.append(pool.submit(_pipe_frame, renderer, t, pipe_format))
                nxt += 1
            frame = pending.popleft().result()
            cancel.check()
            try:
                proc.stdin.write(frame)
            except BrokenPipeError:
                break
            if i % 10 == 0:
                progress(0.05 + 0.93 * i / n, f"frame {i + 1} of {n} ({encoder})")
        proc.stdin.close()
        progress(0.98, "finishing the file")
        rc = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        cv2.setNumThreads(cv_threads)
        reader.join(timeout=5)
    if rc != 0:
        tail = b"".join(errors).decode("utf-8", "replace").strip().splitlines()[-3:]
        if any("No space left" in line for line in tail):
            raise ExportError(f"The disk is full: could not write the video in {video.parent}. "
                              "Free some space or export to another folder.")
        raise ExportError(f"The video encoder {encoder} (ffmpeg {cmd[0]}) failed: "
                          f"{' / '.join(tail) or rc}. "
                          "Try again; if it keeps failing, export with encoder libx264.")
    return n
