"""`promodesk batch` with brand kits: a catalogue row's ``brand`` column names the kit its product
is made with, ``--brand NAME`` is the kit of the rows that name none, and a row naming a kit that
is not saved fails before any work with a message naming the row, while the others are made.
Each product's MP4 shows its own kit's logo colour where its overlay puts it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from promodesk import RESOURCES
from promodesk.core.brandkit import save_kit
from promodesk.core.projectfile import asset_path, load_project
from promodesk.core.timeline import ASPECTS, TrackKind, frame_at
from promodesk.render.overlay import overlay_params, place
from tests.render.clips import make_logo
from tests.render.media import decode

ROOT = Path(__file__).resolve().parents[2]
PHOTO = RESOURCES / "examples" / "products" / "espresso-cup.png"
RED, BLUE = (230, 20, 20), (20, 40, 230)
SIZE = tuple(max(2, round(x * 0.25 / 2) * 2) for x in ASPECTS["9:16"])
HEADER = ["id", "title", "text", "images", "price", "aspects", "seconds", "brand"]
ROWS = [
    ["red", "Red Cup", "A cup for slow mornings. Order today.", "cup.png", "$12", "9:16", "5",
     "Red Shop"],
    ["blue", "Blue Cup", "A cup that keeps it hot. Buy now.", "cup.png", "$14", "9:16", "5", ""],
    ["lost", "Lost Cup", "A cup from a shop with no kit.", "cup.png", "$9", "9:16", "5", "Nope"],
]


def test_each_product_gets_its_own_brand_kit(tmp_path):
    data = tmp_path / "data"
    save_kit("Red Shop", logo=make_logo(tmp_path / "red.png", (200, 120), RED, feather=1),
             corner="top-left", colors=["#5c1b1b", "#f2b705"], root=data)
    save_kit("Blue Shop", logo=make_logo(tmp_path / "blue.png", (200, 120), BLUE, feather=1),
             corner="top-right", colors=["#1b3a5c", "#f2b705"], root=data)
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "cup.png").write_bytes(PHOTO.read_bytes())
    with open(shop / "catalogue.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "promodesk", "batch", shop / "catalogue.csv", "-o",
                        out, "--scale", "0.25", "--brand", "Blue Shop"], capture_output=True,
                       text=True, timeout=600, cwd=ROOT,
                       env={**os.environ, "PROMODESK_DATA_DIR": str(data)})
    # the unknown kit fails its row alone, saying which row and which kits there are
    assert r.returncode != 0
    lost = [ln for ln in r.stderr.splitlines() if ln.startswith("failed: lost")]
    assert lost and "catalogue.csv row 4" in lost[0] and "'Nope'" in lost[0], r.stderr
    assert "Blue Shop" in lost[0] and "Red Shop" in lost[0]
    assert not (out / "lost").exists()
    for key, colour, other, side in (("red", RED, BLUE, "left"), ("blue", BLUE, RED, "right")):
        folder = next((out / key).glob("*.promodesk"))
        project = load_project(folder)
        logos = [c for t in project.tracks_of(TrackKind.VIDEO)[1:] for c in t.clips
                 if c.name == "logo"]
        assert len(logos) == 1, key
        logo = logos[0]
        sprite = np.asarray(Image.open(asset_path(folder, logo.asset)).convert("RGBA"))
        placed = place(sprite, overlay_params(logo.recipe.params), SIZE)
        x0, y0, x1, y1 = placed.box
        cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
        assert (cx < SIZE[0] / 2) == (side == "left") and cy < SIZE[1] / 2, (key, placed.box)
        frames = decode(out / key / f"{key}.mp4", SIZE)
        for j in (3, len(frames) // 2, frame_at(logo.end, project.fps) - 3):
            block = frames[j, cy - 2:cy + 3, cx - 4:cx + 5].reshape(-1, 3).astype(int).mean(axis=0)
            assert np.abs(block - colour).max() < 45, (key, j, block)
            assert np.abs(block - other).max() > 120, (key, j, block)
        # the kit's colours are in the shots
        shots = [c for c in project.tracks_of(TrackKind.VIDEO)[0].clips
                 if c.recipe.engine == "shots"]
        wanted = ["#5c1b1b", "#f2b705"] if key == "red" else ["#1b3a5c", "#f2b705"]
        assert shots and all(c.recipe.params["colors"] == wanted for c in shots)


def test_an_unknown_batch_brand_is_refused_before_any_work(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "cup.png").write_bytes(PHOTO.read_bytes())
    with open(shop / "catalogue.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, ROWS[1]])
    r = subprocess.run([sys.executable, "-m", "promodesk", "batch", shop / "catalogue.csv", "-o",
                        tmp_path / "out", "--brand", "Nope"], capture_output=True, text=True,
                       timeout=120, cwd=ROOT,
                       env={**os.environ, "PROMODESK_DATA_DIR": str(tmp_path / "data")})
    assert r.returncode != 0 and "--brand" in r.stderr and "'Nope'" in r.stderr
    assert not (tmp_path / "out").exists()
