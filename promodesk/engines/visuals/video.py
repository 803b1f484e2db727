"""The user's own video files, read with PyAV: what a file holds (:func:`probe_video`) and its
frames by time (:class:`VideoDecoder`).

PyAV is FFmpeg's own libraries behind a Python API: every decoder the bundled FFmpeg has (H.264,
HEVC, VP9, AV1, ProRes), seeking to the keyframe before a time and decoding forward to the exact
frame, frame threads, per-frame timestamps (variable frame rate footage is picked by pts, not by
counting frames) and the display-matrix side data phones use to say "this is portrait".

A frame is "the one showing at t": the last frame whose pts is at or before t. Frames come out
upright (rotation applied), 8-bit RGB whatever the source layout (10-bit, 4:2:2, odd sizes) via
FFmpeg's own conversion (the same pixels the ffmpeg command line gives). ``keyframe(t)`` is the
cheap, rough look at a time (a caption sizing its outline to what is under it): the keyframe at or
before t, one decode on a second container, so the frames being drawn are not disturbed.
Decoded frames are kept in a small LRU, so playback and export (which ask for nearby times,
slightly out of order from several threads) decode each frame once. A time ahead of the last
decoded frame is reached by decoding forward only while that is cheaper than a seek: up to
the keyframe spacing seen so far (an all-intra proxy seeks to every scrubbed frame), at most
:data:`FORWARD_US`.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from promodesk.core.timeline import US_PER_SECOND as US
from promodesk.engines.base import GenerationError

# Decoding forward is cheaper than seeking when the wanted frame is this close ahead (and no
# further than the keyframe spacing seen: past the next keyframe a seek lands nearer).
FORWARD_US = 2_000_000
CACHE_FRAMES = 48
RECENT_FRAMES = 24  # decoded (YUV) frames kept behind the decoder


class VideoError(GenerationError):
    """A video file that cannot be used; the message names the file and what to do."""


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds: ``duration_us`` (microseconds), upright ``width`` x ``height``
    (pixels, rotation applied), ``fps`` (average frames per second), ``rotation`` (degrees the
    picture is turned to show upright: 0, 90, 180 or 270), ``codec``, ``pix_fmt`` and
    ``has_audio``."""

    duration_us: int
    width: int
    height: int
    fps: float
    rotation: int
    codec: str
    pix_fmt: str
    has_audio: bool

    def meta(self) -> dict:
        """The info as an asset's ``meta`` (plain JSON values)."""
        return {"width": self.width, "height": self.height, "fps": round(self.fps, 3),
                "rotation": self.rotation, "codec": self.codec, "pix_fmt": self.pix_fmt,
                "has_audio": self.has_audio}


def _open(path: Path):
    import av

    try:
        container = av.open(str(path))
    except FileNotFoundError:
        raise VideoError(f"The video {path.name} is missing (looked in {path.parent}).") from None
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoError(f"{path.name} is not a video PromoDesk can read ({exc}). Export it as "
                         "MP4 (H.264) and import it again.") from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"{path.name} has no picture (no video stream). Import it as audio, or "
                         "choose a video file.")
    return container


def _rotation(frame) -> int:
    """Clockwise degrees (0/90/180/270) to turn ``frame`` so it shows upright."""
    # PyAV reports the display matrix's counter-clockwise angle; a phone held upright stores -90
    return int(round(-float(frame.rotation or 0) / 90)) % 4 * 90


def probe_video(path: str | Path) -> VideoInfo:
    """What the video at ``path`` holds (decodes its first frame for the rotation). Raises
    :class:`VideoError` for a missing, damaged or picture-less file."""
    import av

    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        first = next(container.decode(stream), None)
        if first is None:
            raise VideoError(f"The video {path.name} has no frames PromoDesk can decode. Export "
                             "it again as MP4 (H.264) and import it again.")
        rot = _rotation(first)
        # the longer of the stream's and the file's own (a VFR stream's can stop at its last pts)
        duration = int((container.duration or 0) * US // av.time_base)
        if stream.duration is not None and stream.time_base is not None:
            duration = max(duration, int(stream.duration * stream.time_base * US))
        w, h = first.width, first.height
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        return VideoInfo(duration, h if rot % 180 else w, w if rot % 180 else h, float(rate), rot,
                         stream.codec_context.name, first.format.name,
                         bool(container.streams.audio))
    except av.FFmpegError as exc:
        raise VideoError(f"The video {path.name} is damaged ({exc}). Export it again and "
                         "import it again.") from None
    finally:
        container.close()


class VideoDecoder:
    """Frames of one video file by time; thread-safe (one lock around the decoder).

    ``frame(t_us)`` returns the upright uint8 (h, w, 3) RGB frame showing at ``t_us``
    microseconds into the file (clamped to the first and last frames). The array is shared with
    the cache: copy it before drawing on it."""

    def __init__(self, path: str | Path, cache_frames: int = CACHE_FRAMES, threads: bool = True):
        self.path = Path(path)
        self._container = _open(self.path)
        self._stream = self._container.streams.video[0]
        if threads:
            self._stream.thread_type = "AUTO"
        self._tb = self._stream.time_base
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()  # pts -> RGB
        self._keep = max(2, cache_frames)
        self._frames = None       # the decode iterator, positioned after self._recent[-1]
        self._recent: list = []   # (pts_us, av frame) decoded since the last seek, in order
        self._pending = None      # a frame decoded past the wanted time, not yet consumed
        self._end_us = None       # pts of the last frame, once reached
        self.rotation = 0
        self._graphs: dict[tuple, object] = {}  # (frame layout, crop) -> rgb24 filter graph
        self._last_key_us = None  # pts of the last keyframe decoded since the last seek
        self._gop_us = None       # widest keyframe spacing seen (None: one keyframe so far)
        self.seeks = 0            # seeks frame() has made (each costs a decode run from a keyframe)
        # keyframe(): its own container (opened when first asked), lock and conversion graph
        self._key_lock = threading.Lock()
        self._keys = None         # (container, stream) decoding keyframes only
        self._key_graph = None

    def close(self) -> None:
        """Release the file."""
        with self._lock:
            self._container.close()
        with self._key_lock:
            if self._keys is not None:
                self._keys[0].close()
                self._keys = None

    def frame(self, t_us: int, crop: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """The frame showing at ``t_us`` (see the class); with ``crop`` (x, y, w, h upright
        pixels, inside the frame) only that part of it, converted alone: a clip filling a frame
        of another shape converts only what shows (about a third of a 16:9 frame in 9:16)."""
        t_us = max(0, int(t_us))
        crop = tuple(int(v) for v in crop) if crop is not None else None
        with self._lock:
            pts_us, frame = self._find(t_us)
            key = (pts_us, crop)
            found = self._cache.get(key)
            if found is None:
                found = self._to_rgb(frame, crop)
                self._cache[key] = found
                while len(self._cache) > self._keep:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
            return found

    def keyframe(self, t_us: int) -> np.ndarray:
        """The upright uint8 (h, w, 3) RGB keyframe at or before ``t_us`` microseconds into the
        file (the first frame for earlier times): roughly what shows at ``t_us``, for sampling
        (a caption's background), not for drawing. One seek and one decode on a second container
        that skips every other frame, so :meth:`frame`'s decoder stays where it is. A new
        array."""
        import av

        t_us = max(0, int(t_us))
        with self._key_lock:
            if self._keys is None:
                container = _open(self.path)
                stream = container.streams.video[0]
                stream.codec_context.skip_frame = "NONKEY"
                self._keys = (container, stream)
            container, stream = self._keys
            try:
                frame = self._first_key(container, stream, t_us)
                if frame is not None and t_us > 0 and self._pts_us(frame) > t_us:
                    frame = self._first_key(container, stream, 0)  # a keyframe table that lies
            except av.FFmpegError as exc:
                raise VideoError(f"The video {self.path.name} is damaged ({exc}). Export it "
                                 "again and import it again.") from None
            if frame is None:
                raise VideoError(f"The video {self.path.name} has no frame at "
                                 f"{t_us / US:.2f} s; it may be damaged.")
            key = (frame.width, frame.height, frame.format.name)
            if self._key_graph is None or self._key_graph[0] != key:
                self._key_graph = (key, _rgb_graph(frame, self._tb))
            return _upright_rgb(frame, self._key_graph[1])

    def _first_key(self, container, stream, t_us: int):
        """The first keyframe decoded after seeking ``container`` to the keyframe at or before
        ``t_us`` (None when nothing decodes)."""
        target = int(Fraction(t_us, US) / self._tb) if t_us > 0 else 0
        container.seek(target, stream=stream, backward=True, any_frame=False)
        return next(container.decode(stream), None)

    # --- decoding ------------------------------------------------------------------------------

    def _pts_us(self, frame) -> int:
        pts = frame.pts if frame.pts is not None else frame.dts
        return int(pts * self._tb * US) if pts is not None else 0

    def _next(self):
        """The next decoded frame as (pts_us, frame), or None at the end of the file."""
        if self._pending is not None:
            found, self._pending = self._pending, None
            return found
        try:
            frame = next(self._frames)
        except StopIteration:
            return None
        pts = self._pts_us(frame)
        if frame.key_frame:
            if self._last_key_us is not None and pts > self._last_key_us:
                # two keyframes of one run of decoding (a seek forgets the last one)
                self._gop_us = max(self._gop_us or 0, pts - self._last_key_us)
            self._last_key_us = pts
        return pts, frame

    def _seek(self, t_us: int) -> None:
        target = int(Fraction(t_us, US) / self._tb) if t_us > 0 else 0
        self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
        self.seeks += 1
        self._frames = self._container.decode(self._stream)
        self._recent, self._pending, self._last_key_us = [], None, None

    def _find(self, t_us: int):
        """(pts_us, frame) of the last frame with pts <= t_us (the first frame before it)."""
        if self._end_us is not None and t_us > self._end_us:
            t_us = self._end_us
        recent = self._recent
        if recent and recent[0][0] <= t_us:
            ahead = self._pending[0] if self._pending is not None else None
            if t_us < recent[-1][0] or (ahead is not None and t_us < ahead):
                i = bisect.bisect_right([p for p, _ in recent], t_us) - 1
                return recent[i]
        if not recent or not (recent[-1][0] <= t_us < recent[-1][0] + self._forward_us()):
            self._seek(t_us)
            # a seek may land after t (a keyframe table that lies): start again from the top
            first = self._next()
            if first is not None and first[0] > t_us:
                self._seek(0)
                first = self._next()
            if first is None:
                raise VideoError(f"The video {self.path.name} has no frame at "
                                 f"{t_us / US:.2f} s; it may be damaged.")
            self._keep_recent(first)
        while True:
            nxt = self._next()
            if nxt is None:
                self._end_us = self._recent[-1][0]
                return self._recent[-1]
            if nxt[0] > t_us:
                self._pending = nxt
                return self._recent[-1]
            self._keep_recent(nxt)

    def _forward_us(self) -> int:
        """How far ahead (microseconds) decoding forward beats a seek: the keyframe spacing seen
        (a seek lands on the keyframe at or before the time), at most FORWARD_US."""
        return FORWARD_US if self._gop_us is None else min(FORWARD_US, self._gop_us)

    def _keep_recent(self, found) -> None:
        # frames since the last seek, in decode order, so a thread asking for a frame just
        # behind another's finds it without seeking back
        self._recent.append(found)
        if len(self._recent) > RECENT_FRAMES:
            del self._recent[0]
        self.rotation = _rotation(found[1])

    def _to_rgb(self, frame, crop=None) -> np.ndarray:
        """``frame`` (or its ``crop``, x, y, w, h upright) as upright 8-bit RGB through FFmpeg's
        own conversion. An upright frame is cropped before converting, to a box of even
        offsets and sizes around the crop (so chroma samples stay paired with their pixels and
        the scaler gets whole chroma rows: the same pixels as converting the whole frame and
        cutting them out); a turned one, or a crop reaching an odd edge, is converted whole."""
        if crop is not None and not _inside(crop, frame):
            crop = None  # a file whose frame size changed: the whole frame (the caller re-fits)
        even = _even_box(crop, frame) if crop is not None and _rotation(frame) == 0 else None
        if even is not None:
            x, y, w, h = crop
            ex, ey = even[:2]
            rgb = _upright_rgb(frame, self._graph_for(frame, even))
            if rgb.shape[:2] == (h, w):
                return rgb
            return np.ascontiguousarray(rgb[y - ey:y - ey + h, x - ex:x - ex + w])
        rgb = _upright_rgb(frame, self._graph_for(frame, None))
        if crop is not None:
            x, y, w, h = crop
            rgb = np.ascontiguousarray(rgb[y:y + h, x:x + w])
        return rgb

    def _graph_for(self, frame, crop):
        """The rgb24 conversion graph for frames laid out like ``frame``, cropping to ``crop``
        first (kept per layout and crop: a file shown by two clips of other shapes needs two)."""
        key = (frame.width, frame.height, frame.format.name, crop)
        graph = self._graphs.get(key)
        if graph is None:
            graph = self._graphs[key] = _rgb_graph(frame, self._tb, crop)
            while len(self._graphs) > 4:
                self._graphs.pop(next(iter(self._graphs)))
        return graph


def _even_box(crop, frame):
    """The smallest box (x, y, w, h) of even offsets and sizes holding ``crop`` inside
    upright ``frame``, or None when there is none (an odd-sized frame cut to its edge)."""
    x, y, w, h = crop
    ex, ey = x - x % 2, y - y % 2
    ew, eh = w + x - ex, h + y - ey
    ew, eh = ew + ew % 2, eh + eh % 2
    return (ex, ey, ew, eh) if ex + ew <= frame.width and ey + eh <= frame.height else None


def _inside(crop, frame) -> bool:
    """Whether ``crop`` (x, y, w, h upright pixels) lies inside ``frame`` shown upright."""
    x, y, w, h = crop
    fw, fh = (frame.height, frame.width) if _rotation(frame) % 180 else (frame.width, frame.height)
    return x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= fw and y + h <= fh


def _upright_rgb(frame, graph) -> np.ndarray:
    """``frame`` through rgb24 filter ``graph``, turned upright: uint8 (h, w, 3)."""
    graph.push(frame)
    rgb = graph.pull().to_ndarray()
    k = _rotation(frame) // 90
    if k:
        rgb = np.rot90(rgb, -k)
    return np.ascontiguousarray(rgb)


def _rgb_graph(frame, time_base, crop=None):
    """An FFmpeg filter graph turning frames like ``frame`` into rgb24 exactly as the ffmpeg
    command line does by default (its matrix, its chroma upsampling): 5 ms for a 1080p 8-bit
    frame; with ``crop`` (x, y, w, h; even x and y) cutting that part out first. (PyAV's own
    ``to_ndarray`` takes another scaler path that differs from ffmpeg's on 10-bit sources by
    ~35 dB PSNR; full-chroma accurate rounding costs 70 ms a frame.)"""
    import av

    graph = av.filter.Graph()
    chain = [graph.add_buffer(width=frame.width, height=frame.height, format=frame.format.name,
                              time_base=time_base)]
    if crop is not None:
        chain.append(graph.add("crop", "w={2}:h={3}:x={0}:y={1}:exact=1".format(*crop)))
    chain += [graph.add("format", "rgb24"), graph.add("buffersink")]
    for a, b in zip(chain, chain[1:]):
        a.link_to(b)
    graph.configure()
    return graph


# --- proxies ---------------------------------------------------------------------------------

PROXY_DIR = "proxies"
PROXY_HEIGHT = 540         # the preview is at most 480 high (854 wide)
PROXY_ABOVE = 1920 * 1080  # footage with more pixels than 1080p gets a proxy


def proxy_path(folder: str | Path, asset_id: str) -> Path:
    """Where the preview proxy of video asset ``asset_id`` lives in project ``folder``."""
    return Path(folder) / PROXY_DIR / f"{Path(asset_id).stem}-{PROXY_HEIGHT}p.mp4"


def needs_proxy(info: VideoInfo) -> bool:
    """Whether footage this size gets a proxy (more pixels than 1080p)."""
    return info.width * info.height > PROXY_ABOVE


def make_proxy(source: str | Path, target: str | Path, cancel=None) -> Path:
    """Write a small all-intra H.264 copy of ``source`` at PROXY_HEIGHT lines to ``target``
    (upright: rotation applied) and return ``target``. Every frame is a keyframe, so a scrub
    decodes exactly one small frame. Written beside the target and renamed, so a cancelled or
    failed proxy leaves nothing; raises VideoError when ffmpeg fails."""
    import os
    import subprocess
    import time

    from imageio_ffmpeg import get_ffmpeg_exe

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.stem}.{os.getpid()}.part.mp4")
    cmd = [get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(source), "-an",
           "-vf", f"scale=-2:{PROXY_HEIGHT}", "-c:v", "libx264", "-preset", "ultrafast",
           "-g", "1", "-crf", "20", "-pix_fmt", "yuv420p", str(part)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while proc.poll() is None:
            if cancel is not None and cancel.cancelled:
                proc.kill()
                proc.wait()
                cancel.check()
            time.sleep(0.05)
        if proc.returncode != 0:
            raise VideoError(f"Could not make a preview copy of {Path(source).name} "
                             f"({proc.stderr.read().decode(errors='replace').strip()[:200]}).")
        os.replace(part, target)
    finally:
        if proc.poll() is None:
            proc.kill()
        part.unlink(missing_ok=True)
    return target
