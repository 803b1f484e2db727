"""``promodesk make``: a brief in, finished beat-cut captioned videos and an editable project out.

    promodesk make BRIEF -o OUT.mp4 [--aspect 9:16,1:1,16:9] [--seconds N] [--seed N]
                   [--variants N] [--project DIR] [--languages zh,en [--translator MODEL]]
                   [--visuals auto|motion|wan [--video-model MODEL] [--video-preset draft|final]]
    promodesk make --text "..." --image a.jpg [--title T] [--price P] [--cta C] -o OUT.mp4
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from promodesk.commands import EXIT_OK
from promodesk.commands.checks import finite_number
from promodesk.commands.errors import CommandError


def _brief_from_args(args: argparse.Namespace):
    from promodesk.core.brief import Brief, BriefError, BriefProblem, read_brief, validate_brief

    if args.brief:
        brief, problems = read_brief(Path(args.brief))
    elif args.text is not None:
        brief = Brief(text=args.text, images=[Path(os.path.abspath(p)) for p in args.image],
                      title=args.title or "", price=args.price or "", cta=args.cta or "",
                      style=args.style or "auto", seconds=30, aspect="9:16")
        problems = []
    else:
        raise BriefError([BriefProblem("brief", "give a brief file, or the copy with --text")])
    if args.seconds is not None:
        from promodesk.core.brief import MAX_SECONDS, MIN_SECONDS

        if not MIN_SECONDS <= args.seconds <= MAX_SECONDS:  # the option's fault, not the brief's
            raise CommandError(f"--seconds {args.seconds:g} is outside {MIN_SECONDS}..{MAX_SECONDS} "
                               "seconds.")
        brief.seconds = args.seconds
    if args.style:
        brief.style = args.style
    brief.media += [Path(os.path.abspath(p)) for p in args.media]
    if args.logo:
        brief.logo = Path(os.path.abspath(args.logo))
    if args.media_sound:
        brief.media_sound = args.media_sound
    problems += validate_brief(brief)
    if problems:
        raise BriefError(problems, brief.source)
    return brief


def _project_folders(args: argparse.Namespace, out: Path, videos: dict, aspects: list[str]
                     ) -> list[Path]:
    """The project folder of each variant: --project itself for one variant, one folder per
    variant inside --project for several, else beside the first video."""
    folders = []
    for v in range(args.variants):
        if args.project and args.variants == 1:
            folders.append(Path(args.project).expanduser().absolute())
        elif args.project:
            folders.append(Path(args.project).expanduser().absolute()
                           / f"{out.stem}-v{v + 1}.promodesk")
        else:
            folders.append(out.with_name(videos[(v, aspects[0])].stem + ".promodesk"))
    return folders


def _check(args: argparse.Namespace, brief) -> tuple[list[str], Path, dict, list[Path],
                                                      list[bool]]:
    """Every check made before any work (options, the voice model, each output); returns the
    aspects, the output video, the videos by (variant, aspect), the project folders and whether
    each is new. Raises CommandError naming what is wrong."""
    from promodesk.commands import checks
    from promodesk.core.timeline import ASPECTS, SAMPLE_RATE
    from promodesk.render.outputs import language_output_paths, output_paths

    aspects = [a.strip() for a in (args.aspect or brief.aspect).split(",") if a.strip()]
    bad = [a for a in aspects if a not in ASPECTS]
    if bad or not aspects:
        raise CommandError(f"--aspect must be a comma-separated list of {', '.join(ASPECTS)}")
    if not 0.1 <= args.scale <= 1.0:
        raise CommandError("--scale must be between 0.1 and 1")
    if not 1 <= args.variants <= 20:
        raise CommandError("--variants must be between 1 and 20")
    if args.voice_sample or args.speaker:  # a chosen voice asks for a voice-over
        # (a recording: VibeVoice, the engine that clones, even when it is not installed yet,
        # so the message says how to get it)
        args.voice = args.voice or ("vibevoice-1.5b" if args.voice_sample else "default")
    if args.voice:
        # Before the music is composed: a wrong model name must not cost a minute of work.
        from promodesk.engines.voice.takes import default_voice_model, voice_engine

        if args.voice == "default":  # `--voice` alone: VibeVoice when installed, else Bark
            args.voice = default_voice_model()
        why = voice_engine(args.voice).availability()
        if why:
            raise CommandError(f"--voice {args.voice}: {why}")
        from promodesk.engines.assemble import source_language
        from promodesk.engines.voice.takes import speech_family

        if speech_family(args.voice) == "vibevoice" and "ja" in (source_language(brief),
                                                                  *_languages(args)):
            raise CommandError(f"--voice {args.voice}: VibeVoice speaks only Chinese and English, "
                               "and this video has Japanese copy. Use --voice bark-small (it "
                               "speaks Japanese), or make the video without a voice-over.")
        from promodesk.engines.voice.voices import pick_voice

        try:  # the voice per language (--voice-sample, --speaker, the brief's voice), checked
            args.voice = pick_voice(args.voice, args.voice_sample, args.speaker, brief.voice)
        except ValueError as err:
            raise CommandError(str(err)) from None
    given = Path(args.output).expanduser()
    if args.output.endswith(("/", os.sep)) and not given.is_dir():  # Path drops the slash
        raise CommandError(f"the output {args.output} names a folder that does not exist; give "
                           f"a file name such as {given / 'promo.mp4'} (missing folders are made).")
    # the name as given (before ".mp4" is added to a bare name): /dev/null, a pipe
    checks.refuse_folder_and_suffix(given, (".mp4", ""), "an MP4 video")
    if given.suffix == "" and not given.is_dir():
        given = given.with_suffix(".mp4")
    checks.refuse_folder_and_suffix(given, (".mp4",), "an MP4 video")
    out = Path(os.path.abspath(given))  # links are followed only to compare with the inputs
    videos = output_paths(out, aspects, args.variants)
    folders = _project_folders(args, out, videos, aspects)
    languages = _languages(args)
    if languages:
        _check_languages(languages, brief, args.translator)
        videos = language_output_paths(out, aspects, languages, args.variants)
    audiences = _audiences(args, brief)
    if audiences:
        if args.variants > 1:
            raise CommandError("--audiences makes one version per audience; leave out "
                               "--variants.")
        videos, folders = _audience_outputs(args, out, aspects, languages, audiences)
    subtitles = [p.with_suffix(s) for p in videos.values() for s in (".srt", ".vtt")] \
        if args.captions != "none" else []
    for p in [*videos.values(), *subtitles]:
        if p.is_dir():
            raise CommandError(f"the output {p} is a folder; choose another output name.")
    inputs = [brief.source, *brief.images, *brief.media, *([brief.logo] if brief.logo else [])]
    checks.refuse_inputs([*videos.values(), *subtitles], inputs)
    checks.refuse_inputs(folders, inputs)
    for clip in brief.media:
        checks.readable_clip(clip, "--media", photos=True)
    checks.refuse_long_names([*videos.values(), *subtitles, *folders])
    new = [checks.project_target(f, args.overwrite) for f in folders]
    for folder in {*(p.parent for p in videos.values()), *(f.parent for f in folders)}:
        checks.writable_folder(folder, create=True)
    checks.sweep({*(p.parent for p in videos.values()), *(f.parent for f in folders)})
    w, h = ASPECTS[aspects[0]]
    size = (round(w * args.scale / 2) * 2, round(h * args.scale / 2) * 2)
    photos = sum(p.stat().st_size for p in brief.images if p.is_file())
    need = len(videos) * checks.video_bytes(size, brief.seconds) + args.variants * (
        photos + int(brief.seconds * SAMPLE_RATE * 2 * 3))
    checks.free_space(out.parent, need)
    return aspects, out, videos, folders, new


def _visuals(args: argparse.Namespace) -> str:
    """The visuals to make, "motion", "wan" or "stills", from --visuals (checked before any
    work): "wan" without its model is refused (CommandError, exit 2, naming the download
    command); "auto" without the model or a CUDA GPU prints one note line and makes motion
    shots (:func:`promodesk.engines.assemble.choose_visuals`)."""
    from promodesk.engines.assemble import choose_visuals, video_availability

    if args.visuals == "wan":
        why = video_availability(args.video_model)
        if why:
            raise CommandError(f"--visuals wan: {why}")
    elif args.video_model and args.visuals == "motion":
        raise CommandError("--video-model is for --visuals wan or auto; leave it out, or add "
                           "--visuals wan.")
    visuals, note = choose_visuals(args.visuals, args.video_model)
    if note:
        print(f"note: {note}", file=sys.stderr)
    return visuals


def _make_one(brief, folder: Path, new: bool, **job):
    """make_project into ``folder``: a new folder is made under a hidden staging name and renamed
    into place at the end, so a stopped or killed run never leaves a half-made project."""
    import shutil
    import tempfile

    from promodesk.core.atomic import temp_prefix
    from promodesk.engines.assemble import make_project

    if not new:
        return make_project(brief, folder, **job)
    staging = Path(tempfile.mkdtemp(prefix=temp_prefix(folder.name), dir=folder.parent))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(staging, 0o777 & ~mask)  # mkdtemp makes it 0700; a project folder is 0755
    try:
        made = make_project(brief, staging, **job)
        os.rename(staging, folder)
        made.folder = folder
        return made
    except OSError as err:
        # name the file as it would have been, not by the hidden staging folder's name
        if err.filename and str(err.filename).startswith(str(staging)):
            err.filename = str(folder) + str(err.filename)[len(str(staging)):]
        raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _languages(args: argparse.Namespace) -> list[str]:
    """The language codes of --languages, in order, each once ([] without the option)."""
    given = [code.strip().lower() for code in (args.languages or "").split(",")]
    return list(dict.fromkeys(code for code in given if code))


def _check_languages(languages: list[str], brief, translator) -> None:
    """Refuse, before any work, a language PromoDesk cannot translate into, one whose script
    no bundled font can draw, or one no translation model here can translate the brief into.
    Raises CommandError naming the language and what to do."""
    from promodesk.engines.assemble import source_language
    from promodesk.engines.text.translate import LANGUAGES, TranslationEngine, font_gaps

    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown:
        raise CommandError(f"--languages: {', '.join(unknown)} is not a language PromoDesk can "
                           f"make a version in; use codes from {', '.join(LANGUAGES)}.")
    for code in languages:
        gaps = font_gaps(code)
        if gaps:
            raise CommandError(f"--languages: no bundled font can draw {LANGUAGES[code]} "
                               f"({''.join(gaps[:8])}...), so its captions would be blank; "
                               "leave it out of --languages.")
    source = source_language(brief)
    engine = TranslationEngine(translator)
    for code in languages:
        why = engine.availability(source, code) if code != source else None
        if why:
            raise CommandError(f"--languages {code}: {why}")


def _audiences(args: argparse.Namespace, brief) -> list[str]:
    """The audiences of --audiences (comma-separated), else (--audiences alone) the brief's
    ``audiences`` or its ``audience``, each once; [] without the option."""
    if args.audiences is None:
        return []
    listed = args.audiences.split(",") if args.audiences else brief.audiences or [brief.audience]
    given = [a.strip() for a in listed]
    found = list(dict.fromkeys(a for a in given if a))
    if not found:
        raise CommandError("--audiences: name the audiences, e.g. --audiences "
                           "\"students,office workers\" (the brief has no audience).")
    return found


def _audience_outputs(args: argparse.Namespace, out: Path, aspects: list[str],
                      languages: list[str], audiences: list[str]) -> tuple[dict, list[Path]]:
    """The videos by (audience index, aspect[, language]) and one project folder per audience:
    each audience's outputs are named as a whole make of ``OUT-AUDIENCE.mp4`` would be."""
    from promodesk.render.outputs import audience_output, language_output_paths, output_paths

    videos: dict = {}
    folders = []
    for n, audience in enumerate(audiences):
        named = audience_output(out, audience)
        plain = output_paths(named, aspects)
        folders.append(Path(args.project).expanduser().absolute() / f"{named.stem}.promodesk"
                       if args.project else named.with_name(plain[(0, aspects[0])].stem
                                                            + ".promodesk"))
        found = language_output_paths(named, aspects, languages) if languages else plain
        videos.update({(n, *key[1:]): path for key, path in found.items()})
    return videos, folders


def _check_licences(project, folder: Path, allowed: bool) -> None:
    """Refuse (CommandError, exit 2) a project holding a take whose licence forbids commercial
    use, unless ``allowed`` (--allow-non-commercial)."""
    from promodesk.render.licences import LicenceError, check_commercial

    if allowed:
        return
    try:
        check_commercial(project)
    except LicenceError as err:
        raise CommandError(f"{folder}: {err}") from None


def _brand_kit(args: argparse.Namespace, brief):
    """The brand kit of --brand (None without it), checked before any work: it exists, its files
    are there, its fonts draw the copy. Its colours stand in for a brief without brand colours;
    an explicit --logo or brief logo wins over the kit's. Raises CommandError naming the problem."""
    if not args.brand:
        return None
    from dataclasses import replace

    from promodesk.core.brandkit import BrandKitError, check_fonts_for, load_kit

    try:
        kit = load_kit(args.brand)
        check_fonts_for(kit, "".join([brief.title, brief.text, brief.price, brief.cta]))
    except BrandKitError as err:
        raise CommandError(f"--brand: {err}") from None
    from promodesk.commands.checks import readable_clip

    for key in ("intro", "outro"):  # a kit saved before clips were checked, or changed since
        if getattr(kit, key):
            readable_clip(kit.path(getattr(kit, key)),
                          f"--brand {kit.name}: its {key} (save the kit again with another "
                          f"--{key})")
    if not brief.brand_colors:
        brief.brand_colors = list(kit.color_list)
    return replace(kit, logo=None) if brief.logo else kit


def _apply_brand(made, folder: Path, kit, aspects: list[str]) -> None:
    """Put ``kit`` on the made project (engines.visuals.brand.apply_brand; notes about the
    exported ``aspects``) and save it again."""
    from promodesk.core.brandkit import BrandKitError
    from promodesk.core.projectfile import save_project
    from promodesk.engines.visuals.brand import apply_brand

    try:
        made.notes += apply_brand(made.project, folder, kit, report=aspects)
    except BrandKitError as err:
        raise CommandError(f"--brand: {err}") from None
    save_project(made.project, folder)


def run(args: argparse.Namespace) -> int:
    from promodesk.commands.progress import TerminalProgress
    from promodesk.core.timeline import ASPECTS
    from promodesk.engines.base import CancelToken, stage
    from promodesk.engines.text.versions import language_version
    from promodesk.render.export import export_video

    brief = _brief_from_args(args)
    kit = _brand_kit(args, brief)
    aspects, out, videos, folders, new = _check(args, brief)
    visuals = _visuals(args)
    bar = TerminalProgress()
    cancel = CancelToken()
    written: list[Path] = []
    languages = _languages(args)
    audiences = _audiences(args, brief)
    jobs = len(folders) * (1 + len(aspects) * max(1, len(languages)))
    step = 0
    try:
        for v, folder in enumerate(folders):
            made = _make_one(brief, folder, new[v], seed=args.seed,
                             variant=0 if audiences else v, aspect=aspects[0],
                             voice=args.voice, languages=languages or None,
                             translator=args.translator,
                             audience=audiences[v] if audiences else None,
                             rewriter=args.rewriter, visuals=visuals,
                             video_model=args.video_model, video_preset=args.video_preset,
                             progress=stage(bar, step / jobs, (step + 1) / jobs,
                                            audiences[v] if audiences else
                                            f"variant {v + 1}" if args.variants > 1 else "plan"),
                             cancel=cancel)
            step += 1
            if kit is not None:
                _apply_brand(made, folder, kit, aspects)
            for note in made.notes:
                print(f"\nnote: {note}", file=sys.stderr)
            written.append(folder)
            _check_licences(made.project, folder, args.allow_non_commercial)
            # one MP4 + SRT per language (its captions and voice, the same music and cut)
            for language, aspect in [(lang, a) for lang in languages or [None] for a in aspects]:
                w, h = (round(x * args.scale / 2) * 2 for x in ASPECTS[aspect])
                shown = language_version(made.project, language) if language else made.project
                path = videos[(v, aspect, language)] if language else videos[(v, aspect)]
                result = export_video(shown, folder, path, (w, h),
                                      captions=args.captions,
                                      commercial_only=not args.allow_non_commercial,
                                      progress=stage(bar, step / jobs, (step + 1) / jobs,
                                                     f"export {aspect} {language or ''}".strip()),
                                      cancel=cancel)
                step += 1
                written += [result.path, *result.subtitles]
                if result.missing_glyphs:
                    print(f"\nnote: no bundled font can draw {''.join(result.missing_glyphs)!r};"
                          " those characters were left out of the burned captions.", file=sys.stderr)
    except BaseException:
        cancel.cancel()
        raise
    finally:
        bar.done()
    print("Wrote: " + ", ".join(str(p) for p in written))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "make", help="make finished promo videos and an editable project from a brief",
        description="Compose music for the copy, plan beat-cut shots from the photos, time the "
                    "captions, and export MP4 + SRT for each aspect, plus the project folder.")
    p.add_argument("brief", nargs="?", help="brief file (.toml, .json or plain text)")
    p.add_argument("-o", "--output", required=True, help="output video, e.g. promo.mp4")
    p.add_argument("--aspect", help="one or more of 9:16,1:1,16:9 (default: the brief's)")
    p.add_argument("--seconds", type=finite_number, help="length of the video (5..180)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same video)")
    p.add_argument("--variants", type=int, default=1, help="make N different cuts for A/B tests")
    p.add_argument("--project", help="project folder to write (default: next to the output)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing project folder (a damaged one is never replaced)")
    p.add_argument("--captions", choices=["burn", "soft", "both", "none"], default="burn",
                   help="burn captions into the picture, add a subtitle track, or both")
    p.add_argument("--scale", type=float, default=1.0,
                   help="render at a fraction of full size, for quick drafts (e.g. 0.5)")
    p.add_argument("--voice", metavar="MODEL", nargs="?", const="default",
                   help="add a voice-over read by this model (a name from `promodesk models "
                   "list`, or a model folder; alone: VibeVoice when installed, else Bark)")
    p.add_argument("--voice-sample", metavar="zh=FILE,en=FILE",
                   help="VibeVoice speaks each language in the voice of this recording (WAV, "
                        "MP3 or FLAC, 3-30 s; stored in the project). Only with the speaker's "
                        "consent: VibeVoice's model card requires it, and that you say the voice "
                        "is AI-made")
    p.add_argument("--speaker", metavar="zh=v2/zh_speaker_3",
                   help="Bark speaks each language as this preset speaker")
    p.add_argument("--languages", metavar="zh,en",
                   help="a version per language (comma-separated codes): the copy translated by "
                        "a local model, captions (and voice) per language on the same music and "
                        "cut; one MP4 + SRT per language and aspect")
    p.add_argument("--translator", metavar="MODEL",
                   help="translation model for --languages (a name from `promodesk models "
                        "list`, or a model folder; default: Qwen3 on a GPU, else OPUS-MT)")
    p.add_argument("--audiences", nargs="?", const="", metavar="A,B",
                   help="a version per audience (comma-separated, e.g. \"students,office "
                        "workers\"; alone: the brief's audience): the lines and call to action "
                        "rewritten for it by a local instruct model, prices, numbers and the "
                        "product name kept verbatim")
    p.add_argument("--rewriter", metavar="MODEL", default=None,
                   help="instruct model for --audiences (default: qwen3-4b-instruct)")
    p.add_argument("--visuals", choices=["auto", "motion", "wan"], default="auto",
                   help="the pictures: motion shots from the photos, or clips generated by the "
                        "Wan video model (photos that move, scenes for shots without one; "
                        "a clip that changed the product falls back to the motion shot); auto "
                        "(default): wan when its model and a CUDA GPU are here, else motion "
                        "(with backgrounds under the cards from a stills model that allows "
                        "commercial use, FLUX.1 schnell, when it and the GPU are here)")
    p.add_argument("--video-model", metavar="MODEL",
                   help="the Wan model for --visuals wan/auto (a name from `promodesk models "
                        "list`, or a model folder; default: wan2.2-ti2v-5b)")
    p.add_argument("--video-preset", choices=["draft", "final"], default="draft",
                   help="generated clips at 480p with few steps (draft, minutes) or at the "
                        "model's native size (final, much slower)")
    p.add_argument("--allow-non-commercial", action="store_true",
                   help="export takes whose licence forbids commercial use")
    p.add_argument("--text", help="the copy, instead of a brief file")
    p.add_argument("--image", action="append", default=[], help="a product photo (repeatable)")
    p.add_argument("--title", help="product name (with --text)")
    p.add_argument("--price", help="price to show (with --text)")
    p.add_argument("--cta", help="call to action (with --text)")
    p.add_argument("--style", help="music/visual style (default: from the copy)")
    p.add_argument("--media", action="append", default=[],
                   help="your own video clip, cut into the video on the bars (repeatable)")
    p.add_argument("--logo", help="your logo (PNG with transparency), shown over the whole video")
    p.add_argument("--media-sound", choices=["under", "speech", "mute"], default=None,
                   help="the clips' own sound: under the music (default), speech (full level, "
                        "the music ducks under it) or mute")
    p.add_argument("--brand", metavar="NAME",
                   help="use the saved brand kit NAME (`promodesk brand save`): its logo, "
                        "watermark, fonts, colours, caption style and intro/outro clips")
    p.set_defaults(func=run)
