"""Regenerate means it: three takes of every shot kind, and of a caption, differ pairwise.

The measure is the mean absolute difference of 8-bit RGB values between two takes' frames (at
the start, middle and end of the shot), averaged. The threshold, 5 levels, is about four times
what one frame of the slow hero push-in differs from the next at 30 fps (about 1.2 on this photo),
so a take passes only when it changed more than time passing does: a new framing, move or layout,
not a re-seeded copy of the same picture (which measures 0). Captions: the changed line break
moves most of the text's ink, which at 5 levels over the caption's own band is well clear."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from promodesk.core.projectfile import add_asset
from promodesk.core.timeline import Asset, Recipe
from promodesk.engines import registry
from promodesk.engines.base import RequestError, TakeRequest
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.takes import caption_lines

ROOT = Path(__file__).resolve().parents[3]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
SIZE = (216, 384)
DURATION = 2_000_000
THRESHOLD = 5.0


def _difference(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return float(np.mean([np.abs(x.astype(np.int16) - y.astype(np.int16)).mean()
                          for x, y in zip(a, b)]))


def _three_takes(engine, request: TakeRequest) -> list[Recipe]:
    recipes = [request.recipe]
    for seed in (1, 2):
        request = TakeRequest(Recipe(request.recipe.engine, dict(recipes[-1].params), seed),
                              request.folder, request.asset, request.duration_us, request.size,
                              text=request.text)
        recipes.append(engine.new_take(request).take.recipe)
    return recipes


@pytest.mark.parametrize("kind", ["hero", "detail", "feature", "offer", "cta", "card"])
def test_three_takes_of_every_shot_kind_differ_pairwise(kind, tmp_path):
    asset_id = add_asset(tmp_path, PHOTO)
    photo = None if kind == "card" else load_photo(PHOTO)
    params = {"kind": kind, "move": "auto", "text": "Rich crema every morning",
              "title": "Espresso Cup", "price": "$19", "old_price": "$29", "cta": "Buy now",
              "colors": [], "transition_in": {"kind": "cut", "duration_us": 0}}
    engine = registry.engine("shots")
    request = TakeRequest(Recipe("shots", params, 0), tmp_path,
                          None if photo is None else Asset(asset_id, "image"), DURATION, SIZE)
    recipes = _three_takes(engine, request)
    frames = [[engine.frame_source(r.params, photo, SIZE, DURATION, r.seed).frame(t)
               for t in (0, DURATION // 2, DURATION)] for r in recipes]
    for i, j in ((0, 1), (0, 2), (1, 2)):
        assert _difference(frames[i], frames[j]) > THRESHOLD, (kind, i, j)


def test_three_takes_of_a_caption_differ_pairwise(tmp_path):
    from promodesk.render.captions import Caption

    text = "Rich crema in every morning cup"
    engine = registry.engine("captions")
    request = TakeRequest(Recipe("captions", {"style": "outline"}, 0), tmp_path, None,
                          DURATION, SIZE, text=text)
    recipes = _three_takes(engine, request)
    shown = [caption_lines(r.params, text) or text for r in recipes]
    assert len(set(shown)) == 3
    from promodesk.engines.visuals.safearea import caption_area

    grey = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
    left, top, right, bottom = caption_area(SIZE)
    frames = []
    for lines in shown:
        img = grey.copy()
        Caption(lines, "outline", SIZE, DURATION, lambda _t: grey.copy()).draw(img, DURATION // 2)
        frames.append([img[top:bottom, left:right]])  # the caption's band
    for i, j in ((0, 1), (0, 2), (1, 2)):
        assert _difference(frames[i], frames[j]) > THRESHOLD, (i, j)


def test_a_one_word_caption_says_what_would_change(tmp_path):
    request = TakeRequest(Recipe("captions", {"style": "outline"}, 0), tmp_path, None,
                          DURATION, SIZE, text="Now")
    with pytest.raises(RequestError, match="no other way to break"):
        registry.engine("captions").new_take(request)


def test_a_two_word_caption_goes_back_to_its_own_line_after_its_one_other_break(tmp_path):
    engine = registry.engine("captions")
    request = TakeRequest(Recipe("captions", {"style": "outline"}, 0), tmp_path, None,
                          DURATION, SIZE, text="Order now")
    recipes = _three_takes(engine, request)
    assert [caption_lines(r.params, "Order now") for r in recipes] == [None, "Order\nnow", None]
