"""``promodesk music "COPY TEXT" --seconds 30 [--style NAME] [--bpm N] [--seed N] -o OUT.wav``:
compose background music for the copy with the built-in composer; writes OUT.wav and OUT.json
(tempo, key, beat grid, sections, licence) and prints a one-line summary."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from promodesk.commands import EXIT_OK
from promodesk.commands.checks import finite_number
from promodesk.commands.errors import EXIT_FAILED, CommandError, from_soundfile


def run(args: argparse.Namespace) -> int:
    from promodesk.commands import checks
    from promodesk.commands.progress import TerminalProgress
    from promodesk.engines.music.composer import ComposerEngine, write_music
    from promodesk.engines.music.mastering import integrated_lufs, true_peak_dbtp
    from promodesk.core.musicspec import spec_from_text
    from promodesk.core.timeline import SAMPLE_RATE

    given = Path(args.output).expanduser()
    checks.refuse_folder_and_suffix(given, (".wav",), "a WAV file")
    out = Path(os.path.abspath(given))
    meta = out.with_suffix(".json")
    if meta.is_dir():
        raise CommandError(f"{meta} (the beat grid written beside the music) is a folder; "
                           "choose another output name.")
    checks.refuse_long_names([out, meta])
    spec = spec_from_text(args.text, args.seconds, style=args.style, bpm=args.bpm,
                          seed=args.seed)
    checks.writable_folder(out.parent, create=True)
    checks.sweep([out.parent])
    checks.free_space(out.parent, int(spec.seconds * SAMPLE_RATE * 2 * 4))  # float32 stereo WAV
    bar = TerminalProgress()
    try:
        result = ComposerEngine().generate(spec, progress=bar)
        wav, meta = write_music(result, out)
    except Exception as err:
        # soundfile reports a full disk as its own error, or as an assert on a short write
        if from_soundfile(err) or isinstance(err, AssertionError):
            raise CommandError(f"could not write the music to {out} ({err or 'short write'}); "
                               "the disk may be full. Free some space or choose another folder.",
                               EXIT_FAILED) from None
        raise
    finally:
        bar.done()
    sr = result.sample_rate
    print(f"{wav}: {len(result.audio) / sr:.3f} s, {spec.style} ({spec.mood}), {spec.bpm:.2f} BPM, "
          f"{spec.key} {spec.mode}, {spec.beats_per_bar}/{spec.beat_unit}, {spec.bars} bars, "
          f"{integrated_lufs(result.audio, sr):.1f} LUFS, {true_peak_dbtp(result.audio, sr):.1f} "
          f"dBTP, seed {spec.seed}; beat grid in {meta.name}; commercial use allowed")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("music", help="compose background music for copy text (offline)")
    p.add_argument("text", help="the product copy (Chinese or English); mood and energy are "
                                "read from it; may be empty")
    p.add_argument("--seconds", type=finite_number, default=30.0, help="length in seconds (default 30)")
    p.add_argument("--style", default=None,
                   help="upbeat_pop, inspiring_corporate, tech_electronic, elegant_lounge, "
                        "warm_acoustic, festive_chinese, or a word like warm, tech, chinese "
                        "(default: read from the copy)")
    p.add_argument("--bpm", type=finite_number, default=None,
                   help="tempo (default: chosen so the length is a whole number of bars)")
    p.add_argument("--seed", type=int, default=0, help="variation number (default 0)")
    p.add_argument("-o", "--output", required=True, help="the WAV file to write (OUT.json "
                                                          "is written beside it)")
    p.set_defaults(func=run)
