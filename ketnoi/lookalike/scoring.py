"""How much a page or site looks like one official page: pure functions, no database.

Signals, each shown to the reviewer:

* name: the two names compared after styled letters (NFKC), Vietnamese folding and TR39 skeletons
  (``skeleton.name_key``), with the tricks of impersonators recognised in the manner of dnstwist's
  permutations: words added ("official", "chính thức", "tin tức", "news"...), digits or dots inserted,
  letters doubled, letters swapped, diacritics changed, look-alike letters;
* avatar and cover: pHash and dHash Hamming distances (64-bit hashes, 0 = the same picture);
* address: the handle (facebook.com/<handle>) against the official handle and name, and for websites a
  look-alike domain (another ending, hyphens, the official domain inside a longer one, look-alike letters).

``combine`` turns them into one score in [0, 1]; a name that says it is a fan or parody page is marked as
such and scored down (the office does not pursue those). Reasons are short phrases in the reader's language.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from ketnoi.lookalike.skeleton import name_key, plain_key

# Words an impersonator adds to an official name (folded, as name_key gives them).
TRICK_WORDS: frozenset[str] = frozenset(
    {
        "official",
        "offical",
        "chinh thuc",
        "tin tuc",
        "news",
        "page",
        "fanpage",
        "trang",
        "vn",
        "online",
        "24h",
        "24 7",
        "tv",
        "moi",
        "new",
        "real",
        "that",
        "xac thuc",
        "verified",
        "hq",
        "channel",
        "kenh",
    }
)
# Words of a page that says it is a fan or parody page (not pursued).
PARODY_WORDS: frozenset[str] = frozenset(
    {
        "fan",
        "fans",
        "fanclub",
        "fan club",
        "parody",
        "nhai",
        "che",
        "troll",
        "meme",
        "memes",
        "hai huoc",
        "vui",
        "yeu",
        "hoi nhung nguoi yeu",
        "cong dong yeu",
        "nhung nguoi yeu",
        "khong chinh thuc",
        "unofficial",
        "satire",
        "gia mao vui",
    }
)


@lru_cache(maxsize=1)
def _keyed() -> tuple[dict[str, str], dict[str, str]]:
    """The trick and parody words in name_key form (m becomes rn), each mapped to the word as written."""
    return {name_key(w): w for w in TRICK_WORDS}, {name_key(w): w for w in PARODY_WORDS}


def trick_keys() -> frozenset[str]:
    return frozenset(_keyed()[0])


def parody_keys() -> frozenset[str]:
    return frozenset(_keyed()[1])


_NOT_WORD = re.compile(r"[^\w]+")
_DIGITS_DOTS = re.compile(r"[\d._\-]+")
_DOUBLED = re.compile(r"(.)\1+")
# Endings of web domains that do not tell one site from another.
_DOMAIN_ENDINGS = (
    ".gov.vn",
    ".com.vn",
    ".org.vn",
    ".edu.vn",
    ".net.vn",
    ".info.vn",
    ".dcs.vn",
    ".vn",
    ".com",
    ".net",
    ".org",
    ".info",
    ".xyz",
    ".top",
    ".site",
    ".online",
    ".cc",
    ".co",
    ".me",
    ".io",
    ".biz",
)
AVATAR_SAME = 6  # Hamming distance of 64-bit hashes at or below which two pictures are taken as the same
AVATAR_FAR = 20  # at or above which they are taken as unrelated


@dataclass(frozen=True)
class Official:
    """What the scoring knows of one official page (see ``index.OfficialIndex``)."""

    page_id: int
    name: str
    url: str
    canonical_url: str
    platform: str
    unit_name: str = ""
    avatar_phash: int | None = None
    avatar_dhash: int | None = None
    cover_phash: int | None = None
    cover_dhash: int | None = None
    key: str = field(default="", compare=False)
    handle: str = field(default="", compare=False)

    @staticmethod
    def make(**kwargs: Any) -> Official:
        official = Official(**kwargs)
        object.__setattr__(official, "key", name_key(official.name))
        object.__setattr__(official, "handle", handle_key(official.canonical_url, official.platform))
        return official


@dataclass(frozen=True)
class Candidate:
    """What is known of the page under suspicion: any of its name, address and pictures."""

    name: str = ""
    url: str = ""
    canonical_url: str = ""
    platform: str = ""
    avatar_phash: int | None = None
    avatar_dhash: int | None = None
    cover_phash: int | None = None
    cover_dhash: int | None = None


@dataclass
class Signals:
    """The signals of one candidate against one official page, each in [0, 1] (None: nothing to compare)."""

    name: float | None = None
    handle: float | None = None
    domain: float | None = None
    avatar: float | None = None
    cover: float | None = None
    avatar_distance: int | None = None
    cover_distance: int | None = None
    tricks: list[str] = field(default_factory=list)
    parody: bool = False
    combined: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "combined": round(self.combined, 3),
            "name": r(self.name),
            "handle": r(self.handle),
            "domain": r(self.domain),
            "avatar": r(self.avatar),
            "avatar_distance": self.avatar_distance,
            "cover": r(self.cover),
            "cover_distance": self.cover_distance,
            "tricks": list(self.tricks),
            "parody": self.parody,
            "reasons": list(self.reasons),
        }


# --- names ---------------------------------------------------------------------------------------------


def _strip_words(key: str, words: frozenset[str]) -> tuple[str, list[str]]:
    """The key without the given words (matched as whole words, longest first), and the words found."""
    found: list[str] = []
    padded = f" {key} "
    for word in sorted(words, key=len, reverse=True):
        needle = f" {word} "
        if needle in padded:
            found.append(word)
            padded = padded.replace(needle, " ")
    return " ".join(padded.split()), found


def compact(key: str) -> str:
    return key.replace(" ", "")


def name_signal(candidate: str, official: Official) -> tuple[float, list[str], bool]:
    """Similarity of two names in [0, 1], the tricks recognised, and whether it says fan/parody."""
    ckey = name_key(candidate)
    okey = official.key
    if not ckey or not okey:
        return 0.0, [], False
    tricks: list[str] = []
    own = _words(okey)
    trick_set, parody_set = trick_keys() - own, parody_keys() - own
    core, added = _strip_words(ckey, trick_set)
    _, parody_words = _strip_words(ckey, parody_set)
    core, _ignored = _strip_words(core, parody_set)
    if added:
        tricks.append("added_words:" + ",".join(sorted(_keyed()[0].get(w, w) for w in added)))
    c, o = compact(core), compact(okey)
    if not c:
        return 0.0, tricks, bool(parody_words)
    best = fuzz.ratio(c, o) / 100
    if c == o:
        if _as_written(candidate) != _as_written(official.name):
            plain_core = _strip_words(_strip_words(plain_key(candidate), trick_set)[0], parody_set)[0]
            if compact(plain_core) != compact(plain_key(official.name)):
                tricks.append("confusables")
            elif not added and not parody_words:
                tricks.append("diacritics")
        best = 1.0
    else:
        if not _DIGITS_DOTS.search(o):
            undotted = _DIGITS_DOTS.sub("", c)
            if undotted == o:
                tricks.append("digits_or_dots")
                best = max(best, 0.97)
            else:
                best = max(best, fuzz.ratio(undotted, o) / 100 - 0.02)
        if _DOUBLED.sub(r"\1", c) == _DOUBLED.sub(r"\1", o):
            tricks.append("doubled_letters")
            best = max(best, 0.97)
        if len(c) == len(o) and OSA.distance(c, o) == 1 and sorted(c) == sorted(o):
            tricks.append("swapped_letters")
            best = max(best, 0.96)
        if core.split() != okey.split() and sorted(core.split()) == sorted(okey.split()):
            tricks.append("reordered_words")
            best = max(best, 0.95)
    if added and best >= 0.9:
        best = max(best - 0.01, 0.0)  # an added word is a small difference, not no difference
    return best, tricks, bool(parody_words)


def _as_written(name: str) -> list[str]:
    """The words of a name as written, ignoring capitals and Unicode composition."""
    return unicodedata.normalize("NFC", name).casefold().split()


def _words(key: str) -> frozenset[str]:
    words = key.split()
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return frozenset(words) | pairs


# --- addresses -----------------------------------------------------------------------------------------


def handle_key(canonical_url: str, platform: str) -> str:
    """The part of a canonical address a person chooses: a handle, or a website's domain without ending."""
    if not canonical_url:
        return ""
    host, _sep, path = canonical_url.partition("/")
    if platform == "website" or host not in _PLATFORM_HOSTS:
        return _domain_stem(host)
    last = path.rsplit("/", 1)[-1].lstrip("@")
    if not last or last.isdigit() or path.startswith("channel/"):
        return ""
    return compact(name_key(last.replace(".", " ").replace("-", " ")))


_PLATFORM_HOSTS = {"facebook.com", "youtube.com", "tiktok.com", "zalo.me"}


def _domain_stem(host: str) -> str:
    host = host.lower()
    for ending in _DOMAIN_ENDINGS:
        if host.endswith(ending) and host != ending.lstrip("."):
            host = host[: -len(ending)]
            break
    return compact(name_key(host.replace(".", " ").replace("-", " ")))


def handle_signal(candidate: Candidate, official: Official) -> tuple[float | None, list[str]]:
    """How close the candidate's handle is to the official handle or the official name run together."""
    if not candidate.canonical_url or candidate.platform == "website" or official.platform == "website":
        return None, []
    if _family(candidate.platform) != _family(official.platform):
        return None, []
    chandle = handle_key(candidate.canonical_url, candidate.platform)
    if not chandle:
        return None, []
    tricks: list[str] = []
    targets = [t for t in (official.handle, compact(official.key)) if t]
    best = 0.0
    for target in targets:
        stripped = chandle
        for key, word in sorted(_keyed()[0].items(), key=lambda kw: len(kw[0]), reverse=True):
            w = compact(key)
            if stripped != target and target.find(w) < 0:
                if stripped.endswith(w) and len(stripped) > len(w) + 3:
                    stripped = stripped[: -len(w)]
                    tricks.append("added_words:" + word)
                elif stripped.startswith(w) and len(stripped) > len(w) + 3:
                    stripped = stripped[len(w) :]
                    tricks.append("added_words:" + word)
        score = fuzz.ratio(stripped, target) / 100
        undotted = _DIGITS_DOTS.sub("", stripped)
        if undotted == target and stripped != target:
            tricks.append("digits_or_dots")
            score = max(score, 0.97)
        if _DOUBLED.sub(r"\1", stripped) == _DOUBLED.sub(r"\1", target) and stripped != target:
            tricks.append("doubled_letters")
            score = max(score, 0.97)
        best = max(best, score)
    if best >= 1.0 and not any(t == "digits_or_dots" for t in tricks):
        raw = _plain_handle(candidate.canonical_url)
        for word in {t.partition(":")[2] for t in tricks if t.startswith("added_words:")}:
            w = compact(word)
            raw = raw[: -len(w)] if raw.endswith(w) else raw[len(w) :] if raw.startswith(w) else raw
        plain_targets = {_plain_handle(official.canonical_url), compact(plain_key(official.name))}
        if raw not in plain_targets:
            tricks.append("confusables")
    return best, sorted(set(tricks))


def _plain_handle(canonical_url: str) -> str:
    """The last part of a page address as typed, lower-case, without dots, hyphens or underscores."""
    last = canonical_url.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    return compact(plain_key(last.replace(".", " ").replace("-", " ")))


def _family(platform: str) -> str:
    return "facebook" if platform.startswith("facebook") else platform


def domain_signal(candidate: Candidate, official: Official) -> tuple[float | None, list[str]]:
    """A look-alike web domain of an official website (dnstwist's families of permutations)."""
    if candidate.platform != "website" or official.platform != "website" or not candidate.canonical_url:
        return None, []
    chost = candidate.canonical_url.partition("/")[0]
    ohost = official.canonical_url.partition("/")[0]
    if chost == ohost or chost.endswith("." + ohost):
        return None, []  # the official site itself (or one of its own sub-domains)
    tricks: list[str] = []
    if ohost in chost or ohost.replace(".", "-") in chost:
        tricks.append("official_domain_inside")
        return 1.0, tricks
    cstem, ostem = _domain_stem(chost), _domain_stem(ohost)
    if not cstem or not ostem:
        return 0.0, tricks
    if cstem == ostem:
        tricks.append("other_ending")
        return 0.97, tricks
    score = fuzz.ratio(cstem, ostem) / 100
    if len(ostem) >= 5 and ostem in cstem:
        tricks.append("official_name_inside")
        score = max(score, 0.95)
    if _DIGITS_DOTS.sub("", cstem) == ostem:
        tricks.append("digits_or_dots")
        score = max(score, 0.96)
    if len(cstem) == len(ostem) and OSA.distance(cstem, ostem) == 1:
        tricks.append("swapped_letters" if sorted(cstem) == sorted(ostem) else "one_letter_changed")
        score = max(score, 0.94)
    return score, tricks


# --- pictures ------------------------------------------------------------------------------------------


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def picture_signal(
    phash: int | None, dhash: int | None, o_phash: int | None, o_dhash: int | None
) -> tuple[float | None, int | None]:
    """Similarity of two pictures in [0, 1] from the smaller of the pHash and dHash distances."""
    distances = [
        hamming(a, b) for a, b in ((phash, o_phash), (dhash, o_dhash)) if a is not None and b is not None
    ]
    if not distances:
        return None, None
    d = min(distances)
    if d <= AVATAR_SAME:
        return 1.0, d
    if d >= AVATAR_FAR:
        return 0.0, d
    return 1 - (d - AVATAR_SAME) / (AVATAR_FAR - AVATAR_SAME), d


# --- all together --------------------------------------------------------------------------------------


def score(candidate: Candidate, official: Official) -> Signals:
    """Every signal of ``candidate`` against ``official``, their combination and the reasons in words."""
    s = Signals()
    if candidate.name:
        s.name, tricks, s.parody = name_signal(candidate.name, official)
        s.tricks += tricks
    s.handle, tricks = handle_signal(candidate, official)
    s.tricks += [t for t in tricks if t not in s.tricks]
    s.domain, tricks = domain_signal(candidate, official)
    s.tricks += [t for t in tricks if t not in s.tricks]
    s.avatar, s.avatar_distance = picture_signal(
        candidate.avatar_phash, candidate.avatar_dhash, official.avatar_phash, official.avatar_dhash
    )
    s.cover, s.cover_distance = picture_signal(
        candidate.cover_phash, candidate.cover_dhash, official.cover_phash, official.cover_dhash
    )
    s.combined = combine(s)
    s.reasons = reasons(s, official)
    return s


def combine(s: Signals) -> float:
    """One score in [0, 1]: the strongest of name, handle and domain, raised by a copied picture."""
    base = max((v for v in (s.name, s.handle, s.domain) if v is not None), default=0.0)
    pictures = [v for v in (s.avatar, s.cover) if v is not None]
    picture = max(pictures, default=0.0)
    value = min(1.0, base + 0.25 * picture * base) if pictures else base
    if picture >= 1.0 and base >= 0.5:
        value = max(value, 0.9)  # the official picture on a page with a related name
    if s.parody:
        value *= 0.6
    return value


_TRICK_TEXT = {
    "diacritics": lambda: _("the same name with other diacritics"),
    "confusables": lambda: _("letters that only look like the official ones"),
    "digits_or_dots": lambda: _("digits or dots inserted"),
    "doubled_letters": lambda: _("a letter doubled"),
    "swapped_letters": lambda: _("two letters swapped"),
    "reordered_words": lambda: _("the same words in another order"),
    "one_letter_changed": lambda: _("one letter changed"),
    "other_ending": lambda: _("the same domain with another ending"),
    "official_domain_inside": lambda: _("the official domain inside a longer one"),
    "official_name_inside": lambda: _("the official site's name inside another domain"),
}


def trick_text(trick: str) -> str:
    if trick.startswith("added_words:"):
        words = trick.partition(":")[2].replace(",", ", ")
        return _("word added: “%(words)s”") % {"words": words}
    maker = _TRICK_TEXT.get(trick)
    return maker() if maker else trick


def reasons(s: Signals, official: Official) -> list[str]:
    return reasons_of(s.as_dict(), official.name)


def reasons_of(signals: dict[str, Any], official_name: str) -> list[str]:
    """The reasons of stored signals in the reader's language (``Signals.as_dict`` shape)."""

    def at_least(key: str) -> bool:
        value = signals.get(key)
        return value is not None and value >= 0.6

    out: list[str] = []
    if at_least("name"):
        out.append(
            _("Name %(pct)d%% like “%(name)s”") % {"pct": round(signals["name"] * 100), "name": official_name}
        )
    if at_least("handle"):
        out.append(_("Address %(pct)d%% like the official page's") % {"pct": round(signals["handle"] * 100)})
    if at_least("domain"):
        out.append(
            _("Web domain %(pct)d%% like the official site's") % {"pct": round(signals["domain"] * 100)}
        )
    out += [trick_text(t) for t in signals.get("tricks", [])]
    for key, text in (
        ("avatar", _("avatar like the official one (distance %(d)d of 64)")),
        ("cover", _("cover like the official one (distance %(d)d of 64)")),
    ):
        distance = signals.get(f"{key}_distance")
        if distance is not None and (signals.get(key) or 0) > 0:
            out.append(text % {"d": distance})
    if signals.get("parody"):
        out.append(_("calls itself a fan or parody page: not pursued"))
    return out
