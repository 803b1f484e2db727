"""Edits that bring the user's media in: :class:`ImportAssets` registers imported files (already
copied into ``assets/``) in the project so the media bin lists them, and :class:`AddTrack` adds a
track (an overlay track for a logo or a title). Both undo exactly what they did; placing a clip
is :class:`~promodesk.core.edits.AddClip` with ``asset=...``.
"""

from __future__ import annotations

import copy

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Asset, Project, Track, TrackKind


class ImportAssets(Edit):
    """Register ``assets`` (Asset entries of files in the project's assets/) in the project;
    entries it already has are left as they are."""

    label = "Import media"
    kind = "assets"

    def __init__(self, assets: list[Asset]):
        self.assets = [copy.deepcopy(a) for a in assets]
        self._added: list[str] = []

    def apply(self, project: Project) -> None:
        self._added = []
        for asset in self.assets:
            if asset.id not in project.assets:
                project.assets[asset.id] = copy.deepcopy(asset)
                self._added.append(asset.id)

    def revert(self, project: Project) -> None:
        for asset_id in self._added:
            project.assets.pop(asset_id, None)

    def asset_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.assets)


class AddTrack(Edit):
    """Add an empty track of ``kind`` named ``name`` at ``index`` (default: after the last track
    of that kind, so a new video track lies over the others)."""

    label = "Add track"
    kind = "tracks"

    def __init__(self, kind: TrackKind, name: str = "", index: int | None = None):
        self.track = Track(kind=TrackKind(kind), name=name or TrackKind(kind).value.capitalize())
        self.index = index

    def apply(self, project: Project) -> None:
        if any(t.id == self.track.id for t in project.tracks):
            raise EditError("That track is already in the project.")
        index = self.index
        if index is None:
            same = [i for i, t in enumerate(project.tracks) if t.kind == self.track.kind]
            index = same[-1] + 1 if same else len(project.tracks)
        project.tracks.insert(index, copy.deepcopy(self.track))

    def revert(self, project: Project) -> None:
        project.tracks[:] = [t for t in project.tracks if t.id != self.track.id]

    def track_ids(self) -> frozenset[str]:
        return frozenset({self.track.id})


class Together(Edit):
    """Several edits as one undo step (a clip and its own sound placed together): applied in
    order, reverted in reverse; if one is refused, those already applied are taken back."""

    def __init__(self, edits: list[Edit], label: str = "Place media"):
        self.edits, self.label = list(edits), label
        self.kind = self.edits[0].kind if self.edits else "clips"

    def apply(self, project: Project) -> None:
        done: list[Edit] = []
        try:
            for edit in self.edits:
                edit.apply(project)
                done.append(edit)
        except EditError:
            for edit in reversed(done):
                edit.revert(project)
            raise

    def revert(self, project: Project) -> None:
        for edit in reversed(self.edits):
            edit.revert(project)

    def clip_ids(self) -> frozenset[str]:
        return frozenset().union(*(e.clip_ids() for e in self.edits))

    def track_ids(self) -> frozenset[str]:
        return frozenset().union(*(e.track_ids() for e in self.edits))

    def asset_ids(self) -> frozenset[str]:
        return frozenset().union(*(e.asset_ids() for e in self.edits))


class SetOverlay(Edit):
    """Change an overlay clip's placement: ``values`` (any of x, y, scale, rotation, opacity,
    fades; see ``render.overlay``) replace those keys of ``params["overlay"]`` in every take that
    has one, so flipping takes keeps where the logo sits. Moves of the same clip in the same
    ``gesture`` (held arrow keys) merge into one undo step; a mouse drag pushes one edit."""

    label = "Move overlay"

    def __init__(self, clip_id: str, values: dict, gesture=None):
        self.clip_id, self.values, self.gesture = clip_id, dict(values), gesture
        self._old: list | None = None

    def apply(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        if not isinstance(clip.recipe.params.get("overlay"), dict):
            raise EditError(f"{clip.name or 'This clip'} is not an overlay: it fills the frame.")
        self._old = [copy.deepcopy(t.recipe.params.get("overlay")) for t in clip.takes]
        for take in clip.takes:
            if isinstance(take.recipe.params.get("overlay"), dict):
                take.recipe.params["overlay"] = {**take.recipe.params["overlay"], **self.values}

    def revert(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        for take, old in zip(clip.takes, self._old or []):
            if old is not None:
                take.recipe.params["overlay"] = old

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})

    def merge(self, newer: Edit) -> bool:
        if (isinstance(newer, SetOverlay) and self.gesture is not None
                and newer.clip_id == self.clip_id and newer.gesture == self.gesture):
            self.values = {**self.values, **newer.values}
            return True
        return False
