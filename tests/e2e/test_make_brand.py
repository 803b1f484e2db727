"""`promodesk make --brand NAME`: a saved kit's logo in its corner on the frames, its watermark,
colours and font in the shots, its caption style on the captions, its intro's frames first and
its outro's last; and
broken kits refused before any work with a message naming the file and what to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from promodesk import RESOURCES
from promodesk.core.brandkit import load_kit, save_kit
from promodesk.core.projectfile import asset_path, load_project
from promodesk.core.timeline import TrackKind, frame_at
from promodesk.render.export import ffmpeg_exe
from promodesk.render.overlay import overlay_params, place
from tests.render.clips import make_logo
from tests.render.media import decode

PHOTO = RESOURCES / "examples" / "products" / "espresso-cup.png"
FONT = RESOURCES / "fonts" / "DejaVuSans-Bold.ttf"
RED, MAGENTA = (230, 20, 20), (255, 0, 255)
SIZE = (270, 480)  # 9:16 at --scale 0.25


def solid_clip(path: Path, colour: str, seconds: float) -> Path:
    """A flat ``colour`` clip with a tone (its sound goes on a linked audio clip)."""
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"color=c={colour}:size=320x240:rate=30:duration={seconds}", "-f", "lavfi",
                    "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)],
                   check=True)
    return path


def make(tmp_path, *extra, text="A cup for slow mornings. Thick porcelain keeps it hot.",
         env_dir=None):
    env = {**__import__("os").environ, "PROMODESK_DATA_DIR": str(env_dir or tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", text, "--image",
                           str(PHOTO), "--title", "Slow Cup", "--price", "$19", "--seconds", "6",
                           "--scale", "0.25", "-o", str(tmp_path / "promo.mp4"), *extra],
                          capture_output=True, text=True, timeout=600, env=env)


def test_make_with_a_brand_kit(tmp_path):
    logo = make_logo(tmp_path / "logo.png", (200, 120), RED, feather=1)
    mark = make_logo(tmp_path / "mark.png", (120, 120), (255, 255, 255), feather=1)
    intro = solid_clip(tmp_path / "intro.mp4", "magenta", 1.0)
    outro = solid_clip(tmp_path / "outro.mp4", "lime", 0.6)
    kit = save_kit("Slow Cup Co", logo=logo, watermark=mark, watermark_opacity=0.3,
                   fonts=[FONT], colors=["#1b3a5c", "#f2b705"], intro=intro, outro=outro,
                   caption_style={"preset": "boxed"}, root=tmp_path / "data")
    r = make(tmp_path, "--brand", "Slow Cup Co")
    assert r.returncode == 0, r.stderr
    folder = next(tmp_path.glob("*.promodesk"))
    project = load_project(folder)
    main = project.tracks_of(TrackKind.VIDEO)[0]
    # the intro first, the promo after it, the music and captions moved with it
    first = main.clips[0]
    assert first.name == "intro" and first.start == 0 and first.recipe.engine == "footage"
    assert main.clips[1].start == first.end
    assert project.tracks_of(TrackKind.MUSIC)[0].clips[0].start == first.end
    assert min(c.start for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips) >= first.end
    sound = [c for t in project.tracks_of(TrackKind.AUDIO) for c in t.clips]
    assert sound and sound[0].recipe.params["sound_of"] == first.id and sound[0].start == 0
    # colours and font in every shot (so a regenerated take keeps them), style on captions
    shots = [c for c in main.clips if c.recipe.engine == "shots"]
    assert shots and all(c.recipe.params["colors"] == ["#1b3a5c", "#f2b705"] for c in shots)
    # the font copied into the project (it survives a deleted kit), the shots naming the asset
    font = shots[0].recipe.params["font"]
    assert all(c.recipe.params["font"] == font for c in shots)
    assert asset_path(folder, font).read_bytes() == (kit.folder / kit.fonts[0]).read_bytes()
    # the font is really the kit's: the hero's title drawn without it differs
    from promodesk.engines.visuals.photos import load_photo
    from promodesk.engines.visuals.shots import ShotRenderer, with_font_file

    hero = next(c for c in shots if c.recipe.params.get("title"))
    bare = {k: v for k, v in hero.recipe.params.items() if k != "font"}
    drawn = [ShotRenderer(with_font_file(p, folder), load_photo(PHOTO), SIZE,
                          hero.duration).frame(hero.duration - 1)
             for p in (hero.recipe.params, bare)]
    assert (drawn[0] != drawn[1]).any(axis=-1).sum() > 200
    # a regenerated shot keeps the kit's colours and font
    r = subprocess.run([sys.executable, "-m", "promodesk", "regenerate", str(folder), "--clip",
                        hero.id, "--seed", "5"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    again = next(c for c in load_project(folder).tracks_of(TrackKind.VIDEO)[0].clips
                 if c.id == hero.id)
    assert len(again.takes) == 2 and again.selected == 1
    assert again.recipe.params["font"] == hero.recipe.params["font"]
    assert again.recipe.params["colors"] == ["#1b3a5c", "#f2b705"]
    cues = [c.cue for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips]
    assert cues and all(q.style == "boxed" and q.look is not None for q in cues)
    assert all(project.assets[q.look.font].kind == "font" for q in cues)
    # the logo over the promo (not the intro), where its overlay puts it, in the decoded MP4
    overlays = {c.name: c for t in project.tracks_of(TrackKind.VIDEO)[1:] for c in t.clips}
    badge = overlays["logo"]
    assert badge.start == first.end and "watermark" in overlays
    sprite = np.asarray(Image.open(asset_path(folder, badge.asset)).convert("RGBA"))
    placed = place(sprite, overlay_params(badge.recipe.params), SIZE)
    x0, y0, x1, y1 = placed.box
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    frames = decode(tmp_path / "promo.mp4", SIZE)
    start = frame_at(first.end, project.fps)
    for j in (start + 3, (start + len(frames)) // 2, frame_at(main.clips[-2].end, project.fps) - 3):
        block = frames[j, cy - 2:cy + 3, cx - 4:cx + 5].reshape(-1, 3).astype(int)
        assert (block[:, 0] > 170).all() and (block[:, 1:] < 90).all(), (j, block.mean(axis=0))
    # the intro's frames come first: flat magenta, no logo or captions on them
    for j in range(0, frame_at(first.end, project.fps) - 1, 7):
        assert np.abs(frames[j].reshape(-1, 3).mean(axis=0) - MAGENTA).max() < 12, j
    # and the outro's last: flat green after the promo, the logo off it
    last = main.clips[-1]
    assert last.name == "outro" and last.start == main.clips[-2].end
    assert project.duration == last.end and badge.end == last.start
    assert len(frames) == frame_at(last.end - 1, project.fps) + 1
    for j in range(frame_at(last.start, project.fps) + 1, len(frames), 5):
        assert np.abs(frames[j].reshape(-1, 3).mean(axis=0) - (0, 255, 0)).max() < 12, j
    # the brand's colour is on the end card (its primary colour is the card's background)
    end = next(c for c in shots if c.name == "cta")
    card = frames[frame_at(end.start + end.duration // 2, project.fps)]
    corner = card[SIZE[1] // 2 - 4:SIZE[1] // 2 + 4, 2:10].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - (0x1b, 0x3a, 0x5c)).max() < 40, corner


def test_a_missing_kit_is_refused_before_any_work(tmp_path):
    save_kit("tea", colors=["#000000"], root=tmp_path / "data")
    r = make(tmp_path, "--brand", "coffee")
    assert r.returncode == 2
    assert "--brand: No brand kit called 'coffee'" in r.stderr and "saved kits: tea" in r.stderr
    assert not list(tmp_path.glob("*.promodesk")) and not (tmp_path / "promo.mp4").exists()


def test_a_damaged_kit_json_is_named(tmp_path):
    kit = save_kit("tea", colors=["#000000"], root=tmp_path / "data")
    (kit.folder / "kit.json").write_text('{"colors": ')
    r = make(tmp_path, "--brand", "tea")
    assert r.returncode == 2 and str(kit.folder / "kit.json") in r.stderr
    assert "brand save tea" in r.stderr and "Traceback" not in r.stderr


def test_a_font_without_chinese_glyphs_is_refused_for_chinese_copy(tmp_path):
    save_kit("latin", fonts=[FONT], root=tmp_path / "data")
    r = make(tmp_path, "--brand", "latin", text="一杯好茶，慢慢品。厚瓷杯，保温更久。")
    assert r.returncode == 2, r.stderr
    assert "font1-DejaVuSans-Bold.ttf" in r.stderr and "Noto Sans CJK" in r.stderr
    assert not list(tmp_path.glob("*.promodesk"))


def test_brand_commands_save_show_list_and_delete(tmp_path):
    env = {**__import__("os").environ, "PROMODESK_DATA_DIR": str(tmp_path / "data")}

    def brand(*args):
        return subprocess.run([sys.executable, "-m", "promodesk", "brand", *args],
                              capture_output=True, text=True, env=env, timeout=120)

    logo = make_logo(tmp_path / "logo.png", (60, 40), RED)
    r = brand("save", "shop", "--logo", str(logo), "--colors", "#112233,#ffaa00",
              "--corner", "bottom-left", "--caption-style", '{"preset": "karaoke"}')
    assert r.returncode == 0, r.stderr
    kit = load_kit("shop", root=tmp_path / "data")
    assert kit.corner == "bottom-left" and kit.caption_style["preset"] == "karaoke"
    assert "logo.png (bottom-left" in brand("show", "shop").stdout
    assert brand("list").stdout.split() == ["shop"]
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    r = brand("save", "shop2", "--logo", str(fake))
    assert r.returncode == 2 and "fake.png" in r.stderr and "Traceback" not in r.stderr
    r = brand("save", "", "--logo", str(logo))
    assert r.returncode == 2 and "needs a name" in r.stderr
    assert brand("delete", "shop").returncode == 0
    assert brand("show", "shop").returncode == 2


def test_an_explicit_logo_wins_over_the_kits(tmp_path):
    kit_logo = make_logo(tmp_path / "kit.png", (200, 120), RED, feather=1)
    own = make_logo(tmp_path / "own.png", (160, 160), (20, 20, 230), feather=1)
    mark = make_logo(tmp_path / "mark.png", (120, 120), (255, 255, 255), feather=1)
    save_kit("shop", logo=kit_logo, watermark=mark, root=tmp_path / "data")
    r = make(tmp_path, "--brand", "shop", "--logo", str(own))
    assert r.returncode == 0, r.stderr
    project = load_project(next(tmp_path.glob("*.promodesk")))
    overlays = [(t.name, c) for t in project.tracks_of(TrackKind.VIDEO)[1:] for c in t.clips]
    assert sorted(name for name, _ in overlays) == ["Logo", "Watermark"]
    logo = next(c for name, c in overlays if name == "Logo")
    folder = next(tmp_path.glob("*.promodesk"))
    assert asset_path(folder, logo.asset).read_bytes() == own.read_bytes()
