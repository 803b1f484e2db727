"""``promodesk music "COPY TEXT" --seconds 30 [--style NAME] [--bpm N] [--seed N] -o OUT.wav``:
compose background music for the copy with the built-in composer; writes OUT.wav and OUT.json
(tempo, key, beat grid, sections, licence) and prints a one-line summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from promodesk.commands import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILED, EXIT_OK


def run(args: argparse.Namespace) -> int:
    from promodesk.commands.progress import TerminalProgress
    from promodesk.engines.base import Cancelled, EngineUnavailable, GenerationError
    from promodesk.engines.music.composer import ComposerEngine, write_music
    from promodesk.engines.music.mastering import integrated_lufs, true_peak_dbtp
    from promodesk.core.musicspec import MusicSpecError, spec_from_text

    out = Path(args.output)
    if out.suffix.lower() != ".wav":
        print(f"promodesk: the output must be a .wav file, not {out.name}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        spec = spec_from_text(args.text, args.seconds, style=args.style, bpm=args.bpm,
                              seed=args.seed)
    except MusicSpecError as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    bar = TerminalProgress()
    try:
        result = ComposerEngine().generate(spec, progress=bar)
        wav, meta = write_music(result, out)
    except (Cancelled, KeyboardInterrupt):
        bar.done()
        print("promodesk: cancelled; no file was written", file=sys.stderr)
        return EXIT_CANCELLED
    except (EngineUnavailable, GenerationError) as err:
        bar.done()
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_FAILED
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
    p.add_argument("--seconds", type=float, default=30.0, help="length in seconds (default 30)")
    p.add_argument("--style", default=None,
                   help="upbeat_pop, inspiring_corporate, tech_electronic, elegant_lounge, "
                        "warm_acoustic, festive_chinese, or a word like warm, tech, chinese "
                        "(default: read from the copy)")
    p.add_argument("--bpm", type=float, default=None,
                   help="tempo (default: chosen so the length is a whole number of bars)")
    p.add_argument("--seed", type=int, default=0, help="variation number (default 0)")
    p.add_argument("-o", "--output", required=True, help="the WAV file to write (OUT.json "
                                                          "is written beside it)")
    p.set_defaults(func=run)
