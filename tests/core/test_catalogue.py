"""Reading catalogues: PromoDesk CSV, Shopify product export, folder of briefs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from promodesk.core.catalogue import (
    CatalogueError, html_to_text, read_catalogue, read_csv_catalogue, slug,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def photo(path: Path, colour=(200, 80, 40)) -> Path:
    img = np.zeros((120, 90, 3), np.uint8)
    img[:] = colour
    img[30:90, 20:70] = 255
    Image.fromarray(img).save(path)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_csv_rows_become_products_with_their_settings(tmp_path):
    (tmp_path / "img").mkdir()
    photo(tmp_path / "img" / "a.png")
    photo(tmp_path / "img" / "b.jpg", (10, 120, 200))
    cat = write(tmp_path / "cat.csv",
                "title,text,images,price,old_price,cta,aspects,seconds,style,language,brand\n"
                "Red Mug,A warm red mug. Order today.,img/a.png; img/b.jpg,$12,$18,Shop now,"
                "9:16;1:1,12,lofi,en,#7a2e1f;#f4e9d8\n"
                "红色杯子,一只温暖的杯子。立即购买！,img/b.jpg,99元,,,,8,,zh,\n")
    products, warnings = read_catalogue(cat)
    assert warnings == []
    red, zh = products
    assert red.key == "red-mug" and red.problems == []
    assert red.brief.images == [tmp_path / "img" / "a.png", tmp_path / "img" / "b.jpg"]
    assert red.aspects == ["9:16", "1:1"] and red.brief.aspect == "9:16"
    assert red.brief.seconds == 12 and red.brief.style == "lofi" and red.brief.language == "en"
    assert red.brief.brand_colors == ["#7a2e1f", "#f4e9d8"] and red.brand_kit == ""
    assert (red.brief.price, red.old_price, red.brief.cta) == ("$12", "$18", "Shop now")
    assert red.where == "cat.csv row 2"
    assert zh.key == "红色杯子" and zh.aspects == ["9:16"] and zh.brief.language == "zh"
    assert zh.problems == []


def test_each_bad_row_keeps_its_own_problems(tmp_path):
    photo(tmp_path / "ok.png")
    (tmp_path / "broken.jpg").write_bytes((EXAMPLES / "products" / "launch.jpg").read_bytes()[:2000])
    cat = write(tmp_path / "cat.csv",
                "title,text,images,seconds,aspect,brand,colour\n"
                "Good,Fine copy.,ok.png,10,9:16,,x\n"
                "Bad photo,Fine copy.,broken.jpg,10,,,\n"
                "Missing,Fine copy.,nowhere.png,ten,4:3,red,\n"
                "Good,Same title again.,,,,,\n")
    products, warnings = read_csv_catalogue(cat)
    assert len(warnings) == 1 and "'colour'" in warnings[0] and "not used" in warnings[0]
    good, bad, missing, again = products
    assert good.problems == [] and again.problems == []
    assert again.key == "good-2"  # keys stay unique: they name output folders
    assert len(bad.problems) == 1 and "damaged" in bad.problems[0] and "broken.jpg" in bad.problems[0]
    text = " / ".join(missing.problems)
    assert "'ten' is not a number" in text and "4:3" in text and "nowhere.png" in text
    # a brand that is not colours names a brand kit (the batch checks it exists, naming the row)
    assert missing.brand_kit == "red" and "brand" not in text


def test_not_utf8_says_how_to_save_it(tmp_path):
    cat = tmp_path / "cat.csv"
    cat.write_bytes("title,text\n杯子,好杯子。\n".encode("gbk"))
    with pytest.raises(CatalogueError, match="CSV UTF-8"):
        read_catalogue(cat)
    with pytest.raises(CatalogueError, match="does not exist"):
        read_catalogue(tmp_path / "nope.csv")


SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Variant Price,Variant Compare At Price,Image Src,"
    "Image Position\n"
    'linen-shirt,Linen Shirt,"<p>Cool <b>linen</b> for hot days</p><ul><li>Breathes</li>'
    '<li>Washes well!</li></ul>",Acme,39.00,59.00,'
    "https://cdn.shopify.com/s/files/1/shirt-front.jpg?v=123,2\n"
    "linen-shirt,,,,39.00,,https://cdn.shopify.com/s/files/1/shirt-back.png?v=9,1\n"
    'tea-set,Tea Set,<p>Six cups &amp; a pot.</p>,Acme,80.00,,'
    "https://cdn.shopify.com/s/files/1/tea.webp,1\n")


def test_shopify_rows_of_one_handle_merge_and_images_match_by_name(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    photo(images / "shirt-front.jpg")
    photo(images / "SHIRT-BACK.png")
    cat = write(tmp_path / "products_export.csv", SHOPIFY)
    products, _ = read_catalogue(cat, images)
    shirt, tea = products
    assert shirt.key == "linen-shirt" and shirt.problems == []
    assert shirt.brief.title == "Linen Shirt"
    assert shirt.brief.text == "Cool linen for hot days. Breathes. Washes well!"
    assert (shirt.brief.price, shirt.old_price) == ("39.00", "59.00")
    # ordered by Image Position, the back photo (position 1) first
    assert [p.name for p in shirt.brief.images] == ["SHIRT-BACK.png", "shirt-front.jpg"]
    assert tea.brief.text == "Six cups & a pot."
    assert len(tea.problems) == 1 and "tea.webp not found in" in tea.problems[0]


def test_shopify_without_images_folder_says_to_give_one(tmp_path):
    cat = write(tmp_path / "products_export.csv", SHOPIFY)
    products, _ = read_catalogue(cat)
    assert all("--images DIR" in p.problems[0] for p in products)
    with pytest.raises(CatalogueError, match="does not exist"):
        read_catalogue(cat, tmp_path / "no-such-folder")


def test_folder_of_briefs_is_a_catalogue(tmp_path):
    products, _ = read_catalogue(EXAMPLES / "briefs")
    assert [p.key for p in products] == ["espresso-zh", "launch-en"]
    assert all(p.problems == [] and p.brief.text for p in products)
    write(tmp_path / "bad.toml", "title = \n")
    (bad,), _ = read_catalogue(tmp_path)
    assert bad.problems and "TOML" in bad.problems[0]
    (tmp_path / "empty").mkdir()
    with pytest.raises(CatalogueError, match="no briefs"):
        read_catalogue(tmp_path / "empty")


def test_html_and_slug_helpers():
    assert html_to_text("<h2>新品</h2><p>一只杯子</p>") == "新品。 一只杯子。"
    assert html_to_text("<p>Line one<br>line two.</p>") == "Line one. line two."
    assert slug("  Red Mug (Large) / 2024! ") == "red-mug-large-2024"
    assert slug("???") == "product"


def test_the_brand_column_names_a_kit_or_gives_colours(tmp_path):
    photo(tmp_path / "a.png")
    cat = write(tmp_path / "cat.csv",
                "title,text,images,brand\n"
                "Kit,Fine copy.,a.png,Slow Cup Co\n"
                "Colours,Fine copy.,a.png,#7a2e1f;#f4e9d8\n"
                "Bad colour,Fine copy.,a.png,#7a2e1\n"
                "None,Fine copy.,a.png,\n")
    kit, colours, bad, none = read_csv_catalogue(cat)[0]
    assert (kit.brand_kit, kit.brief.brand_colors, kit.problems) == ("Slow Cup Co", [], [])
    assert (colours.brand_kit, colours.brief.brand_colors) == ("", ["#7a2e1f", "#f4e9d8"])
    assert bad.brand_kit == "" and "#7a2e1 is not a brand colour" in bad.problems[0]
    assert (none.brand_kit, none.brief.brand_colors, none.problems) == ("", [], [])
