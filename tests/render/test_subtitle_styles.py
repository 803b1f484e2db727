"""Styled captions in soft subtitles: the WebVTT carries each look's colours in a STYLE block and a
placed caption's position in its cue settings, the SubRip colour and top placement; both read back
by strict readers written here (webvtt-py is not installed) and by ffmpeg; captions in their
preset's look write the files they always did; Japanese captions tag the MP4's subtitle stream
"jpn"."""

from __future__ import annotations

import re
import subprocess

from promodesk.core.captionstyle import SetCaptionStyle
from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.render.export import export_video, ffmpeg_exe
from promodesk.render.subtitles import (Cue, cues_from_project, keypad_alignment, parse_srt,
                                        parse_vtt, srt_text, vtt_text, write_srt, write_vtt)

from tests.render.media import caption_project, probe

GOLD, GREEN = "#FFD200", "#00A040"


def _project(texts: list[tuple[str, str]]) -> tuple[Project, list[str]]:
    """Captions one second each; returns the project and the clip ids."""
    p = Project.for_aspect("9:16")
    track = p.add_track(TrackKind.CAPTIONS)
    for i, (text, preset) in enumerate(texts):
        track.clips.append(Clip(i * 1_000_000, 1_000_000, [Take(None, Recipe("captions"))],
                                cue=CaptionCue(text, preset)))
    return p, [c.id for c in track.clips]


def styled_project() -> Project:
    """Four captions: gold at the top, a half-opaque green box at the left middle, one in its
    preset's look, and gold at the top again (the same look: the same class)."""
    p, ids = _project([("Fresh every morning", "outline"), ("AT&T <b> Q&A", "boxed"),
                       ("In the band", "outline"), ("Shop now", "outline")])
    SetCaptionStyle([ids[0], ids[3]], {"colour": GOLD, "position": [0.5, 0.12]}).apply(p)
    SetCaptionStyle([ids[1]], {"box": GREEN, "box_opacity": 0.5, "position": [0.2, 0.5]}).apply(p)
    return p


# --- strict readers ------------------------------------------------------------------------------

_VTT_TIME = r"(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}"
_VTT_TIMING = re.compile(rf"^({_VTT_TIME}) --> ({_VTT_TIME})((?: [a-z]+:\S+)*)$")
_SETTING = {"line": re.compile(r"\d+(?:\.\d+)?%(?:,(?:start|center|end))?"),
            "position": re.compile(r"\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?")}
_RULE = re.compile(r"^::cue\(\.([a-z][\w-]*)\) \{ ((?:[a-z-]+: [^;{}]+; )+)\}$")


def read_vtt(text: str) -> tuple[dict[str, dict[str, str]], list[dict]]:
    """(class -> CSS properties, cues as dicts of start, end, settings, cls, text) of a WebVTT
    file, failing on anything the format does not allow: a header other than WEBVTT, a STYLE
    block after a cue, an unknown or malformed cue setting, a bare < or & in cue text, a class
    used without a rule."""
    blocks = text.split("\n\n")
    assert blocks[0] == "WEBVTT" and text.endswith("\n") and "\r" not in text
    styles: dict[str, dict[str, str]] = {}
    cues: list[dict] = []
    for block in (b.strip("\n") for b in blocks[1:]):
        lines = block.split("\n")
        if lines[0] == "STYLE":
            assert not cues, "a STYLE block must come before the first cue"
            for rule in lines[1:]:
                m = _RULE.match(rule)
                assert m, rule
                styles[m[1]] = dict(d.split(": ", 1) for d in m[2].strip().rstrip(";").split("; "))
            continue
        m = _VTT_TIMING.match(lines[0])
        assert m, lines[0]
        settings = dict(s.split(":", 1) for s in m[3].split())
        for name, value in settings.items():
            assert name in _SETTING and _SETTING[name].fullmatch(value), (name, value)
        body = "\n".join(lines[1:])
        c = re.fullmatch(r"<c\.([\w-]+)>(.*)</c>", body, re.S)
        cls, body = (c[1], c[2]) if c else (None, body)
        assert cls is None or cls in styles, f"class {cls} has no rule"
        assert "<" not in body and ">" not in body and "-->" not in body
        assert not re.search(r"&(?!(?:amp|lt|gt);)", body), body
        cues.append({"start": m[1], "end": m[2], "settings": settings, "cls": cls,
                     "text": body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")})
    return styles, cues


_SRT_TIMING = re.compile(r"^\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}$")


def read_srt(text: str) -> list[dict]:
    """Cues of a SubRip file as dicts of an (keypad alignment, 2 when not given), colour (None
    when not given) and text; fails on a misnumbered block, a bad timing line or markup other
    than one leading {\\anN} and one <font color> around the whole text."""
    cues = []
    for n, block in enumerate(text.rstrip("\n").split("\n\n"), 1):
        lines = block.split("\n")
        assert lines[0] == str(n) and _SRT_TIMING.match(lines[1]), block
        body = "\n".join(lines[2:])
        an = re.match(r"\{\\an([1-9])\}", body)
        body = body[an.end():] if an else body
        font = re.fullmatch(r'<font color="(#[0-9A-F]{6})">(.*)</font>', body, re.S)
        body = font[2] if font else body
        assert "{\\" not in body and "<font" not in body and "</font>" not in body, body
        cues.append({"an": int(an[1]) if an else 2, "colour": font[1] if font else None,
                     "text": body})
    return cues


def ffmpeg_reads(path) -> str:
    """The subtitles ffmpeg decodes from ``path``, as ASS events; asserts it reads the file
    without an error or a warning."""
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-v", "warning", "-i", str(path),
                          "-map", "0", "-c:s", "ass", "-f", "ass", "-"],
                         capture_output=True, text=True)
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
    return run.stdout


# --- tests ---------------------------------------------------------------------------------------

def test_captions_in_their_presets_look_write_the_files_they_always_did():
    p, _ = _project([("每一个清晨", "outline"), ("Build it.", "karaoke"), ("Shop now", "boxed")])
    cues = cues_from_project(p)
    assert all(c.look is None for c in cues)
    assert srt_text(cues) == ("1\n00:00:00,000 --> 00:00:01,000\n每一个清晨\n\n"
                              "2\n00:00:01,000 --> 00:00:02,000\nBuild it.\n\n"
                              "3\n00:00:02,000 --> 00:00:03,000\nShop now\n")
    assert vtt_text(cues) == ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n每一个清晨\n\n"
                              "00:00:01.000 --> 00:00:02.000\nBuild it.\n\n"
                              "00:00:02.000 --> 00:00:03.000\nShop now\n")
    # a style changed and changed back leaves no look behind either
    SetCaptionStyle([p.tracks[0].clips[0].id], {"colour": GOLD}).apply(p)
    SetCaptionStyle([p.tracks[0].clips[0].id], {"colour": "#FFFFFF"}).apply(p)
    assert cues_from_project(p) == cues
    # nor do a font, a size or a karaoke highlight, which subtitle files cannot carry
    SetCaptionStyle([c.id for c in p.tracks[0].clips],
                    {"font": "DejaVu Sans", "size": 0.05, "highlight": "#00FF00"}).apply(p)
    assert all(c.cue.look is not None for c in p.tracks[0].clips)
    assert cues_from_project(p) == cues


def test_vtt_carries_each_looks_colours_and_each_placed_captions_position(tmp_path):
    path = write_vtt(cues_from_project(styled_project()), tmp_path / "styled.vtt")
    styles, cues = read_vtt(path.read_text("utf-8"))
    assert [c["text"] for c in cues] == ["Fresh every morning", "AT&T <b> Q&A", "In the band",
                                         "Shop now"]
    gold, boxed = cues[0]["cls"], cues[1]["cls"]
    assert len(styles) == 2 and gold != boxed and cues[3]["cls"] == gold and cues[2]["cls"] is None
    assert styles[gold]["color"] == GOLD and styles[gold]["background-color"] == "transparent"
    assert "#101010" in styles[gold]["text-shadow"]  # the outline preset's dark outline
    assert styles[boxed]["color"] == "#FFFFFF"
    assert styles[boxed]["background-color"] == "rgba(0, 160, 64, 0.5)"
    assert cues[0]["settings"] == {"line": "12%,center", "position": "50%,center"}
    assert cues[1]["settings"] == {"line": "50%,center", "position": "20%,center"}
    assert cues[2]["settings"] == {}
    assert [(c.text, c.look) for c in parse_vtt(path.read_text("utf-8"))] == \
        [(c["text"], None) for c in cues]


def test_srt_carries_colour_and_top_placement(tmp_path):
    path = write_srt(cues_from_project(styled_project()), tmp_path / "styled.srt")
    cues = read_srt(path.read_text("utf-8"))
    assert [(c["an"], c["colour"]) for c in cues] == [(8, GOLD), (4, None), (2, None), (8, GOLD)]
    assert cues[1]["text"] == "AT&T <b> Q&A"
    assert [c.text for c in parse_srt(path.read_text("utf-8"))] == [c["text"] for c in cues]


def test_ffmpeg_reads_the_styled_files(tmp_path):
    cues = cues_from_project(styled_project())
    srt = ffmpeg_reads(write_srt(cues, tmp_path / "s.srt"))
    events = [line for line in srt.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == 4
    assert "{\\an8}" in events[0] and "{\\c&HD2FF&}" in events[0]  # gold as ASS BGR
    assert "{\\an4}" in events[1] and "{\\an" not in events[2]
    vtt = ffmpeg_reads(write_vtt(cues, tmp_path / "s.vtt"))
    events = [line for line in vtt.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == 4 and events[1].endswith(",AT&T <b> Q&A")  # entities read back


def test_keypad_alignment_of_positions():
    assert keypad_alignment(None) == 2
    assert [keypad_alignment((x, 0.1)) for x in (0.1, 0.5, 0.9)] == [7, 8, 9]
    assert [keypad_alignment((x, 0.5)) for x in (0.1, 0.5, 0.9)] == [4, 5, 6]
    assert [keypad_alignment((x, 0.9)) for x in (0.1, 0.5, 0.9)] == [1, 2, 3]


def test_japanese_soft_subtitles_are_tagged_jpn_and_keep_their_style(tmp_path):
    p = caption_project(cues=(("毎朝の一杯を、もっと美味しく。", "outline"), ("今すぐ購入", "outline")),
                        cue_us=500_000)
    SetCaptionStyle([p.tracks[0].clips[1].id], {"colour": GOLD, "position": [0.5, 0.1]}).apply(p)
    out = export_video(p, tmp_path, tmp_path / "ja.mp4", size=(180, 320), captions="soft").path
    info = probe(out)
    assert info["scodec"] == "mov_text"
    assert re.search(r"Stream #\S+\(jpn\): Subtitle: mov_text", info["text"]), info["text"]
    back = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-map", "0:s", "-f", "srt",
                           "-"], capture_output=True, text=True)
    assert back.returncode == 0
    assert [c.text for c in parse_srt(back.stdout)] == ["毎朝の一杯を、もっと美味しく。", "今すぐ購入"]
    assert read_srt(out.with_suffix(".srt").read_text("utf-8"))[1]["an"] == 8
    _, cues = read_vtt(out.with_suffix(".vtt").read_text("utf-8"))
    assert cues[1]["settings"]["line"] == "10%,center"


def test_range_export_keeps_the_look():
    from promodesk.render.export import cues_in_span

    cue = cues_from_project(styled_project())[0]
    assert cues_in_span([cue], (500_000, 2_000_000)) == [Cue(0, 500_000, cue.text, cue.look)]
