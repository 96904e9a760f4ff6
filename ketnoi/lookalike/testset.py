"""A labelled set of page names to measure the scoring (deterministic: the same seed gives the same set).

* impersonations: realistic variants of official names made with the tricks of impersonators, in the
  manner of dnstwist's permutations (diacritics moved or dropped, look-alike letters from other scripts,
  styled "math" letters, words added, digits or dots inserted, letters doubled or swapped, spacing);
* unrelated: real-looking Vietnamese page names (shops, schools, clubs, local news) that share place
  names with the official pages;
* fan or parody pages that name the official page and say what they are.

``official_names`` are the demo's official pages and the usual pages of a province's bodies.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

PLACES = (
    "Bình Phước",
    "Đồng Xoài",
    "Bù Gia Mập",
    "Bù Đăng",
    "Bù Đốp",
    "Lộc Ninh",
    "Chơn Thành",
    "Phước Long",
    "Bình Long",
    "Hớn Quản",
    "Phú Riềng",
    "Đồng Phú",
)
EXTRA_OFFICIAL = (
    "Công an tỉnh Bình Phước",
    "Báo Bình Phước",
    "Đài Phát thanh và Truyền hình Bình Phước",
    "Cổng thông tin điện tử tỉnh Bình Phước",
    "Tỉnh Đoàn Bình Phước",
    "Sở Y tế Bình Phước",
    "Sở Giáo dục và Đào tạo Bình Phước",
    "Công an thành phố Đồng Xoài",
    "UBND huyện Lộc Ninh",
    "Trung tâm Văn hóa Thể thao Chơn Thành",
)
ADDED = ("chính thức", "Official", "tin tức", "News", "24h", "Online", "TV", "- Trang chính thức", "VN")
# Letters of other scripts that look like Latin ones (Cyrillic and Greek), and digits for letters.
LOOKALIKE = {
    "a": "а",
    "o": "о",
    "e": "е",
    "c": "с",
    "p": "р",
    "i": "і",
    "x": "х",
    "y": "у",
    "T": "Т",
    "B": "В",
}
DIGIT_FOR = {"o": "0", "l": "1", "i": "1", "O": "0", "B": "8"}
TONES = "\u0300\u0301\u0303\u0309\u0323"
UNRELATED_KINDS = (
    "Quán cơm {p}",
    "Nhà thuốc {p}",
    "Tiệm vàng Kim Phát {p}",
    "Shop thời trang {p}",
    "Trường THCS {p}",
    "Chợ đêm {p}",
    "Du lịch {p}",
    "Nhà đất {p}",
    "Xe khách {p} - Sài Gòn",
    "Cà phê Gió {p}",
    "Hội đồng hương {p} tại TP.HCM",
    "CLB Bóng đá {p}",
    "Rao vặt {p}",
    "Tuyển dụng việc làm {p}",
    "Nông sản sạch {p}",
    "Hạt điều {p}",
    "Tiếng Anh trẻ em {p}",
    "Spa Hoa Mai {p}",
    "Cho thuê xe tự lái {p}",
    "Bếp nhà {p}",
    "Gạo ngon {p}",
    "Điện máy Thành Công {p}",
    "Nha khoa Nụ Cười {p}",
    "Phòng khám Đa khoa {p}",
    "Homestay Đồi Xanh {p}",
    "Ăn vặt {p}",
    "Hoa tươi {p}",
    "Cây giống {p}",
    "Học lái xe {p}",
    "Sửa xe Minh Tâm {p}",
    "Đồ gỗ {p}",
    "Giáo xứ {p}",
    "Chùa Phước Sơn {p}",
    "Thợ điện nước {p}",
)
PARODY_KINDS = (
    "Hội những người yêu {o}",
    "Fan {o}",
    "{o} Fan Club",
    "{o} (trang nhại)",
    "{o} - Troll",
    "Meme {o}",
    "Cộng đồng yêu {o}",
    "{o} phiên bản hài hước",
)


@dataclass(frozen=True)
class Example:
    name: str
    label: str  # "impersonation", "unrelated" or "fan_parody"
    imitates: str = ""  # the official name it imitates (impersonations and parodies)


def official_names() -> list[str]:
    text = resources.files("ketnoi").joinpath("demo_data", "pages.csv").read_text(encoding="utf-8")
    names = [row["name"] for row in csv.DictReader(text.splitlines())]
    return [*names, *EXTRA_OFFICIAL]


# --- tricks --------------------------------------------------------------------------------------------


def _letters(name: str) -> list[int]:
    return [i for i, ch in enumerate(name) if ch.isalpha()]


def drop_diacritics(name: str, rng: random.Random) -> str:
    out = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in out if not unicodedata.combining(c)))


def move_tones(name: str, rng: random.Random) -> str:
    """Change the tone mark of one or two syllables (Tự -> Tư, Phước -> Phứơc)."""
    words = name.split(" ")
    marked = [i for i, w in enumerate(words) if any(c in TONES for c in unicodedata.normalize("NFD", w))]
    if not marked:
        return drop_diacritics(name, rng)
    for i in rng.sample(marked, min(len(marked), rng.choice((1, 2)))):
        nfd = unicodedata.normalize("NFD", words[i])
        bare = "".join(c for c in nfd if c not in TONES)
        tone = rng.choice([t for t in TONES if t not in nfd] or list(TONES))
        vowels = [k for k, c in enumerate(bare) if c.lower() in "aeiouy"]
        k = rng.choice(vowels) if vowels else len(bare) - 1
        words[i] = unicodedata.normalize("NFC", bare[: k + 1] + tone + bare[k + 1 :])
    return " ".join(words)


def lookalike_letters(name: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(name) if ch in LOOKALIKE]
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.choice((1, 2, 3)))):
        chars[i] = LOOKALIKE[chars[i]]
    return "".join(chars)


def digit_letters(name: str, rng: random.Random) -> str:
    spots = [i for i, ch in enumerate(name) if ch in DIGIT_FOR]
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), 1)):
        chars[i] = DIGIT_FOR[chars[i]]
    return "".join(chars)


def styled(name: str, rng: random.Random) -> str:
    """Mathematical bold letters (𝐁𝐢𝐧𝐡), as fake pages use to stand out; NFKC turns them back."""
    out = []
    for ch in name:
        if "A" <= ch <= "Z":
            out.append(chr(0x1D400 + ord(ch) - ord("A")))
        elif "a" <= ch <= "z":
            out.append(chr(0x1D41A + ord(ch) - ord("a")))
        else:
            out.append(ch)
    return "".join(out)


def add_word(name: str, rng: random.Random) -> str:
    word = rng.choice(ADDED)
    return f"{word} {name}" if rng.random() < 0.2 else f"{name} {word}"


def insert_digits_or_dots(name: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{name} {rng.choice(('2', '24', '365', '1', '.'))}".rstrip(" .") + rng.choice(("", ".", ""))
    spots = [i for i in range(1, len(name)) if name[i - 1].isalpha() and name[i].isalpha()]
    i = rng.choice(spots)
    return name[:i] + rng.choice((".", "_", "1")) + name[i:]


def double_letter(name: str, rng: random.Random) -> str:
    i = rng.choice(_letters(name))
    return name[: i + 1] + name[i] + name[i + 1 :]


def swap_letters(name: str, rng: random.Random) -> str:
    spots = [
        i
        for i in range(len(name) - 1)
        if name[i].isalpha() and name[i + 1].isalpha() and name[i] != name[i + 1]
    ]
    i = rng.choice(spots)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def spacing(name: str, rng: random.Random) -> str:
    return name.replace(" ", rng.choice(("", "  ", " . ", "-")), rng.choice((1, 2)))


def upper(name: str, rng: random.Random) -> str:
    return name.upper()


TRICKS: tuple[Callable[[str, random.Random], str], ...] = (
    drop_diacritics,
    move_tones,
    lookalike_letters,
    digit_letters,
    styled,
    add_word,
    insert_digits_or_dots,
    double_letter,
    swap_letters,
    spacing,
    upper,
)


def build(
    seed: int = 15, *, per_official: int = 12, unrelated: int = 200, parodies: int = 50
) -> list[Example]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible test set, not a secret
    officials = official_names()
    examples: list[Example] = []
    seen: set[str] = set(officials)
    for official in officials:
        made = 0
        attempts = 0
        while made < per_official and attempts < per_official * 10:
            attempts += 1
            tricks = rng.sample(TRICKS, rng.choice((1, 2, 2, 3)))
            name = official
            for trick in tricks:
                name = trick(name, rng)
            if name in seen:
                continue
            seen.add(name)
            examples.append(Example(name, "impersonation", official))
            made += 1
    kinds = list(UNRELATED_KINDS)
    places = list(PLACES)
    pairs = [(k, p) for k in kinds for p in places]
    rng.shuffle(pairs)
    for kind, place in pairs[:unrelated]:
        examples.append(Example(kind.format(p=place), "unrelated"))
    for _ in range(parodies):
        official = rng.choice(officials)
        examples.append(Example(rng.choice(PARODY_KINDS).format(o=official), "fan_parody", official))
    return examples
