"""Briefs: the shared samples read cleanly; every problem gets its own message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from promodesk.core.brief import BriefError, load_brief, read_brief, validate_brief

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples" / "briefs"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "briefs"


def briefs():
    found = sorted(EXAMPLES.glob("*.toml"))
    if SHARED.is_dir():
        found += sorted(SHARED.glob("*.toml"))
    return found


@pytest.mark.parametrize("path", briefs(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_sample_briefs_are_valid(path):
    b = load_brief(path)
    assert b.text.strip() and b.images and all(p.is_file() for p in b.images)
    assert b.aspect in ("9:16", "16:9")


def test_chinese_brief_fields():
    b = load_brief(EXAMPLES / "espresso-zh.toml")
    assert b.title == "晨光意式浓缩杯" and b.seconds == 20 and b.style == "warm"
    assert b.brand_colors == ["#7a2e1f", "#f3e6d3"] and b.cta == "立即抢购"
    assert b.images[0].name == "espresso-cup.png" and b.images[0].is_absolute()


def write(tmp_path, name, content):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    return p


def problems_of(path):
    brief, problems = read_brief(path)
    return [str(x) for x in problems + validate_brief(brief)]


def test_each_problem_has_its_message(tmp_path):
    Image.new("RGB", (8, 8), "red").save(tmp_path / "ok.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    path = write(tmp_path, "b.toml", """
text = "   "
images = ["ok.png", "missing.jpg", "broken.jpg"]
aspect = "4:3"
seconds = 300
brand_colors = ["#7a2e1f", "red", "#12345"]
secounds = 3
""")
    msgs = problems_of(path)
    assert any(m.startswith("text: the copy is empty") for m in msgs)
    assert any("image file not found" in m and "missing.jpg" in m for m in msgs)
    assert any("broken.jpg" in m and ("not an image" in m or "damaged" in m) for m in msgs)
    assert not any("ok.png" in m for m in msgs)
    assert any(m.startswith("aspect: '4:3'") for m in msgs)
    assert any(m.startswith("seconds: 300 s is outside 5..180") for m in msgs)
    assert any("'red' is not a colour" in m for m in msgs)
    assert any("'#12345' is not a colour" in m for m in msgs)
    assert any("secounds" in m and "Did you mean 'seconds'" in m for m in msgs)
    assert len(msgs) == 8
    with pytest.raises(BriefError) as err:
        load_brief(path)
    assert len(err.value.problems) == 8


def test_truncated_image_is_reported(tmp_path):
    Image.new("RGB", (400, 400), "blue").save(tmp_path / "full.jpg", quality=95)
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 3])
    path = write(tmp_path, "b.toml", 'text = "hi"\nimages = ["cut.jpg"]\n')
    msgs = problems_of(path)
    assert len(msgs) == 1 and "damaged or cut short" in msgs[0]


def test_json_and_plain_text(tmp_path):
    Image.new("RGB", (8, 8)).save(tmp_path / "a.webp")
    j = write(tmp_path, "b.json", json.dumps({"text": "Launch day.", "images": ["a.webp"],
                                               "aspect": "1:1", "seconds": 15}))
    b = load_brief(j)
    assert b.aspect == "1:1" and b.images == [(tmp_path / "a.webp").resolve()]
    t = write(tmp_path, "copy.txt", "SkyForge Rocket\n\nBuild it. Launch it.\n")
    b = load_brief(t)
    assert b.title == "SkyForge Rocket" and "Launch it." in b.text and b.images == []


@pytest.mark.parametrize("name,content,needle", [
    ("bad.toml", "text = 'unclosed", "not valid TOML"),
    ("bad.json", "[1, 2]", "not valid JSON"),
    ("bad.txt", None, "not UTF-8"),
])
def test_unparseable_files(tmp_path, name, content, needle):
    path = tmp_path / name
    if content is None:
        path.write_bytes("文案".encode("gb18030"))
    else:
        path.write_text(content)
    with pytest.raises(BriefError) as err:
        load_brief(path)
    assert needle in str(err.value)


def test_wrong_types(tmp_path):
    path = write(tmp_path, "b.toml", 'text = 5\nseconds = "ten"\nimages = [3]\n')
    msgs = problems_of(path)
    assert any(m.startswith("text: must be text") for m in msgs)
    assert any(m.startswith("seconds: must be a number") for m in msgs)
    assert any(m.startswith("images: each image must be a file path") for m in msgs)


# --- issue 11: bounded briefs --------------------------------------------------------------------

@pytest.mark.parametrize("name,data,field", [
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("deep.toml", b"x = " + b"[" * 5000 + b"]" * 5000, "deep.toml"),
    ("inf.toml", b'text = "Hi."\nseconds = inf\n', "seconds"),
    ("nan.toml", b'text = "Hi."\nseconds = nan\n', "seconds"),
    ("long.toml", b'text = "' + b"a" * 25_000 + b'"\n', "text"),
])
def test_bounded_briefs_are_refused_with_a_message(tmp_path, name, data, field):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(BriefError) as err:
        load_brief(path)
    assert field in str(err.value)


def test_an_image_link_loop_is_named(tmp_path):
    import os

    os.symlink("loop.jpg", tmp_path / "loop.jpg")
    (tmp_path / "b.toml").write_text('text = "Hi."\nimages = ["loop.jpg"]\n')
    with pytest.raises(BriefError) as err:
        load_brief(tmp_path / "b.toml")
    assert "loop.jpg" in str(err.value) and "points back at itself" in str(err.value)


def test_media_sound_field_is_read_checked_and_kept():
    from promodesk.core.brief import brief_from_dict

    brief, problems = brief_from_dict({"text": "A cup.", "media_sound": "speech"})
    assert (brief.media_sound, problems) == ("speech", [])
    assert brief.to_dict()["media_sound"] == "speech"
    assert "media_sound" not in brief_from_dict({"text": "A cup."})[0].to_dict()  # default: under
    _, problems = brief_from_dict({"text": "A cup.", "media_sound": "loud"})
    assert [p.field for p in problems] == ["media_sound"] and "under, speech, mute" in problems[0].message
