"""`promodesk batch` end to end: a small real catalogue rendered, rerun, changed, interrupted."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from promodesk.core.projectfile import load_project
from promodesk.render.subtitles import parse_srt
from tests.e2e.media import probe

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples" / "products"
FAST = ["--seconds", "5", "--scale", "0.25"]
HEADER = ["title", "text", "images", "price", "old_price", "cta", "aspects", "seconds", "style",
          "language", "brand"]
ROWS = [
    ["Espresso Cup", "A small espresso cup. Thick walls keep it warm. Order today.",
     "espresso-cup.png", "$12", "$18", "Shop now", "9:16;1:1", "5", "", "en", "#7a2e1f"],
    ["Launch Kit", "Everything for launch day. Ships tomorrow.", "launch.jpg;espresso-cup.png",
     "$49", "", "Buy now", "9:16", "5", "", "en", ""],
    ["Sun Lamp", "A lamp that wakes you like the sun. Save 20% this week.", "gen-sun.png",
     "$35", "$44", "", "9:16", "5", "", "", ""],
    ["海盐皂", "手工海盐皂。温和清洁，泡沫细腻。立即购买！", "gen-sea.jpg", "39元", "", "", "9:16",
     "5", "", "zh", ""],
    ["Broken Photo", "This product's photo is cut short. It must fail alone.", "broken.jpg",
     "$5", "", "", "9:16", "5", "", "", ""],
    ["Green Bottle", "A bottle that keeps water cold all day. Grab yours now.",
     "gen-sea.jpg;gen-sun.png", "$22", "", "", "9:16", "5", "", "en", ""],
]


def generated_photo(path: Path, hue: tuple[int, int, int]) -> None:
    """A product-like photo: a gradient backdrop and a lit object, 600x800."""
    y = np.linspace(0, 1, 800)[:, None, None]
    img = (np.array(hue) * (0.4 + 0.6 * y) + 30 * np.random.default_rng(1).random((800, 600, 3)))
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    ImageDraw.Draw(im).ellipse((150, 250, 450, 650), fill=(240, 235, 220), outline=(40, 40, 40),
                                width=8)
    im.save(path)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def batch(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "promodesk", "batch", *map(str, args)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, **kw)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))["products"]


def mp4s(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.glob("*/*.mp4"))}


def stamps(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.glob("*/*.mp4")}


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shop")
    for name in ("espresso-cup.png", "launch.jpg"):
        (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    generated_photo(folder / "gen-sun.png", (230, 170, 40))
    generated_photo(folder / "gen-sea.jpg", (40, 110, 190))
    (folder / "broken.jpg").write_bytes((EXAMPLES / "launch.jpg").read_bytes()[:3000])
    write_csv(folder / "catalogue.csv", ROWS)
    return folder


@pytest.fixture(scope="module")
def first_run(shop, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    r = batch(shop / "catalogue.csv", "-o", out, *FAST)
    return out, r


def test_five_made_one_failed_with_its_message(first_run):
    out, r = first_run
    assert r.returncode == 1, r.stderr  # a product failed: not a clean exit
    assert "Traceback" not in r.stderr
    assert "5 made, 1 failed, 0 unchanged" in r.stdout
    assert "failed: broken-photo: images:" in r.stderr and "broken.jpg" in r.stderr
    entries = manifest(out)
    assert sorted(k for k, e in entries.items() if e["status"] == "done") == [
        "espresso-cup", "green-bottle", "launch-kit", "sun-lamp", "海盐皂"]
    assert entries["broken-photo"]["status"] == "failed"
    assert "damaged" in entries["broken-photo"]["error"]
    assert not (out / "broken-photo").exists()
    # every made product: its videos at the asked aspects, subtitles and a loadable project
    cup = out / "espresso-cup"
    info = probe(cup / "espresso-cup-9x16.mp4")
    assert (info.width, info.height) == (270, 480) and abs(info.frames - 150) <= 1
    assert (probe(cup / "espresso-cup-1x1.mp4").width, probe(cup / "espresso-cup-1x1.mp4").height) \
        == (270, 270)
    cues = parse_srt((cup / "espresso-cup-9x16.srt").read_text("utf-8"))
    assert [c.text for c in cues] == entries["espresso-cup"]["info"]["captions"]
    assert load_project(cup / "espresso-cup.promodesk").duration == 5_000_000
    assert -15.5 < entries["sun-lamp"]["info"]["loudness_lufs"] < -12.5


def test_report_lists_every_product_offline(first_run):
    out, _ = first_run
    rows = list(csv.DictReader((out / "report.csv").read_text("utf-8-sig").splitlines()))
    assert [r["key"] for r in rows] == ["espresso-cup", "launch-kit", "sun-lamp", "海盐皂",
                                        "broken-photo", "green-bottle", "TOTAL"]
    broken = rows[4]
    assert broken["status"] == "failed" and "broken.jpg" in broken["error"]
    cup = rows[0]
    assert cup["status"] == "done" and float(cup["duration_s"]) == 5.0
    assert "composer" in cup["engines"] and "MIT" in cup["licences"]
    assert cup["captions"].split(" | ")[0] == "A small espresso cup."
    assert rows[-1]["status"] == "5 done, 1 failed, 0 not made"
    page = (out / "report.html").read_text("utf-8")
    assert page.count('src="data:image/jpeg;base64,') == 5  # thumbnail strips inlined
    assert "http://" not in page and "https://" not in page  # opens offline
    strip = Image.open(out / "sun-lamp" / "strip.jpg")
    assert strip.height == 160 and strip.width > 3 * 90  # four frames side by side


def test_rerun_does_nothing(shop, first_run):
    out, _ = first_run
    before = stamps(out)
    r = batch(shop / "catalogue.csv", "-o", out, *FAST)
    assert "0 made, 0 failed, 6 unchanged" in r.stdout, r.stdout + r.stderr
    assert stamps(out) == before


def test_changed_row_remakes_only_that_product(shop, first_run):
    out, _ = first_run
    before = mp4s(out)
    rows = [list(r) for r in ROWS]
    rows[2][1] = "A lamp that wakes you like the sun. Now in white."
    r = batch(write_csv(shop / "changed.csv", rows), "-o", out, *FAST)
    assert "1 made, 0 failed, 5 unchanged" in r.stdout, r.stdout + r.stderr
    after = mp4s(out)
    changed = [k for k in before if before[k] != after[k]]
    assert changed == ["sun-lamp/sun-lamp.mp4"]
    cues = parse_srt((out / "sun-lamp" / "sun-lamp.srt").read_text("utf-8"))
    assert "white" in " ".join(c.text for c in cues)


def test_a_project_edited_in_the_editor_is_exported_again(shop, first_run):
    from promodesk.core.projectfile import save_project
    from promodesk.core.timeline import TrackKind

    out, _ = first_run
    folder = out / "launch-kit" / "launch-kit.promodesk"
    project = load_project(folder)
    project.tracks_of(TrackKind.CAPTIONS)[0].clips[0].cue.text = "Edited by hand."
    save_project(project, folder)
    before = mp4s(out)
    r = batch(shop / "changed.csv", "-o", out, *FAST)
    assert "1 made, 0 failed, 5 unchanged (1 made from projects edited" in r.stdout, r.stderr
    cues = parse_srt((out / "launch-kit" / "launch-kit.srt").read_text("utf-8"))
    assert cues[0].text == "Edited by hand."
    after = mp4s(out)
    assert [k for k in before if before[k] != after[k]] == ["launch-kit/launch-kit.mp4"]
    assert "0 made" in batch(shop / "changed.csv", "-o", out, *FAST).stdout


def test_workers_make_the_same_bytes_as_serial(shop, first_run, tmp_path):
    out, _ = first_run
    keys = ["海盐皂", "green-bottle"]
    r = batch(shop / "catalogue.csv", "-o", tmp_path, *FAST, "--workers", "2",
              *[a for k in keys for a in ("--only", k)])
    assert r.returncode == 0, r.stderr
    assert "2 made" in r.stdout
    serial = {k: v for k, v in mp4s(out).items() if k.split("/")[0] in keys}
    assert len(serial) == 2 and mp4s(tmp_path) == serial


def test_shopify_export_is_a_catalogue(shop, tmp_path):
    images = tmp_path / "downloads"
    images.mkdir()
    (images / "cup-front.png").write_bytes((EXAMPLES / "espresso-cup.png").read_bytes())
    generated_photo(images / "cup-side.jpg", (120, 60, 30))
    export = tmp_path / "products_export.csv"
    export.write_text(
        "Handle,Title,Body (HTML),Variant Price,Variant Compare At Price,Image Src,Image Position\n"
        'cup,Double Cup,"<p>Two walls, no burnt fingers.</p><p>Dishwasher safe.</p>",24.00,'
        "30.00,https://cdn.shopify.com/s/files/cup-front.png?v=1,1\n"
        "cup,,,,,https://cdn.shopify.com/s/files/cup-side.jpg?v=2,2\n", "utf-8")
    out = tmp_path / "out"
    r = batch(export, "-o", out, "--images", images, *FAST)
    assert r.returncode == 0, r.stderr
    entry = manifest(out)["cup"]
    assert entry["status"] == "done" and entry["title"] == "Double Cup"
    assert entry["info"]["captions"] == ["Two walls, no burnt fingers.", "Dishwasher safe."]
    assert probe(out / "cup" / "cup.mp4").frames >= 149


def test_ctrl_c_keeps_finished_products_whole_and_the_next_run_finishes(shop, tmp_path):
    cat = write_csv(shop / "three.csv", [ROWS[0], ROWS[2], ROWS[3]])
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "promodesk", "batch", str(cat), "-o",
                             str(out), *FAST], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "manifest.json").exists() and any(
                e["status"] == "done" for e in manifest(out).values()):
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    time.sleep(1.0)  # the next product is now being made
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "run the same command again" in err
    entries = manifest(out)
    done = {k for k, e in entries.items() if e["status"] == "done"}
    assert 1 <= len(done) < 3
    # no partial file anywhere: only whole products, the manifest and the report
    hidden = [p for p in out.rglob(".*")]
    assert hidden == []
    assert {p.name for p in out.iterdir() if p.is_dir()} == done
    for key in done:
        assert sorted(p.relative_to(out / key).as_posix()
                      for p in (out / key).rglob("*") if p.is_file()) == entries[key]["files"]
    kept = stamps(out)
    r = batch(cat, "-o", out, *FAST)
    assert r.returncode == 0, r.stderr
    assert f"{3 - len(done)} made, 0 failed, {len(done)} unchanged" in r.stdout
    assert all(e["status"] == "done" for e in manifest(out).values())
    assert {k: v for k, v in stamps(out).items() if k in kept} == kept
