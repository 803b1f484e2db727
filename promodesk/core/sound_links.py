"""A video clip's own sound: the clip on an audio track that plays it, kept in step with it.

Footage placed on the main track brings its sound along as a clip on an AUDIO track, linked to
it (``Clip.linked``; the take's recipe names the video clip in ``sound_of``). Moving, rippling
and deleting carry it through :mod:`promodesk.core.arrange` (it overlaps its shot most); this
module gives the trims and splits of :mod:`promodesk.core.edits` the same hold: the sound's
start, in-point and length follow the picture's exactly (microseconds, so sample-exact at any
rate), its length held to its own source where the sound is a little shorter than the picture.
Unlinking (``SetLinked``) lets the sound go its own way. Imports nothing but the model.
"""

from __future__ import annotations

import copy

from promodesk.core.timeline import Clip, Project, Track, TrackKind


def sounds_of(project: Project, video: Clip) -> list[tuple[Track, Clip]]:
    """The linked sound clips of ``video`` with their tracks: audio clips whose recipe names it
    (``sound_of``), or, for a sound placed without that name, one starting with it at the same
    in-point that plays the video asset's own sound (``Asset.meta["sound"]``)."""
    asset = project.assets.get(video.asset or "")
    own = (asset.meta or {}).get("sound") if asset is not None else None
    found = []
    for track in project.tracks_of(TrackKind.AUDIO):
        for clip in track.clips:
            if not clip.linked:
                continue
            named = any(t.recipe.params.get("sound_of") == video.id for t in clip.takes)
            same = (own is not None and clip.asset == own and clip.start == video.start
                    and clip.in_point == video.in_point)
            if named or same:
                found.append((track, clip))
    return found


def picture_of(project: Project, sound: Clip) -> Clip | None:
    """The video clip a linked sound clip belongs to (the one :func:`sounds_of` finds it for),
    or None for a sound on its own or unlinked."""
    if not sound.linked:
        return None
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips:
            if clip.asset and any(s is sound for _, s in sounds_of(project, clip)):
                return clip
    return None


def synced_span(sound: Clip, start: int, duration: int, in_point: int) -> tuple[int, int, int]:
    """(start, duration, in_point) in microseconds for ``sound`` to play in step with a picture
    now at ``start``/``duration``/``in_point``: the same span, its length held to what its
    source has from that in-point."""
    src = sound.take.source_duration
    if src is not None:
        duration = min(duration, src - in_point)
    return start, duration, in_point


def mark_sound_of(clip: Clip, video_id: str) -> None:
    """Name ``video_id`` as the picture ``clip`` (a sound) belongs to, in every take."""
    for take in clip.takes:
        take.recipe.params["sound_of"] = video_id


def split_sound(sound: Clip, picture: Clip, new_id: str) -> Clip | None:
    """A copy of ``sound`` with id ``new_id`` playing in step with ``picture`` (a part cut off
    its video clip, say the tail an overwrite leaves), linked to it by name; None when the
    sound's source has nothing from the picture's in-point on."""
    span = synced_span(sound, picture.start, picture.duration, picture.in_point)
    if span[1] <= 0:
        return None
    half = copy.deepcopy(sound)
    half.id = new_id
    half.start, half.duration, half.in_point = span
    mark_sound_of(half, picture.id)
    return half
