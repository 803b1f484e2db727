"""Language versions inside one project: which caption and voice tracks speak which language,
and the project as one language version exports it.

A language version shares the music, the shots and the cut with the others; only its caption
track (and voice track, with a voice-over) differ. Each such clip's recipe records its language
(``params["language"]``), so a track's language is read from its clips; tracks without one
(video, music) belong to every version. One version is heard and seen at a time: the others'
tracks are muted, which is also how the editor switches between them.
"""

from __future__ import annotations

import re

from promodesk.core.timeline import Project, Track, TrackKind

LANGUAGE_KEY = "language"  # in the recipe params of caption and voice clips
_PER_LANGUAGE = (TrackKind.CAPTIONS, TrackKind.VOICE)


def track_language(track: Track) -> str | None:
    """The language of a caption or voice ``track`` (from its clips' recipes), or None for a
    track every version shares."""
    if track.kind not in _PER_LANGUAGE:
        return None
    for clip in track.clips:
        for take in clip.takes:
            language = take.recipe.params.get(LANGUAGE_KEY)
            if language:
                return str(language)
    # a version's track left empty (every line longer than the video, say) still names its
    # language, as make_project named it: "Captions · EN"
    tag = re.search(r" · ([A-Z]{2,3})$", track.name)
    return tag.group(1).lower() if tag else None


def languages(project: Project) -> list[str]:
    """The languages ``project`` has versions in, in track order ([] when none is marked)."""
    found = [track_language(t) for t in project.tracks]
    return list(dict.fromkeys(lang for lang in found if lang))


def show_language(project: Project, language: str) -> None:
    """Make ``language`` the version heard and seen: its caption and voice tracks unmuted, the
    other languages' muted (in place). KeyError when ``project`` has no such version."""
    if language not in languages(project):
        raise KeyError(language)
    for track in project.tracks:
        found = track_language(track)
        if found is not None:
            track.mute = found != language


def language_version(project: Project, language: str) -> Project:
    """A copy of ``project`` as its ``language`` version exports it (see :func:`show_language`)."""
    version = project.copy()
    show_language(version, language)
    return version
