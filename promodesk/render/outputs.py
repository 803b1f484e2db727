"""Where exports go: the one naming rule of ``promodesk render``, ``promodesk make`` and the
editor's export dialog. Light on purpose (no numpy, no OpenCV), so the editor can name files on the
UI thread without paying for the renderer's imports."""

from __future__ import annotations

from pathlib import Path


def output_paths(out: Path, aspects: list[str], variants: int = 1
                 ) -> dict[tuple[int, str | None], Path]:
    """Where each export goes, by (variant from 0, aspect): ``out`` itself for one variant of one
    aspect (aspect None: the project's own), ``OUT-9x16.mp4`` and so on for several aspects,
    ``OUT-v2.mp4`` / ``OUT-v2-9x16.mp4`` for several variants; ``.mp4`` added when ``out`` has
    no suffix."""
    out = out.with_suffix(out.suffix or ".mp4")
    paths: dict[tuple[int, str | None], Path] = {}
    for v in range(variants):
        base = out.with_name(f"{out.stem}-v{v + 1}{out.suffix}") if variants > 1 else out
        if len(aspects) <= 1:
            paths[(v, aspects[0] if aspects else None)] = base
            continue
        for aspect in aspects:
            paths[(v, aspect)] = base.with_name(f"{base.stem}-{aspect.replace(':', 'x')}"
                                                f"{base.suffix}")
    return paths


def language_output_paths(out: Path, aspects: list[str], languages: list[str],
                          variants: int = 1) -> dict[tuple[int, str | None, str], Path]:
    """Where each language version goes, by (variant from 0, aspect, language): with one
    language, :func:`output_paths`' names; with several, the language code follows the name:
    ``OUT-zh.mp4``, ``OUT-en-9x16.mp4``, ``OUT-en-v2-1x1.mp4``."""
    out = out.with_suffix(out.suffix or ".mp4")
    paths: dict[tuple[int, str | None, str], Path] = {}
    for language in languages:
        named = out if len(languages) <= 1 else out.with_name(f"{out.stem}-{language}{out.suffix}")
        for (v, aspect), path in output_paths(named, aspects, variants).items():
            paths[(v, aspect, language)] = path
    return paths


def audience_output(out: Path, audience: str) -> Path:
    """Where the ``audience`` version of ``out`` goes: ``OUT-office-workers.mp4`` (the audience
    in letters, digits and dashes; ``.mp4`` added when ``out`` has none)."""
    out = out.with_suffix(out.suffix or ".mp4")
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in audience).split()) or "audience"
    return out.with_name(f"{out.stem}-{slug.lower()}{out.suffix}")
