"""The project model as the plain JSON of ``project.json``, and back: :func:`project_to_dict`
and :func:`project_from_dict`, which checks every value on the way in (types, frame rate,
canvas, times, counts, text lengths, nesting), so a damaged or crafted file is refused with the
place of its bad value named (``tracks[2].clips[0].start``) instead of hanging a render."""

from __future__ import annotations

import math
import re
from typing import Any

from promodesk.core.timeline import (US_PER_SECOND, Asset, CaptionCue, Clip, Marker, Project, Recipe,
                                     Take, Track, TrackKind)

SCHEMA = 2
# An asset file name: the SHA-256 (or a prefix) of its bytes plus an extension.
ASSET_NAME = re.compile(r"[0-9a-f]{16,64}(\.[a-z0-9]{1,8})?")

def migrate_1_to_2(d: dict) -> dict:
    """Schema 1 -> 2 (``projectfile.MIGRATIONS[1]``): clips gained their sound settings; a
    schema-1 file has none, so every clip gets the defaults (0 dB, no fades, no ducking).
    Returns ``d``, changed in place."""
    for track in d.get("tracks") or []:
        for clip in (track.get("clips") or []) if isinstance(track, dict) else []:
            if isinstance(clip, dict):
                for key, value in (("gain_db", 0.0), ("fade_in", 0), ("fade_out", 0),
                                   ("duck_music", False)):
                    clip.setdefault(key, value)
    return d


def _recipe_to(r: Recipe) -> dict:
    return {"engine": r.engine, "params": r.params, "seed": r.seed}


def _take_to(t: Take) -> dict:
    return {"asset": t.asset, "recipe": _recipe_to(t.recipe),
            "source_duration": t.source_duration, "label": t.label}


def _clip_to(c: Clip) -> dict:
    d: dict[str, Any] = {"id": c.id, "name": c.name, "start": c.start, "duration": c.duration,
                         "in_point": c.in_point, "selected": c.selected,
                         "takes": [_take_to(t) for t in c.takes]}
    if c.cue is not None:
        d["cue"] = {"text": c.cue.text, "style": c.cue.style}
        if c.cue.look is not None:  # a style of its own; without one the preset's look
            d["cue"]["look"] = c.cue.look.to_dict()
    if not c.linked:
        d["linked"] = False
    if c.gain_db or c.fade_in or c.fade_out or c.duck_music:  # sound settings (schema 2)
        d.update(gain_db=c.gain_db, fade_in=c.fade_in, fade_out=c.fade_out,
                 duck_music=c.duck_music)
    return d


def project_to_dict(p: Project) -> dict:
    """The JSON-ready dict of ``p`` (schema :data:`SCHEMA`)."""
    return {
        "schema": SCHEMA,
        "title": p.title,
        "fps": [p.fps_num, p.fps_den],
        "size": [p.width, p.height],
        "aspect": p.aspect,
        "tracks": [{"id": t.id, "kind": t.kind.value, "name": t.name, "mute": t.mute,
                    "gain_db": t.gain_db, "clips": [_clip_to(c) for c in t.clips]}
                   for t in p.tracks],
        "markers": [{"time": m.time, "name": m.name, **({"colour": m.colour} if m.colour else {})}
                    for m in p.markers],
        "assets": {a.id: {"kind": a.kind, "duration": a.duration, "licence": a.licence,
                          "meta": a.meta} for a in p.assets.values()},
        "brief": p.brief,  # optional on load: files without it (and older readers) still work
    }


# Bounds a project file must keep: past them a crafted or damaged file would hang the renderer,
# eat gigabytes or allocate terabytes (a caption at 10^13 us, a 16000x16000 canvas, 100000 fps).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FPS = 240
MAX_SIDE, MIN_SIDE = 7680, 16
MAX_TIME_US = 3600 * US_PER_SECOND      # one hour: a promo, with room to spare
MAX_TRACKS, MAX_CLIPS, MAX_TAKES, MAX_MARKERS, MAX_ASSETS = 100, 5000, 200, 1000, 20000
MAX_TEXT = 5000                      # characters of a caption, a title, a name
MAX_NESTING = 20                     # levels of lists/dicts inside recipe params and asset meta
MIN_GAIN_DB, MAX_GAIN_DB = -100.0, 24.0


class BadValue(ValueError):
    """A value in project.json outside what a project can hold; ``where`` is its JSON path."""

    def __init__(self, where: str, what: str):
        self.where = where
        super().__init__(f"{where}: {what}")


def _int(v: Any, where: str = "value", lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise BadValue(where, f"expected a whole number, got {_show(v)}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise BadValue(where, f"{v} is outside {lo}..{hi}")
    return v


def _time(v: Any, where: str) -> int:
    return _int(v, where, 0, MAX_TIME_US)


def _opt_time(v: Any, where: str) -> int | None:
    return None if v is None else _time(v, where)


def _text(v: Any, where: str, default: str = "") -> str:
    if v is None:
        return default
    if not isinstance(v, str):
        raise BadValue(where, f"expected text, got {_show(v)}")
    if len(v) > MAX_TEXT:
        raise BadValue(where, f"{len(v)} characters is over the {MAX_TEXT}-character limit")
    return v


def _list(v: Any, where: str, most: int) -> list:
    if not isinstance(v, list):
        raise BadValue(where, f"expected a list, got {_show(v)}")
    if len(v) > most:
        raise BadValue(where, f"{len(v)} entries is over the limit of {most}")
    return v


def _dict(v: Any, where: str) -> dict:
    if not isinstance(v, dict):
        raise BadValue(where, f"expected an object, got {_show(v)}")
    return v


def _plain(v: Any, where: str, depth: int = 0) -> Any:
    """``v`` checked to be plain JSON no deeper than :data:`MAX_NESTING` with finite numbers."""
    if depth > MAX_NESTING:
        raise BadValue(where, f"nested more than {MAX_NESTING} levels deep")
    if isinstance(v, dict):
        return {k: _plain(x, f"{where}.{k}", depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x, f"{where}[{i}]", depth + 1) for i, x in enumerate(v)]
    if isinstance(v, float) and not math.isfinite(v):
        raise BadValue(where, f"{v} is not a finite number")
    return v


def _show(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


# Recipe parameters the renderer reads directly: their types are checked on load so that a
# hand-edited value fails here, with its place named, instead of deep inside a render.
_SHOT_TEXT = ("kind", "move", "text", "title", "price", "old_price", "cta")


def _recipe_params(engine: str, params: dict, where: str) -> dict:
    params = _plain(_dict(params, where), where)
    if engine == "shots":
        for key in _SHOT_TEXT:
            _text(params.get(key), f"{where}.{key}")
        for i, c in enumerate(_list(params.get("colors") or [], f"{where}.colors", 64)):
            _text(c, f"{where}.colors[{i}]")
    tr = params.get("transition_in")
    if tr is not None:
        tr = _dict(tr, f"{where}.transition_in")
        _text(tr.get("kind"), f"{where}.transition_in.kind")
        if "duration_us" in tr:
            _time(tr["duration_us"], f"{where}.transition_in.duration_us")
    return params


def _recipe_from(d: Any, where: str) -> Recipe:
    d = _dict(d, where)
    engine = _text(d.get("engine"), f"{where}.engine")
    if not engine:
        raise BadValue(f"{where}.engine", "missing")
    return Recipe(engine=engine, params=_recipe_params(engine, d.get("params") or {},
                                                       f"{where}.params"),
                  seed=_int(d.get("seed", 0), f"{where}.seed", -2**63, 2**63 - 1))


def _take_from(d: Any, where: str) -> Take:
    d = _dict(d, where)
    asset = d.get("asset")
    if asset is not None and not (isinstance(asset, str) and ASSET_NAME.fullmatch(asset)):
        raise BadValue(f"{where}.asset", f"not an asset file name: {_show(asset)}")
    return Take(asset=asset, recipe=_recipe_from(d.get("recipe"), f"{where}.recipe"),
                source_duration=_opt_time(d.get("source_duration"), f"{where}.source_duration"),
                label=_text(d.get("label"), f"{where}.label"))


def _clip_from(d: Any, where: str) -> Clip:
    d = _dict(d, where)
    takes = [_take_from(t, f"{where}.takes[{i}]")
             for i, t in enumerate(_list(d.get("takes"), f"{where}.takes", MAX_TAKES))]
    if not takes:
        raise BadValue(f"{where}.takes", "a clip needs at least one take")
    selected = _int(d.get("selected", 0), f"{where}.selected", 0, len(takes) - 1)
    cue = d.get("cue")
    if cue is not None:
        cue = _dict(cue, f"{where}.cue")
        cue = CaptionCue(_text(cue.get("text"), f"{where}.cue.text"),
                         _text(cue.get("style"), f"{where}.cue.style", "outline"),
                         _caption_look(cue, f"{where}.cue"))
    start = _time(d.get("start"), f"{where}.start")
    duration = _int(d.get("duration"), f"{where}.duration", 1, MAX_TIME_US - start)
    clip_id = _text(d.get("id"), f"{where}.id")
    if not clip_id:
        raise BadValue(f"{where}.id", "missing")
    return Clip(start=start, duration=duration, takes=takes, selected=selected,
                in_point=_time(d.get("in_point", 0), f"{where}.in_point"), cue=cue,
                name=_text(d.get("name"), f"{where}.name"), id=clip_id,
                linked=d.get("linked", True) is not False,
                gain_db=_gain(d.get("gain_db", 0.0), f"{where}.gain_db"),
                fade_in=_int(d.get("fade_in", 0), f"{where}.fade_in", 0, duration),
                fade_out=_int(d.get("fade_out", 0), f"{where}.fade_out", 0, duration),
                duck_music=d.get("duck_music", False) is True)


def _caption_look(cue: dict, where: str):
    """The cue's own CaptionStyle, or None: files before caption styles have only the preset
    name ``style``, which keeps drawing the preset's look (no migration step needed)."""
    if cue.get("look") is None:
        return None
    from promodesk.core.captionstyle import CaptionStyle

    try:
        look = CaptionStyle.from_dict(_plain(_dict(cue["look"], f"{where}.look"), f"{where}.look"))
    except ValueError as err:
        if isinstance(err, BadValue):
            raise
        field, _, what = str(err).partition(": ")
        raise BadValue(f"{where}.look.{field}", what) from None
    return look


def _gain(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise BadValue(where, f"expected a number of decibels, got {_show(v)}")
    if not MIN_GAIN_DB <= v <= MAX_GAIN_DB:
        raise BadValue(where, f"{v:g} dB is outside {MIN_GAIN_DB:g}..{MAX_GAIN_DB:g} dB")
    return float(v)


def project_from_dict(d: dict) -> Project:
    """Build a Project from its current-schema dict, checking every value's type and bounds
    (frame rate, canvas, times, counts, nesting). Raises ValueError (whose message starts with
    the JSON path of the bad value) if the dict does not describe a project PromoDesk can open."""
    d = _dict(d, "project")
    fps = _list(d.get("fps"), "fps", 2)
    size = _list(d.get("size"), "size", 2)
    if len(fps) != 2:
        raise BadValue("fps", "expected [numerator, denominator]")
    if len(size) != 2:
        raise BadValue("size", "expected [width, height]")
    fps_num = _int(fps[0], "fps[0]", 1, MAX_FPS * 1001)
    fps_den = _int(fps[1], "fps[1]", 1, 1001)
    if not 1 <= fps_num / fps_den <= MAX_FPS:
        raise BadValue("fps", f"{fps_num}/{fps_den} frames per second is outside 1..{MAX_FPS}")
    width = _int(size[0], "size[0]", MIN_SIDE, MAX_SIDE)
    height = _int(size[1], "size[1]", MIN_SIDE, MAX_SIDE)
    tracks = []
    for i, t in enumerate(_list(d.get("tracks"), "tracks", MAX_TRACKS)):
        where = f"tracks[{i}]"
        t = _dict(t, where)
        try:
            kind = TrackKind(t.get("kind"))
        except ValueError:
            raise BadValue(f"{where}.kind", f"{_show(t.get('kind'))} is not one of "
                       f"{', '.join(k.value for k in TrackKind)}") from None
        clips = [_clip_from(c, f"{where}.clips[{j}]")
                 for j, c in enumerate(_list(t.get("clips"), f"{where}.clips", MAX_CLIPS))]
        track_id = _text(t.get("id"), f"{where}.id")
        if not track_id:
            raise BadValue(f"{where}.id", "missing")
        track = Track(kind=kind, name=_text(t.get("name"), f"{where}.name"),
                      mute=bool(t.get("mute", False)),
                      gain_db=_gain(t.get("gain_db", 0.0), f"{where}.gain_db"),
                      id=track_id, clips=clips)
        track.sort()
        tracks.append(track)
    assets = {}
    raw_assets = _dict(d.get("assets", {}), "assets")
    if len(raw_assets) > MAX_ASSETS:
        raise BadValue("assets", f"{len(raw_assets)} entries is over the limit of {MAX_ASSETS}")
    for asset_id, a in raw_assets.items():
        where = f"assets.{asset_id}"
        if not ASSET_NAME.fullmatch(asset_id):
            raise BadValue("assets", f"not an asset file name: {_show(asset_id)}")
        a = _dict(a, where)
        assets[asset_id] = Asset(id=asset_id, kind=_text(a.get("kind"), f"{where}.kind"),
                                 duration=_opt_time(a.get("duration"), f"{where}.duration"),
                                 meta=_plain(_dict(a.get("meta", {}), f"{where}.meta"),
                                             f"{where}.meta"),
                                 licence=_text(a.get("licence"), f"{where}.licence"))
    markers = []
    for i, m in enumerate(_list(d.get("markers", []), "markers", MAX_MARKERS)):
        m = _dict(m, f"markers[{i}]")
        markers.append(Marker(_time(m.get("time"), f"markers[{i}].time"),
                              _text(m.get("name"), f"markers[{i}].name"),
                              _text(m.get("colour"), f"markers[{i}].colour")))
    return Project(title=_text(d.get("title"), "title", "Untitled"), fps_num=fps_num,
                   fps_den=fps_den, width=width, height=height,
                   aspect=_text(d.get("aspect"), "aspect"), tracks=tracks, markers=markers,
                   assets=assets, brief=_plain(_dict(d.get("brief", {}), "brief"), "brief"))
