"""The visual engines as the registry sees them (:mod:`promodesk.engines.registry`): motion shots
from photos ("shots"), diffusion stills animated like photos ("stills") and captions
("captions"). Each makes a new take of a clip from a TakeRequest; the two picture engines also
give the renderer a frame source per clip.
"""

from __future__ import annotations

from promodesk.core.projectfile import add_asset, asset_path
from promodesk.core.timeline import Asset, Clip, Project, Recipe, Take
from promodesk.engines.base import (CancelToken, EngineInfo, NewTake, Progress, RequestError,
                                    TakeRequest, no_progress)
from promodesk.engines.visuals import safearea

CHECK_HEIGHT = 320  # a new shot take is checked by drawing one frame this tall
STILL_SHORT_SIDE = 512  # stills are painted with this short side (the model's own size)
# The caption styles render.captions draws (tests keep the two lists equal).
CAPTION_STYLES = ("outline", "boxed", "karaoke")
SHOT_SETTINGS = ("kind", "move", "text", "title", "price", "old_price", "cta", "colors",
                 "transition_in")


# The engines that make a shot's takes: the motion shots over the photo and the video model.
MOTION, VIDEO = "shots", "wan"
# the video engine's own settings (and what it records of a clip it made): a motion take started
# from a video take leaves them out
VIDEO_KEYS = ("prompt", "strength", "preset", "model", "negative", "steps", "size", "fps",
              "frames", "tier", "fidelity", "scene")


def is_shot(clip: Clip) -> bool:
    """Whether ``clip`` is a shot: one of its takes is a motion shot or a generated video (not
    the user's footage, a logo or a title)."""
    return any(t.recipe.engine in (MOTION, VIDEO) for t in clip.takes)


def shot_basis(project: Project, clip: Clip) -> tuple[dict, Asset | None]:
    """The shot's own recipe params and photo for a new take, whatever made the selected take:
    the selected take's params and photo when it is a motion take, else the latest motion
    take's, else the selected take's params without the video engine's settings and the photo
    it started from (its ``photo`` param), else its asset if it is an image. The photo is None
    for a shot without one (a card)."""
    motion = [t for t in clip.takes if t.recipe.engine == MOTION]
    if motion:
        take = clip.take if clip.take.recipe.engine == MOTION else motion[-1]
        # a motion take's asset is its photo (an entry missing from the project is one too)
        photo = project.assets.get(take.asset) or Asset(take.asset, "image") if take.asset \
            else None
        return dict(take.recipe.params), photo
    params = {k: v for k, v in clip.recipe.params.items() if k not in VIDEO_KEYS}
    photo_id = clip.recipe.params.get("photo") or clip.asset
    photo = project.assets.get(photo_id) if photo_id else None
    return params, photo if photo is not None and photo.kind == "image" else None


def _photo(request: TakeRequest):
    """The PIL image of the request's current asset, or None when the take has no file."""
    from promodesk.engines.visuals.photos import load_photo

    if request.asset is None:
        return None
    return load_photo(asset_path(request.folder, request.asset.id))


def _shot_renderer(params: dict, photo, size, duration_us: int, seed: int):
    """The shot's frame source. A half of a split shot (``motion_us``, ``in_us`` in its params,
    see core.edits.SplitClip) draws its part of the whole move: the renderer is made for the
    whole move's length and asked for frames ``in_us`` later."""
    from promodesk.engines.visuals.shots import ShotRenderer

    motion = int(params.get("motion_us") or 0)
    offset = int(params.get("in_us") or 0)
    try:
        shot = ShotRenderer(dict(params), photo, size, motion if motion > 0 else duration_us, seed)
    except ValueError as err:  # an unknown shot kind or move
        raise RequestError(str(err)) from None
    return _Continued(shot, offset) if offset else shot


class _Continued:
    """A shot renderer asked for its frames ``offset`` us later (the right half of a split)."""

    def __init__(self, shot, offset: int):
        self.shot, self.offset = shot, int(offset)

    def frame(self, t_us: int):
        """The whole shot's frame at ``t_us + offset`` microseconds."""
        return self.shot.frame(t_us + self.offset)

    def __getattr__(self, name):
        return getattr(self.shot, name)


# Moves a regenerated shot cycles through (a close-up pans; the others push, pull or pan).
TAKE_MOVES = ("push_in", "pan_right", "pull_out", "pan_left")
DETAIL_MOVES = ("pan_left", "pan_up", "pan_right", "pan_down")


def varied_params(params: dict) -> dict:
    """The next take's params: the next layout variant (0..2: framing, panel side, text place;
    see shots.ShotRenderer), so every regenerate looks different from the take before it, and
    the next camera move of the kind's cycle when the move is "auto" or was picked by an
    earlier regenerate (``take_move``); a move set by hand (the inspector) is kept."""
    from promodesk.engines.visuals.shots import VARIANTS

    out = dict(params)
    moves = DETAIL_MOVES if out.get("kind") == "detail" else TAKE_MOVES
    move = out.get("move", "auto")
    if move == "auto" or move == out.get("take_move"):
        out["move"] = moves[(moves.index(move) + 1) % len(moves)] if move in moves else moves[1]
        out["take_move"] = out["move"]
    out["variant"] = (int(out.get("variant") or 0) + 1) % VARIANTS
    return out


def _check_frame(params: dict, photo, request: TakeRequest, seed: int) -> None:
    """Draw the middle frame of the shot at CHECK_HEIGHT, so a take that cannot be drawn fails
    here, in the job, and not later in the preview."""
    from promodesk.engines.visuals.shots import with_font_file

    w, h = request.size
    size = (max(2, round(CHECK_HEIGHT * w / h / 2) * 2), CHECK_HEIGHT)
    _shot_renderer(with_font_file(params, request.folder), photo, size, request.duration_us,
                   seed).frame(request.duration_us // 2)


class ShotTakes:
    """The built-in visual engine: animated shots (push-ins, pans, cards) from product photos."""

    info = EngineInfo(name="shots", kind="visuals", title="Motion shots from photos",
                      output_licence="Made by PromoDesk from your photos and copy: yours to use, "
                                     "including commercially.", commercial_use=True)
    settings = SHOT_SETTINGS

    def availability(self) -> str | None:
        """Always available: the shots need no model and no download."""
        return None

    def frame_source(self, params: dict, photo, size: tuple[int, int], duration_us: int,
                     seed: int):
        """A ShotRenderer for the clip (see :class:`~promodesk.engines.base.VisualEngine`)."""
        return _shot_renderer(params, photo, size, duration_us, seed)

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """A visibly different take of the shot over the same photo: the next layout variant
        and camera move (:func:`varied_params`) with the request's seed; checked by drawing one
        frame. The take's label says what changed."""
        cancel = cancel or CancelToken()
        recipe = request.recipe
        params = varied_params(recipe.params)
        progress(0.1, "Reading the photo")
        photo = _photo(request)
        cancel.check()
        progress(0.4, "Laying out the shot")
        _check_frame(params, photo, request, recipe.seed)
        cancel.check()
        progress(1.0, "Shot ready")
        label = f"{params['move'].replace('_', ' ')} · layout {params['variant'] + 1}"
        take = Take(request.asset.id if request.asset else None,
                    Recipe(self.info.name, params, int(recipe.seed)), None, label=label)
        return NewTake(take)


class StillTakes:
    """A text-to-image model (diffusion) painting a still from a prompt, which is then animated
    like a product photo. Params: the shot settings, ``prompt`` (default: the shot's text as a
    background scene), ``model`` (a catalogue name or a model folder; default sd-turbo),
    ``steps`` (default: the model's own) and ``resolution`` (the still's short side in pixels;
    default 512, the size the Turbo models are made for)."""

    settings = SHOT_SETTINGS + ("prompt", "model", "steps", "resolution")
    default_model = "sd-turbo"

    def __init__(self) -> None:
        self.info = self._engine(self.default_model).info

    @staticmethod
    def _engine(model):
        from promodesk.engines.visuals.diffusion import StillsEngine

        return StillsEngine(model)

    def availability(self) -> str | None:
        """None when the default image model is installed here, else what is missing."""
        return self._engine(self.default_model).availability()

    def frame_source(self, params: dict, photo, size: tuple[int, int], duration_us: int,
                     seed: int):
        """The still (the take's asset, passed as ``photo``) animated like a product photo."""
        return _shot_renderer(params, photo, size, duration_us, seed)

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """Paint a new still for the request's prompt and seed, store it as a PNG asset and
        return the take showing it (checked by drawing one frame)."""
        import tempfile
        from pathlib import Path

        from promodesk.engines.base import stage
        from promodesk.engines.visuals.diffusion import StillRequest, save_still, still_prompt

        cancel = cancel or CancelToken()
        params = dict(request.recipe.params)
        model = params.get("model") or self.default_model
        engine = self._engine(model)
        prompt = params.get("prompt") or still_prompt(
            " ".join(str(params.get(k) or "") for k in ("title", "text")) or request.text,
            colors=list(params.get("colors") or []))
        w, h = request.size
        scale = int(params.get("resolution") or STILL_SHORT_SIDE) / min(w, h)
        size = (int(w * scale) // 8 * 8, int(h * scale) // 8 * 8)
        steps = int(params["steps"]) if params.get("steps") else None
        image = engine.generate(StillRequest(prompt, size, int(request.recipe.seed), steps),
                                stage(progress, 0.0, 0.85, "still"), cancel)
        cancel.check()
        progress(0.9, "Saving the still")
        with tempfile.TemporaryDirectory() as tmp:
            asset_id = add_asset(request.folder, save_still(image, Path(tmp) / "still.png"))
        asset = Asset(asset_id, "image", None,
                      {"prompt": prompt, "seed": int(request.recipe.seed), "model": str(model),
                       "engine": "stills", "commercial_use": engine.info.commercial_use},
                      engine.info.output_licence)
        params.update(prompt=prompt, model=str(model))
        _check_frame(params, image, request, request.recipe.seed)
        progress(1.0, "Still ready")
        take = Take(asset_id, Recipe("stills", params, int(request.recipe.seed)), None,
                    label=f"still · {model}")
        return NewTake(take, asset)


class CaptionTakes:
    """Caption clips: the cue's text set in the caption area in a style (outline, boxed,
    karaoke); the look itself is chosen by the renderer from the frames under the caption."""

    info = EngineInfo(name="captions", kind="captions", title="Captions",
                      output_licence="Set in the bundled Noto Sans CJK and DejaVu fonts (SIL OFL / "
                                     "Bitstream Vera): may be used in videos that are sold.",
                      commercial_use=True)
    settings = ("style",)

    def availability(self) -> str | None:
        """None when the bundled fonts are there, else how to get them back."""
        from promodesk.engines.visuals.typeset import FONT_DIR, FONT_FILES

        missing = [p for p in dict.fromkeys(_font_paths(FONT_FILES))
                   if not (FONT_DIR / p).is_file()]
        return (f"The caption fonts are missing ({', '.join(missing)}); reinstall PromoDesk."
                if missing else None)

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """A new take of a caption with the request's params (``style``) and seed, checked by
        fitting the text into the caption area of the canvas with the bundled fonts."""
        from promodesk.engines.visuals import typeset as ts

        cancel = cancel or CancelToken()
        params = dict(request.recipe.params)
        style = params.get("style", "outline")
        if style not in CAPTION_STYLES:
            raise RequestError(f"Unknown caption style {style!r}; choose one of "
                               f"{', '.join(CAPTION_STYLES)}.")
        progress(0.2, "Fitting the caption")
        left, top, right, bottom = safearea.caption_area(request.size)
        lo, hi = safearea.caption_size_limits(request.size)
        reserve = safearea.caption_reserve(style, hi)
        box = (right - left - 2 * reserve, bottom - top - 2 * reserve)
        text = request.text or " "
        shown = caption_lines(params, text) or "\n".join(
            ts.fit_text(text, box, max_lines=2, max_size=hi, min_size=lo).lines)
        breaks = [b for b in line_breaks(text) if b != shown and
                  not ts.fit_text(b, box, max_lines=2, max_size=hi, min_size=lo).truncated]
        natural = "\n".join(ts.fit_text(text, box, max_lines=2, max_size=hi, min_size=lo).lines)
        if not breaks and shown != natural:  # back to the line as it sets by itself
            params.pop("lines", None)
            take = Take(None, Recipe(self.info.name, params, int(request.recipe.seed)), None,
                        label="line break: automatic")
            return NewTake(take)
        if not breaks:
            raise RequestError("This caption has no other way to break its line; change its "
                               "text or its style for a different look.")
        # the next most balanced break after the one shown, so takes go round the ways of
        # breaking the line best first (a one-word last line only when nothing else is left)
        flat = len("".join(text.split()))
        even = [b for b in breaks if min(len(x.strip()) for x in b.split("\n")) >= flat * 0.2]
        order = [b for b in line_breaks(text) if b in (even if len(even) >= 2 else breaks)
                 or b == shown]
        after = order[order.index(shown) + 1:] if shown in order else order
        params["lines"] = next((b for b in after + order if b != shown))
        cancel.check()
        progress(1.0, "Caption ready")
        take = Take(None, Recipe(self.info.name, params, int(request.recipe.seed)), None,
                    label="line break: " + params["lines"].replace("\n", " / "))
        return NewTake(take)


def caption_lines(params: dict, text: str) -> str | None:
    """The caption take's own line break (``lines``: the text with a newline in it) when it is a
    break of ``text`` (the cue's text now); None when the take has none or the text changed."""
    lines = params.get("lines")
    if isinstance(lines, str) and "".join(lines.split()) == "".join(text.split()):
        return lines
    return None


def line_breaks(text: str) -> list[str]:
    """Every way of setting ``text`` in two lines at a place a line may break (between words,
    or between hanzi not before closing punctuation), nearest the middle first."""
    from promodesk.engines.visuals import typeset as ts

    flat = text.replace("\n", "")
    cuts, at = [], 0
    for piece in ts.text_pieces(flat)[:-1]:
        at += len(piece)
        cuts.append(at)
    out = [flat[:c].rstrip() + "\n" + flat[c:].lstrip() for c in cuts
           if flat[:c].strip() and flat[c:].strip()]
    middle = len(flat) / 2
    return [b for _, b in sorted(zip([abs(c - middle) for c in cuts if flat[:c].strip() and
                                      flat[c:].strip()], out), key=lambda x: x[0])] if out else []


def _font_paths(files) -> list:
    """The font file names in typeset's FONT_FILES (a dict of weight -> name or names)."""
    out = []
    for value in dict(files).values():
        out.extend(value if isinstance(value, (list, tuple)) else [value])
    return out
