"""Caption styles on real pixels: a preset's look is the render from before styles (reference
frames), a style's colour, size, box, highlight, font and position are drawn, and captions keep
clear of every shot kind's text in every aspect, inside the safe area."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from promodesk.core.brief import read_brief
from promodesk.core.captionstyle import CaptionStyle, SetCaptionStyle
from promodesk.core.copytext import analyze_copy
from promodesk.core.timeline import Asset, Clip, Recipe, Take, TrackKind
from promodesk.engines.visuals import safearea
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.shots import KINDS, VARIANTS, ShotRenderer
from promodesk.render.captions import Caption
from promodesk.render.frame import FrameRenderer

from tests.render.media import EXAMPLES, caption_project

REFERENCE = Path(__file__).parent / "data" / "caption_reference"
TEXTS = {"zh": "每一个清晨，都值得一杯好咖啡。", "en": "Snap-together parts, no glue, ready in an hour."}
BRIEFS = ("espresso-zh.toml", "launch-en.toml")
SIZES = {"9:16": (432, 768), "1:1": (540, 540), "16:9": (768, 432)}


def gradient(size):
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w]
    return np.dstack([(xs * 255 // w), (ys * 255 // h), ((xs + ys) * 255 // (w + h))]).astype(np.uint8)


def hits(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("style", ["outline", "boxed", "karaoke"])
@pytest.mark.parametrize("lang", TEXTS)
@pytest.mark.parametrize("aspect, size", [("9x16", (360, 640)), ("16x9", (640, 360))])
def test_a_preset_draws_the_same_pixels_as_before_caption_styles(aspect, size, lang, style):
    """The reference frames were rendered by the caption code before styles existed."""
    bg = gradient(size)
    for look in (style, CaptionStyle.for_preset(style)):
        frame = bg.copy()
        Caption(TEXTS[lang], look, size, 2_000_000, lambda u: bg).draw(frame, 1_000_000)
        reference = np.asarray(Image.open(REFERENCE / f"{aspect}-{lang}-{style}.png"))
        assert np.array_equal(frame, reference), (aspect, lang, style, look)


def ink(frame, bg):
    return np.any(frame != bg, axis=2)


def test_colour_size_box_and_position_are_drawn():
    size = (540, 960)
    bg = np.full((960, 540, 3), 128, np.uint8)
    plain = Caption("Order now", "outline", size, 2_000_000)
    style = CaptionStyle(colour="#FF0000", size=0.09, outline=None, shadow=False, box="#00FF00",
                         box_opacity=1.0, position=(0.5, 0.3))
    cap = Caption("Order now", style, size, 2_000_000)
    frame = bg.copy()
    cap.draw(frame, 1_000_000)
    assert cap.layout.size == round(0.09 * 540) > plain.layout.size
    ys, xs = np.nonzero(ink(frame, bg))
    assert abs((ys.min() + ys.max()) / 2 - 0.3 * 960) < 0.05 * 960    # centred where asked
    colours = {tuple(c) for c in frame[ys, xs]}
    assert (255, 0, 0) in colours and (0, 255, 0) in colours           # red text on a green box


def test_position_is_clamped_into_the_safe_area():
    size = (540, 960)
    cap = Caption("A caption in a corner", CaptionStyle(position=(1.0, 0.0)), size, 1_000_000)
    left, top, right, bottom = safearea.safe_area(size)
    assert left <= cap.box[0] and top <= cap.box[1] and cap.box[2] <= right and cap.box[3] <= bottom
    assert cap.box[2] == right and cap.box[1] == top


def test_karaoke_lights_words_in_the_highlight_colour():
    size = (540, 960)
    bg = np.full((960, 540, 3), 40, np.uint8)
    frame = bg.copy()
    Caption("Build it launch it", CaptionStyle(preset="karaoke", highlight="#00FFFF"),
            size, 2_000_000).draw(frame, 1_500_000)
    assert (np.all(frame == (0, 255, 255), axis=2)).sum() > 100


def test_a_bundled_family_and_a_user_font_file_change_the_glyphs(tmp_path):
    size = (540, 960)
    bg = np.zeros((960, 540, 3), np.uint8)
    frames = {}
    for font in ("", "DejaVu Sans"):
        frame = bg.copy()
        Caption("Rocket kit", CaptionStyle(font=font), size, 2_000_000).draw(frame, 1_000_000)
        frames[font] = frame
    assert not np.array_equal(frames[""], frames["DejaVu Sans"])
    broken = tmp_path / ("0" * 16 + ".ttf")
    broken.write_bytes(b"not a font")
    cap = Caption("Rocket kit", CaptionStyle(font=broken.name), size, 2_000_000, font_file=broken)
    assert "cannot be read" in cap.note and cap.layout.size > 10


def _brief_shots():
    for name in BRIEFS:
        brief, _ = read_brief(EXAMPLES / "briefs" / name)
        lines = [line.text for line in analyze_copy(brief.text, brief.language, brief.cta).lines]
        yield name, brief, load_photo(brief.images[0]), max(lines, key=len), sorted(lines, key=len)[-2:]


@pytest.mark.parametrize("aspect", SIZES)
def test_captions_keep_clear_of_every_shot_kinds_text_inside_the_safe_area(aspect):
    size = SIZES[aspect]
    safe = safearea.safe_area(size)
    checked = 0
    for name, brief, photo, longest, captions in _brief_shots():
        for kind in KINDS:
            for variant in range(VARIANTS):
                params = {"kind": kind, "title": brief.title, "text": longest,
                          "price": brief.price or "$49", "old_price": "", "cta": brief.cta,
                          "colors": list(brief.brand_colors), "variant": variant}
                shot = ShotRenderer(params, photo, size, 2_000_000)
                keep_out = shot.text_boxes() + shot.panel_boxes()
                for text in captions:
                    cap = Caption(text, "boxed" if variant else "outline", size, 2_000_000,
                                  keep_out=keep_out)
                    where = (name, kind, variant, text, cap.box, keep_out)
                    assert not any(hits(cap.box, box) for box in keep_out), where
                    assert safe[0] <= cap.box[0] and safe[1] <= cap.box[1], where
                    assert cap.box[2] <= safe[2] and cap.box[3] <= safe[3], where
                    assert cap.layout.size >= 10, where
                    checked += 1
    assert checked == len(BRIEFS) * len(KINDS) * VARIANTS * 2


def test_a_16x9_feature_caption_moves_off_the_text_panel_in_the_rendered_frame(tmp_path):
    """The reported case: in 16:9 the caption crossed the feature shot's text panel."""
    from promodesk.core.projectfile import add_asset

    project = caption_project("16:9", (("Snap-together parts, no glue, ready in under an hour.",
                                        "outline"),), cue_us=1_000_000)
    asset = add_asset(tmp_path, EXAMPLES / "products" / "launch.jpg")
    project.assets[asset] = Asset(asset, "image")
    video = project.add_track(TrackKind.VIDEO, "Shots")
    project.tracks.insert(0, project.tracks.pop())
    params = {"kind": "feature", "title": "SkyForge", "text": "Climbs to 300 meters.",
              "price": "", "old_price": "", "cta": "", "colors": []}
    video.clips.append(Clip(0, 1_000_000, [Take(asset, Recipe("shots", params))]))
    size = (768, 432)
    renderer = FrameRenderer(project, tmp_path, size)
    (caption, _), = renderer.captions_at(500_000)
    panel, = renderer._shot(video.clips[0]).panel_boxes()
    assert caption.box[2] <= panel[0], (caption.box, panel)
    frame, bare = renderer.frame(500_000), renderer.video_frame(500_000)
    changed = np.argwhere(np.any(frame != bare, axis=2))
    assert changed[:, 1].max() < panel[0]                       # no caption ink on the panel


def test_set_caption_style_is_seen_in_the_rendered_frame_and_undone(tmp_path):
    project = caption_project()
    ids = [c.id for c in project.tracks[0].clips]
    before = FrameRenderer(project, tmp_path, (270, 480)).frame(500_000)
    edit = SetCaptionStyle(ids, {"colour": "#00FF00"})
    edit.apply(project)
    after = FrameRenderer(project, tmp_path, (270, 480)).frame(500_000)
    assert (np.all(after == (0, 255, 0), axis=2)).sum() > 50
    assert not (np.all(before == (0, 255, 0), axis=2)).any()
    edit.revert(project)
    assert np.array_equal(FrameRenderer(project, tmp_path, (270, 480)).frame(500_000), before)
