"""Brief in, editable project out: the product's main job.

``make_project`` plans the whole video in core first (music spec, copy, storyboard on the spec's
beat grid: no audio needed), then has the engines fill the plan: the composer renders the music,
the voice engine speaks the lines (their captions re-timed to the speech), and everything lands
in a :class:`~promodesk.core.timeline.Project` (video, music, voice and caption tracks, every
clip carrying the recipe that made it) saved in a project folder. It is a job:
``progress(fraction, message)`` and a cancel token.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import Brief, BriefError, BriefProblem
from promodesk.core.plan import (Storyboard, music_spec, plan_video, shot_params,
                                 time_voice_lines)
from promodesk.core.projectfile import ASSETS_DIR, add_asset, save_project
from promodesk.core.timeline import (
    ASPECTS, Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind, seconds_from_us,
)
from promodesk.engines.base import (CancelToken, EngineUnavailable, GenerationError, Progress,
                                    RequestError, TakeRequest, no_progress, stage)

__all__ = ["MadeProject", "make_project", "shot_params"]


@dataclass
class MadeProject:
    """What ``make_project`` made: the project, its folder, the storyboard and notes for the
    user (sentences left out, emoji dropped)."""

    project: Project
    folder: Path
    storyboard: Storyboard
    notes: list[str] = field(default_factory=list)


def _wav_asset(folder: Path, audio, sample_rate: int) -> str:
    """Store ``audio`` as a 24-bit WAV asset in ``folder``; returns its asset id."""
    buf = io.BytesIO()
    sf.write(buf, audio, sample_rate, format="WAV", subtype="PCM_24")
    return add_asset(folder, buf.getvalue(), "wav")


SMALL_PHOTO_PX = 480  # a photo shorter than this on its longer side is blurred by every shot


def _check_photos(brief: Brief) -> list[str]:
    """Raise BriefError naming every photo of ``brief`` that cannot be read; returns notes
    naming each photo too small to look sharp (under SMALL_PHOTO_PX pixels on its longer
    side: an icon or a thumbnail is blown up to the frame)."""
    from promodesk.engines.visuals.photos import PhotoError, load_photo

    problems, notes = [], []
    for path in brief.images:
        try:
            w, h = load_photo(path).size
        except PhotoError as err:
            problems.append(BriefProblem("images", str(err)))
            continue
        if max(w, h) < SMALL_PHOTO_PX:
            notes.append(f"The photo {Path(path).name} is only {w}x{h} pixels, so it looks "
                         "blurry when a shot fills the frame with it; use one at least 1080 "
                         "pixels on its longer side.")
    if problems:
        raise BriefError(problems, brief.source)
    return notes


def _voice_over(board: Storyboard, folder: Path, project: Project, voice, seed: int,
                progress: Progress, cancel: CancelToken, notes: list[str],
                language: str | None = None, name: str = "Voice") -> None:
    """Speak every caption line with the voice engine ``voice`` (a model name or folder), put one
    voice clip per line on a voice track called ``name``, and re-time the board's captions to the
    speech (core.plan.time_voice_lines: lines that do not fit are left out, with a note).
    ``language`` is recorded in each clip's recipe (language versions)."""
    from promodesk.engines.voice.takes import voice_engine

    # a voice.VoicePick's recordings are stored in the project's assets (recipes name them)
    spoken = voice_engine(voice, project=folder).generate([c.text for c in board.captions],
                                                          progress, cancel, seed=seed)
    timed, late = time_voice_lines(board.captions, [line.duration_us for line in spoken.lines],
                                   board.length)
    notes += late
    track = project.add_track(TrackKind.VOICE, name)
    for cap, line in zip(timed, spoken.lines):
        asset = _wav_asset(folder, line.audio, spoken.sample_rate)
        project.assets[asset] = Asset(asset, "audio", line.duration_us,
                                      {"text": line.text, "language": line.language},
                                      str(spoken.meta.get("licence", "")))
        track.clips.append(Clip(start=cap.start, duration=cap.duration, name=line.text[:12],
                                takes=[Take(asset, Recipe("voice", {"text": line.text, "model": str(voice),
                                                                    **_language(language),
                                                                    **line.voice}, seed),
                                            line.duration_us)]))
    board.captions = timed


def _language(language: str | None) -> dict:
    """The recipe params marking a clip as part of the ``language`` version ({} for none)."""
    from promodesk.engines.text.versions import LANGUAGE_KEY

    return {LANGUAGE_KEY: language} if language else {}


def source_language(brief: Brief) -> str:
    """The language code the brief's copy is written in: its own setting, else detected
    (copy mixing Chinese and English counts as Chinese, as its captions are set)."""
    from promodesk.core.copytext import detect_language

    found = brief.language if brief.language in ("zh", "ja", "en") else detect_language(brief.text)
    return "zh" if found == "mixed" else found


def _language_version(board: Storyboard, planned: list, brief: Brief, language: str,
                      source: str, folder: Path, project: Project, voice, translator,
                      seed: int, progress: Progress, cancel: CancelToken,
                      notes: list[str]) -> None:
    """Add the ``language`` version of the copy: ``planned`` (the caption lines as planned,
    before any voice re-timed them) translated from ``source`` by the translation engine
    (``translator``: a model name or folder, None to choose) on a caption track and, with
    ``voice``, spoken on a voice track; the shots' panel texts get their ``language`` version
    (engines.text.versions.translate_shots)."""
    from dataclasses import replace

    from promodesk.engines.text.translate import TranslationEngine

    # the product's name never goes through the model (prices and numbers never do either)
    names = [n for n in (brief.title,) if n.strip()]
    done = TranslationEngine(translator).translate(
        [c.text for c in planned], source, language,
        stage(progress, 0.0, 0.5 if voice else 1.0, f"translating into {language}"), cancel,
        names=names)
    notes += [f"{language}: {note}" for note in done.notes]
    # the shots' panels too (title, feature lines, call to action; prices verbatim)
    from promodesk.engines.text.versions import translate_shots

    notes += [f"{language}: {note}" for note in translate_shots(
        project, TranslationEngine(translator), source, language, names, cancel)]
    version = replace(board, captions=[replace(c, text=t) for c, t in zip(planned, done.lines)])
    tag = language.upper()
    if voice:
        spoken: list[str] = []
        _voice_over(version, folder, project, voice, seed, stage(progress, 0.5, 1.0, "voice"),
                    cancel, spoken, language, f"Voice · {tag}")
        notes += [f"{language}: {note}" for note in spoken]
    track = project.add_track(TrackKind.CAPTIONS, f"Captions · {tag}")
    translated = {"model": done.model, "licence": done.licence}
    for cap in version.captions:
        track.clips.append(Clip(start=cap.start, duration=cap.duration, name=cap.text[:12],
                                cue=CaptionCue(cap.text, cap.style),
                                takes=[Take(None, Recipe("captions", {
                                    "sentence": cap.sentence, **_language(language),
                                    "translation": translated}))]))


def _for_audience(board: Storyboard, brief: Brief, audience: str, rewriter,
                  progress: Progress, cancel: CancelToken) -> Brief:
    """Rewrite ``board``'s caption lines (in place) and the brief's call to action for
    ``audience`` (engines.text.rewrite: facts verbatim); returns the brief with the new call
    to action (the shots' panels show it). Notes go to ``board.notes``."""
    from dataclasses import replace

    from promodesk.engines.text.rewrite import AudienceRewriter

    kwargs = {"model": rewriter} if rewriter else {}
    lines = [c.text for c in board.captions] + ([brief.cta] if brief.cta.strip() else [])
    done = AudienceRewriter(**kwargs).rewrite(lines, audience, source_language(brief),
                                              progress, cancel,
                                              names=[n for n in (brief.title,) if n.strip()])
    board.notes += done.notes
    board.captions = [replace(c, text=t) for c, t in zip(board.captions, done.lines)]
    if not brief.cta.strip():
        return brief
    for shot in board.shots:  # the call-to-action panel shows the rewritten one
        if shot.cta == brief.cta:
            shot.cta = done.lines[-1]
    return replace(brief, cta=done.lines[-1])


# Shots whose picture is the product or a scene get a generated take. The offer and the end
# card keep their motion shot: their price badge and call-to-action button are drawn by the
# shots engine, and a generated clip has neither.
VIDEO_KINDS = ("hero", "detail", "feature", "card")
VIDEO_START = 0.25  # with generated clips, the rest of the plan reports up to this fraction


def video_availability(model: str | Path | None = None) -> str | None:
    """None when the video engine ("wan") can run ``model`` (a Wan model name or folder; None:
    the engine's default) here, else what is missing and how to get it (the download command)."""
    from promodesk.engines import registry
    from promodesk.engines.models import loading

    engine = registry.engine("wan")
    if model is None:
        return engine.availability()
    why = loading.availability(lambda: loading.model_folder(model), ("torch", "diffusers"),
                               engine.info.title)
    if why is None and not engine.runs(str(model)):
        return (f"{model} is not a Wan video model; choose a Wan model folder or a name from "
                "`promodesk models list` (download one with `promodesk models download "
                f"{engine.default_model}`).")
    return why


def choose_visuals(visuals: str, model: str | Path | None = None) -> tuple[str, str | None]:
    """What ``visuals`` ("auto", "motion" or "wan") means here, and a one-line note for the
    user (None when there is nothing to say). "motion" and "wan" are returned as asked (check
    :func:`video_availability` first). "auto" is "wan" when the video model is installed and a
    CUDA GPU is present (on a CPU a clip takes hours); else "stills" when a stills model that
    allows commercial use is installed (:func:`still_model_here`) and the GPU is; else
    "motion"; both fallbacks with a note."""
    if visuals != "auto":
        return visuals, None
    why = video_availability(model)
    still = None if why is None else still_model_here()
    if why is None or still:
        from promodesk.engines.models.device import pick_device

        try:
            cuda = pick_device().kind == "cuda"
        except EngineUnavailable as err:
            return "motion", f"motion shots from the photos: {err}"
        if cuda and why is None:
            return "wan", None
        if cuda:
            return "stills", (f"motion shots from the photos, and backgrounds painted by the "
                              f"{still} stills model under the cards (for generated video: "
                              f"{why})")
        here = "the Wan video model" if why is None else f"the {still} stills model"
        return "motion", (f"motion shots from the photos: {here} is here but no CUDA graphics "
                          "card is, and on the CPU it takes hours (--visuals wan makes video "
                          "anyway).")
    if model is not None:
        return "motion", f"motion shots from the photos ({model}: {why})"
    from promodesk.engines import registry

    name = registry.engine("wan").default_model
    return "motion", (f"motion shots from the photos (generated video needs the Wan model, "
                      f"`promodesk models download {name}`, and a CUDA graphics card).")


def still_model_here() -> str | None:
    """The first stills model of the catalogue that is installed here and whose licence allows
    commercial use (FLUX.1 schnell), or None. Models that forbid it are never chosen for the
    user: the export would refuse their pictures."""
    from promodesk.engines.models.catalogue import CATALOGUE
    from promodesk.engines.visuals.diffusion import StillsEngine

    for name, entry in CATALOGUE.items():
        if entry.task == "stills" and entry.commercial_use and \
                StillsEngine(name).availability() is None:
            return name
    return None


def _still_backgrounds(project: Project, folder: Path, model: str | Path,
                       progress: Progress, cancel: CancelToken) -> list[str]:
    """Give every card on the main video track (a shot without a photo) a take painted by the
    stills engine with ``model``: a background scene from the card's copy, under the card's own
    text (the shots engine lays a card over its picture). The painted take is selected; the
    plain card stays as the clip's first take. Returns notes (none so far)."""
    from promodesk.engines import registry

    engine = registry.engine("stills")
    video = project.tracks_of(TrackKind.VIDEO)[0]
    cards = [c for c in video.clips if c.recipe.engine == "shots" and c.take.asset is None
             and c.recipe.params.get("kind") == "card"]
    for n, clip in enumerate(cards):
        request = TakeRequest(Recipe("stills", {**clip.recipe.params, "model": str(model)},
                                     clip.recipe.seed), folder, duration_us=clip.duration,
                              size=(project.width, project.height))
        made = engine.new_take(request, stage(progress, n / len(cards), (n + 1) / len(cards),
                                              f"card {n + 1} of {len(cards)}"), cancel)
        project.assets[made.asset.id] = made.asset
        clip.takes.append(made.take)
        clip.selected = len(clip.takes) - 1
    return []


def _video_takes(project: Project, folder: Path, model: str | Path | None, preset: str,
                 settings: dict, progress: Progress, cancel: CancelToken) -> list[str]:
    """Give every motion shot of :data:`VIDEO_KINDS` on the main video track a take from the
    video engine: its photo animated (image-to-video), or for a shot without a photo a scene
    from its copy (text-to-video), with ``preset`` and ``settings`` (more recipe params). The
    generated take is selected; the motion take stays as the
    clip's first take. When the product changed in it (its recipe's ``fidelity`` below
    fidelity.FIDELITY_THRESHOLD, labelled "product changed"), the motion take stays selected
    and a note says so; a shot the engine cannot make (RequestError, GenerationError) keeps its
    motion shot with a note. Returns the notes."""
    from promodesk.engines import registry
    from promodesk.engines.visuals.fidelity import FIDELITY_THRESHOLD, is_product_kept

    engine = registry.engine("wan")
    video = project.tracks_of(TrackKind.VIDEO)[0]
    shots = [c for c in video.clips
             if c.recipe.engine == "shots" and c.recipe.params.get("kind") in VIDEO_KINDS]
    notes = []
    for n, clip in enumerate(shots):
        motion = clip.take
        params = {**motion.recipe.params, "preset": preset, "fps": float(project.fps),
                  **({"model": str(model)} if model else {}), **settings}
        photo = project.assets.get(motion.asset) if motion.asset else None
        request = TakeRequest(Recipe("wan", params, motion.recipe.seed), folder, asset=photo,
                              duration_us=clip.duration, size=(project.width, project.height))
        try:
            made = engine.new_take(request, stage(progress, n / len(shots),
                                                  (n + 1) / len(shots),
                                                  f"shot {n + 1} of {len(shots)}"), cancel)
        except (RequestError, GenerationError) as err:
            # one shot the model cannot make (a text-only model and a photo, memory run out
            # on every tier) keeps its motion shot; the rest of the video still gets made
            note = f"{clip.name} shot: {err} The motion shot stays."
            if note not in notes:
                notes.append(note)
            continue
        if made.asset is not None:
            project.assets[made.asset.id] = made.asset
        clip.takes.append(made.take)
        fidelity = made.take.recipe.params.get("fidelity")
        if fidelity is not None and not is_product_kept(float(fidelity)):
            notes.append(f"{clip.name} shot at {seconds_from_us(clip.start):.1f} s: the video "
                         f"model changed the product (fidelity {float(fidelity):.2f}, below "
                         f"{FIDELITY_THRESHOLD}), so the motion shot is used; the generated "
                         f"take stays on the clip as take {len(clip.takes)}.")
        else:
            clip.selected = len(clip.takes) - 1
    return notes


def _unused_clips(project: Project, notes: list[str]) -> list[str]:
    """Notes naming each of the brief's video clips that no shot of the main track shows and
    no earlier note explains (a video too short to have a shot between its opening and its end
    card, or more clips than the shots they take turns with), saying what to do."""
    main = project.tracks_of(TrackKind.VIDEO)[0]
    shown = {t.asset for c in main.clips for t in c.takes}
    room = sum(c.name == "footage" for c in main.clips)
    out = []
    for asset in project.assets.values():
        name = asset.meta.get("source", asset.id)
        if asset.kind != "video" or asset.id in shown or any(name in n for n in notes):
            continue
        if room:
            out.append(f"{name} is not in the video: it had room for {room} of your clips (they "
                       "take turns with the photos between the opening and the end card). Make "
                       "the video longer or give fewer clips.")
        else:
            out.append(f"{name} is not in the video: a video this short has only its opening "
                       "shot and its end card, and your clips replace the shots between them. "
                       "Make the video longer (e.g. --seconds 15).")
    return out


def make_project(brief: Brief, folder: Path, *, seed: int = 0, variant: int = 0,
                 aspect: str | None = None, voice: str | Path | None = None,
                 languages: list[str] | None = None, translator: str | Path | None = None,
                 audience: str | None = None, rewriter: str | Path | None = None,
                 visuals: str = "motion", video_model: str | Path | None = None,
                 video_preset: str = "draft", video_params: dict | None = None,
                 still_model: str | Path | None = None,
                 progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> MadeProject:
    """Plan, compose and assemble a project for ``brief`` in ``folder`` (created; saved).

    ``voice`` names a voice-over model (catalogue name or folder); with it every caption line is
    spoken on a voice track and the music ducks under it. ``languages`` (codes such as
    ["zh", "en"]) adds a version per language other than the brief's own: its caption lines
    translated by ``translator`` (a model name or folder; None chooses) on their own caption
    track (and voice track, with ``voice``), on the same music and cut; every caption and voice
    clip then records its language (engines.text.versions), and the first language listed is
    the one shown (the others' tracks muted). ``audience`` ("students") has the caption lines
    and the call to action rewritten for it by ``rewriter`` (an instruct model name or folder;
    None: the catalogue's Qwen3), facts kept verbatim; without a model, the copy as written
    and a note. ``visuals`` "wan" also gives the photo and scene shots a take from the video
    engine (``video_model``: a Wan model name or folder, None: the catalogue's default; at
    ``video_preset`` "draft" or "final"; ``video_params``: more of its recipe settings, such
    as "size", "steps", "strength"), selected unless the product changed in it
    (:func:`_video_takes`); "stills" paints a background under each card (a shot without a
    photo) with the stills engine's ``still_model`` (None: :func:`still_model_here`); "motion"
    (the default) keeps the motion shots alone; "auto" is resolved by the caller
    (:func:`choose_visuals`). Raises BriefError when the brief cannot make a
    video (empty copy, unreadable photo), MusicSpecError for an unknown style,
    EngineUnavailable when the voice or translation model is missing, Cancelled when
    cancelled."""
    cancel = cancel or CancelToken()
    folder = Path(folder)
    aspect = aspect or brief.aspect
    if visuals not in ("motion", "wan", "stills"):
        raise ValueError(f"visuals must be 'motion', 'wan' or 'stills' (resolve 'auto' with "
                         f"choose_visuals), not {visuals!r}")
    whole = progress
    if visuals != "motion":  # the generated clips or stills take most of the time
        progress = stage(whole, 0.0, VIDEO_START)
    if aspect not in ASPECTS:
        raise BriefError([BriefProblem("aspect", f"'{aspect}' is not one of {', '.join(ASPECTS)}")])

    # 1. Plan: everything the video will show follows from the brief, the spec and the seed.
    progress(0.0, "planning the shots")
    spec = music_spec(brief, seed, variant)
    pace_notes: list[str] = []
    shot_scale = 1.0
    if audience:  # its music mood and pace (core.audience): livelier, or calmer
        from promodesk.core.audience import spec_for_audience

        spec, pace, pace_notes = spec_for_audience(spec, audience)
        shot_scale = pace.shot_scale
    board = plan_video(brief, spec, seed=seed, variant=variant, shot_scale=shot_scale)
    board.notes += pace_notes
    if audience:
        brief = _for_audience(board, brief, audience, rewriter,
                              stage(progress, 0.0, 0.05, audience), cancel)
    small = _check_photos(brief)
    cancel.check()

    # 2. Assets: the engines fill the plan (the composer loads only now: the plan needs no audio).
    from promodesk.engines.music.composer import ComposerEngine

    project = Project.for_aspect(aspect, title=board.title)
    photo_ids = [add_asset(folder, p) for p in brief.images]
    # the brief travels with the project; its photos are the project's copies, which move with it
    project.brief = {**brief.to_dict(), "images": [f"{ASSETS_DIR}/{pid}" for pid in photo_ids]}
    for pid, path in zip(photo_ids, brief.images):  # the file's name: what the editor shows
        project.assets[pid] = Asset(pid, "image", None, {"source": Path(path).name},
                                    "supplied by the user")
    music_end = 0.6 if voice else 0.9
    music = ComposerEngine().generate(spec, stage(progress, 0.05, music_end, "music"), cancel)
    length = BeatGrid.from_spec(spec).length
    music_id = _wav_asset(folder, music.audio, music.sample_rate)
    project.assets[music_id] = Asset(music_id, "audio", length, dict(music.meta),
                                     str(music.meta.get("licence", "")))
    cancel.check()

    # 3. Tracks: shots, music, voice, captions.
    video = project.add_track(TrackKind.VIDEO, "Shots")
    for n, shot in enumerate(board.shots):
        asset = photo_ids[shot.photo] if shot.photo is not None else None
        video.clips.append(Clip(start=shot.start, duration=shot.duration, name=shot.kind,
                                takes=[Take(asset, Recipe("shots", shot_params(shot, brief),
                                                          seed * 100 + n))]))
    music_track = project.add_track(TrackKind.MUSIC, "Music")
    music_track.clips.append(Clip(start=0, duration=length, name=spec.style,
                                  takes=[Take(music_id, Recipe("composer", spec.to_dict(),
                                                               spec.seed), length)]))
    notes = small + list(board.notes)
    source = source_language(brief)
    marked = source if languages else None  # clips record their language only in versions
    others = [lang for lang in dict.fromkeys(languages or []) if lang != source]
    planned = list(board.captions)  # as planned: each version's voice re-times its own
    share = (0.95 - music_end) / (1 + len(others))
    if voice:
        _voice_over(board, folder, project, voice, seed,
                    stage(progress, music_end, music_end + share, "voice"), cancel, notes,
                    marked)
    captions = project.add_track(TrackKind.CAPTIONS, "Captions")
    for cap in board.captions:
        captions.clips.append(Clip(start=cap.start, duration=cap.duration, name=cap.text[:12],
                                   cue=CaptionCue(cap.text, cap.style),
                                   takes=[Take(None, Recipe("captions", {"sentence": cap.sentence,
                                                                         **_language(marked)}))]))
    for n, language in enumerate(others):
        start = music_end + share * (n + 1)
        _language_version(board, planned, brief, language, source, folder, project, voice,
                          translator, seed, stage(progress, start, start + share, language),
                          cancel, notes)
    if languages:
        from promodesk.engines.text.versions import show_language

        show_language(project, languages[0])
    if brief.media or brief.logo:  # the shop's own clips cut in on the bars, its logo on top
        from promodesk.engines.visuals.brand import add_brief_media

        notes += add_brief_media(project, folder, brief.media, brief.logo, bool(brief.images),
                                 sound=brief.media_sound)
        notes += _unused_clips(project, notes)
    if visuals == "wan":
        notes += _video_takes(project, folder, video_model, video_preset, video_params or {},
                              stage(whole, VIDEO_START, 0.99, "video"), cancel)
    elif visuals == "stills":
        notes += _still_backgrounds(project, folder, still_model or still_model_here(),
                                    stage(whole, VIDEO_START, 0.99, "stills"), cancel)
    save_project(project, folder)
    whole(1.0, "project saved")
    return MadeProject(project, folder, board, notes)
