"""One frame of a project at a time: what the editor's preview shows and what export encodes.

:class:`FrameRenderer` prepares each clip once (a shot renderer per clip and take, a caption
sprite per cue) and then makes frames cheaply. Video tracks composite bottom to top: a full-frame clip (a
shot, footage) covers what is below it, an overlay clip (``params["overlay"]``: a logo, a title,
picture-in-picture; see :mod:`promodesk.render.overlay`) is blended over it with its alpha, so the
topmost full-frame clip at a time is the base and only the overlays above it are drawn. A clip's
``transition_in`` blends the previous clip into it over ``[start - d/2, start + d/2)``. Footage
reads its source at ``clip.in_point + (t - clip.start)``.
Captions tracks draw on top. Frames may be requested from several threads at once (the exporter
does); preparing a clip takes a lock, drawing a frame does not.

A project is rendered at whatever size is asked for: shots re-frame the photo for that aspect and
captions re-layout in that aspect's safe area.

Each video clip is drawn by the engine its recipe names (:mod:`promodesk.engines.registry`), which
makes the clip's frame source; a clip whose engine this version does not have raises
:class:`~promodesk.engines.base.UnknownEngine` (a clear message, never a guess at a shot).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from promodesk.core.captionstyle import caption_style
from promodesk.core.projectfile import asset_path
from promodesk.core.timeline import Clip, Project, Track, TrackKind
from promodesk.engines import registry
from promodesk.engines.base import UnknownEngine
from promodesk.render.captions import Caption
from promodesk.render.overlay import blend, opacity_at, overlay_params, place


class FrameRenderer:
    """Frames of ``project`` (assets in ``folder``) at ``size`` (w, h pixels; default the
    project's canvas), with captions burned in unless ``captions`` is False; with ``proxies``
    (the preview) footage that has a proxy is drawn from it.
    ``frame(t_us)`` returns a new uint8 (h, w, 3) RGB array."""

    def __init__(self, project: Project, folder: Path, size: tuple[int, int] | None = None,
                 captions: bool = True, keep_shots: int = 8, proxies: bool = False,
                 decode_threads: bool = True):
        self.project, self.folder = project, Path(folder)
        self.proxies = proxies  # the preview draws footage from its proxies; export never does
        # the preview decodes footage on frame threads (a scrub lands sooner); export decodes
        # each file on one thread: its render threads already keep every core busy, and frame
        # threading costs about 20% more CPU a frame (bench/bench_export.py --footage)
        self.decode_threads = decode_threads
        self.draw_captions = captions
        self.size = tuple(size) if size else (project.width, project.height)
        self._lock = threading.RLock()
        self._shots: OrderedDict[tuple, object] = OrderedDict()
        self._captions: dict[tuple, Caption] = {}
        self._making: dict[tuple, threading.Event] = {}  # captions a thread is making now
        self._photos: dict[str, object] = {}  # asset -> PIL image or VideoDecoder
        self._placed: OrderedDict[tuple, object] = OrderedDict()  # still overlays, placed once
        self._inked: dict[tuple, tuple | None] = {}  # still overlays' ink boxes (captions avoid)
        self._keep = keep_shots

    # --- public --------------------------------------------------------------------------------

    def frame(self, time_us: int) -> np.ndarray:
        """The finished frame at ``time_us`` (microseconds): video tracks, then captions."""
        img = self.video_frame(time_us)
        if not self.draw_captions:
            return img
        for caption, start in self.captions_at(time_us):
            caption.draw(img, time_us - start)
        return img

    def video_frame(self, time_us: int) -> np.ndarray:
        """The frame at ``time_us`` without captions (a new, writable array)."""
        return self._compose(time_us, sample=False)

    def sample_frame(self, time_us: int) -> np.ndarray:
        """Roughly the frame at ``time_us`` without captions, cheaply (a new uint8 (h, w, 3)
        array): composited as :meth:`video_frame`, but footage shows its keyframe at or before
        the time (one decode on a side container; the decoder export reads is not moved); shots
        and images are exact. What a caption samples to choose its look."""
        return self._compose(time_us, sample=True)

    def _compose(self, time_us: int, sample: bool) -> np.ndarray:
        w, h = self.size
        tracks = [t for t in self.project.tracks_of(TrackKind.VIDEO) if not t.mute]
        img, overlays = None, []
        for track in reversed(tracks):
            clip = track.clip_at(time_us)
            if clip is not None and overlay_params(clip.recipe.params) is not None:
                overlays.append(clip)
                continue
            img = self._track_frame(track, time_us, sample)
            if img is not None:
                break
        if img is None:
            img = np.zeros((h, w, 3), np.uint8)
        for clip in reversed(overlays):  # bottom to top
            self._draw_overlay(img, clip, time_us, sample)
        return img

    def captions_at(self, time_us: int) -> list[tuple[Caption, int]]:
        """(prepared caption, cue start in microseconds) of every cue showing at ``time_us``."""
        out = []
        for track in self.project.tracks_of(TrackKind.CAPTIONS):
            if track.mute:
                continue
            clip = track.clip_at(time_us)
            if clip is not None and clip.cue is not None and clip.cue.text.strip():
                out.append((self.caption(clip), clip.start))
        return out

    def caption(self, clip: Clip) -> Caption:
        """The prepared :class:`Caption` of caption ``clip`` at this renderer's size (cached).
        Raises UnknownEngine when the clip's recipe names an engine this version lacks."""
        if not registry.known(clip.recipe.engine):
            raise UnknownEngine(clip.recipe.engine)
        from promodesk.engines.visuals.takes import caption_lines

        # a regenerated take may break the line elsewhere (while the cue's text is unchanged)
        text = caption_lines(clip.recipe.params, clip.cue.text) or clip.cue.text
        style = caption_style(clip.cue)
        with self._lock:
            keep_out = self.text_boxes(clip.start, clip.end)
        key = (clip.id, text, style, clip.start, clip.duration, keep_out)
        while True:
            found = self._captions.get(key)
            if found is not None:
                return found
            with self._lock:
                found = self._captions.get(key)
                if found is not None:
                    return found
                making = self._making.get(key)
                if making is None:  # this thread makes it
                    making = self._making[key] = threading.Event()
                    break
            # another thread is making it: wait for it (and try again if that one failed)
            making.wait()
        try:
            # made outside the renderer's lock (it renders the frames under the caption to
            # choose its look): the other threads draw frames meanwhile
            font_file = (asset_path(self.folder, style.font)
                         if style.font in self.project.assets else None)
            found = Caption(text, style, self.size, clip.duration,
                            lambda u, s=clip.start: self.sample_frame(s + u),
                            font_file=font_file, keep_out=keep_out)
            self._captions[key] = found
            return found
        finally:
            with self._lock:
                del self._making[key]
            making.set()

    def prepare(self, time_us: int) -> None:
        """Prepare, without drawing, every clip and caption showing at ``time_us``: the exporter
        calls it a little ahead, so a cue's first frame does not wait for its caption."""
        for track in self.project.tracks_of(TrackKind.VIDEO):
            clip = track.clip_at(time_us)
            if clip is not None and not track.mute and registry.known(clip.recipe.engine):
                self._shot(clip)
        if self.draw_captions:
            self.captions_at(time_us)

    def text_boxes(self, start: int, end: int) -> tuple[tuple[int, int, int, int], ...]:
        """Pixel boxes (left, top, right, bottom) of the text every shot showing in ``[start,
        end)`` (microseconds) writes on the frame and of the panels it sits on
        (``ShotRenderer.text_boxes()``, ``panel_boxes()``), and of the ink of every still
        overlay showing then (a logo, a watermark, a title: :meth:`_overlay_box`): captions keep
        out of them. Footage adds none."""
        boxes: list[tuple[int, int, int, int]] = []
        for track in self.project.tracks_of(TrackKind.VIDEO):
            if track.mute:
                continue
            for clip in track.clips:
                if not (clip.start < end and start < clip.end and registry.known(clip.recipe.engine)):
                    continue
                if overlay_params(clip.recipe.params) is not None:
                    box = self._overlay_box(clip)
                    boxes.extend([box] if box is not None else [])
                else:
                    shot = self._shot(clip)
                    boxes.extend(getattr(shot, "text_boxes", lambda: [])())
                    boxes.extend(getattr(shot, "panel_boxes", lambda: [])())
        return tuple(sorted(set(boxes)))

    def _overlay_box(self, clip: Clip) -> tuple[int, int, int, int] | None:
        """Pixel box (left, top, right, bottom) of the visible pixels of still overlay ``clip``
        where it is placed at this size; None for a moving one (picture-in-picture) or one over
        a quarter of the frame (a border): a caption cannot keep clear of those."""
        key = (clip.id, clip.selected, clip.asset,
               json.dumps(clip.recipe.params, sort_keys=True, default=str))
        with self._lock:
            if key not in self._inked:
                shot, box = self._shot(clip), None
                if getattr(shot, "still", False):
                    placed = place(shot.sprite(clip.in_point), overlay_params(clip.recipe.params),
                                   self.size)
                    ys, xs = np.nonzero(placed.alpha > 8 / 255)
                    if len(xs):
                        box = (placed.x + int(xs.min()), placed.y + int(ys.min()),
                               placed.x + int(xs.max()) + 1, placed.y + int(ys.max()) + 1)
                        w, h = self.size
                        box = box if (box[2] - box[0]) * (box[3] - box[1]) * 4 <= w * h else None
                self._inked[key] = box
            return self._inked[key]

    def missing_glyphs(self) -> list[str]:
        """Characters in the project's captions that no bundled font can draw (left out)."""
        from promodesk.engines.visuals.typeset import missing_glyphs

        text = "".join(c.cue.text for t in self.project.tracks_of(TrackKind.CAPTIONS)
                       for c in t.clips if c.cue is not None)
        return missing_glyphs(text)

    # --- video ---------------------------------------------------------------------------------

    def _track_frame(self, track: Track, t: int, sample: bool = False) -> np.ndarray | None:
        clips = track.clips
        for i, clip in enumerate(clips):
            d = _transition_us(clip)
            prev = clips[i - 1] if i > 0 else None
            if d and prev is not None and prev.end == clip.start \
                    and clip.start - d // 2 <= t < clip.start + d - d // 2:
                from promodesk.engines.visuals.transitions import blend

                a = self._shot_frame(prev, t, sample)
                b = self._shot_frame(clip, t, sample)
                kind = clip.recipe.params.get("transition_in", {}).get("kind", "cut")
                progress = (t - (clip.start - d // 2)) / d
                return np.ascontiguousarray(blend(a, b, kind, progress), dtype=np.uint8)
        clip = track.clip_at(t)
        return None if clip is None else self._shot_frame(clip, t, sample)

    def _draw_overlay(self, img: np.ndarray, clip: Clip, t: int, sample: bool = False) -> None:
        """Blend overlay ``clip`` at time ``t`` onto ``img`` in place (``sample``: a video
        overlay shows its keyframe, see :meth:`sample_frame`)."""
        settings = overlay_params(clip.recipe.params)
        opacity = opacity_at(settings, t - clip.start, clip.duration)
        if opacity <= 0:
            return
        shot = self._shot(clip)
        local = _source_time(shot, clip, t)
        if getattr(shot, "still", False):
            key = (clip.id, clip.selected, clip.asset,
                   json.dumps(clip.recipe.params, sort_keys=True, default=str))
            with self._lock:
                placed = self._placed.get(key)
                if placed is None:
                    placed = self._placed[key] = place(shot.sprite(local), settings, self.size)
                    while len(self._placed) > self._keep:
                        self._placed.popitem(last=False)
        else:
            sprite = getattr(shot, "sample_sprite", shot.sprite) if sample else shot.sprite
            placed = place(sprite(local), settings, self.size)
        blend(img, placed, opacity)

    def _shot_frame(self, clip: Clip, t: int, sample: bool = False) -> np.ndarray:
        shot = self._shot(clip)
        # sampling: footage answers from a keyframe; sources without a cheap path draw exactly
        draw = getattr(shot, "sample_frame", shot.frame) if sample else shot.frame
        frame = draw(_source_time(shot, clip, t))
        # a renderer may hand back an array it keeps; captions draw in place, so own a copy
        if not frame.flags.writeable or frame.base is not None:
            frame = frame.copy()
        return frame

    def _shot(self, clip: Clip):
        """The clip's frame source, made by the engine its recipe names (cached)."""
        engine = registry.visual_engine(clip.recipe.engine)
        params = clip.recipe.params
        key = (clip.id, clip.selected, clip.recipe.engine, clip.asset, clip.duration,
               clip.recipe.seed, json.dumps(params, sort_keys=True, default=str))
        with self._lock:
            shot = self._shots.get(key)
            if shot is not None:
                self._shots.move_to_end(key)
                return shot
            from promodesk.engines.visuals.shots import with_font_file  # a kit's font asset

            shot = engine.frame_source(with_font_file(params, self.folder),
                                       self._media(clip.asset), self.size, clip.duration,
                                       clip.recipe.seed)
            self._shots[key] = shot
            while len(self._shots) > self._keep:
                self._shots.popitem(last=False)
            return shot

    def _media(self, asset: str | None):
        """The take's file ready to draw: a PIL image, a VideoDecoder for a video asset (one
        per file, shared by its clips), None without a file."""
        if asset is None:
            return None
        with self._lock:
            if asset not in self._photos:
                entry = self.project.assets.get(asset)
                if entry is not None and entry.kind == "video":
                    from promodesk.engines.visuals.video import VideoDecoder, proxy_path

                    path = proxy_path(self.folder, asset) if self.proxies else None
                    if path is None or not path.is_file():
                        path = asset_path(self.folder, asset)
                    self._photos[asset] = VideoDecoder(path, threads=self.decode_threads)
                else:
                    from promodesk.engines.visuals.photos import load_photo

                    self._photos[asset] = load_photo(asset_path(self.folder, asset))
            return self._photos[asset]


def _source_time(shot, clip: Clip, t: int) -> int:
    """The time ``shot.frame`` wants for timeline time ``t``: into the clip, or into its source
    (``in_point + t - start``) for sources that read files by time (footage)."""
    local = t - clip.start
    return clip.in_point + local if getattr(shot, "source_time", False) else local


def _transition_us(clip: Clip) -> int:
    """Length in microseconds of the clip's incoming transition (0 for a cut)."""
    tr = clip.recipe.params.get("transition_in") or {}
    if tr.get("kind", "cut") == "cut":
        return 0
    return max(0, int(tr.get("duration_us", 0)))


def render_frame(project: Project, time_us: int, size: tuple[int, int] | None = None,
                 folder: Path | str = ".") -> np.ndarray:
    """The frame of ``project`` at ``time_us`` microseconds, at ``size`` (w, h pixels; default
    the project's canvas), as uint8 (h, w, 3) RGB. Assets are read from project ``folder``.
    For many frames keep a :class:`FrameRenderer`, which prepares each clip only once."""
    return FrameRenderer(project, Path(folder), size).frame(time_us)
