"""The media bin: every asset of the project (imported clips, images, audio and what the engines
made) with a thumbnail, its duration, resolution and where it came from; File > Import brings
files in, and dragging an item onto a timeline track places it there.

Importing runs as a job (probing and copying a large clip must not stall the UI thread); its
result becomes one :class:`~promodesk.core.media_edits.ImportAssets` edit, so an import is undone
like any other change. Placing is an ``AddClip`` edit: footage on the main video track fills the
frame, on a track above it becomes an overlay (a logo in the top corner, a clip as
picture-in-picture), a photo on the main track becomes a moving shot.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QEvent, QMimeData, QObject, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QFileDialog, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from promodesk.app import theme
from promodesk.app.jobs import Job
from promodesk.app.media import pixmap_from_rgb
from promodesk.core.document import Change
from promodesk.core.edits import AddClip, EditError
from promodesk.core.media_edits import AddTrack, ImportAssets, Together
from promodesk.core.plan import photo_shot_params
from promodesk.core.timeline import Asset, Clip, Recipe, Take, TrackKind, seconds_from_us
from promodesk.engines.visuals.media import import_job, sound_asset, thumbnail_job

ASSET_MIME = "application/x-promodesk-asset"
THUMB = QSize(96, 54)
IMPORT_FILTER = ("Media (*.mp4 *.mov *.m4v *.mkv *.webm *.avi *.wav *.mp3 *.aac *.m4a *.flac "
                 "*.ogg *.opus *.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)")
STILL_US = 3_000_000          # an image placed on the main track lasts this long
LOGO = {"x": 0.86, "y": 0.08, "scale": 0.2}     # where a dropped image overlay starts
PIP = {"x": 0.72, "y": 0.3, "scale": 0.42}      # where a dropped clip overlay starts


def origin(asset: Asset) -> str:
    """Where ``asset`` came from, in the user's words: the file's own name ("photo.jpg"), the
    engine that made it, or "your photo" / "generated" when the project recorded neither."""
    meta = asset.meta or {}
    # a brief's photos from before names were kept carry no meta, only the licence they got
    supplied = "supplied by the user" in (asset.licence or "")
    source = meta.get("source") or meta.get("name") or meta.get("engine") or (
        "your photo" if supplied else "generated")
    return f"sound of {source}" if meta.get("of_video") else str(source)


def asset_names(assets: Iterable[Asset]) -> dict[str, str]:
    """Asset id -> a name a user knows (:func:`origin`), unique among ``assets``: a name shared
    by several gets " (2)", " (3)"... on the later ones, in the order given (the project's,
    which saving keeps)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for asset in assets:
        name = label = origin(asset)
        n = 1
        while label in taken:  # (a file itself called "photo.jpg (2)" is skipped)
            n += 1
            label = f"{name} ({n})"
        names[asset.id] = label
        taken.add(label)
    return names


def describe(asset: Asset, name: str | None = None) -> str:
    """Two lines for the bin: ``name`` (default: where it came from), then kind, duration and
    resolution."""
    parts = [asset.kind]
    if asset.duration:
        parts.append(f"{seconds_from_us(asset.duration):.1f} s")
    meta = asset.meta or {}
    if meta.get("width") and meta.get("height"):
        parts.append(f"{meta['width']}x{meta['height']}")
    return f"{name or origin(asset)}\n" + " · ".join(parts)


@functools.lru_cache(maxsize=2)  # drawn once each
def placeholder_icon(sound: bool) -> QIcon:
    """A THUMB-sized icon for an item with no picture: a sound's (bars in the music lane's
    colour) or, while a thumbnail is being made, a blank card. Every item then has an icon, so
    the texts line up in one column."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(theme.qcolor(theme.PANEL_ALT))
    if sound:
        p = QPainter(pixmap)
        colour = theme.qcolor(theme.CLIP_COLORS["music"][1])
        w, h = THUMB.width(), THUMB.height()
        for i, level in enumerate((0.3, 0.6, 0.9, 0.5, 0.75, 0.4, 0.85, 0.55, 0.3, 0.65, 0.45)):
            bar = int(h * 0.8 * level)
            p.fillRect(8 + i * ((w - 16) // 11), (h - bar) // 2, 5, bar, colour)
        p.end()
    return QIcon(pixmap)


class _AssetList(QListWidget):
    """The bin's list; dragging items carries their asset ids."""

    def mimeTypes(self) -> list[str]:
        return [ASSET_MIME]

    def mimeData(self, items) -> QMimeData:
        data = QMimeData()
        ids = "\n".join(i.data(Qt.UserRole) for i in items)
        data.setData(ASSET_MIME, ids.encode())
        return data


class MediaBin(QWidget):
    """The bin of ``window`` (a MainWindow): lists its document's assets, imports files and
    takes drops of its items on the window's timeline."""

    def __init__(self, window):
        super().__init__()
        self.w = window
        self.list = _AssetList()
        self.list.setViewMode(QListWidget.ListMode)
        self.list.setIconSize(THUMB)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragOnly)
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.note = QLabel("Import clips, images and sound with File > Import, then drag them "
                           "onto a track.")
        self.note.setWordWrap(True)
        button = QPushButton("Import...")
        button.clicked.connect(self.import_dialog)
        overlay = QPushButton("New Overlay Track")
        overlay.setToolTip("A video track over the others, for a logo, a title or a clip "
                           "shown picture-in-picture")
        overlay.clicked.connect(self.add_overlay_track)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(button)
        layout.addWidget(overlay)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        self._thumbs: dict[str, QIcon] = {}
        self._building: set[str] = set()
        self.w.document.events.changed.connect(self._changed)
        self.w.timeline.viewport().installEventFilter(self)
        self.refresh()

    # --- listing ------------------------------------------------------------------------------

    def _changed(self, change: Change) -> None:
        if change.kind in ("assets", "project") or change.assets:
            self.refresh()

    def refresh(self) -> None:
        """List every asset of the project (imports first, then by kind and name)."""
        self.list.clear()
        assets = sorted(self.w.project.assets.values(),
                        key=lambda a: ("source" not in (a.meta or {}), a.kind, describe(a)))
        names = asset_names(self.w.project.assets.values())
        for asset in assets:
            item = QListWidgetItem(describe(asset, names[asset.id]))
            item.setData(Qt.UserRole, asset.id)
            item.setToolTip(asset.id)
            icon = self._icon(asset)
            item.setIcon(icon if icon is not None else placeholder_icon(asset.kind == "audio"))
            self.list.addItem(item)

    def _icon(self, asset: Asset) -> QIcon | None:
        found = self._thumbs.get(asset.id)
        if found is not None or asset.kind == "audio" or self.w.folder is None:
            return found
        if asset.id not in self._building:
            self._building.add(asset.id)
            job = Job(f"Thumbnail {asset.meta.get('source', asset.id)[:40]}", thumbnail_job,
                      (self.w.folder, asset, THUMB.height()), lane="cpu")
            job.succeeded.connect(lambda rgb, a=asset.id: self._thumb_ready(a, rgb))
            self.w.jobs.submit(job)
        return None

    def _thumb_ready(self, asset_id: str, rgb) -> None:
        if rgb is not None:
            self._thumbs[asset_id] = QIcon(pixmap_from_rgb(rgb))
        self.refresh()

    def asset_ids(self) -> list[str]:
        """The ids listed, top to bottom."""
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    # --- importing ----------------------------------------------------------------------------

    def import_dialog(self) -> None:
        """File > Import: choose files, then import them."""
        paths, _ = QFileDialog.getOpenFileNames(self, "Import media", str(Path.home()),
                                                IMPORT_FILTER)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[str | Path]) -> Job | None:
        """Copy ``paths`` into the project's assets/ in a job and list them when it lands (one
        undo step); None, with a note in the status bar, while the project is unsaved."""
        if self.w.folder is None:
            self.w.show_status("Save the project first: imported files are stored in its folder.")
            return None
        job = Job(f"Import {len(paths)} file(s)", import_job,
                  (self.w.folder, [str(p) for p in paths]), lane="cpu")
        job.succeeded.connect(self._imported)
        job.failed.connect(self.w.show_status)
        return self.w.jobs.submit(job)

    def _imported(self, results) -> None:
        assets = [a for a, _ in results if a is not None]
        problems = [msg for a, msg in results if a is None]
        if assets:
            self.w.do(ImportAssets(assets))
        if problems:
            self.w.show_status(" ".join(problems))
        elif assets:
            files = sum("of_video" not in (a.meta or {}) for a in assets)  # not clips' sounds
            self.w.show_status(f"Imported {files} file(s): drag them onto a track.")

    # --- placing ------------------------------------------------------------------------------

    def add_overlay_track(self) -> str:
        """Add a video track above the others (one undo step); returns its id."""
        n = len(self.w.project.tracks_of(TrackKind.VIDEO))
        edit = AddTrack(TrackKind.VIDEO, f"Overlay {n}")
        self.w.do(edit)
        return edit.track.id

    def place(self, asset_id: str, track_id: str, at_us: int) -> Clip | None:
        """Put ``asset_id`` on track ``track_id`` at ``at_us`` microseconds (after the track's
        last clip when that spot is taken) as one undoable edit; returns the new clip, or None
        with the reason in the status bar."""
        project = self.w.project
        asset = project.assets.get(asset_id)
        track = project.track(track_id)
        if asset is None or track.kind != TrackKind.VIDEO or asset.kind == "audio":
            self.w.show_status("Drop clips and images on a video track.")
            return None
        main = project.tracks_of(TrackKind.VIDEO)[0].id == track.id
        start = max(0, int(at_us))
        if asset.kind == "video":
            length = asset.duration or STILL_US
            recipe = Recipe("footage", {} if main else {"overlay": dict(PIP)})
        elif main:
            length, recipe = STILL_US, Recipe("shots", photo_shot_params(), 1)
        else:  # a logo: over the whole video from here
            length = max(STILL_US, project.duration - start)
            recipe = Recipe("footage", {"overlay": dict(LOGO)})
        if track.overlaps(start, start + length):
            start = max((c.end for c in track.clips), default=0)
        clip = Clip(start, length, [Take(asset_id, recipe, asset.duration)],
                    name=(asset.meta or {}).get("source", ""))
        edits = [AddClip(track.id, clip)]
        sound = sound_asset(self.w.folder, asset) if asset.kind == "video" and main else None
        if sound is not None:
            edits += self._sound_edits(clip, sound)
        try:
            self.w.undo.do(edits[0] if len(edits) == 1 else Together(edits))
        except EditError as err:
            self.w.show_status(str(err))
            return None
        self.w.timeline.select_clip(clip.id)
        return clip

    def _sound_edits(self, clip: Clip, sound: Asset) -> list:
        """Edits putting a video clip's own sound on an audio track (a new one when no audio
        track has room), linked to the clip: it moves, ripples and is deleted with it."""
        project = self.w.project
        length = min(clip.duration, (sound.duration or clip.duration) - clip.in_point)
        piece = Clip(clip.start, length, [Take(sound.id, Recipe("footage", {"sound_of": clip.id}),
                                               sound.duration)],
                     in_point=clip.in_point, name=clip.name)
        for track in project.tracks_of(TrackKind.AUDIO):
            if not track.overlaps(piece.start, piece.end):
                return [AddClip(track.id, piece, asset=sound)]
        new = AddTrack(TrackKind.AUDIO, "Clip sound")
        return [new, AddClip(new.track.id, piece, asset=sound)]

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        """Drops of bin items on the timeline (other drops go on to the timeline itself)."""
        kind = ev.type()
        if kind not in (QEvent.DragEnter, QEvent.DragMove, QEvent.Drop):
            return False
        if not ev.mimeData().hasFormat(ASSET_MIME):
            return False
        lane = self.w.timeline.lane_at(ev.position().y())
        on_video = lane is not None and lane.track.kind == TrackKind.VIDEO
        if kind == QEvent.DragEnter or (kind == QEvent.DragMove and on_video):
            ev.acceptProposedAction()
            return True
        if kind == QEvent.DragMove or not on_video:
            ev.ignore()
            return True
        ev.acceptProposedAction()
        at = self.w.timeline.us_at(ev.position().x())
        ids = bytes(ev.mimeData().data(ASSET_MIME)).decode().split("\n")
        for asset_id in filter(None, ids):
            clip = self.place(asset_id, lane.track.id, at)
            if clip is not None:
                at = clip.end
        return True


def add_media_bin(window) -> MediaBin:
    """Make the bin of ``window`` and dock it beside the brief panel; returns it."""
    bin_ = MediaBin(window)
    dock = QDockWidget("Media", window)
    dock.setObjectName("media")
    dock.setWidget(bin_)
    # not closable: File > Import shows into it, and View > Panels does not list it
    dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
    window.addDockWidget(Qt.LeftDockWidgetArea, dock)
    brief = getattr(window, "brief_dock", None)
    if brief is not None:  # under the brief: both in view (a tab here left a stale tab bar)
        window.splitDockWidget(brief, dock, Qt.Vertical)
        window.resizeDocks([brief, dock], [560, 340], Qt.Vertical)
    window.media_dock = dock
    return bin_
