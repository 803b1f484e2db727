"""The battery: bad inputs and faults, by what they spoil (photos, briefs, projects, music,
outputs, environment). Each case builds its files in a fresh folder and returns the
:class:`~tests.reliability.harness.Run` saying what must come of it. Disk-full cases live in
test_disk_full.py (they mount a small tmpfs or inject a write error)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

from tests.reliability.harness import Run
from tests.reliability.material import PHOTO, brief_folder, tiny_project

BAD, FAILED, INTERNAL = 2, 1, 70
CASES: dict[str, tuple[str, Callable[[Path], Run]]] = {}


def case(category: str, name: str):
    def add(build: Callable[[Path], Run]):
        CASES[f"{category}/{name}"] = (category, build)
        return build
    return add


def many(category: str, table: dict[str, object], build: Callable[[Path, object], Run]) -> None:
    for name, value in table.items():
        CASES[f"{category}/{name}"] = (category, lambda tmp, v=value: build(tmp, v))


def make_args(tmp: Path, *extra: str) -> list[str]:
    return ["make", *extra, "-o", str(tmp / "out" / "promo.mp4"), "--seconds", "5",
            "--scale", "0.1"]


# --- photos: make --text ... --image BAD --------------------------------------------------------

def _png_header(w: int, h: int) -> bytes:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    chunk = lambda t, d: (struct.pack(">I", len(d)) + t + d  # noqa: E731
                          + struct.pack(">I", zlib.crc32(t + d)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def _photo(tmp: Path, kind: str) -> Path:
    p = tmp / {"dir": "photos.jpg", "svg": "logo.svg"}.get(kind, f"bad-{kind}.jpg")
    good = PHOTO.read_bytes()
    if kind == "missing":
        pass
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "garbage":
        p.write_bytes(b"\xff\xd8\xff\xe0garbage" * 10)
    elif kind == "truncated":
        p.write_bytes(good[: len(good) // 3])
    elif kind == "text":
        p.write_text("not a photo at all\n")
    elif kind == "dir":
        p.mkdir()
    elif kind == "loop":
        os.symlink(p.name, p)
    elif kind == "dangling":
        os.symlink(tmp / "nowhere.jpg", p)
    elif kind == "bomb":
        p.write_bytes(_png_header(60_000, 60_000))
    elif kind == "fifo":
        os.mkfifo(p)
    elif kind == "svg":
        p.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    elif kind == "png-as-jpg-cut":
        p.write_bytes(_png_header(100, 100)[:30])
    elif kind == "zero-dims":
        p.write_bytes(_png_header(0, 0))
    return p


def _bad_photo(tmp: Path, kind) -> Run:
    photo = _photo(tmp, kind)
    return Run(make_args(tmp, "--text", "Build it. Launch it.", "--image", str(photo)), BAD,
               [photo.name], protect=[tmp], absent=[tmp / "out"])


many("photos", {k: k for k in ("missing", "empty", "garbage", "truncated", "text", "dir",
                                 "loop", "dangling", "bomb", "fifo", "svg", "png-as-jpg-cut",
                                 "zero-dims")}, _bad_photo)


@case("photos", "dev-zero")
def _dev_zero(tmp: Path) -> Run:
    return Run(make_args(tmp, "--text", "Hi there.", "--image", "/dev/zero"), BAD, ["/dev/zero"],
               absent=[tmp / "out"])


def _brief_photo(tmp: Path, value) -> Run:
    brief = tmp / "b.toml"
    brief.write_text(f'text = "A cup."\nimages = {value}\n')
    return Run(make_args(tmp, str(brief)), BAD, ["images"], protect=[brief], absent=[tmp / "out"])


many("photos", {"number-in-list": "[5]", "empty-name": '[""]', "table": '[{a = 1}]',
                "sixty": json.dumps([f"p{i}.jpg" for i in range(60)])}, _brief_photo)


# --- briefs: brief check FILE and make FILE -----------------------------------------------------

BRIEFS = {
    "empty-file": ("b.toml", b"", "copy is empty"),
    "bad-toml": ("b.toml", b'text = "unclosed\n', "not valid TOML"),
    "bad-json": ("b.json", b'{"text": "x",', "not valid JSON"),
    "json-list": ("b.json", b'["text"]', "top level"),
    "latin1": ("b.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "not UTF-8"),
    "nested-toml": ("b.toml", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "b.toml"),
    "nested-json": ("b.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "nested-json-object": ("b.json", b'{"text": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
                           "nested too deeply"),
    "seconds-text": ("b.toml", b'text = "Hi."\nseconds = "thirty"\n', "seconds"),
    "seconds-inf": ("b.toml", b'text = "Hi."\nseconds = inf\n', "seconds"),
    "seconds-nan": ("b.toml", b'text = "Hi."\nseconds = nan\n', "seconds"),
    "seconds-huge": ("b.toml", b'text = "Hi."\nseconds = 1e308\n', "seconds"),
    "seconds-negative": ("b.toml", b'text = "Hi."\nseconds = -5\n', "seconds"),
    "seconds-bool": ("b.json", b'{"text": "Hi.", "seconds": true}', "seconds"),
    "aspect": ("b.toml", b'text = "Hi."\naspect = "4:3"\n', "aspect"),
    "language": ("b.toml", b'text = "Hi."\nlanguage = "klingon"\n', "language"),
    "colour": ("b.toml", b'text = "Hi."\nbrand_colors = ["red"]\n', "brand_colors"),
    "colours-many": ("b.toml", b'text = "Hi."\nbrand_colors = [' + b'"#000000",' * 40 + b"]\n",
                     "brand_colors"),
    "unknown-field": ("b.toml", b'text = "Hi."\ntitel = "X"\n', "titel"),
    "text-number": ("b.toml", b"text = 42\n", "text"),
    "title-table": ("b.toml", b'text = "Hi."\n[title]\na = 1\n', "title"),
    "text-huge": ("b.toml", b'text = "' + b"word " * 6000 + b'"\n', "text"),
    "cta-huge": ("b.toml", b'text = "Hi."\ncta = "' + b"x" * 600 + b'"\n', "cta"),
    "file-huge": ("b.txt", b"Buy it now. " * 100_000, "kB"),
    "nul-bytes": ("b.txt", b"\x00\x01\x02" * 100 + b"\xff", "not UTF-8"),
}


def _bad_brief(tmp: Path, spec) -> Run:
    name, data, field = spec
    brief = tmp / name
    brief.write_bytes(data)
    return Run(["brief", "check", str(brief)], BAD, [field], protect=[brief])


many("briefs", BRIEFS, _bad_brief)


def _bad_brief_make(tmp: Path, spec) -> Run:
    name, data, field = spec
    brief = tmp / name
    brief.write_bytes(data)
    return Run(["make", str(brief), "-o", str(tmp / "out" / "p.mp4"), "--scale", "0.1"], BAD,
               [field, name], protect=[brief], absent=[tmp / "out"])


many("briefs", {f"make-{k}": BRIEFS[k] for k in ("bad-toml", "nested-toml", "seconds-inf",
                                                 "text-huge", "latin1")}, _bad_brief_make)


def _brief_path(tmp: Path, kind) -> Run:
    p = tmp / "brief.toml"
    if kind == "dir":
        p.mkdir()
    elif kind == "loop":
        os.symlink(p.name, p)
    elif kind == "fifo":
        os.mkfifo(p)
    return Run(["brief", "check", str(p)], BAD, ["brief.toml"])


many("briefs", {"missing": "missing", "folder": "dir", "link-loop": "loop", "fifo": "fifo"},
     _brief_path)


def _make_option(tmp: Path, spec) -> Run:
    args, field = spec
    brief, photo = brief_folder(tmp / "in")
    return Run(["make", str(brief), "-o", str(tmp / "out" / "p.mp4"), *args], BAD, [field],
               protect=[tmp / "in"], absent=[tmp / "out"])


many("briefs", {
    "opt-seconds-inf": (["--seconds", "inf"], "--seconds"),
    "opt-seconds-nan": (["--seconds", "nan"], "--seconds"),
    "opt-seconds-short": (["--seconds", "1"], "seconds"),
    "opt-seconds-word": (["--seconds", "ten"], "--seconds"),
    "opt-aspect": (["--aspect", "4:3"], "--aspect"),
    "opt-scale": (["--scale", "5"], "--scale"),
    "opt-variants": (["--variants", "0"], "--variants"),
    "opt-voice": (["--voice", "no-such-voice"], "no-such-voice"),
}, _make_option)


@case("briefs", "no-brief-no-text")
def _no_brief(tmp: Path) -> Run:
    return Run(["make", "-o", str(tmp / "x.mp4")], BAD, ["brief"], absent=[tmp / "x.mp4"])


# --- projects: render PROJECT -o out.mp4 --------------------------------------------------------

def _edit_project(folder: Path, change: Callable[[dict], object]) -> None:
    path = folder / "project.json"
    d = json.loads(path.read_text("utf-8"))
    change(d)
    path.write_text(json.dumps(d), encoding="utf-8")


def _set(path: str, value):
    """A change that sets the JSON value at ``path`` (dots and [n] indices)."""
    import re

    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]

    def change(d):
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return change


PROJECT_VALUES = {
    "fps-huge": (_set("fps", [100000, 1]), "fps"),
    "fps-zero-den": (_set("fps", [30, 0]), "fps[1]"),
    "fps-text": (_set("fps", ["30", 1]), "fps[0]"),
    "canvas-huge": (_set("size", [16000, 16000]), "size[0]"),
    "canvas-zero": (_set("size", [0, 0]), "size[0]"),
    "canvas-one-number": (_set("size", 1080), "size"),
    "caption-far": (_set("tracks[2].clips[0].start", 10**13), "tracks[2].clips[0].start"),
    "duration-negative": (_set("tracks[0].clips[0].duration", -5), "tracks[0].clips[0].duration"),
    "duration-float": (_set("tracks[0].clips[0].duration", 1.5), "tracks[0].clips[0].duration"),
    "gain-huge": (_set("tracks[1].gain_db", 1e308), "tracks[1].gain_db"),
    "gain-text": (_set("tracks[1].gain_db", "loud"), "tracks[1].gain_db"),
    "track-kind": (_set("tracks[0].kind", "hologram"), "tracks[0].kind"),
    "params-text-number": (_set("tracks[0].clips[0].takes[0].recipe.params.text", 5),
                           "tracks[0].clips[0].takes[0].recipe.params.text"),
    "params-list": (_set("tracks[0].clips[0].takes[0].recipe.params", [1, 2]),
                    "tracks[0].clips[0].takes[0].recipe.params"),
    "transition-text": (_set("tracks[0].clips[0].takes[0].recipe.params.transition_in", "fade"),
                        "transition_in"),
    "takes-empty": (_set("tracks[0].clips[0].takes", []), "tracks[0].clips[0].takes"),
    "selected-out": (_set("tracks[0].clips[0].selected", 7), "tracks[0].clips[0].selected"),
    "asset-escape": (_set("tracks[1].clips[0].takes[0].asset", "../../etc/passwd"), "asset"),
    "meta-deep": (lambda d: d["assets"][next(iter(d["assets"]))].__setitem__(
        "meta", {"grid": json.loads("[" * 40 + "]" * 40)}), "nested more than 20 levels"),
    "clips-many": (lambda d: d["tracks"][2].__setitem__("clips", [
        dict(d["tracks"][2]["clips"][0], start=i * 10, duration=5, id=f"c{i}")
        for i in range(6000)]), "tracks[2].clips"),
    "tracks-dict": (_set("tracks", {"a": 1}), "tracks"),
    "title-huge": (_set("title", "T" * 10_000), "title"),
    "marker-negative": (_set("markers", [{"time": -1, "name": "x"}]), "markers[0].time"),
    "clip-id-missing": (lambda d: d["tracks"][0]["clips"][0].pop("id"), "tracks[0].clips[0].id"),
    "cue-text-number": (_set("tracks[2].clips[0].cue.text", 12), "tracks[2].clips[0].cue.text"),
    "seed-text": (_set("tracks[0].clips[0].takes[0].recipe.seed", "x"), "recipe.seed"),
    "schema-newer": (_set("schema", 99), "newer PromoDesk"),
    "schema-missing": (lambda d: d.pop("schema"), "schema"),
    "schema-text": (_set("schema", "1"), "schema"),
}


def _bad_project_value(tmp: Path, spec) -> Run:
    change, field = spec
    folder = tiny_project(tmp / "p.promodesk")
    _edit_project(folder, change)
    return Run(["render", str(folder), "-o", str(tmp / "x.mp4"), "--encoder", "libx264"], BAD,
               [field, "project.json"], protect=[folder], absent=[tmp / "x.mp4"])


many("projects", PROJECT_VALUES, _bad_project_value)


def _bad_project_file(tmp: Path, kind) -> Run:
    folder = tmp / "p.promodesk"
    if kind != "missing-folder":
        tiny_project(folder)
    pj = folder / "project.json"
    expect = "project.json"
    if kind == "missing-folder":
        expect = "p.promodesk"
    elif kind == "no-project-json":
        pj.unlink()
    elif kind == "is-folder":
        pj.unlink()
        pj.mkdir()
    elif kind == "empty":
        pj.write_bytes(b"")
    elif kind == "not-json":
        pj.write_bytes(b"{ this is not json")
    elif kind == "json-list":
        pj.write_bytes(b"[1, 2, 3]")
    elif kind == "nested":
        pj.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    elif kind == "not-utf8":
        pj.write_bytes(b'{"title": "\xff\xfe"}')
    elif kind == "link-loop":
        pj.unlink()
        os.symlink("project.json", pj)
    elif kind == "huge":
        with open(pj, "r+b") as f:
            f.truncate(70 * 2**20)
    elif kind == "nan-gain":
        pj.write_text(pj.read_text().replace('"gain_db": 0.0', '"gain_db": NaN', 1))
        expect = "gain_db"
    elif kind == "missing-asset":
        for a in (folder / "assets").iterdir():
            a.unlink()
        expect = "missing"
    return Run(["render", str(folder), "-o", str(tmp / "x.mp4"), "--encoder", "libx264"], BAD,
               [expect], protect=[folder] if folder.exists() else [], absent=[tmp / "x.mp4"])


many("projects", {k: k for k in ("missing-folder", "no-project-json", "is-folder", "empty",
                                 "not-json", "json-list", "nested", "not-utf8", "link-loop",
                                 "huge", "nan-gain", "missing-asset")}, _bad_project_file)


# --- music: promodesk music TEXT ---------------------------------------------------------------

def _music(tmp: Path, spec) -> Run:
    args, field = spec
    return Run(["music", "Fresh coffee.", *args], BAD, [field],
               absent=[tmp / "m.wav", tmp / "m.json"])


many("music", {
    "seconds-inf": (["--seconds", "inf", "-o", "{tmp}/m.wav"], "--seconds"),
    "seconds-nan": (["--seconds", "nan", "-o", "{tmp}/m.wav"], "--seconds"),
    "seconds-zero": (["--seconds", "0", "-o", "{tmp}/m.wav"], "second"),
    "seconds-negative": (["--seconds", "-3", "-o", "{tmp}/m.wav"], "second"),
    "seconds-huge": (["--seconds", "100000", "-o", "{tmp}/m.wav"], "100000 s"),
    "bpm-zero": (["--bpm", "0", "-o", "{tmp}/m.wav"], "BPM"),
    "bpm-inf": (["--bpm", "inf", "-o", "{tmp}/m.wav"], "--bpm"),
    "bpm-huge": (["--bpm", "10000", "-o", "{tmp}/m.wav"], "BPM"),
    "style": (["--style", "no-such-style", "-o", "{tmp}/m.wav"], "no-such-style"),
    "wrong-extension": (["-o", "{tmp}/m.mp3"], "m.mp3"),
}, lambda tmp, spec: _music(tmp, ([a.format(tmp=tmp) for a in spec[0]], spec[1])))


@case("music", "output-is-folder")
def _music_folder(tmp: Path) -> Run:
    (tmp / "m.wav").mkdir()
    return Run(["music", "Hi.", "-o", str(tmp / "m.wav")], BAD, ["m.wav"], protect=[tmp])


@case("music", "beat-grid-is-folder")
def _music_json_folder(tmp: Path) -> Run:
    (tmp / "m.json").mkdir()
    return Run(["music", "Hi.", "-o", str(tmp / "m.wav")], BAD, ["m.json"], absent=[tmp / "m.wav"])


@case("music", "name-too-long")
def _music_long(tmp: Path) -> Run:
    out = tmp / ("m" * 300 + ".wav")
    return Run(["music", "Hi.", "-o", str(out)], BAD, ["255"])


@case("music", "parent-is-file")
def _music_parent_file(tmp: Path) -> Run:
    (tmp / "f").write_text("x")
    return Run(["music", "Hi.", "--seconds", "5", "-o", str(tmp / "f" / "m.wav")], BAD,
               [str(tmp / "f")], protect=[tmp / "f"])


# --- outputs: never an input, a folder, the wrong kind, an existing project --------------------

def _make_output(tmp: Path, kind) -> Run:
    brief, photo = brief_folder(tmp / "in")
    out = tmp / "out" / "promo.mp4"
    extra: list[str] = []
    names: list[str] = []
    protect = [tmp / "in"]
    if kind == "brief":
        out, names = brief, ["brief.toml"]
    elif kind == "photo":
        out, names = photo, ["photo.jpg"]
    elif kind == "srt":
        out, names = tmp / "out" / "promo.srt", ["promo.srt"]
    elif kind == "mov":
        out, names = tmp / "out" / "promo.mov", ["promo.mov"]
    elif kind == "brief-named-mp4":
        brief.rename(tmp / "in" / "copy.mp4")
        brief = out = tmp / "in" / "copy.mp4"
        names = ["copy.mp4", "inputs"]
    elif kind == "link-to-photo":
        photo.rename(tmp / "in" / "photo.mp4")
        photo = tmp / "in" / "photo.mp4"
        brief.write_text(brief.read_text().replace("photo.jpg", "photo.mp4"))
        (tmp / "out").mkdir()
        out = tmp / "out" / "link.mp4"
        os.symlink(photo, out)
        names, protect = ["link.mp4", "inputs"], [tmp / "in", out]
    elif kind == "hardlink-to-brief":
        brief.rename(tmp / "in" / "b.mp4")
        brief = tmp / "in" / "b.mp4"
        (tmp / "out").mkdir()
        os.link(brief, out)
        names, protect = ["promo.mp4", "inputs"], [tmp / "in", out]
    elif kind == "folder":
        out.mkdir(parents=True)
        names = ["promo.mp4", "folder"]
    elif kind == "srt-is-folder":
        (tmp / "out" / "promo.srt").mkdir(parents=True)
        names = ["promo.srt", "folder"]
    elif kind == "existing-project":
        tiny_project(tmp / "out" / "promo.promodesk")
        names, protect = ["promo.promodesk", "--overwrite"], [tmp / "in", tmp / "out"]
    elif kind == "damaged-project":
        folder = tiny_project(tmp / "out" / "promo.promodesk")
        (folder / "project.json").write_text("{ damaged")
        extra, names = ["--overwrite"], ["promo.promodesk", "damaged"]
        protect = [tmp / "in", tmp / "out"]
    elif kind == "newer-project":
        folder = tiny_project(tmp / "out" / "promo.promodesk")
        _edit_project(folder, _set("schema", 99))
        extra, names = ["--overwrite"], ["promo.promodesk", "damaged"]
        protect = [tmp / "in", tmp / "out"]
    elif kind == "project-is-other-folder":
        extra, names = ["--project", str(tmp / "in")], [str(tmp / "in"), "not a PromoDesk"]
    elif kind == "project-is-file":
        extra, names = ["--project", str(brief)], ["brief.toml"]
    elif kind == "name-too-long":
        out = tmp / "out" / ("p" * 260 + ".mp4")
        names = ["255"]
    elif kind == "project-name-too-long":
        out = tmp / "out" / ("p" * 247 + ".mp4")   # the video fits; NAME.promodesk does not
        names = ["255"]
    elif kind == "parent-is-file":
        (tmp / "out").write_text("a file")
        out = tmp / "out" / "promo.mp4"
        names, protect = [str(tmp / "out"), "not a folder"], [tmp / "in", tmp / "out"]
    return Run(["make", str(brief), "-o", str(out), "--seconds", "5", "--scale", "0.1",
                *extra], BAD, names, protect=protect)


many("outputs", {k: k for k in (
    "brief", "photo", "srt", "mov", "brief-named-mp4", "link-to-photo", "hardlink-to-brief",
    "folder", "srt-is-folder", "existing-project", "damaged-project", "newer-project",
    "project-is-other-folder", "project-is-file", "name-too-long", "project-name-too-long",
    "parent-is-file")}, _make_output)


def _render_output(tmp: Path, kind) -> Run:
    folder = tiny_project(tmp / "p.promodesk")
    asset = next((folder / "assets").iterdir())
    out = tmp / "x.mp4"
    names: list[str] = []
    if kind == "asset":
        out, names = asset.with_suffix(".mp4"), ["assets"]
    elif kind == "project-json":
        out, names = folder / "project.json", ["project.json"]
    elif kind == "folder":
        out.mkdir()
        names = ["x.mp4", "folder"]
    elif kind == "mov":
        out, names = tmp / "x.mov", ["x.mov"]
    elif kind == "missing-folder":
        out, names = tmp / "nowhere" / "x.mp4", ["nowhere", "does not exist"]
    elif kind == "vtt-is-folder":
        (tmp / "x.vtt").mkdir()
        names = ["x.vtt", "folder"]
    elif kind == "aspect":
        names = ["4:3"]
    return Run(["render", str(folder), "-o", str(out), "--encoder", "libx264",
                *(["--aspect", "4:3"] if kind == "aspect" else [])], BAD, names,
               protect=[folder], absent=[] if kind == "folder" else [out.with_suffix(".srt")])


many("outputs", {f"render-{k}": k for k in ("asset", "project-json", "folder", "mov",
                                            "missing-folder", "vtt-is-folder", "aspect")},
     _render_output)


# --- environment: ffmpeg, locale, pipes, folders, signals, crashes --------------------------

def _ffmpeg(tmp: Path, kind) -> Run:
    folder = tiny_project(tmp / "p.promodesk")
    exe = tmp / "ffmpeg"
    if kind == "not-executable":
        exe.write_text("not a program")
    elif kind == "fails":
        exe.write_text("#!/bin/sh\necho 'ffmpeg: broken build' >&2\nexit 1\n")
        exe.chmod(0o755)
    elif kind == "not-a-binary":
        exe.write_bytes(b"\x7fELF" + b"\0" * 60)
        exe.chmod(0o755)
    return Run(["render", str(folder), "-o", str(tmp / "x.mp4"), "--encoder", "libx264"],
               FAILED, ["ffmpeg"], protect=[folder], child=True,
               env={"IMAGEIO_FFMPEG_EXE": str(exe)}, absent=[tmp / "x.mp4"],
               after=lambda r: _no_disk_blame(r))


def _no_disk_blame(r) -> None:
    assert "disk" not in r.stderr.lower(), r.stderr


many("environment", {f"ffmpeg-{k}": k for k in ("missing", "not-executable", "fails",
                                                "not-a-binary")}, _ffmpeg)


@case("environment", "c-locale")
def _c_locale(tmp: Path) -> Run:
    brief = tmp / "简报.toml"
    brief.write_text('text = "超好用的杯子。"\nimages = ["缺少的照片.jpg"]\n', encoding="utf-8")
    return Run(["brief", "check", str(brief)], BAD, ["images"], protect=[brief], child=True,
               env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                    "PYTHONIOENCODING": ""})


@case("environment", "c-locale-ok")
def _c_locale_ok(tmp: Path) -> Run:
    brief = tmp / "b.toml"
    brief.write_text('text = "超好用的杯子。两只装仅需99元。"\n', encoding="utf-8")
    return Run(["brief", "check", str(brief)], 0, [], protect=[brief], child=True,
               env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})


def _closed_pipe(argv: list[str], env: dict, cwd) -> tuple[int, str, str]:
    r, w = os.pipe()
    os.close(r)  # nobody reads: the first write meets a closed pipe
    try:
        p = subprocess.run([sys.executable, "-m", "promodesk", *argv], stdout=w,
                           stderr=subprocess.PIPE, env=env, cwd=cwd, timeout=120)
    finally:
        os.close(w)
    return p.returncode, "", p.stderr.decode("utf-8", "replace")


@case("environment", "closed-stdout")
def _pipe(tmp: Path) -> Run:
    brief, _ = brief_folder(tmp)
    return Run(["brief", "check", str(brief)], 141, [], protect=[tmp], popen=_closed_pipe)


@case("environment", "closed-stdout-models")
def _pipe_models(tmp: Path) -> Run:
    return Run(["models", "list"], 141, [], popen=_closed_pipe,
               env={"PROMODESK_MODELS": str(tmp / "models")})


def _deleted_cwd(argv: list[str], env: dict, cwd) -> tuple[int, str, str]:
    gone = Path(cwd)
    script = ("import os, subprocess, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
              "r = subprocess.run([sys.executable, '-m', 'promodesk', *sys.argv[2:]]); "
              "sys.exit(r.returncode)")
    p = subprocess.run([sys.executable, "-c", script, str(gone), *argv], capture_output=True,
                       env=env, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")


@case("environment", "deleted-cwd")
def _cwd(tmp: Path) -> Run:
    (tmp / "here").mkdir()
    return Run(["make", "brief.toml", "-o", "x.mp4"], BAD, ["current folder"],
               popen=_deleted_cwd, cwd=tmp / "here")


def _stop_with(sig: int, marker: str):
    """A popen-style runner that sends ``sig`` as soon as the command's progress on stderr shows
    ``marker`` (a stage it is in), not after a fixed sleep: how far a command gets in N seconds
    depends on the machine's load, what it is doing when the marker shows does not."""
    def popen(argv: list[str], env: dict, cwd) -> tuple[int, str, str]:
        p = subprocess.Popen([sys.executable, "-m", "promodesk", *argv], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=cwd)
        seen = b""
        while marker.encode() not in seen:
            line = p.stderr.readline()
            if not line:
                break
            seen += line
        p.send_signal(sig)
        out, err = p.communicate(timeout=120)
        return p.returncode, out.decode(), (seen + err).decode("utf-8", "replace")
    return popen


def _signal_render(tmp: Path, spec) -> Run:
    sig, marker = spec
    folder = tiny_project(tmp / "p.promodesk")
    code = 128 + sig
    return Run(["render", str(folder), "-o", str(tmp / "x.mp4"), "--encoder", "libx264"],
               code, ["stopped"], protect=[folder], popen=_stop_with(sig, marker),
               absent=[tmp / "x.mp4"])


many("environment", {"sigterm-render": (signal.SIGTERM, "mixing the audio"),
                     "sighup-render": (signal.SIGHUP, "mixing the audio")}, _signal_render)


def _inject(target: str, error: BaseException):
    """A popen-style runner that runs the command in a child with ``target`` (module.attr)
    replaced by a function raising ``error``: an unexpected failure inside PromoDesk."""
    def popen(argv: list[str], env: dict, cwd) -> tuple[int, str, str]:
        module, attr = target.rsplit(".", 1)
        script = (f"import sys, {module} as m\n"
                  f"def boom(*a, **k):\n    raise {error!r}\n"
                  f"m.{attr} = boom\n"
                  "from promodesk.cli import main\nsys.exit(main(sys.argv[1:]))\n")
        p = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, env=env,
                           cwd=cwd, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")
    return popen


def _crash_log(tmp: Path):
    def check(r) -> None:
        logs = list((tmp / "data").rglob("crash-*.log"))
        assert logs, "no crash log written"
        text = logs[0].read_text()
        assert "Traceback" in text and "ZeroDivisionError" in text
        assert str(logs[0]) in r.stderr
    return check


@case("environment", "internal-error-crash-log")
def _internal(tmp: Path) -> Run:
    brief, _ = brief_folder(tmp / "in")
    return Run(["brief", "check", str(brief)], INTERNAL, ["crash", "ZeroDivisionError"],
               protect=[tmp / "in"], popen=_inject("promodesk.core.brief.validate_brief",
                                                   ZeroDivisionError("boom")),
               env={"XDG_DATA_HOME": str(tmp / "data")}, after=_crash_log(tmp))


@case("environment", "out-of-memory")
def _memory(tmp: Path) -> Run:
    brief, _ = brief_folder(tmp / "in")
    return Run(["brief", "check", str(brief)], FAILED, ["memory"], protect=[tmp / "in"],
               popen=_inject("promodesk.core.brief.validate_brief", MemoryError()))


@case("environment", "recursion")
def _recursion(tmp: Path) -> Run:
    brief, _ = brief_folder(tmp / "in")
    return Run(["brief", "check", str(brief)], BAD, ["nested too deeply"], protect=[tmp / "in"],
               popen=_inject("promodesk.core.brief.validate_brief",
                             RecursionError("maximum recursion depth exceeded")))


@case("environment", "crash-log-folder-unwritable")
def _no_log_folder(tmp: Path) -> Run:
    (tmp / "data").write_text("a file where the data folder should be")
    (tmp / "t").mkdir()
    brief, _ = brief_folder(tmp / "in")

    def in_temp_folder(r) -> None:  # the fallback when the data folder cannot be written
        assert list((tmp / "t").glob("crash-*.log")), "no crash log in the temp folder"

    return Run(["brief", "check", str(brief)], INTERNAL, ["crash", "ZeroDivisionError"],
               protect=[tmp / "in"], popen=_inject("promodesk.core.brief.validate_brief",
                                                   ZeroDivisionError("boom")),
               env={"XDG_DATA_HOME": str(tmp / "data"), "TMPDIR": str(tmp / "t")},
               after=in_temp_folder)


def _patched_child(patch: str):
    """A runner: the command in a child process where the Python ``patch`` ran first."""
    def popen(argv: list[str], env: dict, cwd) -> tuple[int, str, str]:
        script = (patch + "\nimport sys\nfrom promodesk.cli import main\n"
                  "sys.exit(main(sys.argv[1:]))\n")
        p = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, env=env,
                           cwd=cwd, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode("utf-8", "replace")
    return popen


@case("environment", "no-fonts")
def _no_fonts(tmp: Path) -> Run:
    folder = tiny_project(tmp / "p.promodesk")
    (tmp / "nofonts").mkdir()
    patch = ("from pathlib import Path\nimport promodesk.engines.visuals.fonts as t\n"
             f"t.FONT_DIR = Path({str(tmp / 'nofonts')!r})\n")
    return Run(["render", str(folder), "-o", str(tmp / "x.mp4"), "--encoder", "libx264"], FAILED,
               ["font", "Reinstall"], protect=[folder], absent=[tmp / "x.mp4"],
               popen=_patched_child(patch))


@case("environment", "sigterm-make")
def _sigterm_make(tmp: Path) -> Run:
    brief, _ = brief_folder(tmp / "in")
    return Run(make_args(tmp, str(brief)), 128 + signal.SIGTERM, ["stopped"],
               protect=[tmp / "in"], popen=_stop_with(signal.SIGTERM, "music:"),
               absent=[tmp / "out" / "promo.promodesk", tmp / "out" / "promo.mp4"])


@case("outputs", "link-loop")
def _output_loop(tmp: Path) -> Run:
    brief, _ = brief_folder(tmp / "in")
    (tmp / "out").mkdir()
    os.symlink("promo.mp4", tmp / "out" / "promo.mp4")
    return Run(["make", str(brief), "-o", str(tmp / "out" / "promo.mp4"), "--seconds", "5",
                "--scale", "0.1"], BAD, ["promo.mp4"], protect=[tmp / "in", tmp / "out"])


@case("outputs", "render-hardlink-to-asset")
def _output_hardlink_asset(tmp: Path) -> Run:
    folder = tiny_project(tmp / "p.promodesk")
    asset = next((folder / "assets").iterdir())
    os.link(asset, tmp / "x.mp4")
    return Run(["render", str(folder), "-o", str(tmp / "x.mp4"), "--encoder", "libx264"], BAD,
               ["x.mp4", "inputs"], protect=[folder, tmp / "x.mp4"])


@case("projects", "folder-is-a-file")
def _project_file(tmp: Path) -> Run:
    (tmp / "p.promodesk").write_text("not a folder")
    return Run(["render", str(tmp / "p.promodesk"), "-o", str(tmp / "x.mp4")], BAD,
               ["p.promodesk"], protect=[tmp / "p.promodesk"])
