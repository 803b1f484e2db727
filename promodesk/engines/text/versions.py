"""Language versions inside one project: which caption and voice tracks speak which language,
and the project as one language version exports it.

A language version shares the music, the shots and the cut with the others; only its caption
track (and voice track, with a voice-over) and the texts on the shots' panels differ. Each such
caption or voice clip's recipe records its language (``params["language"]``), so a track's
language is read from its clips; tracks without one (video, music) belong to every version. One
version is heard and seen at a time: the others' tracks are muted and the shots draw its panel
texts (see "shot panels per language" below), which is also how the editor switches between
them, and how the shown version is kept in the project file.
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
    other languages' muted, and the shots' panels drawn in it where they have its texts (in
    place). KeyError when ``project`` has no such version."""
    if language not in languages(project):
        raise KeyError(language)
    for track in project.tracks:
        found = track_language(track)
        if found is not None:
            track.mute = found != language
    for _, _, params in _shot_takes(project):
        _swap_shot_texts(params, language)


def language_version(project: Project, language: str) -> Project:
    """A copy of ``project`` as its ``language`` version exports it (see :func:`show_language`)."""
    version = project.copy()
    show_language(version, language)
    return version


# --- shot panels per language ---------------------------------------------------------------
#
# A shot's panel texts (title, feature line, call to action) are recipe params the renderer
# draws. Each version's texts live beside them in ``params[SHOT_TEXTS]`` ({language: {field:
# text}}) and ``params[LANGUAGE_KEY]`` says which language the drawn fields are in; showing a
# language swaps its texts into the drawn fields (keeping any edit of the ones it leaves), so
# the renderer and every engine reading a shot's params need not know about versions.

SHOT_TEXTS = "texts_by_language"
TRANSLATED_FIELDS = ("title", "text", "cta")   # copy the model translates
VERBATIM_FIELDS = ("price", "old_price")         # facts: the same in every language
SHOT_ENGINES = ("shots",)


def _shot_takes(project: Project):
    """(clip, take index, params) of every take of a shot on a video track."""
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips:
            for n, take in enumerate(clip.takes):
                if take.recipe.engine in SHOT_ENGINES:
                    yield clip, n, take.recipe.params


def shot_texts(params: dict, language: str | None = None) -> dict:
    """The panel texts of a shot's ``params`` in ``language`` (None: the drawn ones), as
    {field: text} over TRANSLATED_FIELDS and VERBATIM_FIELDS ({} when it has no such version)."""
    fields = TRANSLATED_FIELDS + VERBATIM_FIELDS
    if language is None or language == params.get(LANGUAGE_KEY):
        return {k: str(params.get(k) or "") for k in fields}
    return dict((params.get(SHOT_TEXTS) or {}).get(language) or {})


def _swap_shot_texts(params: dict, language: str) -> bool:
    """Draw ``language``'s texts in ``params`` (in place): the drawn ones go back to their own
    language's entry first, so an edit of them is kept. True when something changed."""
    versions = params.get(SHOT_TEXTS) or {}
    current = params.get(LANGUAGE_KEY)
    if language not in versions or current == language:
        return False
    if current:
        versions[current] = shot_texts(params)
    params.update(versions[language])
    params[LANGUAGE_KEY] = language
    return True


def translate_shots(project: Project, engine, source: str, target: str,
                    names: list[str] = (), cancel=None) -> list[str]:
    """Give every shot of ``project`` its ``target`` panel texts (in place): the ``source``
    texts' titles, feature lines and calls to action translated by ``engine`` (a
    TranslationEngine), prices verbatim. Titles go through without ``names`` (a title is the
    name, so it is translated as a line; numbers stay protected); the other lines keep
    ``names`` verbatim. Returns the notes. Raises Cancelled."""
    def translate(lines: list[str], protected: list[str]) -> tuple[list[str], list[str]]:
        done = engine.translate(lines, source, target, cancel=cancel, names=protected)
        return done.lines, done.notes

    takes = list(_shot_takes(project))
    sources = []
    for _, _, params in takes:
        params.setdefault(SHOT_TEXTS, {})
        params.setdefault(LANGUAGE_KEY, source)
        sources.append(shot_texts(params, source) or shot_texts(params))
    titles = list(dict.fromkeys(s["title"] for s in sources if s.get("title", "").strip()))
    others = list(dict.fromkeys(s[k] for s in sources for k in ("text", "cta")
                                if s.get(k, "").strip()))
    found: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for kind, lines, protected in (("title", titles, []), ("copy", others, list(names))):
        if lines:
            out, said = translate(lines, protected)
            notes += said
            found.update({(kind, a): b for a, b in zip(lines, out)})
    for (_, _, params), texts in zip(takes, sources):
        entry = {k: texts.get(k, "") for k in VERBATIM_FIELDS}
        for k in TRANSLATED_FIELDS:
            text = texts.get(k, "")
            entry[k] = found.get(("title" if k == "title" else "copy", text), text)
        params[SHOT_TEXTS][source] = dict(texts)
        params[SHOT_TEXTS][target] = entry
    return notes


def shown_language(project: Project) -> str | None:
    """The language version ``project`` shows (its first unmuted caption or voice track's), or
    None when it has no language versions."""
    for track in project.tracks:
        language = track_language(track)
        if language is not None and not track.mute:
            return language
    return None
