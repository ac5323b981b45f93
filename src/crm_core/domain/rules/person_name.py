"""Personal names as a DMS stores them (客户姓名, 报修人, 联系人).

Seed 000's most common name defects: a title instead of or after the name (王先生,
李小姐, 张总), spaces (王 芳), joining symbols (王-芳), digits (王芳2) — and, for the person
who brought a car in for repair, a company's name where a person's belongs. A name is
not an identifier with a checksum, so the rules are heuristics kept as data in
:class:`NamePolicy`: the titles, the words that mark a company, the placeholders people
type when they do not know the name.

Chinese names may contain the middle dot of transcribed minority and foreign names
(买买提·艾力); Latin-script names may contain single spaces, hyphens and apostrophes
(Jean-Pierre O'Neil); neither is a defect.

>>> [v.code for v in check("王先生")]
['NAME_TITLE']
>>> [v.code for v in check("王 芳")]
['NAME_SPACE']
>>> [v.code for v in check("上海大众汽车有限公司")]
['NAME_COMPANY']
>>> validate("王 芳"), is_valid("买买提·艾力"), is_valid("Jean-Pierre Dupont")
('王芳', True, True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from crm_core.domain.rules._support import (
    WARNING,
    fixed_point,
    holds,
    nfkc,
    not_text,
    raise_first_error,
    require_text,
    violation,
)
from crm_core.domain.rules.violation import Violation
from crm_core.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "DEFAULT_POLICY",
    "NamePolicy",
    "check",
    "compact",
    "format",
    "is_clean",
    "is_valid",
    "looks_like_company",
    "validate",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# Text made of these only is NFKC already, and each of them is a letter, an ASCII digit,
# the plain space or the hyphen: see _plain_traits.
_PLAIN = re.compile(f"[{_CJK}A-Za-z0-9 -]*")
_DIGITS = "0123456789"
_WITHOUT_DIGITS = str.maketrans("", "", _DIGITS)
_NAME_DOTS = "·•・"
_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "NAME_MISSING": InvalidLength,
        "NAME_LENGTH": InvalidLength,
        "NAME_COMPANY": InvalidComponent,
        "NAME_TITLE": InvalidComponent,
        "NAME_PLACEHOLDER": InvalidFormat,
        "NAME_DIGITS": InvalidFormat,
        "NAME_SPACE": InvalidFormat,
        "NAME_JOINING_SYMBOL": InvalidFormat,
        "NAME_CHARACTERS": InvalidFormat,
    }
)


@attrs.frozen(slots=True)
class NamePolicy:
    """Titles, company markers and placeholders; matched on the upper-cased name."""

    titles: tuple[str, ...] = (
        "先生",
        "小姐",
        "女士",
        "太太",
        "夫人",
        "老板",
        "总",
        "经理",
        "师傅",
        "老师",
        "阿姨",
        "同志",
        "大哥",
        "大姐",
    )
    latin_titles: frozenset[str] = frozenset({"MR", "MRS", "MS", "MISS", "DR", "SIR", "MADAM"})
    company_markers: tuple[str, ...] = (
        "公司",
        "有限",
        "集团",
        "股份",
        "工厂",
        "商行",
        "车行",
        "中心",
        "银行",
        "医院",
        "学校",
        "大学",
        "研究所",
        "事务所",
        "委员会",
        "政府",
        "合作社",
        "门市部",
        "经营部",
        "LTD",
        "CO.",
        "INC.",
        "LLC",
        "CORP",
        "GMBH",
    )
    placeholders: frozenset[str] = frozenset(
        {"客户", "顾客", "车主", "散客", "未知", "不详", "无", "测试", "某某", "TEST", "X", "XX"}
    )
    joining_symbols: str = "-－—–_/\\&+~|、,，;；:：*#@"
    max_length: int = 30
    _company: re.Pattern[str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    # the joining symbols as sets, for Chinese names and for Latin ones (where - is fine)
    _joining: frozenset[str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _latin_joining: frozenset[str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _clean: re.Pattern[str] = attrs.field(init=False, eq=False, repr=False, hash=False)

    @_company.default
    def _compile_company(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(m.upper()) for m in self.company_markers))

    @_joining.default
    def _joining_set(self) -> frozenset[str]:
        return frozenset(self.joining_symbols)

    @_latin_joining.default
    def _latin_joining_set(self) -> frozenset[str]:
        return frozenset(self.joining_symbols.replace("-", ""))

    @_clean.default
    def _compile_clean(self) -> re.Pattern[str]:
        # Two to four Chinese characters, holding no company word and not ending in a
        # title. Lookbehinds after each character ask "does a marker end here?" and one
        # at the end asks the same of the titles: a third cheaper than lookaheads that
        # rescan the name for every word (CJK text has no case, so upper-casing the
        # markers changes nothing a Chinese name could hold).
        markers = _not_ending_in(m.upper() for m in self.company_markers)
        titles = _not_ending_in(self.titles)
        return re.compile(f"(?:[{_CJK}]{markers}){{2,4}}{titles}")


def _not_ending_in(words: Iterable[str]) -> str:
    """Negative lookbehinds that fail where one of ``words`` ends. Python's lookbehinds
    need a fixed width, so the words go in one lookbehind per length; an empty word
    ends everywhere (``(?<!)`` never matches), as it did in the lookahead it replaces."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(re.escape(word))
    return "".join(f"(?<!{'|'.join(group)})" for _, group in sorted(by_length.items()))


DEFAULT_POLICY = NamePolicy()


def compact(value: str) -> str:
    """Full-width to ASCII, outer spaces removed; a Chinese name loses inner spaces too,
    a Latin one keeps single spaces between its parts."""
    return fixed_point(_compact_once, require_text(value, "a name"))


def _compact_once(value: str) -> str:
    text = nfkc(value).strip()
    if _CJK_CHAR.search(text):
        return "".join(text.split())
    return " ".join(text.split())


def is_clean(value: object, policy: NamePolicy = DEFAULT_POLICY) -> bool:
    """True when :func:`check` would find nothing, decided by one regex for the common
    case (a Chinese name of two to four characters); False means "look closer", not
    "wrong". Bulk checks call it first.

    >>> is_clean("王芳"), is_clean("王先生"), is_clean("Zhang Wei")
    (True, False, False)
    """
    return (
        type(value) is str
        and policy._clean.fullmatch(value) is not None
        and value not in policy.placeholders
    )


def looks_like_company(value: str, policy: NamePolicy = DEFAULT_POLICY) -> bool:
    """True when the text names an organisation (有限公司, 集团, Ltd …).

    >>> looks_like_company("杭州顺达物流有限公司"), looks_like_company("王芳")
    (True, False)
    """
    return bool(policy._company.search(nfkc(value).upper()))


def _cjk_title(bare: str, field: str, policy: NamePolicy) -> Violation:
    """The title a Chinese name ends with (``bare`` holds its letters only, so that
    王先生2 counts too): the first listed of those it ends with."""
    title = next(filter(bare.endswith, policy.titles))
    return violation("NAME_TITLE", field, f"ends with the title {title}; key the name only")


def _latin_title(text: str, field: str, policy: NamePolicy) -> Violation | None:
    """A title before a Latin name (Mr Smith, Dr. Li)."""
    words = text.split()
    first = words[0].rstrip(".").upper() if words else ""
    if first in policy.latin_titles and len(words) > 1:
        return violation("NAME_TITLE", field, "starts with a title; key the name only")
    return None


_Traits = tuple[str, bool, bool, bool]
"""What the character rules need to know of a stripped name that is not all letters:
(its letters only, it has a digit, it has a space that is a defect, it has a symbol or
control character that belongs in no name)."""


def _plain_traits(stripped: str, has_cjk: bool, policy: NamePolicy) -> _Traits:
    """The traits of a name made of Chinese characters, ASCII letters and digits, plain
    spaces and hyphens only (:data:`_PLAIN`) — nearly every defective name that is not
    all letters: 王 芳, 王-芳, 王芳2 — from a few C-level string operations instead of
    tests per character.

    Exact because each of those characters is a letter, an ASCII digit, the plain space
    or the hyphen: the only non-ASCII ones are Chinese, the only space is the plain one,
    and the hyphen is the only possible symbol — allowed in a Latin name (Jean-Pierre),
    in a Chinese one only as a joining symbol. ``test_plain_traits_are_the_general_ones``
    holds this to :func:`_traits`, ``test_plain_characters_are_nfkc_letters`` the
    Chinese ranges to Python's Unicode database.
    """
    squeezed = stripped.replace(" ", "")
    letters_and_digits = squeezed.replace("-", "")
    has_digit = not letters_and_digits.isalpha() and letters_and_digits != ""
    bare = letters_and_digits
    if has_digit:
        bare = bare.rstrip(_DIGITS)  # 王芳2: a C call, where a regex takes four times as long
        if not bare.isalpha():  # digits inside too, or digits only
            bare = letters_and_digits.translate(_WITHOUT_DIGITS)
    if has_cjk:
        spaced = len(squeezed) != len(stripped)
        odd = len(letters_and_digits) != len(squeezed) and "-" not in policy._joining
    else:
        spaced = "  " in stripped
        odd = False
    return bare, has_digit, spaced, odd


def _traits(stripped: str, has_cjk: bool, policy: NamePolicy) -> _Traits:
    """The traits of any stripped name, character by character (map() and set
    operations walk the characters in C where they can)."""
    bare = "".join(filter(str.isalpha, stripped))
    has_digit = any(map(str.isdigit, stripped))
    if has_cjk:
        spaced = any(map(str.isspace, stripped))
    else:
        spaced = "  " in stripped or any(map(_other_space, stripped))
    joining = policy._joining if has_cjk else policy._latin_joining
    allowed_marks = _NAME_DOTS if has_cjk else ".'-’"
    odd = any(
        not (c.isalpha() or c.isdigit() or c.isspace() or c in joining or c in allowed_marks)
        or unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")
        for c in stripped
    )
    return bare, has_digit, spaced, odd


def check(
    value: object, *, field: str = "name", policy: NamePolicy = DEFAULT_POLICY
) -> tuple[Violation, ...]:
    """Every defect of a personal name as entered; never raises."""
    if not isinstance(value, str):
        return not_text(field, "NAME_CHARACTERS", value)
    if is_clean(value, policy):
        return ()
    # nearly every defective name is plain (王先生, 王 芳): already NFKC, and its
    # traits are read without a test per character
    plain = _PLAIN.fullmatch(value) is not None
    text = value if plain else nfkc(value)
    stripped = text.strip()
    if not stripped:
        return (violation("NAME_MISSING", field, "no name"),)
    if len(stripped) > policy.max_length:
        return (
            violation(
                "NAME_LENGTH", field, f"{len(stripped)} characters; at most {policy.max_length}"
            ),
        )
    upper = stripped.upper()
    if upper in policy.placeholders or "".join(upper.split()) in policy.titles:
        return (violation("NAME_PLACEHOLDER", field, "a placeholder, not a name"),)
    found: list[Violation] = []
    if policy._company.search(upper):
        found.append(
            violation("NAME_COMPANY", field, "a company's name where a person's name belongs")
        )
    # the only non-ASCII characters of a plain name are Chinese ones
    has_cjk = not stripped.isascii() if plain else _CJK_CHAR.search(stripped) is not None
    if stripped.isalpha():  # a title (王先生) or a company's name: letters only, no
        # digit, space, symbol, or control, format or private-use character to look for
        bare, has_digit, spaced, odd = stripped, False, False, False
    else:
        traits = _plain_traits if plain else _traits
        bare, has_digit, spaced, odd = traits(stripped, has_cjk, policy)
    if has_cjk:
        if bare.endswith(policy.titles):  # one C call for all titles
            found.append(_cjk_title(bare, field, policy))
    else:
        title = _latin_title(stripped, field, policy)
        if title is not None:
            found.append(title)
    if has_digit:
        found.append(violation("NAME_DIGITS", field, "contains digits"))
    if spaced or text != stripped:
        found.append(violation("NAME_SPACE", field, "contains spaces"))
    joining = policy._joining if has_cjk else policy._latin_joining
    if not joining.isdisjoint(stripped):
        found.append(violation("NAME_JOINING_SYMBOL", field, "contains a joining symbol"))
    if odd:
        found.append(
            violation("NAME_CHARACTERS", field, "contains symbols, emoji or control characters")
        )
    if has_cjk and len(stripped) == 1:
        found.append(
            violation("NAME_TOO_SHORT", field, "a single character: a surname only?", WARNING)
        )
    return tuple(found)


def _other_space(char: str) -> bool:
    """Whitespace other than the plain space: a tab, an ideographic space (U+3000)."""
    return char != " " and char.isspace()


def validate(value: str, policy: NamePolicy = DEFAULT_POLICY) -> str:
    """The compact name, or a typed error: InvalidComponent for a title or a company
    name, InvalidFormat for digits, symbols and placeholders, InvalidLength when empty."""
    name = compact(value)
    raise_first_error(check(name, policy=policy), _ERRORS)
    return name


def is_valid(value: str, policy: NamePolicy = DEFAULT_POLICY) -> bool:
    return holds(validate, value, policy)


def format(value: str) -> str:
    return compact(value)
