"""Reading the product copy: language, sentences, caption lines, key phrases, offer and call to
action.

Caption lines are cut for reading, not for layout: Chinese is read at about 4-6 characters a
second, English at about 12-17; a line stays on screen at least 1.2 s, and holds at most what
fits in two caption lines. Durations are integer microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from promodesk.core.script import count_han, count_kana, is_cjk, looks_japanese
from promodesk.core.timeline import us_from_seconds

MIN_LINE_US = 1_200_000
# Reading speeds used to time a line (the middle of the usual ranges).
ZH_CHARS_PER_S = 5.0
EN_CHARS_PER_S = 15.0
# The most one caption (two lines on a 9:16 screen) should hold.
ZH_MAX_CHARS = 16
EN_MAX_CHARS = 42

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# Sentence ends: Chinese full stops always; ASCII ones when followed by space or the end (so
# "1.5" and "$4.99" stay whole); closing quotes/brackets stay with their sentence.
_SENTENCE_END = re.compile(r"([。！？!?；;…]+|\.(?=\s|$))([”’」』）)\]》\"']*)")
# not the comma of "1,299", the colon of "10:30" or of "https://"
_CLAUSE_END = re.compile(r"((?:[，、：—]|[,:](?![\d/]))+)")
_ZH_LEAD_VERBS = ("采用", "拥有", "具有", "带来", "选用", "配备", "支持", "全新")


@dataclass(frozen=True)
class CaptionLine:
    """One caption: its text, the index of the sentence it comes from, and how long it needs on
    screen to be read (microseconds)."""

    text: str
    sentence: int
    read_us: int


@dataclass(frozen=True)
class Offer:
    """A price or deal found in the copy. Strings are as written (e.g. "99元", "$49",
    "20 percent", "两只装"); empty when absent."""

    price: str = ""
    old_price: str = ""
    discount: str = ""
    bundle: str = ""

    def __bool__(self) -> bool:
        return bool(self.price or self.discount or self.bundle)


@dataclass
class CopyAnalysis:
    """Everything the planner needs from the copy."""

    language: str
    sentences: list[str]
    lines: list[CaptionLine]
    key_phrases: list[str]
    offer: Offer
    cta: str
    offer_sentences: list[int] = field(default_factory=list)
    cta_sentence: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def read_us(self) -> int:
        """Total time needed to read every caption line, in microseconds."""
        return sum(line.read_us for line in self.lines)


def detect_language(text: str) -> str:
    """"zh", "ja", "en" or "mixed" (Chinese with English) by the share of Chinese and Japanese
    characters against English words (an English word weighs about two hanzi of reading). Kana
    decide Japanese (:func:`~promodesk.core.script.looks_japanese`): Japanese copy is "ja"
    unless English words make it mostly English; kanji alone stay "zh". Text with neither
    counts as "en"."""
    cjk = count_han(text) + count_kana(text)
    words = 2 * len(_LATIN_WORD.findall(text))
    if cjk + words == 0:
        return "en"
    share = cjk / (cjk + words)
    if share <= 0.25:
        return "en"
    if looks_japanese(text):
        return "ja"
    return "zh" if share >= 0.75 else "mixed"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences in order, punctuation kept, blank lines and line breaks also ending one."""
    out = []
    for para in re.split(r"\n+", text):
        para = _clean(para)
        pos = 0
        for m in _SENTENCE_END.finditer(para):
            piece = para[pos:m.end()].strip()
            if piece:
                out.append(piece)
            pos = m.end()
        if para[pos:].strip():
            out.append(para[pos:].strip())
    return [s for s in out if _has_content(s)]


def _has_content(s: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in s)


def split_clauses(sentence: str) -> list[str]:
    """A sentence cut after its commas, enumeration commas, colons and dashes."""
    parts, pos = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        parts.append(sentence[pos:m.end()].strip())
        pos = m.end()
    parts.append(sentence[pos:].strip())
    return [p for p in parts if p and _has_content(p)]


def _is_zh(s: str) -> bool:
    """Whether ``s`` is read and cut as Chinese or Japanese (by characters, not words)."""
    return detect_language(s) != "en"


def text_length(s: str) -> int:
    """Reading length: characters without spaces for Chinese, characters for English."""
    return len(s.replace(" ", "")) if _is_zh(s) else len(s)


def reading_time_us(s: str) -> int:
    """Microseconds a viewer needs to read ``s`` (at least 1.2 s)."""
    cps = ZH_CHARS_PER_S if _is_zh(s) else EN_CHARS_PER_S
    visible = sum(1 for ch in s if unicodedata.category(ch)[0] in "LNS")
    return max(MIN_LINE_US, us_from_seconds(visible / cps))


def _max_chars(s: str) -> int:
    return ZH_MAX_CHARS if _is_zh(s) else EN_MAX_CHARS


def _split_long(piece: str, limit: int) -> list[str]:
    """Cut a clause longer than ``limit``: English at word boundaries, Chinese into even runs,
    Japanese into even runs moved to the nearest phrase boundary."""
    if _is_zh(piece):
        n = -(-text_length(piece) // limit)
        size = -(-len(piece) // n)
        cuts = _even_cuts(piece, size)
        if looks_japanese(piece):
            cuts = _phrase_cuts(piece, cuts, limit)
        chunks = [piece[a:b].strip() for a, b in cuts]
        # Never leave punctuation alone at the start of a chunk.
        for i in range(1, len(chunks)):
            while chunks[i] and not _has_content(chunks[i][0]):
                chunks[i - 1] += chunks[i][0]
                chunks[i] = chunks[i][1:]
        return [c for c in chunks if c]
    return _balanced_words(piece, limit)


def _in_word(piece: str, at: int) -> bool:
    """Whether a cut before ``piece[at]`` falls inside a Latin word or a number ("only t|his",
    "1,2|99"): both neighbours are neither spaces nor Chinese/Japanese characters."""
    return all(not ch.isspace() and not is_cjk(ch) and _has_content(ch) or ch in ".,'-"
               for ch in piece[at - 1:at + 1]) and not piece[at].isspace()


def _even_cuts(piece: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of runs of about ``size`` characters covering ``piece``, each cut moved
    back to the start of a Latin word or number it would split (forward past it when the word
    fills the whole run)."""
    bounds = [0]
    for cut in range(size, len(piece), size):
        back = cut
        while back > bounds[-1] and _in_word(piece, back):
            back -= 1
        if back == bounds[-1]:
            back = cut
            while back < len(piece) and _in_word(piece, back):
                back += 1
        if bounds[-1] < back < len(piece):
            bounds.append(back)
    bounds.append(len(piece))
    return list(zip(bounds, bounds[1:]))


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


# How far (characters) a Japanese cut may move from its even place to a phrase boundary.
_PHRASE_REACH = 3


def _phrase_cuts(piece: str, cuts: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """``cuts`` ((start, end) runs of ``piece``) with each inner cut moved to the nearest
    Japanese phrase boundary within :data:`_PHRASE_REACH` characters (after hiragana, before a
    kanji, katakana or Latin letter: "職人が|一つずつ|仕上げた|磁器の|カップ"), so a line does not
    end inside a word like 仕上|げた; a cut stays where it is when no boundary near it keeps both
    runs within ``limit`` characters."""
    bounds = [0] + [b for _, b in cuts]
    for i in range(1, len(bounds) - 1):
        at, before, after = bounds[i], bounds[i - 1], bounds[i + 1]
        near = [p for p in range(at - _PHRASE_REACH, at + _PHRASE_REACH + 1)
                if before < p < after and p - before <= limit and after - p <= limit
                and _is_hiragana(piece[p - 1]) and not _is_hiragana(piece[p])
                and _has_content(piece[p]) and piece[p] not in "ーッャュョァィゥェォ"]
        if near:
            bounds[i] = min(near, key=lambda p: abs(p - at))
    return list(zip(bounds, bounds[1:]))


def _balanced_words(piece: str, limit: int) -> list[str]:
    """English ``piece`` cut at word boundaries into the fewest lines of at most ``limit``
    characters, of even length, preferring a cut before "and", "with" and the like."""
    words = piece.split()
    n = -(-len(piece) // limit)
    out, start = [], 0
    for k in range(1, n):
        target = len(piece) * k / n
        best, best_cost = None, None
        for i in range(start + 1, len(words)):
            left = " ".join(words[start:i])
            if len(left) > limit:
                break
            at = len(" ".join(words[:i]))
            cost = abs(at - target) - (8 if f" {words[i].lower()} " in _BREAKS else 0)
            if best_cost is None or cost < best_cost:
                best, best_cost = i, cost
        if best is None:
            break
        out.append(" ".join(words[start:best]))
        start = best
    rest = " ".join(words[start:])
    if len(rest) > limit and len(words) - start > 1:
        if start == 0:  # the first word alone is longer than a line: it gets a line of its own
            return [words[0], *_balanced_words(" ".join(words[1:]), limit)]
        out += _balanced_words(rest, limit)
    else:
        out.append(rest)
    return [o for o in out if o]


def caption_lines(sentences: list[str]) -> list[CaptionLine]:
    """Caption lines for the sentences, in order: a sentence that fits two caption lines stays
    whole; a longer one is cut at clauses, clauses joined back while they fit, and a clause that
    alone is too long cut at words (English) or into even runs (Chinese)."""
    lines = []
    for index, sentence in enumerate(sentences):
        limit = _max_chars(sentence)
        if text_length(sentence) <= limit:
            pieces = [sentence]
        else:
            pieces, cur = [], ""
            for clause in split_clauses(sentence):
                for part in ([clause] if text_length(clause) <= limit else _split_long(clause, limit)):
                    joiner = "" if _is_zh(part) else " "
                    # never join across a colon, semicolon or dash: they end a thought
                    strong = cur.rstrip().endswith(tuple("：:；;—"))
                    if cur and not strong and text_length(cur + joiner + part) <= limit:
                        cur = cur + joiner + part
                    else:
                        if cur:
                            pieces.append(cur)
                        cur = part
            if cur:
                pieces.append(cur)
        lines += [CaptionLine(_caption_text(p), index, reading_time_us(p)) for p in pieces]
    return lines


# --- offer and call to action -------------------------------------------------------------------

_ZH_NUM = "一二两三四五六七八九十"
_PRICE_PATTERNS = [
    re.compile(r"(?:仅需|只要|只需|到手价?|特价|券后|低至)\s*([¥￥]?\s*\d+(?:,\d{3})*(?:\.\d+)?\s*元?)"),
    re.compile(r"([¥￥]\s*\d+(?:,\d{3})*(?:\.\d+)?)"),
    re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?\s*[元円])"),
    re.compile(r"([$€£]\s*\d+(?:[.,]\d+)?)"),
    re.compile(r"(\d+(?:\.\d+)?\s*(?:dollars|usd|euros?))", re.I),
]
_OLD_PRICE = re.compile(r"(?:原价|was|regular(?:ly)?|reg\.)\s*:?\s*([¥￥$€£]?\s*\d+(?:[.,]\d+)?\s*元?)", re.I)
_DISCOUNT = [
    re.compile(r"(?:save|take)\s+(\d+\s*(?:%|percent))", re.I),
    re.compile(r"(\d+\s*(?:%|percent)\s*off)", re.I),
    re.compile(r"([" + _ZH_NUM + r"\d](?:\.\d)?\s*折)"),
    re.compile(r"(满\d+减\d+)"),
    re.compile(r"(买[" + _ZH_NUM + r"\d]送[" + _ZH_NUM + r"\d])"),
    re.compile(r"(half price|buy one,? get one(?: free)?|bogo)", re.I),
]
_BUNDLE = [
    re.compile(r"([" + _ZH_NUM + r"\d]+\s*(?:只|件|瓶|盒|支|个|片|袋)装)"),
    re.compile(r"([" + _ZH_NUM + r"\d]+\s*件套)"),
    re.compile(r"((?:pack|set) of \d+|\d+-pack|two-pack|twin pack)", re.I),
]
_CTA = [
    re.compile(r"(立即抢购|马上抢购|立即购买|马上购买|立即下单|马上下单|点击购买|快来抢购|快来选购|"
               r"立即预订|马上预订|赶快下单|速来抢购|即刻购买|立即入手)"),
    re.compile(r"(今すぐ(?:購入|ご購入|注文|ご注文|予約|ご予約|チェック|お試し)|ご購入はこちら|"
               r"お求めはこちら|お買い求めはお早めに)"),
    re.compile(r"\b(order (?:now|today|yours)|buy (?:now|today|it now)|shop (?:now|today)|"
               r"get (?:yours|it) (?:now|today)|pre-?order (?:now|today)|add to cart|"
               r"grab (?:yours|one)(?: now| today)?|learn more|sign up (?:now|today))\b", re.I),
]


def _first(patterns: list[re.Pattern], text: str) -> str:
    for pat in patterns:
        m = pat.search(text)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    return ""


def find_offer(text: str) -> Offer:
    """The price, old price, discount and bundle written in ``text`` (each "" when absent)."""
    old = _first([_OLD_PRICE], text)
    rest = text.replace(old, "") if old else text
    return Offer(price=_first(_PRICE_PATTERNS, rest), old_price=old,
                 discount=_first(_DISCOUNT, text), bundle=_first(_BUNDLE, text))


def find_cta(text: str) -> str:
    """A call to action written in ``text`` ("立即抢购", "Order now"), or ""."""
    found = _first(_CTA, text)
    return found[:1].upper() + found[1:] if found and found.isascii() else found


_EN_TRAILING = {"and", "or", "to", "the", "a", "an", "of", "for", "with", "in", "on", "your", "its",
                "you", "our", "my", "at", "by", "from"}


def key_phrase(sentence: str) -> str:
    """A short phrase for a text panel: the sentence's most concrete clause (one with a number if
    any, else the first), without a leading verb like 采用, cut to ~10 hanzi or 6 words ending on
    a content word."""
    clauses = [c.rstrip("，、,：:—。！？!?；;.") for c in split_clauses(sentence)]
    clauses = [c for c in clauses if c] or [sentence]
    pick = next((c for c in clauses if re.search(r"\d", c)), clauses[0])
    if _is_zh(pick):
        for verb in _ZH_LEAD_VERBS:
            at = pick.find(verb)
            if at >= 0 and len(pick) > at + len(verb) + 1:
                pick = pick[at + len(verb):]
                break
        return pick[:10]
    return _english_phrase(pick)


_LINKING = ("has", "have", "is", "are", "gets", "includes", "features", "offers", "brings",
            "comes with", "gives you", "lets you")
_BREAKS = (" and ", " with ", " that ", " which ", " so ", " while ", " because ")


def _english_phrase(clause: str, most: int = 7) -> str:
    """An English panel phrase: after a linking verb near the start ("The kit has | everything
    you need"), before a conjunction ("Climbs to 300 meters | and floats home"), at most ``most``
    words, not ending on a small word, first letter capitalised."""
    words = clause.split()
    if len(words) > most:
        low = " " + clause.lower() + " "
        for verb in _LINKING:
            at = low.find(f" {verb} ")
            if 0 < at and len(low[:at].split()) <= 4 and len(low[at:].split()) > 2:
                clause = clause[at + len(verb) + 1:].strip()
                break
    if len(clause.split()) > most:
        low = clause.lower()
        cuts = [low.find(b) for b in _BREAKS if len(low[:max(low.find(b), 0)].split()) >= 2]
        cuts = [c for c in cuts if c > 0]
        if cuts:
            clause = clause[:min(cuts)]
    words = clause.split()[:most]
    while len(words) > 1 and words[-1].lower().strip(",.") in _EN_TRAILING:
        words.pop()
    phrase = " ".join(words)
    return phrase[:1].upper() + phrase[1:]


def strip_emoji(text: str) -> str:
    """``text`` without emoji and pictographs (no caption font draws them), spaces tidied."""
    kept = "".join(ch for ch in text
                   if not (ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF
                           or ch in "\u200d\ufe0f"))
    kept = re.sub(r"[ \t]{2,}", " ", kept)
    # the space that stood before an emoji must not stay before the punctuation after it
    return re.sub(r"[ \t]+(?=[，。！？、；：,.!?;:…)）」』]|$)", "", kept)


def _caption_text(line: str) -> str:
    """A caption does not end on a comma or colon."""
    return line.rstrip("，、,：:；;—").strip() or line


def analyze_copy(text: str, language: str = "auto", cta: str = "") -> CopyAnalysis:
    """Analyse product copy: language (auto-detected unless given), sentences, caption lines,
    one key phrase per sentence, the offer and the call to action (``cta`` from the brief wins
    over one found in the copy)."""
    cleaned = strip_emoji(text)
    notes = ["Emoji were left out of the captions: the caption fonts cannot draw them."] \
        if cleaned != text and strip_emoji(text.replace(" ", "")) != text.replace(" ", "") else []
    text = cleaned
    sentences = split_sentences(text)
    lang = language if language in ("zh", "ja", "en", "mixed") else detect_language(text)
    found_cta = find_cta(text)
    offer_sentences = [i for i, s in enumerate(sentences) if find_offer(s)]
    cta_sentence = next((i for i, s in enumerate(sentences) if find_cta(s)), None)
    return CopyAnalysis(language=lang, sentences=sentences, lines=caption_lines(sentences),
                        key_phrases=[key_phrase(s) for s in sentences], offer=find_offer(text),
                        cta=cta.strip() or found_cta, offer_sentences=offer_sentences,
                        cta_sentence=cta_sentence, notes=notes)
