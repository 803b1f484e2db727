"""How a caption looks: :class:`CaptionStyle`, its plain-dict form for ``project.json``, and the
undoable :class:`SetCaptionStyle` edit that changes it on one or many caption clips at once.

Attributes of a :class:`CaptionStyle`, top down:

- ``preset``: "outline", "boxed" or "karaoke" (the cue's old ``style`` name);
- ``font``: "" for the bundled default, a bundled family (:data:`BUNDLED_FONTS`), or the file name
  of a font asset in the project's ``assets/`` (a user's .ttf/.otf copied in by content hash);
- ``size``: the font's height as a share of the frame's short side (0.062 is the largest caption
  the band fits), or None to fit the text to the caption band as large as it goes;
- ``colour``, ``outline`` (None = no outline), ``shadow``, ``box`` (None = no box) and
  ``box_opacity`` (None = as opaque as the photo under it needs for legible text);
- ``highlight``: the colour karaoke lights the spoken word in;
- ``position``: the caption block's centre as (x, y) fractions of the frame, or None for the
  caption band at the bottom of the platform's safe area. The renderer clamps it into the safe area.

Colours are "#RRGGBB" strings. A cue without a style of its own looks as its preset always did
(:func:`caption_style`), so projects saved before this module render the same pixels.
This module imports neither Qt nor anything outside ``promodesk.core``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Asset, Project, TrackKind

PRESETS = ("outline", "boxed", "karaoke")
# Families of the fonts in resources/fonts that a caption may be set in; "" is the default chain
# (Noto Sans CJK SC with Arabic, Hebrew, Hangul and DejaVu fallbacks).
BUNDLED_FONTS = ("Noto Sans SC", "Noto Sans SC Bold", "DejaVu Sans", "DejaVu Sans Bold")
FONT_EXTENSIONS = (".ttf", ".otf", ".ttc")
# A font asset: a content hash plus a font extension (see core.projectjson.ASSET_NAME).
FONT_ASSET = re.compile(r"[0-9a-f]{16,64}\.(ttf|otf|ttc)")
HEX = re.compile(r"#[0-9a-fA-F]{6}")
SIZE_RANGE = (0.015, 0.2)   # share of the short side: 16 px to 216 px on a 1080 px side
INK = "#101010"             # the outline and karaoke defaults of the renderer before styles
WHITE = "#FFFFFF"
GOLD = "#FFD200"


@dataclass(frozen=True)
class CaptionStyle:
    """One caption's look (see the module docstring for each field)."""

    preset: str = "outline"
    font: str = ""
    size: float | None = None
    colour: str = WHITE
    outline: str | None = INK
    shadow: bool = True
    box: str | None = None
    box_opacity: float | None = None
    highlight: str = GOLD
    position: tuple[float, float] | None = None

    @classmethod
    def for_preset(cls, preset: str) -> CaptionStyle:
        """The preset's own look: outline and karaoke white on a dark outline with a shadow,
        boxed white on a black box as opaque as legibility needs. ValueError for another name."""
        if preset not in PRESETS:
            raise ValueError(f"preset: must be one of {', '.join(PRESETS)}, not {preset!r}")
        if preset == "boxed":
            return cls(preset="boxed", outline=None, shadow=False, box="#000000")
        return cls(preset=preset)

    def with_preset(self, preset: str) -> CaptionStyle:
        """This style switched to ``preset``: the preset's outline, shadow and box; the font,
        size, colours and position the user chose stay."""
        if preset == self.preset:
            return self
        return replace(CaptionStyle.for_preset(preset), font=self.font, size=self.size,
                       colour=self.colour, highlight=self.highlight, position=self.position)

    def changed(self, changes: dict[str, Any]) -> CaptionStyle:
        """A checked copy with ``changes`` (field -> value) applied; a new ``preset`` is applied
        first through :meth:`with_preset`. ValueError naming the field on a bad value or name."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"{sorted(unknown)[0]}: not a caption style field")
        base = self.with_preset(_preset(changes["preset"])) if "preset" in changes else self
        rest = {k: v for k, v in changes.items() if k != "preset"}
        return CaptionStyle.from_dict({**base.to_dict(), **rest})

    def is_preset_default(self) -> bool:
        """True when this is exactly its preset's look (nothing for the project file to keep)."""
        return self == CaptionStyle.for_preset(self.preset)

    def to_dict(self) -> dict[str, Any]:
        """The plain JSON-ready dict of every field (position as a two-item list or None)."""
        d = asdict(self)
        d["position"] = list(self.position) if self.position is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CaptionStyle:
        """The style a dict describes; missing fields take the preset's defaults and unknown keys
        are ignored (a newer file's additions). ValueError naming the field on a bad value."""
        if not isinstance(d, dict):
            raise ValueError(f"caption style: expected an object, got {type(d).__name__}")
        base = cls.for_preset(_preset(d.get("preset", "outline")))
        get = lambda key: d.get(key, getattr(base, key))  # noqa: E731
        return cls(preset=base.preset, font=_font(get("font")), size=_size(get("size")),
                   colour=_colour(get("colour"), "colour"),
                   outline=_colour(get("outline"), "outline", optional=True),
                   shadow=_bool(get("shadow"), "shadow"),
                   box=_colour(get("box"), "box", optional=True),
                   box_opacity=_share(get("box_opacity"), "box_opacity"),
                   highlight=_colour(get("highlight"), "highlight"),
                   position=_position(get("position")))


def caption_style(cue) -> CaptionStyle:
    """The style a :class:`~promodesk.core.timeline.CaptionCue` is drawn with: its own ``look``
    switched to the cue's preset name ``style`` (the inspector's preset box sets only that), or
    the preset's look when the cue has none (every project saved before caption styles)."""
    preset = cue.style if cue.style in PRESETS else "outline"
    look = getattr(cue, "look", None)
    return CaptionStyle.for_preset(preset) if look is None else look.with_preset(preset)


def rgb(colour: str) -> tuple[int, int, int]:
    """"#RRGGBB" -> (r, g, b) in 0..255."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


# --- checks: each raises ValueError starting with the field's name ---------------------------------

def _preset(v: Any) -> str:
    if v not in PRESETS:
        raise ValueError(f"preset: must be one of {', '.join(PRESETS)}, not {v!r}")
    return v


def _font(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"font: expected a font name, got {v!r}")
    if v and v not in BUNDLED_FONTS and not FONT_ASSET.fullmatch(v):
        raise ValueError(f"font: {v!r} is neither a bundled font ({', '.join(BUNDLED_FONTS)}) "
                         "nor a font file in the project's assets; add the font file first")
    return v


def _size(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not SIZE_RANGE[0] <= v <= SIZE_RANGE[1]:
        raise ValueError(f"size: expected a share of the frame's short side between "
                         f"{SIZE_RANGE[0]} and {SIZE_RANGE[1]} (or null to fit), got {v!r}")
    return float(v)


def _colour(v: Any, name: str, optional: bool = False) -> str | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or not HEX.fullmatch(v):
        raise ValueError(f"{name}: expected a colour like \"#FFD200\"{' or null' if optional else ''}, "
                         f"got {v!r}")
    return v.upper()


def _bool(v: Any, name: str) -> bool:
    if not isinstance(v, bool):
        raise ValueError(f"{name}: expected true or false, got {v!r}")
    return v


def _share(v: Any, name: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
        raise ValueError(f"{name}: expected a number from 0 to 1 (or null for automatic), got {v!r}")
    return float(v)


def _position(v: Any) -> tuple[float, float] | None:
    if v is None:
        return None
    ok = isinstance(v, (list, tuple)) and len(v) == 2 and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and 0.0 <= x <= 1.0 for x in v)
    if not ok:
        raise ValueError(f"position: expected [x, y] fractions of the frame from 0 to 1 (or null "
                         f"for the caption band), got {v!r}")
    return float(v[0]), float(v[1])


# --- the edit ------------------------------------------------------------------------------------

class SetCaptionStyle(Edit):
    """Apply ``changes`` (CaptionStyle field -> value) to the style of every caption clip in
    ``clip_ids``: one undo step however many clips. Each clip keeps its other fields (a
    different preset or colour per clip stays unless ``changes`` names it). ``font_asset``: the
    :class:`~promodesk.core.timeline.Asset` of a font file just copied into the project's assets,
    registered with the change (and taken out again on undo). Changes of the same clips and
    fields with the same ``gesture`` (one drag of the caption in the preview) merge into one
    undo step. Refused (EditError, nothing changed) when a clip is not a caption or a value is
    bad."""

    label = "Caption style"

    def __init__(self, clip_ids, changes: dict[str, Any], font_asset: Asset | None = None,
                 gesture=None):
        self.ids = tuple(dict.fromkeys(clip_ids))
        self.changes = dict(changes)
        self.gesture = gesture
        self.font_asset = font_asset
        self._old: dict[str, tuple[str, CaptionStyle | None]] = {}
        self._registered = False

    def apply(self, project: Project) -> None:
        if not self.ids:
            raise EditError("Select a caption first.")
        new: dict[str, CaptionStyle] = {}
        for clip_id in self.ids:
            track, clip = project.find_clip(clip_id)
            if track.kind != TrackKind.CAPTIONS or clip.cue is None:
                raise EditError("Only caption clips have a caption style.")
            try:
                new[clip_id] = caption_style(clip.cue).changed(self.changes)
            except ValueError as err:
                raise EditError(f"Caption style not changed: {err}.") from None
        self._old = {}
        for clip_id, style in new.items():
            cue = project.find_clip(clip_id)[1].cue
            self._old[clip_id] = (cue.style, cue.look)
            cue.style = style.preset
            cue.look = None if style.is_preset_default() else style
        self._registered = self.font_asset is not None and self.font_asset.id not in project.assets
        if self._registered:
            project.assets[self.font_asset.id] = self.font_asset

    def revert(self, project: Project) -> None:
        if self._registered:
            project.assets.pop(self.font_asset.id, None)
        for clip_id, (preset, look) in self._old.items():
            cue = project.find_clip(clip_id)[1].cue
            cue.style, cue.look = preset, look

    def clip_ids(self) -> frozenset[str]:
        return frozenset(self.ids)

    def asset_ids(self) -> frozenset[str]:
        return frozenset({self.font_asset.id}) if self._registered else frozenset()

    def merge(self, newer: Edit) -> bool:
        if (type(newer) is SetCaptionStyle and self.gesture is not None
                and newer.gesture == self.gesture and newer.ids == self.ids
                and set(newer.changes) == set(self.changes) and newer.font_asset is None):
            self.changes = dict(newer.changes)  # undo still goes back to before the first
            return True
        return False
