"""Moving and scaling what sits over the picture, by hand in the preview: an overlay clip (a logo,
a title, a sticker, picture-in-picture) and a caption block.

:class:`FrameMapping` is the one place that turns widget pixels into frame pixels of the canvas
shown (letterboxed, scaled) and back. :class:`Handles` holds what is picked and the drag in
progress: a press on an overlay picks it (the topmost under the mouse, captions first: they are
drawn on top), dragging its body moves it, dragging a corner scales it about the opposite corner,
both snapped by :mod:`promodesk.core.overlay_snap` to the frame's centre lines and the safe
area's edges (Shift: no snapping), with the guides it snapped to drawn while dragging; arrow keys
nudge by a screen pixel (Shift: ten). Where it lands is one edit on release (``edit_requested``):
``SetOverlay`` for an overlay (a held arrow key is one undo step too), ``SetCaptionStyle``
with the block's new ``position`` for a caption. While dragging, a ghost of the overlay's picture follows the mouse; the
frame itself is rendered again (by the exporter's renderer) once the edit is made.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from promodesk.app import theme
from promodesk.core import overlay_snap as snap
from promodesk.core.document import Change, Document
from promodesk.core.media_edits import SetOverlay
from promodesk.core.timeline import Clip, Project, TrackKind
from promodesk.engines.visuals import safearea
from promodesk.render.overlay import overlay_params

HANDLE_PX = 8  # corner handles on screen
GRAB_PX = 7  # how near a corner a press picks it
MOVE_START_PX = 2  # a press that moves less than this is a click (no edit)
SPRITES_KEPT = 16


class FrameMapping:
    """Frame pixels of a ``canvas`` (w, h) shown in ``rect`` (widget pixels, same aspect)."""

    def __init__(self, rect: QRectF, canvas: tuple[int, int]):
        self.rect, self.canvas = QRectF(rect), (int(canvas[0]), int(canvas[1]))
        self.scale = rect.width() / canvas[0] if canvas[0] else 1.0  # widget px per frame px

    def to_frame(self, pos: QPointF) -> tuple[float, float]:
        """The frame pixel (x, y) under widget point ``pos``."""
        return ((pos.x() - self.rect.left()) / self.scale, (pos.y() - self.rect.top()) / self.scale)

    def to_widget(self, x: float, y: float) -> QPointF:
        """The widget point over frame pixel (x, y)."""
        return QPointF(self.rect.left() + x * self.scale, self.rect.top() + y * self.scale)

    def box_to_widget(self, box: snap.Box) -> QRectF:
        """Frame box (l, t, r, b) as a widget rectangle."""
        l, t, r, b = box
        return QRectF(self.to_widget(l, t), self.to_widget(r, b))

    def screen_px(self, pixels: float) -> float:
        """``pixels`` on screen in frame pixels."""
        return pixels / self.scale


@dataclass
class Target:
    """Something the preview can move: ``kind`` "overlay" or "caption", its ``box`` in frame
    pixels as drawn now; an overlay's ``settings`` (its effective x, y, scale, ... in this aspect)
    and ``sprite`` (RGBA picture); ``scalable`` whether corners scale it."""

    clip_id: str
    kind: str
    box: snap.Box
    settings: dict | None = None
    sprite: np.ndarray | None = None

    @property
    def scalable(self) -> bool:
        return self.kind == "overlay"


def effective_settings(settings: dict, canvas: tuple[int, int]) -> dict:
    """An overlay's settings as drawn in a frame of ``canvas`` (w, h): a brand overlay still
    where it was placed takes the spot chosen for that aspect (see ``render.overlay``)."""
    spot = (settings.get("auto") or {}).get(safearea.aspect_name(canvas))
    out = {k: v for k, v in settings.items() if k != "auto"}
    if isinstance(spot, dict):
        out.update({k: float(spot[k]) for k in ("x", "y", "scale") if k in spot})
    return out


class SpriteCache:
    """Overlay pictures (RGBA uint8, as the renderer blends them) per clip, take and canvas."""

    def __init__(self) -> None:
        self._kept: dict[tuple, np.ndarray] = {}

    def sprite(self, project: Project, folder: Path | None, clip: Clip,
               canvas: tuple[int, int]) -> np.ndarray:
        """The overlay ``clip``'s picture at its in-point, made by its engine (the renderer's
        own frame source) for a frame of ``canvas`` (titles lay out per canvas)."""
        params = {k: v for k, v in clip.recipe.params.items() if k != "overlay"}
        key = (clip.id, clip.selected, clip.asset, canvas, json.dumps(params, sort_keys=True, default=str))
        found = self._kept.get(key)
        if found is None:
            from promodesk.engines import registry

            engine = registry.visual_engine(clip.recipe.engine)
            source = engine.frame_source(dict(clip.recipe.params), _media(project, folder, clip.asset),
                                         canvas, clip.duration, clip.recipe.seed)
            found = np.ascontiguousarray(source.sprite(clip.in_point))
            if len(self._kept) >= SPRITES_KEPT:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = found
        return found


def _media(project: Project, folder: Path | None, asset: str | None):
    """The take's file as the renderer opens it (a PIL image or a VideoDecoder; None)."""
    if asset is None or folder is None:
        return None
    from promodesk.core.projectfile import asset_path

    entry = project.assets.get(asset)
    if entry is not None and entry.kind == "video":
        from promodesk.engines.visuals.video import VideoDecoder, proxy_path

        proxy = proxy_path(folder, asset)
        return VideoDecoder(proxy if proxy.is_file() else asset_path(folder, asset))
    from promodesk.engines.visuals.photos import load_photo

    return load_photo(asset_path(folder, asset))


def overlay_targets(project: Project, folder: Path | None, us: int, canvas: tuple[int, int],
                    sprites: SpriteCache) -> list[Target]:
    """The overlays showing at ``us`` in a frame of ``canvas``, topmost first: those above the
    topmost full-frame clip (what the renderer draws), with their boxes in frame pixels."""
    safe = safearea.safe_area(canvas)
    found = []
    for track in reversed(project.tracks_of(TrackKind.VIDEO)):
        if track.mute:
            continue
        clip = track.clip_at(us)
        if clip is None:
            continue
        settings = overlay_params(clip.recipe.params)
        if settings is None:
            break  # a full-frame clip covers every track under it
        try:
            sprite = sprites.sprite(project, folder, clip, canvas)
        except Exception:  # noqa: BLE001 - a clip that cannot be drawn shows the renderer's message, not handles
            continue
        settings = effective_settings(settings, canvas)
        box = snap.fitted_box((sprite.shape[1], sprite.shape[0]), settings, canvas, safe, exact=True)
        found.append(Target(clip.id, "overlay", box, settings, sprite))
    return found


def caption_targets(project: Project, us: int, boxes: dict[str, snap.Box]) -> list[Target]:
    """The caption blocks showing at ``us`` whose boxes (frame pixels, from the preview's own
    renderer: ``boxes`` by clip id) are known, topmost track first."""
    out = []
    for track in reversed(project.tracks_of(TrackKind.CAPTIONS)):
        clip = None if track.mute else track.clip_at(us)
        if clip is not None and clip.id in boxes:
            out.append(Target(clip.id, "caption", boxes[clip.id]))
    return out


def sprite_image(sprite: np.ndarray) -> QImage:
    """An RGBA uint8 array as a QImage (a copy)."""
    h, w = sprite.shape[:2]
    return QImage(np.ascontiguousarray(sprite).data, w, h, 4 * w, QImage.Format_RGBA8888).copy()


class Handles(QObject):
    """What is picked in the preview and the drag in progress (see the module). The frame view
    forwards its mouse and key events and paints :meth:`paint` over the frame. Signals:
    ``edit_requested(Edit)`` (one per drag or held arrow key), ``clip_picked(clip id)``."""

    edit_requested = Signal(object)
    clip_picked = Signal(str)
    changed = Signal()  # repaint

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.us = 0
        self.canvas: tuple[int, int] | None = None
        self.selected: str | None = None
        self.sprites = SpriteCache()
        self._targets: list[Target] | None = None
        self._drag: dict | None = None  # target, mode ("move" or corner 0..3), press, moved
        self.live: snap.Snapped | None = None
        self.caption_boxes: dict[str, snap.Box] = {}  # clip id -> frame pixels, as last rendered
        self._gestures = itertools.count(1)
        self._nudge_gesture = None
        document.events.changed.connect(self._document_changed)

    # --- what is shown ------------------------------------------------------------------------

    def _document_changed(self, change: Change) -> None:
        self._targets = None
        if change.kind == "project":
            self.selected, self._drag, self.live = None, None, None
        self.changed.emit()

    def set_time(self, us: int) -> None:
        if us != self.us:
            self.us, self._targets = us, None
            self.changed.emit()

    def set_canvas(self, canvas: tuple[int, int] | None) -> None:
        """The frame size (w, h) of the aspect shown; None without a frame."""
        if canvas != self.canvas:
            self.canvas, self._targets, self._drag, self.live = canvas, None, None, None
            self.caption_boxes = {}  # they were another aspect's
            self.changed.emit()

    def set_caption_boxes(self, boxes: dict[str, tuple]) -> None:
        """Where the preview's renderer drew the caption blocks of the frame shown: clip id ->
        (l, t, r, b) as fractions of the frame (scaled here to the canvas)."""
        if self.canvas is None:
            return
        w, h = self.canvas
        scaled = {cid: (l * w, t * h, r * w, b * h) for cid, (l, t, r, b) in boxes.items()}
        if scaled != self.caption_boxes:
            self.caption_boxes, self._targets = scaled, None
            self.changed.emit()

    def select(self, clip_id: str | None) -> None:
        """Show handles on ``clip_id`` when it is an overlay or caption showing now."""
        if clip_id != self.selected:
            self.selected, self._nudge_gesture = clip_id, None
            self.changed.emit()

    def targets(self) -> list[Target]:
        """What can be picked now, topmost first (captions, then overlays)."""
        if self._targets is None:
            self._targets = []
            if self.canvas is not None:
                project, folder = self.document.project, self.document.folder
                self._targets = (caption_targets(project, self.us, self.caption_boxes)
                                 + overlay_targets(project, folder, self.us, self.canvas, self.sprites))
        return self._targets

    def current(self) -> Target | None:
        """The picked target if it is showing now."""
        if self.selected is None:
            return None
        return next((t for t in self.targets() if t.clip_id == self.selected), None)

    # --- mouse --------------------------------------------------------------------------------

    def press(self, m: FrameMapping, pos: QPointF) -> bool:
        """A left press at widget ``pos``: grab a corner or the body of what is under it (which
        becomes picked); True when the press was taken."""
        target = self.current()
        corner = self._corner_at(m, target, pos) if target is not None and target.scalable else None
        if corner is None:
            x, y = m.to_frame(pos)
            target = next((t for t in self.targets()
                           if t.box[0] <= x < t.box[2] and t.box[1] <= y < t.box[3]), None)
            if target is None:
                self.select(None)
                return False
            if target.clip_id != self.selected:
                self.select(target.clip_id)
                self.clip_picked.emit(target.clip_id)
        self._drag = {"target": target, "mode": "move" if corner is None else corner,
                      "press": m.to_frame(pos), "screen": QPointF(pos), "moved": False}
        self.live = snap.Snapped(target.box)
        self.changed.emit()
        return True

    def move(self, m: FrameMapping, pos: QPointF, snapping: bool) -> bool:
        """The mouse at ``pos`` while a drag is on: where the target lands (``live``)."""
        drag = self._drag
        if drag is None:
            return False
        if not drag["moved"] and (pos - drag["screen"]).manhattanLength() < MOVE_START_PX:
            return True
        drag["moved"] = True
        target, safe = drag["target"], safearea.safe_area(m.canvas)
        threshold = m.screen_px(snap.SNAP_SCREEN_PX)
        x, y = m.to_frame(pos)
        if drag["mode"] == "move":
            dx, dy = x - drag["press"][0], y - drag["press"][1]
            l, t, r, b = target.box
            self.live = snap.snap_move((l + dx, t + dy, r + dx, b + dy), m.canvas, safe, threshold,
                                       snapping)
        else:
            self.live = snap.snap_corner(target.box, drag["mode"], (x, y), m.canvas, safe, threshold,
                                         snapping, min_side=m.screen_px(2 * HANDLE_PX))
        self.changed.emit()
        return True

    def release(self, m: FrameMapping) -> bool:
        """End the drag: one edit when the target moved or changed size."""
        drag, live = self._drag, self.live
        self._drag, self.live = None, None
        if drag is None:
            return False
        self.changed.emit()
        if drag["moved"] and live is not None and live.box != drag["target"].box:
            self._request(drag["target"], live.box, m.canvas)
        return True

    def cancel(self) -> bool:
        """Escape during a drag: put it back, no edit."""
        if self._drag is None:
            return False
        self._drag, self.live = None, None
        self.changed.emit()
        return True

    def cursor_at(self, m: FrameMapping, pos: QPointF):
        """The cursor shape for hovering at ``pos`` (None: the default arrow)."""
        if self._drag is not None:
            return Qt.ClosedHandCursor if self._drag["mode"] == "move" else None
        target = self.current()
        corner = self._corner_at(m, target, pos) if target is not None and target.scalable else None
        if corner is not None:
            return Qt.SizeFDiagCursor if corner in (0, 2) else Qt.SizeBDiagCursor
        x, y = m.to_frame(pos)
        if any(t.box[0] <= x < t.box[2] and t.box[1] <= y < t.box[3] for t in self.targets()):
            return Qt.OpenHandCursor
        return None

    @staticmethod
    def _corner_at(m: FrameMapping, target: Target, pos: QPointF) -> int | None:
        rect = m.box_to_widget(target.box)
        corners = (rect.topLeft(), rect.topRight(), rect.bottomRight(), rect.bottomLeft())
        near = [(abs(c.x() - pos.x()) + abs(c.y() - pos.y()), i) for i, c in enumerate(corners)]
        d, i = min(near)
        return i if d <= 2 * GRAB_PX else None

    # --- keys ---------------------------------------------------------------------------------

    def nudge(self, m: FrameMapping, dx: int, dy: int, repeat: bool) -> bool:
        """Move the picked target by (dx, dy) screen pixels; a held key is one undo step."""
        target = self.current()
        if target is None or self._drag is not None:
            return False
        if not repeat or self._nudge_gesture is None:
            self._nudge_gesture = ("nudge", next(self._gestures))
        box = snap.nudge(target.box, m.screen_px(dx), m.screen_px(dy), safearea.safe_area(m.canvas))
        if box != target.box:
            self._request(target, box, m.canvas, self._nudge_gesture)
        return True

    # --- the edit -----------------------------------------------------------------------------

    def _request(self, target: Target, box: snap.Box, canvas: tuple[int, int], gesture=None) -> None:
        if target.kind == "overlay":
            sprite = (target.sprite.shape[1], target.sprite.shape[0])
            new = snap.moved_settings(target.settings, target.box, box, canvas, sprite,
                                      safearea.safe_area(canvas))
            values = {k: round(float(new[k]), 5) for k in ("x", "y", "scale")}
            self.edit_requested.emit(SetOverlay(target.clip_id, values, gesture))
        else:
            from promodesk.core.captionstyle import SetCaptionStyle

            fx, fy = snap.Snapped(box).centre_fraction(canvas)
            position = (round(min(max(fx, 0.0), 1.0), 5), round(min(max(fy, 0.0), 1.0), 5))
            # shown where it went until the preview's renderer says where it drew it
            self.caption_boxes = {**self.caption_boxes, target.clip_id: box}
            self._targets = None
            self.edit_requested.emit(SetCaptionStyle([target.clip_id], {"position": position}))

    # --- drawing ------------------------------------------------------------------------------

    def paint(self, p: QPainter, m: FrameMapping, frame: QImage | None = None) -> None:
        """The picked target's box and handles, the safe area it keeps to, and while dragging a
        ghost of its picture where it will land (a caption's: its patch of ``frame``, the
        preview image shown) and the guides it snapped to."""
        target = self._drag["target"] if self._drag else self.current()
        if target is None:
            return
        safe = m.box_to_widget(safearea.safe_area(m.canvas))
        p.setBrush(Qt.NoBrush)
        p.setPen(QPen(theme.qcolor(theme.SNAP, 190), 1, Qt.DotLine))
        p.drawRect(safe)  # where it can go: the platform safe area the renderer keeps it in
        box = self.live.box if self.live is not None else target.box
        rect = m.box_to_widget(box)
        if self.live is not None and self._drag["moved"]:
            if target.sprite is not None:
                self._paint_ghost(p, target, rect)
            elif frame is not None:
                k = frame.width() / m.canvas[0]
                l, t, r, b = target.box
                p.save()
                p.setOpacity(0.7)
                p.drawImage(rect, frame, QRectF(l * k, t * k, (r - l) * k, (b - t) * k))
                p.restore()
        if self.live is not None:
            self._paint_guides(p, m, self.live.guides)
        p.setBrush(Qt.NoBrush)
        p.setPen(QPen(QColor(0, 0, 0, 160), 3))
        p.drawRect(rect)
        p.setPen(QPen(theme.qcolor(theme.ACCENT), 1))
        p.drawRect(rect)
        if target.scalable:
            half = HANDLE_PX / 2
            p.setBrush(theme.qcolor("#ffffff"))
            p.setPen(QPen(theme.qcolor(theme.ACCENT), 1))
            for c in (rect.topLeft(), rect.topRight(), rect.bottomRight(), rect.bottomLeft()):
                p.drawRect(QRectF(c.x() - half, c.y() - half, HANDLE_PX, HANDLE_PX))

    @staticmethod
    def _paint_ghost(p: QPainter, target: Target, rect: QRectF) -> None:
        """The overlay's picture, rotated as the renderer turns it, fitted to ``rect``."""
        image = sprite_image(target.sprite)
        angle = float(target.settings.get("rotation", 0.0))
        rad = np.deg2rad(angle)
        c, s = abs(np.cos(rad)), abs(np.sin(rad))
        sw, sh = image.width(), image.height()
        k = rect.width() / max(sw * c + sh * s, 1e-6)
        p.save()
        p.setOpacity(0.6)
        p.setRenderHint(QPainter.SmoothPixmapTransform)
        p.translate(rect.center())
        p.rotate(-angle)  # the renderer's angle is counter-clockwise, Qt's clockwise
        p.drawImage(QRectF(-sw * k / 2, -sh * k / 2, sw * k, sh * k), image)
        p.restore()

    @staticmethod
    def _paint_guides(p: QPainter, m: FrameMapping, guides) -> None:
        p.setPen(QPen(theme.qcolor(theme.SNAP), 1))  # the timeline's snap colour: snapped
        for g in guides:
            if g.axis == "x":
                a, b = m.to_widget(g.pos, 0), m.to_widget(g.pos, m.canvas[1])
            else:
                a, b = m.to_widget(0, g.pos), m.to_widget(m.canvas[0], g.pos)
            p.drawLine(a, b)
