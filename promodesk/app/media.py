"""What the timeline draws clips with: waveform peaks and thumbnail strips, built in jobs.

:class:`MediaStore` answers "what do I have for this asset/take?" at once (from memory or the
disk cache), and when the answer is "nothing yet" starts one job to build it and emits ``updated``
when it lands. Each key is built once, however often the timeline asks while it is running.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from promodesk.app import media_cache
from promodesk.app.jobs import Job, JobRunner
from promodesk.core.projectfile import asset_path
from promodesk.core.timeline import Clip, Project


def pixmap_from_rgb(frame) -> QPixmap:
    """A QPixmap of an (h, w, 3) uint8 RGB array."""
    h, w = frame.shape[:2]
    image = QImage(frame.tobytes(), w, h, 3 * w, QImage.Format_RGB888)
    return QPixmap.fromImage(image.copy())


class MediaStore(QObject):
    """Peaks per audio asset and thumbnail strips per video take, for one project folder."""

    updated = Signal()

    def __init__(self, jobs: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self.folder: Path | None = None
        self._peaks: dict[str, media_cache.Peaks] = {}
        self._thumbs: dict[str, list[QPixmap]] = {}
        self._building: set[str] = set()
        self._failed: set[str] = set()

    def set_folder(self, folder: Path | None) -> None:
        self.folder = Path(folder) if folder else None

    def peaks(self, asset_id: str | None) -> media_cache.Peaks | None:
        """Peaks of an audio asset, or None while they are being built (a job is started)."""
        if not asset_id or self.folder is None:
            return None
        found = self._peaks.get(asset_id)
        if found is not None or asset_id in self._building or asset_id in self._failed:
            return found
        cached = media_cache.load_peaks(asset_id)
        if cached is not None:
            self._peaks[asset_id] = cached
            return cached
        self._start(asset_id, Job("Waveform", media_cache.build_peaks,
                                  (asset_id, asset_path(self.folder, asset_id)), lane="thread"),
                    lambda peaks, k=asset_id: self._peaks.__setitem__(k, peaks))
        return None

    def thumbnails(self, project: Project, clip: Clip) -> list[QPixmap]:
        """The thumbnail strip of a video clip's selected take ([] while it is being built)."""
        if self.folder is None:
            return []
        take = clip.take
        recipe = {"engine": take.recipe.engine, "params": take.recipe.params, "seed": take.recipe.seed}
        key = media_cache.thumbnail_key(take.asset, recipe, clip.duration, media_cache.THUMB_HEIGHT)
        found = self._thumbs.get(key)
        if found is not None or key in self._building or key in self._failed:
            return found or []
        cached = media_cache.load_thumbnails(key)
        if cached is not None:
            self._thumbs[key] = [pixmap_from_rgb(f) for f in cached]
            return self._thumbs[key]
        from promodesk.engines.visuals.shots import with_font_file  # a brand kit's font asset

        inputs = {"key": key, "engine": take.recipe.engine,
                  "params": with_font_file(take.recipe.params, self.folder),
                  "seed": take.recipe.seed,
                  "photo": asset_path(self.folder, take.asset) if take.asset else None,
                  "duration_us": clip.duration, "aspect": (project.width, project.height)}
        self._start(key, Job("Thumbnails", media_cache.build_thumbnails, inputs, lane="cpu"),
                    lambda result, k=key: self._thumbs.__setitem__(
                        k, [pixmap_from_rgb(f) for f in result[1]]))
        return []

    def _start(self, key: str, job: Job, store) -> None:
        self._building.add(key)

        def done(result):
            store(result)
            self.updated.emit()

        def failed(message):
            self._failed.add(key)  # do not retry on every repaint; reopening the project retries

        job.succeeded.connect(done)
        job.failed.connect(failed)
        job.ended.connect(lambda _job: self._building.discard(key))
        self.jobs.submit(job)
