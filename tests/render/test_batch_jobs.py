"""A product's job and its input hash: content, not paths, decides whether a product is redone."""

from __future__ import annotations

from pathlib import Path

from promodesk.core.catalogue import read_catalogue
from promodesk.render.product import BatchSettings, make_job, run_product

PHOTO = Path(__file__).resolve().parents[2] / "resources" / "examples" / "products" / "launch.jpg"


def catalogue(folder: Path, logo_bytes: bytes, price: str = "$9") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "p.jpg").write_bytes(PHOTO.read_bytes())
    (folder / "logo.png").write_bytes(logo_bytes)
    path = folder / "c.csv"
    path.write_text(f"title,text,images,logo,price\nKit,Launch day kit.,p.jpg,logo.png,{price}\n",
                    "utf-8")
    return path


def logo(colour: int) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 32), (colour, 40, 40)).save(buf, "PNG")
    return buf.getvalue()


def job(path: Path, settings=BatchSettings()):
    (product,), _ = read_catalogue(path)
    assert product.problems == []
    return make_job(product, settings)


def test_hash_follows_content_not_paths(tmp_path):
    a = job(catalogue(tmp_path / "a", logo(200)))
    moved = job(catalogue(tmp_path / "elsewhere" / "b", logo(200)))
    assert a.input_hash == moved.input_hash  # same files somewhere else: nothing to redo
    assert job(catalogue(tmp_path / "c", logo(90))).input_hash != a.input_hash  # a new logo
    assert job(catalogue(tmp_path / "d", logo(200), "$10")).input_hash != a.input_hash
    assert job(catalogue(tmp_path / "a", logo(200)), BatchSettings(seed=1)).input_hash \
        != a.input_hash
    assert a.brief["images"] == ["00-p.jpg"] and a.brief["logo"] == "01-logo.png"
    shipped = a.with_bytes()
    assert shipped.photos["00-p.jpg"] == PHOTO.read_bytes()
    assert shipped.photos["01-logo.png"] == logo(200)


def test_a_product_that_cannot_be_made_fails_with_the_name_the_user_gave(tmp_path):
    path = catalogue(tmp_path, logo(200))
    j = job(path).with_bytes()
    j.photos["00-p.jpg"] = PHOTO.read_bytes()[:1500]  # cut short after it was read
    result = run_product(j)
    assert result.status == "failed" and result.files == {}
    assert "00-p.jpg" in result.error and str(tmp_path) not in result.error
    assert "promodesk-batch-" not in result.error  # not the job's scratch folder


def test_a_brand_kit_travels_in_the_job_and_its_content_is_hashed(tmp_path):
    from promodesk.core.brandkit import save_kit
    from promodesk.render.product import product_kit

    font = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "DejaVuSans-Bold.ttf"
    (tmp_path / "mark.png").write_bytes(logo(30))
    (product,), _ = read_catalogue(catalogue(tmp_path / "a", logo(200)))
    plain = make_job(product, BatchSettings())
    assert "brand" not in BatchSettings().to_dict()  # runs without kits keep their hashes
    save_kit("Shop", watermark=tmp_path / "mark.png", fonts=[font], colors=["#1b3a5c"],
             root=tmp_path / "data")
    kit = product_kit(product, BatchSettings(brand="Shop"), tmp_path / "data")
    branded = make_job(product, BatchSettings(brand="Shop"), kit=kit)
    assert branded.input_hash != plain.input_hash
    # the kit's files ride with the photos (a Ray worker has no user data folder); the row's
    # own logo wins over a kit logo, and the kit's colours stand in for the row's none
    shipped = branded.with_bytes()
    assert shipped.photos[branded.brand["watermark"]] == logo(30)
    assert shipped.photos[branded.brand["fonts"][0]] == font.read_bytes()
    assert branded.brand["logo"] is None and branded.brief["logo"] == "01-logo.png"
    assert branded.brief["brand_colors"] == ["#1b3a5c"]
    # the kit's content, not its name, decides: another watermark is another product
    (tmp_path / "mark.png").write_bytes(logo(31))
    save_kit("Shop", watermark=tmp_path / "mark.png", fonts=[font], colors=["#1b3a5c"],
             root=tmp_path / "data")
    again = make_job(product, BatchSettings(brand="Shop"),
                     kit=product_kit(product, BatchSettings(brand="Shop"), tmp_path / "data"))
    assert again.input_hash != branded.input_hash
