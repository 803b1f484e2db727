"""``promodesk doctor``: what this computer offers PromoDesk: graphics card, driver and CUDA,
VRAM, which engines can run, audio output, fonts, ffmpeg and its encoders. Exit 1 when something
PromoDesk cannot work without (ffmpeg, the bundled fonts) is missing."""

from __future__ import annotations

import argparse
import shutil
import subprocess

from promodesk.commands import EXIT_FAILED, EXIT_OK


def _gpu() -> list[tuple[str, str]]:
    try:
        import torch
    except ImportError:
        return [("model engines", "torch is not installed: built-in engines only "
                                  "(pip install 'promodesk[gpu]' for MusicGen, stills, voice)")]
    from promodesk.engines.models.device import GIB, pick_device

    device = pick_device()
    rows = [("torch", torch.__version__), ("device", device.describe())]
    if device.kind == "cuda":
        rows.append(("CUDA (torch)", torch.version.cuda or "?"))
        smi = shutil.which("nvidia-smi")
        if smi:
            try:
                out = subprocess.run([smi, "--query-gpu=driver_version", "--format=csv,noheader"],
                                     capture_output=True, text=True, timeout=10).stdout.strip()
                rows.append(("driver", out.splitlines()[0] if out else "?"))
            except (OSError, subprocess.TimeoutExpired):
                pass
        rows.append(("VRAM", f"{device.total_bytes / GIB:.1f} GiB, "
                             f"{device.free_bytes / GIB:.1f} GiB free"))
    elif device.kind == "cpu":
        rows.append(("graphics card", "none usable (no CUDA or Apple GPU): model engines run on "
                                      "the CPU, slowly; the built-in engines are fast"))
    return rows


def _engines() -> list[tuple[str, str]]:
    rows = [("composer (built-in)", "ready"), ("shots (built-in)", "ready")]
    try:
        from promodesk.engines.visuals.diffusion import StillsEngine
        from promodesk.engines.music.musicgen import MusicGenEngine
        from promodesk.engines.voice.takes import voice_engine
    except ImportError as err:
        return rows + [("model engines", f"unavailable: {err}")]
    for engine in (MusicGenEngine(), StillsEngine(), voice_engine()):  # the default voice
        why = engine.availability()
        licence = ("commercial use allowed" if engine.info.commercial_use
                   else "NON-commercial weights")
        rows.append((engine.info.title, f"ready ({licence})" if why is None else why))
    return rows


def _audio() -> list[tuple[str, str]]:
    try:
        import sounddevice
    except (ImportError, OSError) as err:
        return [("audio output", f"unavailable ({err}); preview plays silently. On Linux "
                                 "install PortAudio: apt-get install libportaudio2")]
    try:
        device = sounddevice.query_devices(kind="output")
        return [("audio output", f"{device['name']} ({int(device['default_samplerate'])} Hz)")]
    except Exception as err:  # noqa: BLE001 - PortAudio reports "no device" many ways
        return [("audio output", f"no output device ({err}); preview plays silently, export "
                                 "still works")]


def _fonts() -> tuple[list[tuple[str, str]], bool]:
    from PIL import ImageFont

    from promodesk.engines.visuals.typeset import FONT_DIR, FONT_FILES

    rows, ok = [], True
    for name in sorted({n for names in FONT_FILES.values() for n in names}):
        try:
            ImageFont.truetype(str(FONT_DIR / name), 12)
            rows.append((f"font {name}", "ok"))
        except OSError:
            rows.append((f"font {name}", f"MISSING from {FONT_DIR}: reinstall PromoDesk"))
            ok = False
    return rows, ok


def _ffmpeg() -> tuple[list[tuple[str, str]], bool]:
    from promodesk.render.export import ExportError, ffmpeg_exe, working_hardware_encoders

    try:
        exe = ffmpeg_exe()
    except ExportError as err:  # its message already says what to do
        return [("ffmpeg", f"MISSING: {err}")], False
    try:
        version = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True,
                                 text=True, timeout=20).stdout.split("\n")[0]
        listed = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True,
                                text=True, timeout=20).stdout
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as err:
        return [("ffmpeg", f"MISSING ({err}): reinstall PromoDesk (imageio-ffmpeg)")], False
    rows = [("ffmpeg", version)]
    for name in ("libx264", "aac"):
        rows.append((f"encoder {name}", "yes" if f" {name} " in listed else "NO"))
    hardware = working_hardware_encoders()
    rows.append(("hardware H.264", ", ".join(hardware) if hardware else "none (libx264 is used)"))
    return rows, all(f" {n} " in listed for n in ("libx264", "aac"))


def run(args: argparse.Namespace) -> int:
    rows = _gpu() + _engines() + _audio()
    fonts, fonts_ok = _fonts()
    ffmpeg, ffmpeg_ok = _ffmpeg()
    rows += fonts + ffmpeg
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if not (fonts_ok and ffmpeg_ok):
        print("\nPromoDesk cannot export videos until the items marked MISSING/NO are fixed.")
        return EXIT_FAILED
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("doctor", help="check the graphics card, engines, audio, fonts "
                                           "and ffmpeg")
    p.set_defaults(func=run)
