"""SRT and WebVTT: written from the captions track, parsed back to the same cues."""

from __future__ import annotations

import pytest

from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.render.subtitles import (
    Cue, SubtitleError, cues_from_project, parse_srt, parse_vtt, srt_text, subtitle_language,
    vtt_text, write_srt, write_vtt,
)

CUES = [Cue(0, 1_500_000, "每一个清晨，都值得一杯好咖啡。"),
        Cue(1_500_000, 3_250_000, "Build it.\nLaunch it."),
        Cue(3_723_456_000, 3_725_000_000, "一小时后 / an hour later")]


def test_srt_round_trip(tmp_path):
    path = write_srt(CUES, tmp_path / "a.srt")
    text = path.read_text("utf-8")
    assert text.startswith("1\n00:00:00,000 --> 00:00:01,500\n每一个清晨")
    assert "3\n01:02:03,456 --> 01:02:05,000\n" in text
    assert parse_srt(text) == CUES


def test_vtt_round_trip(tmp_path):
    path = write_vtt(CUES, tmp_path / "a.vtt")
    text = path.read_text("utf-8")
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n")
    assert parse_vtt(text) == CUES


def test_times_round_to_the_nearest_millisecond():
    cues = parse_srt(srt_text([Cue(1_499, 2_500_600, "x")]))
    assert (cues[0].start, cues[0].end) == (1_000, 2_501_000)


def test_parsers_accept_crlf_bom_and_short_vtt_times():
    srt = "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\r\n"
    assert parse_srt(srt) == [Cue(1_000_000, 2_000_000, "Hi")]
    vtt = "WEBVTT\n\nNOTE a comment\n\n01:02.500 --> 01:03.000 align:center\nHo\n"
    assert parse_vtt(vtt) == [Cue(62_500_000, 63_000_000, "Ho")]


def test_parsers_reject_what_is_not_a_subtitle_file():
    with pytest.raises(SubtitleError):
        parse_vtt("00:00:01.000 --> 00:00:02.000\nno header\n")
    with pytest.raises(SubtitleError, match="line 2"):
        parse_srt("1\n00:00:05,000 --> 00:00:02,000\nbackwards\n")


def test_cues_come_from_unmuted_caption_tracks_in_time_order():
    p = Project.for_aspect("9:16")
    a, b = p.add_track(TrackKind.CAPTIONS), p.add_track(TrackKind.CAPTIONS)
    take = [Take(None, Recipe("captions"))]
    a.clips = [Clip(2_000_000, 1_000_000, take, cue=CaptionCue("second")),
               Clip(0, 1_000_000, take, cue=CaptionCue(" first "))]
    b.clips = [Clip(500_000, 1_000_000, take, cue=CaptionCue("muted"))]
    b.mute = True
    assert cues_from_project(p) == [Cue(0, 1_000_000, "first"), Cue(2_000_000, 3_000_000, "second")]
    assert vtt_text([]) == "WEBVTT\n"


def test_control_characters_and_blank_lines_never_reach_the_files(tmp_path):
    dirty = [Cue(0, 1_000_000, "Bell\x07 and\x00 esc\x1b[31m\r\n\r\nred\x9b --> here\x7f"),
             Cue(1_000_000, 2_000_000, "\x00\x07")]  # nothing left: no cue
    for write, parse in ((write_srt, parse_srt), (write_vtt, parse_vtt)):
        path = write(dirty, tmp_path / f"a.{write.__name__[-3:]}")
        data = path.read_bytes().decode("utf-8")
        assert not any(ord(ch) < 32 and ch != "\n" or 0x7f <= ord(ch) <= 0x9f for ch in data)
        assert parse(data) == [Cue(0, 1_000_000, "Bell and esc[31m\nred -> here")]


def test_cues_from_project_strip_control_characters():
    p = Project.for_aspect("9:16")
    track = p.add_track(TrackKind.CAPTIONS)
    take = [Take(None, Recipe("captions"))]
    track.clips = [Clip(0, 1_000_000, take, cue=CaptionCue("Buy\x1b now\x00")),
                   Clip(1_000_000, 1_000_000, take, cue=CaptionCue("\x07"))]
    assert cues_from_project(p) == [Cue(0, 1_000_000, "Buy now")]


def test_vtt_writes_markup_characters_as_entities():
    # a bare "<" starts a tag in WebVTT: players dropped the rest of the cue
    text = vtt_text([Cue(0, 1_000_000, "AT&T <b>2 > 1</b>")])
    assert text == "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nAT&amp;T &lt;b&gt;2 &gt; 1&lt;/b&gt;\n"
    assert parse_vtt(text) == [Cue(0, 1_000_000, "AT&T <b>2 > 1</b>")]


def test_subtitle_language_tags_japanese_chinese_and_english():
    ja = [Cue(0, 1, "新発売"), Cue(1, 2, "毎朝の一杯を、もっと美味しく。")]  # kana anywhere decide
    assert subtitle_language(ja) == "jpn"
    assert subtitle_language([Cue(0, 1, "新発売"), Cue(1, 2, "Only 99元")]) == "chi"
    assert subtitle_language([Cue(0, 1, "夏日の冰咖啡，清爽一夏")]) == "chi"  # a borrowed の
    assert subtitle_language([Cue(0, 1, "Shop now")]) == "eng"
