"""`promodesk make` on inputs a shop might bring that nobody had tried: a sound file or a cut-short
MP4 as --media, a clip in a video too short to show it, a word longer than a caption line,
copy that mixes Chinese and English, a price or button label on a small draft frame."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from promodesk.core.copytext import caption_lines, split_sentences
from promodesk.engines.visuals.typeset import ELLIPSIS, fit_text
from promodesk.render.export import ffmpeg_exe

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
COPY = "Fresh beans roasted daily. Order today and save."


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", *args], check=True)


def _make(tmp_path: Path, *extra: str, seconds: str = "5") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", COPY,
                           "--image", str(PHOTO), "--seconds", seconds, "--scale", "0.1",
                           "-o", str(tmp_path / "out" / "promo.mp4"), *extra],
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("kind", ["sound only", "cut short"])
def test_a_clip_that_is_no_video_is_refused_before_any_work(tmp_path, kind):
    clip = tmp_path / "clip.mp4"
    if kind == "sound only":
        _ffmpeg("-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", str(clip))
    else:
        whole = tmp_path / "whole.mp4"
        _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", str(whole))
        clip.write_bytes(whole.read_bytes()[:20_000])
    r = _make(tmp_path, "--media", str(clip))
    # exit 2 (bad input), refused in a second or two: before the music was composed
    assert r.returncode == 2, r.stderr
    assert f"--media {clip}" in r.stderr and "Traceback" not in r.stderr
    assert "music" not in r.stderr  # no progress line: no work was started
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_clip_in_a_video_too_short_to_show_it_is_named_in_a_note(tmp_path):
    clip = tmp_path / "pour.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", str(clip))
    r = _make(tmp_path, "--media", str(clip))
    assert r.returncode == 0, r.stderr
    assert "pour.mp4 is not in the video" in r.stderr and "--seconds" in r.stderr
    assert (tmp_path / "out" / "promo.mp4").stat().st_size > 0


def test_a_word_longer_than_a_caption_line_gets_a_line_of_its_own():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosisresistantfilters"
    # this recursed until Python's limit (reported as a brief "nested too deeply", exit 2)
    lines = [c.text for c in caption_lines(split_sentences(f"{word} for everyone at home."))]
    assert word in lines
    assert " ".join(lines).split() == f"{word} for everyone at home.".split()


def test_mixed_chinese_and_english_copy_is_never_cut_inside_an_english_word_or_a_number():
    copy = ("限时优惠 only this week 两只装仅需1,299.00元，"
            "限时特惠今天下单明天就到货啦智能温控一触即显温度")
    lines = [c.text for c in caption_lines(split_sentences(copy))]
    assert len(lines) > 1
    # each English word and the price stays whole on one line (was "only t" / "his week",
    # and "1," / "299.00元")
    for word in ("only", "this", "week", "1,299.00元"):
        assert any(word in line.split() or line.startswith(word) or line.endswith(word)
                   or f"需{word}" in line for line in lines), (word, lines)


@pytest.mark.parametrize("text", ["¥1,299.00", "$19.99 → $14.99", "Shop now"])
def test_short_text_on_a_small_draft_frame_keeps_its_end(text):
    # a 0.25-scale frame asks for a price under the usual 18 px minimum, and a button whose box
    # is lower than the minimum's line: both got a spurious "…" though nothing was cut
    price = fit_text(text, (226, 300), max_lines=1, max_size=15, min_size=18, weight="bold")
    assert price.lines == (text,) and price.size == 15
    button = fit_text(text, (200, 15), max_lines=1, max_size=14, min_size=12, weight="bold")
    assert button.lines == (text,) and ELLIPSIS not in button.lines[0]
    assert button.height <= 15
    # text that really is too long is still cut, with the ellipsis
    long = fit_text(text + " and get free shipping worldwide on every order", (120, 15),
                    max_lines=1, max_size=14, min_size=12, weight="bold")
    assert long.truncated and long.lines[0].endswith(ELLIPSIS)


def test_a_huge_logo_is_shrunk_once_to_what_a_frame_can_show_and_placed_the_same():
    import numpy as np
    from PIL import Image

    from promodesk.engines.visuals.footage import FootageSource
    from promodesk.render.overlay import place

    logo = Image.new("RGBA", (3000, 2000), (0, 0, 0, 0))
    logo.paste((230, 20, 20, 255), (300, 300, 2700, 1700))
    settings = {"x": 0.8, "y": 0.15, "scale": 0.3, "rotation": 0.0, "opacity": 1.0}
    size = (270, 480)
    sprite = FootageSource({"overlay": settings}, logo, size).sprite(0)
    # an 8000-pixel logo made every placement seconds of float maths on the whole picture
    assert min(sprite.shape[:2]) == max(size) and sprite.shape[1] / sprite.shape[0] == 1.5
    small, whole = place(sprite, settings, size), place(np.asarray(logo), settings, size)
    assert (small.x, small.y, small.alpha.shape) == (whole.x, whole.y, whole.alpha.shape)
    assert np.abs(small.alpha - whole.alpha).max() < 0.05
    assert np.abs(small.rgb - whole.rgb).mean() < 2.0


def test_a_brand_kit_intro_that_is_no_video_is_refused_when_saved_and_when_used(tmp_path):
    env = {**__import__("os").environ, "PROMODESK_DATA_DIR": str(tmp_path / "data")}
    sound = tmp_path / "jingle.mp4"
    _ffmpeg("-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", str(sound))
    brand = [sys.executable, "-m", "promodesk", "brand", "save"]
    r = subprocess.run([*brand, "shop", "--intro", str(sound)], capture_output=True, text=True,
                       env=env, timeout=120)
    # was saved (exit 0), and every make with the kit failed after composing the music (exit 1)
    assert r.returncode == 2 and f"--intro {sound}" in r.stderr, r.stderr
    assert not (tmp_path / "data" / "brands" / "shop").exists()
    # a kit whose clip went bad after it was saved: refused before any work
    ok = tmp_path / "intro.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", str(ok))
    r = subprocess.run([*brand, "shop", "--intro", str(ok)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    saved = next((tmp_path / "data" / "brands" / "shop").glob("intro*"))
    saved.write_bytes(sound.read_bytes())
    r = subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", COPY, "--image",
                        str(PHOTO), "--brand", "shop", "--seconds", "5", "--scale", "0.1", "-o",
                        str(tmp_path / "out" / "promo.mp4")], capture_output=True, text=True,
                       env=env, timeout=600)
    assert r.returncode == 2 and "--brand shop: its intro" in r.stderr, r.stderr
    assert "music" not in r.stderr


def test_more_clips_than_their_shots_each_left_out_clip_is_named_with_the_room_there_was():
    from promodesk.core.timeline import Asset, Clip, Project, Recipe, Take, TrackKind
    from promodesk.engines.assemble import _unused_clips

    project = Project()
    main = project.add_track(TrackKind.VIDEO)
    for n, name in enumerate(["a.mp4", "b.mp4", "c.mp4"]):
        project.assets[f"id{n}"] = Asset(f"id{n}", "video", 8_000_000, {"source": name}, "")
    for n, (name, asset) in enumerate([("hero", None), ("footage", "id0"), ("detail", None),
                                       ("cta", None)]):
        main.clips.append(Clip(start=n * 4_000_000, duration=4_000_000, name=name,
                               takes=[Take(asset, Recipe("footage" if asset else "shots", {}))]))
    notes = _unused_clips(project, ["c.mp4 is shorter than a shot (4.0 s), so ..."])
    # b.mp4 was left out silently: a 30 s video had room for 2 of 4 clips
    assert len(notes) == 1 and notes[0].startswith("b.mp4 is not in the video")
    assert "room for 1 of your clips" in notes[0]


@pytest.mark.parametrize("head, hint", [
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC/AVIF photo: export it as JPEG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>', "SVG drawing: export it"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "video: give it as a clip"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01webm", "video: give it as a clip")])
def test_a_heic_photo_an_svg_or_a_video_as_a_photo_says_what_to_do(tmp_path, head, hint):
    from promodesk.core.brief import Brief, validate_brief

    picture = tmp_path / "picture.heic"
    picture.write_bytes(head + bytes(200))
    problems = validate_brief(Brief(text="A cup. Order today.", images=[picture],
                                    logo=picture))
    assert [p.field for p in problems] == ["images", "logo"]
    assert all(hint in p.message and str(picture) in p.message for p in problems)


def test_seconds_out_of_range_blames_the_option_not_the_brief_file():
    brief = ROOT / "resources" / "examples" / "briefs"
    found = sorted(brief.glob("*.toml"))
    assert found, brief
    r = subprocess.run([sys.executable, "-m", "promodesk", "make", str(found[0]), "-o",
                        "/nonexistent-folder-q1/x.mp4", "--seconds", "4"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "--seconds 4 is outside 5..180" in r.stderr and found[0].name not in r.stderr


def test_an_icon_sized_photo_gets_a_note_and_a_product_photo_none(tmp_path):
    from PIL import Image

    from promodesk.core.brief import Brief
    from promodesk.engines.assemble import _check_photos

    icon = tmp_path / "icon.png"
    Image.new("RGB", (40, 40), (200, 30, 30)).save(icon)
    notes = _check_photos(Brief(text="A cup. Order today.", images=[PHOTO, icon]))
    # an icon blown up to 1080x1920 was made without a word
    assert len(notes) == 1 and "icon.png is only 40x40 pixels" in notes[0]


@pytest.mark.parametrize("output", ["/dev/null", "{tmp}/new-folder/"])
def test_an_output_that_is_a_device_or_a_missing_folder_is_refused(tmp_path, output):
    output = output.format(tmp=tmp_path)
    r = subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", COPY, "--image",
                        str(PHOTO), "-o", output, "--seconds", "5", "--scale", "0.1"],
                       capture_output=True, text=True, timeout=120)
    # /dev/null made /dev/null.mp4 and /dev/null.promodesk; "new-folder/" made new-folder.mp4
    assert r.returncode == 2 and f"the output {output}" in r.stderr, r.stderr
    assert not Path("/dev/null.mp4").exists() and list(tmp_path.iterdir()) == []


def test_a_caption_whose_emoji_were_left_out_keeps_no_space_before_its_punctuation():
    from promodesk.core.copytext import strip_emoji

    # was "安全健康 。" and "only this week ！" on screen and in the SRT
    assert strip_emoji("316不锈钢内胆，安全健康 ✅。") == "316不锈钢内胆，安全健康。"
    assert strip_emoji("Keep it hot 🔥 all day! Only this week 🎉!") == \
        "Keep it hot all day! Only this week!"


def test_a_long_call_to_action_wraps_to_a_second_line_at_a_readable_size():
    import numpy as np

    from promodesk.engines.visuals import cards
    from promodesk.engines.visuals.palette import palette_from_colors

    palette = palette_from_colors(["#7a1515", "#c81e1e", "#ffffff"])
    label = "Tap to buy now and get free shipping worldwide on every order!!"  # 63 characters
    height = 140  # a 1080x1920 end card's button
    pill = cards.button(label, palette, 760, height)
    # was one line set at 12 px on a 1080-pixel frame (a grey smear); now two lines, taller pill
    assert pill.shape[0] > height and pill.shape[1] <= 760
    ink = (np.abs(pill[..., :3].astype(int) - np.array(palette.accent)).sum(axis=2) > 200) \
        & (pill[..., 3] == 255)
    rows = ink[:, height // 2:-height // 2].any(axis=1).astype(int)  # inside the round ends
    starts = np.flatnonzero(np.diff(rows) == 1)
    ends = np.flatnonzero(np.diff(rows) == -1)
    assert len(starts) == len(ends) == 2, (starts, ends)  # two lines of text
    assert all(e - s >= 20 for s, e in zip(starts, ends))  # each line's glyphs 20+ px tall
    short = cards.button("Order now", palette, 760, height)
    assert short.shape[0] == height  # a label that fits keeps the one-line pill


@pytest.mark.parametrize("copy", ["🔥🔥🔥 ✨✨", "... !!! ???"])
def test_copy_without_words_is_refused_before_planning_and_says_why(tmp_path, copy):
    r = subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", copy, "--image",
                        str(PHOTO), "-o", str(tmp_path / "x.mp4"), "--seconds", "5"],
                       capture_output=True, text=True, timeout=120)
    # was "the copy is empty" after planning had started
    assert r.returncode == 2 and "no words, only emoji" in r.stderr, r.stderr
    assert "plan" not in r.stderr and list(tmp_path.iterdir()) == []


def test_a_phone_clip_shorter_than_its_shot_shows_for_its_beats_then_the_photo(tmp_path):
    from promodesk.core.beats import BeatGrid
    from promodesk.core.projectfile import load_project
    from promodesk.core.timeline import TrackKind

    clip = tmp_path / "pour.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", str(clip))
    r = _make(tmp_path, "--media", str(clip), seconds="15")
    assert r.returncode == 0, r.stderr
    # was: "pour.mp4 is shorter than a shot (5.6 s), so a photo shot stays there", in any length
    assert "pour.mp4" not in r.stderr, r.stderr
    project = load_project(tmp_path / "out" / "promo.promodesk")
    main = project.tracks_of(TrackKind.VIDEO)[0]
    footage = [c for c in main.clips if c.name == "footage"]
    assert len(footage) == 1 and 1_000_000 <= footage[0].duration <= 3_000_000
    assert footage[0].in_point + footage[0].duration <= project.assets[footage[0].asset].duration
    after = main.clips[main.clips.index(footage[0]) + 1]
    assert after.start == footage[0].end and after.recipe.engine == "shots"  # the photo goes on
    music = project.tracks_of(TrackKind.MUSIC)[0].clips[0]
    assert footage[0].end in BeatGrid.from_meta(project.assets[music.asset].meta).beats
    assert all(a.end == b.start for a, b in zip(main.clips, main.clips[1:]))
