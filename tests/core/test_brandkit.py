"""Brand kits saved per shop in the data folder: files copied in, kit.json atomic and readable,
damaged or incomplete kits refused with a message naming the file and what to do, fonts checked
for the copy's glyphs."""

from __future__ import annotations

import pytest

from promodesk import RESOURCES
from promodesk.core.brand_edits import ApplyBrand
from promodesk.core.brandkit import (BrandKitError, brands_root, check_fonts_for, delete_kit,
                                     font_gaps, list_kits, load_kit, save_kit)
from tests.render.clips import make_clip, make_logo

LATIN_FONT = RESOURCES / "fonts" / "DejaVuSans-Bold.ttf"
CJK_FONT = RESOURCES / "fonts" / "NotoSansCJKsc-Bold-subset.otf"


def test_data_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_DATA_DIR", str(tmp_path / "data"))
    assert brands_root() == tmp_path / "data" / "brands"
    assert brands_root(tmp_path / "other") == tmp_path / "other" / "brands"
    monkeypatch.delenv("PROMODESK_DATA_DIR")
    assert brands_root().parts[-2:] == ("PromoDesk", "brands")


def test_save_copies_the_files_and_load_reads_them_back(tmp_path):
    logo = make_logo(tmp_path / "Logo.PNG", (120, 60), (200, 30, 30))
    mark = make_logo(tmp_path / "mark.png", (80, 80), (255, 255, 255))
    intro = make_clip(tmp_path / "intro.mp4", seconds=0.5)
    kit = save_kit("Tea Shop 茶", logo=logo, watermark=mark, watermark_opacity=0.25,
                   fonts=[LATIN_FONT], colors=["#112233", "#FFAA00"], intro=intro,
                   corner="bottom-left", caption_style={"style": "boxed"}, root=tmp_path / "d")
    folder = tmp_path / "d" / "brands" / "Tea Shop 茶"
    assert kit.folder == folder and (folder / "kit.json").is_file()
    assert (folder / kit.logo).read_bytes() == logo.read_bytes()
    assert (folder / kit.intro).read_bytes() == intro.read_bytes()
    logo.unlink()  # the kit keeps its own copies
    again = load_kit("Tea Shop 茶", root=tmp_path / "d")
    assert again.to_dict() == kit.to_dict()
    assert again.colors == {"primary": "#112233", "accent": "#ffaa00"}
    assert again.color_list == ["#112233", "#ffaa00"]
    assert again.corner == "bottom-left" and again.watermark_opacity == 0.25
    assert again.fonts and again.fonts[0].endswith(".ttf")
    assert list_kits(tmp_path / "d") == ["Tea Shop 茶"]
    # no temp file left beside kit.json
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["kit.json", again.logo, again.watermark, again.intro, *again.fonts])


def test_saving_again_replaces_the_kit_and_its_old_files(tmp_path):
    save_kit("shop", logo=make_logo(tmp_path / "a.webp", (40, 40)), root=tmp_path)
    kit = save_kit("shop", logo=make_logo(tmp_path / "b.png", (40, 40)), root=tmp_path)
    assert sorted(p.name for p in kit.folder.iterdir()) == ["kit.json", "logo.png"]


def test_delete_removes_the_kit(tmp_path):
    kit = save_kit("gone", colors={"accent": "#00ff00"}, root=tmp_path)
    assert delete_kit("gone", root=tmp_path) == kit.folder
    assert not kit.folder.exists() and list_kits(tmp_path) == []
    with pytest.raises(BrandKitError, match="brand list"):
        delete_kit("gone", root=tmp_path)


@pytest.mark.parametrize("name,match", [("", "needs a name"), ("  ", "needs a name"),
                                        ("a/b", "folder name"), ("..", "folder name"),
                                        ("x" * 65, "keep it to 64")])
def test_bad_kit_names_are_refused(tmp_path, name, match):
    with pytest.raises(BrandKitError, match=match):
        save_kit(name, root=tmp_path)
    assert not (tmp_path / "brands").exists() or not any((tmp_path / "brands").iterdir())


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_is_written(tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("this is not a picture")
    with pytest.raises(BrandKitError) as err:
        save_kit("shop", logo=fake, root=tmp_path)
    assert "logo.png" in str(err.value) and "PNG" in str(err.value)
    assert not (tmp_path / "brands" / "shop").exists()


@pytest.mark.parametrize("kwargs,match", [
    ({"colors": ["red"]}, "not a colour like"), ({"corner": "middle"}, "--corner must be"),
    ({"watermark_opacity": 1.5}, "opacity"), ({"logo_scale": 2}, "logo size"),
    ({"fonts": ["nope.ttf"]}, "not a file"), ({"intro": "x.txt"}, "not a file"),
])
def test_bad_settings_are_refused(tmp_path, kwargs, match):
    with pytest.raises(BrandKitError, match=match):
        save_kit("shop", root=tmp_path, **kwargs)


def test_a_file_that_is_not_a_font_is_refused(tmp_path):
    fake = tmp_path / "brand.ttf"
    fake.write_bytes(b"\0\1\0\0garbage" * 10)
    with pytest.raises(BrandKitError, match="brand.ttf cannot be read"):
        save_kit("shop", fonts=[fake], root=tmp_path)


def test_missing_kit_names_what_is_saved(tmp_path):
    save_kit("tea", colors=["#000000"], root=tmp_path)
    with pytest.raises(BrandKitError, match="No brand kit called 'coffee'.*saved kits: tea"):
        load_kit("coffee", root=tmp_path)
    with pytest.raises(BrandKitError, match="needs a name"):
        load_kit("", root=tmp_path)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"corner": "middle"}',
                                     '{"logo": "../../etc/passwd"}', '{"logo_scale": "big"}',
                                     '{"version": 99}'])
def test_a_damaged_kit_json_is_named_with_what_to_do(tmp_path, content):
    kit = save_kit("shop", colors=["#000000"], root=tmp_path)
    (kit.folder / "kit.json").write_text(content)
    with pytest.raises(BrandKitError) as err:
        load_kit("shop", root=tmp_path)
    message = str(err.value)
    assert str(kit.folder / "kit.json") in message
    assert "brand save shop" in message or "newer PromoDesk" in message


def test_a_kit_whose_files_are_gone_says_which(tmp_path):
    kit = save_kit("shop", logo=make_logo(tmp_path / "l.png", (30, 30)),
                   fonts=[LATIN_FONT], root=tmp_path)
    (kit.folder / kit.logo).unlink()
    with pytest.raises(BrandKitError, match=r"missing its logo \(logo.png\).*brand save shop"):
        load_kit("shop", root=tmp_path)


def test_fonts_are_checked_for_the_copys_glyphs(tmp_path):
    assert font_gaps(LATIN_FONT, "Hello, world!") == []
    assert font_gaps(LATIN_FONT, "好茶 good tea 好") == ["好", "茶"]
    assert font_gaps(CJK_FONT, "好茶") == []
    latin = save_kit("latin", fonts=[LATIN_FONT], root=tmp_path)
    check_fonts_for(latin, "Good tea, $5")
    with pytest.raises(BrandKitError) as err:
        check_fonts_for(latin, "一杯好茶，只要五元")
    assert "font1-DejaVuSans-Bold.ttf" in str(err.value) and "一杯好茶" in str(err.value)
    assert "Noto Sans CJK" in str(err.value)
    check_fonts_for(save_kit("cjk", fonts=[CJK_FONT], root=tmp_path), "一杯好茶")


def test_apply_brand_edit_is_one_undo_step_and_refused_on_a_changed_project():
    from promodesk.core.document import Document, History
    from promodesk.core.edits import EditError, MoveClip
    from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind

    project = Project.for_aspect("9:16")
    main = project.add_track(TrackKind.VIDEO, "Shots")
    main.clips.append(Clip(0, 1_000_000, [Take(None, Recipe("shots", {"colors": []}))]))
    branded = project.copy()
    branded.tracks[0].clips[0].takes[0].recipe.params["colors"] = ["#112233"]
    branded.add_track(TrackKind.VIDEO, "Logo")
    branded.brief = {"brand": "shop"}
    document = Document(project.copy())
    history = History(document)
    history.push(ApplyBrand(project, branded, "shop"))
    assert [t.name for t in document.project.tracks] == ["Shots", "Logo"]
    assert document.project.brief == {"brand": "shop"}
    assert history.undo()
    assert [t.name for t in document.project.tracks] == ["Shots"]
    assert document.project.tracks[0].clips[0].recipe.params["colors"] == []
    assert history.redo() and len(document.project.tracks) == 2
    history.undo()
    # the job worked on a copy: a project edited meanwhile is not overwritten
    clip = document.project.tracks[0].clips[0]
    history.push(MoveClip(clip.id, 500_000))
    with pytest.raises(EditError, match="changed while the brand kit"):
        history.push(ApplyBrand(project, branded, "shop"))
    assert [t.name for t in document.project.tracks] == ["Shots"]
