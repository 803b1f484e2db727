"""A shop's catalogue: many products, each one brief plus its own settings.

Three sources are read, all into a list of :class:`Product`:

- a CSV with one product a row: ``title, text, images`` (paths relative to the CSV separated by
  ``;``), ``media`` (video clips, the same way), ``logo``, ``price, old_price, cta, aspect(s)`` (``9:16;1:1``), ``seconds, style, language`` and
  ``brand``: the name of a saved brand kit (:mod:`promodesk.core.brandkit`) for the product, or
  brand colours (``#7a2e1f;#f4e9d8``); an optional ``id`` names the product's folder;
- a Shopify product export CSV (``Handle, Title, Body (HTML), Variant Price, Variant Compare At
  Price, Image Src``): the rows of one handle are merged, the HTML body becomes the copy, and each
  image URL is matched by file name against a local images folder;
- a folder of brief files (``.toml``, ``.json``, ``.txt``), one product each.

Nothing here raises for one bad product: a row that cannot make a video comes back with its
``problems`` (which a person can fix), so a batch can fail that product and go on with the rest.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from promodesk.core.brief import Brief, BriefError, brief_from_dict, read_brief, validate_brief
from promodesk.core.timeline import ASPECTS

COLUMNS = ("id", "title", "text", "images", "media", "logo", "price", "old_price", "cta",
           "aspect", "aspects", "seconds", "style", "language", "languages", "brand")
SHOPIFY_MARK = ("Handle", "Body (HTML)")
BRIEF_SUFFIXES = (".toml", ".json", ".txt")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class CatalogueError(ValueError):
    """A catalogue that cannot be read at all (missing file, not UTF-8, no header)."""


@dataclass
class Product:
    """One product of a catalogue. ``key`` is unique in the catalogue and names its output folder;
    ``aspects`` are the exports wanted (the first one shapes the project); ``old_price`` is drawn
    struck through on the offer shot; ``brand_kit`` names the saved brand kit put on it ("" for
    none: a batch's ``--brand`` then applies); ``where`` says where it came from (file and row)
    and ``problems`` lists what stops it from being made (empty when it can be)."""

    key: str
    brief: Brief
    aspects: list[str]
    old_price: str = ""
    where: str = ""
    problems: list[str] = field(default_factory=list)
    brand_kit: str = ""


def slug(text: str, fallback: str = "product") -> str:
    """A file-name-safe key from ``text``: lower-case ASCII words and digits joined by '-';
    Chinese characters are kept (they are valid in file names everywhere we ship)."""
    s = re.sub(r"[^\w\u4e00-\u9fff]+", "-", text.strip().lower(), flags=re.ASCII)
    s = re.sub(r"[^0-9a-z\u4e00-\u9fff-]+", "-", s).strip("-")
    return s[:48].strip("-") or fallback


def _unique(products: list[Product]) -> list[Product]:
    """Give products that share a key a -2, -3 ... suffix, in catalogue order."""
    seen: dict[str, int] = {}
    for p in products:
        n = seen.get(p.key, 0) + 1
        seen[p.key] = n
        if n > 1:
            p.key = f"{p.key}-{n}"
    return products


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise CatalogueError(f"Cannot read the catalogue {path}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"The catalogue {path} is not UTF-8 text. In Excel use "
                             "'Save As > CSV UTF-8', then run this again.") from None
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise CatalogueError(f"The catalogue {path} is empty; it needs a header row "
                             f"({', '.join(COLUMNS[1:4])}, ...).")
    header = [h.strip() for h in reader.fieldnames]
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
    return header, rows


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;|]", value) if v.strip()]


def _aspects(value: str, where_problems: list[str]) -> list[str]:
    aspects = [a.replace("x", ":") for a in _split(value.replace(",", ";"))] or []
    bad = [a for a in aspects if a not in ASPECTS]
    if bad:
        where_problems.append(f"aspect: {', '.join(bad)} not supported; use {', '.join(ASPECTS)}")
    return [a for a in aspects if a in ASPECTS]


def _product(key: str, data: dict, base: Path, where: str, aspects_text: str,
             old_price: str, brand: str, languages: str) -> Product:
    """A Product from brief fields ``data`` (paths relative to ``base``) and the catalogue's own
    columns; every problem found is kept on it. ``brand`` is brand colours when every part of
    it starts with '#', else the name of a brand kit (whether it exists is checked by the batch,
    before any work)."""
    problems: list[str] = []
    kit = brand.strip() if any(not c.startswith("#") for c in _split(brand)) else ""
    brand = "" if kit else brand
    langs = _split(languages.replace(",", ";"))
    if len(langs) > 1:
        problems.append(f"language: one language a row ({', '.join(langs)} given); translated "
                        "versions need a row each with the translated copy")
    if langs:
        data["language"] = langs[0]
    colours = _split(brand.replace(",", ";"))
    bad_colours = [c for c in colours if not _COLOUR.fullmatch(c)]
    if bad_colours:
        problems.append(f"brand: {', '.join(bad_colours)} is not a brand colour like #7a2e1f "
                        "(give one or two separated by ';')")
    data["brand_colors"] = [c for c in colours if _COLOUR.fullmatch(c)]
    aspects = _aspects(aspects_text, problems)
    if aspects:
        data["aspect"] = aspects[0]
    brief, read_problems = brief_from_dict(data, base=base)
    problems += [str(p) for p in read_problems + validate_brief(brief)]
    return Product(key, brief, aspects or [brief.aspect], old_price, where, problems,
                   brand_kit=kit)


def _seconds(value: str, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace("s", ""))
    except ValueError:
        problems.append(f"seconds: '{value}' is not a number of seconds")
        return None


def read_csv_catalogue(path: Path) -> tuple[list[Product], list[str]]:
    """Products of a PromoDesk catalogue CSV (see the module docstring), and problems with the
    file as a whole (unknown columns). Each row's own problems stay on its Product."""
    path = Path(path).resolve()
    header, rows = _read_rows(path)
    warnings = []
    for col in header:
        if col.lower() not in COLUMNS:
            near = difflib.get_close_matches(col.lower(), COLUMNS, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; known: {', '.join(COLUMNS)}"
            warnings.append(f"{path.name}: column '{col}' is not used{hint}")
    products = []
    for n, raw in enumerate(rows, start=2):  # row 1 is the header
        row = {k.lower(): v for k, v in raw.items()}
        if not any(row.values()):
            continue
        problems: list[str] = []
        data: dict = {k: row[k] for k in ("title", "text", "price", "cta", "style")
                      if row.get(k)}
        data["images"] = _split(row.get("images", ""))
        if row.get("media"):
            data["media"] = _split(row["media"])
        if row.get("logo"):
            data["logo"] = row["logo"]
        seconds = _seconds(row.get("seconds", ""), problems)
        if seconds is not None:
            data["seconds"] = seconds
        key = slug(row.get("id") or row.get("title") or row.get("text", "")[:24], f"row-{n}")
        p = _product(key, data, path.parent, f"{path.name} row {n}",
                     row.get("aspects") or row.get("aspect", ""), row.get("old_price", ""),
                     row.get("brand", ""), row.get("languages") or row.get("language", ""))
        p.problems[:0] = problems
        products.append(p)
    return _unique(products), warnings


class _TextOf(HTMLParser):
    """Visible text of an HTML fragment; block elements end a sentence."""

    BLOCKS = {"p", "br", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of ``html``, one line per paragraph or list item; a line that does not
    end a sentence gets a full stop, so the copy splits into captions where the page did."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in "".join(parser.parts).split("\n")]
    out = []
    for ln in filter(None, lines):
        out.append(ln if re.search(r"[.!?。！？…]$", ln) else
                   ln + ("。" if re.search(r"[\u4e00-\u9fff]$", ln) else "."))
    return " ".join(out)


def _match_image(url: str, images: Path | None) -> Path | str:
    """The local file for a Shopify image URL (matched by file name, then by name without
    extension, case-insensitive), or a problem sentence."""
    name = Path(urlparse(url).path).name
    if images is None:
        return f"images: {name} is a web address; give the folder the photos were downloaded " \
               "to with --images DIR"
    exact = images / name
    if exact.is_file():
        return exact
    stem = Path(name).stem.lower()
    for cand in sorted(images.iterdir()):
        if cand.is_file() and (cand.name.lower() == name.lower() or cand.stem.lower() == stem):
            return cand
    return f"images: {name} not found in {images}; download it there or remove the row"


def read_shopify_catalogue(path: Path, images: Path | None = None) -> tuple[list[Product], list[str]]:
    """Products of a Shopify product export CSV: rows merged by Handle, the first non-empty Title,
    Body (HTML) as text and Variant Price / Compare At Price; Image Src matched by file name in
    ``images`` (a local folder). Returns the products and whole-file warnings."""
    path = Path(path).resolve()
    images = Path(images).resolve() if images else None
    if images is not None and not images.is_dir():
        raise CatalogueError(f"The images folder {images} does not exist; give the folder the "
                             "Shopify photos were downloaded to with --images DIR.")
    _, rows = _read_rows(path)
    merged: dict[str, dict] = {}
    for n, row in enumerate(rows, start=2):
        handle = row.get("Handle", "")
        if not handle:
            continue
        m = merged.setdefault(handle, {"row": n, "title": "", "html": "", "price": "", "old": "",
                                       "images": [], "seen": set()})

        def first(key: str, *cols: str) -> None:
            for col in cols:
                if not m[key] and row.get(col):
                    m[key] = row[col]

        first("title", "Title")
        first("html", "Body (HTML)")
        first("price", "Variant Price")
        first("old", "Variant Compare At Price", "Compare At Price")
        for col in ("Image Src", "Variant Image"):
            src = row.get(col, "")
            if src and src not in m["seen"]:
                m["seen"].add(src)
                m["images"].append((int(row.get("Image Position") or 10_000), len(m["images"]), src))
    products = []
    for handle, m in merged.items():
        problems: list[str] = []
        photos = []
        for _, _, src in sorted(m["images"]):
            found = _match_image(src, images)
            if isinstance(found, Path):
                photos.append(str(found))
            else:
                problems.append(found)
        text = html_to_text(m["html"]) or m["title"]
        data = {"title": m["title"], "text": text, "images": photos,
                "price": m["price"]}
        p = _product(slug(handle), data, path.parent, f"{path.name} handle {handle} (row {m['row']})",
                     "", m["old"], "", "")
        p.problems[:0] = problems
        products.append(p)
    return _unique(products), []


def read_brief_folder(folder: Path) -> tuple[list[Product], list[str]]:
    """One product per brief file in ``folder`` (sorted by name), keyed by the file's name."""
    folder = Path(folder).resolve()
    products = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in BRIEF_SUFFIXES or path.name.startswith("."):
            continue
        try:
            brief, problems = read_brief(path)
            problems += validate_brief(brief)
        except BriefError as err:
            brief, problems = Brief(text="", source=path), list(err.problems)
        products.append(Product(slug(path.stem), brief, [brief.aspect], "", path.name,
                                [str(p) for p in problems]))
    if not products:
        raise CatalogueError(f"{folder} holds no briefs ({', '.join(BRIEF_SUFFIXES)} files).")
    return _unique(products), []


def is_shopify(path: Path) -> bool:
    """True when the CSV at ``path`` has Shopify's export header (Handle, Body (HTML))."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError):
        return False
    return all(col in [h.strip() for h in header] for col in SHOPIFY_MARK)


def read_catalogue(path: Path, images: Path | None = None) -> tuple[list[Product], list[str]]:
    """Products of the catalogue at ``path`` (a CSV of either kind, or a folder of briefs), and
    warnings about the catalogue as a whole. Raises CatalogueError when it cannot be read."""
    path = Path(path)
    if path.is_dir():
        return read_brief_folder(path)
    if not path.is_file():
        raise CatalogueError(f"The catalogue {path} does not exist; give a .csv file or a folder "
                             "of briefs.")
    if is_shopify(path):
        return read_shopify_catalogue(path, images)
    return read_csv_catalogue(path)
