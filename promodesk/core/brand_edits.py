"""The editor's brand kit edit: :class:`ApplyBrand`, a kit put on the project as one undo step.

The kit is applied to a copy of the project in a job (engines.visuals.brand.apply_brand renders
every shot's layout in every aspect to keep the logo off the text); the edit then swaps the
project's tracks, markers, assets and brief for the copy's, and undo swaps them back.
"""

from __future__ import annotations

import copy

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Project


class ApplyBrand(Edit):
    """A brand kit put on the project as one undo step: the project's tracks, markers, assets and
    brief become those of ``branded`` (the project as :func:`promodesk.engines.visuals.brand.
    apply_brand` left it, worked out in a job), and undo puts the ones it had back. Refused
    (EditError, nothing changed) when the project is no longer the one the job started from."""

    label = "Apply brand kit"
    kind = "project"   # tracks, clips, assets and brief all change: views show it afresh
    _FIELDS = ("tracks", "markers", "assets", "brief")

    def __init__(self, original: Project, branded: Project, kit_name: str):
        self.label = f"Apply brand kit {kit_name}"
        self._before = {f: copy.deepcopy(getattr(original, f)) for f in self._FIELDS}
        self._after = {f: copy.deepcopy(getattr(branded, f)) for f in self._FIELDS}

    def apply(self, project: Project) -> None:
        if _shape(project) != _shape_of(self._before):
            raise EditError("The project changed while the brand kit was being applied; apply "
                            "it again.")
        for f in self._FIELDS:
            setattr(project, f, copy.deepcopy(self._after[f]))

    def revert(self, project: Project) -> None:
        for f in self._FIELDS:
            setattr(project, f, copy.deepcopy(self._before[f]))

    def asset_ids(self) -> frozenset[str]:
        return frozenset(self._after["assets"]) - frozenset(self._before["assets"])


def _shape(project: Project) -> list:
    return _shape_of({"tracks": project.tracks})


def _shape_of(fields: dict) -> list:
    """Every clip's id, start, duration, in-point and selected take: enough to tell whether the
    project was edited since a copy was taken."""
    return [(t.id, [(c.id, c.start, c.duration, c.in_point, c.selected, len(c.takes))
                    for c in t.clips]) for t in fields["tracks"]]
