"""How a dealer addresses a customer in writing: 王先生, 欧阳女士, a company's contact person.

Chinese dealers write the surname and a title, never the given name alone: 王伟 (male)
becomes 王先生, 李娜 (female) 李女士. Two-character surnames (欧阳, 司马, 诸葛…) are
recognised from a list that a host can extend. Where the gender is unknown the full name is
used without a title, since guessing wrong offends more than no title. A company is
addressed through its contact person, with the company's name. A name that already carries
a title (a record typed as "王先生", which the data-quality rules flag) is used as it is.

>>> from crm_core.domain.customer import Customer, CustomerType, Gender
>>> salutation(Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL,
...                     name="欧阳娜娜", gender=Gender.FEMALE))
'Ms 欧阳'
>>> surname("司马光"), surname("王伟"), surname("John Smith")
('司马', '王', 'Smith')
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from crm_core.domain.customer import Customer, Gender
from crm_core.texts.templates import COMPANY_CONTACT, MR, MS

__all__ = ["COMPOUND_SURNAMES", "salutation", "surname"]

# 复姓 in use today (the common ones of 百家姓); a host adds its region's rarer ones
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "闻人",
        "东郭",
        "万俟",
        "淳于",
        "单于",
        "太史",
        "申屠",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "赫连",
        "钟离",
        "拓跋",
        "第五",
        "司空",
        "亓官",
        "闾丘",
        "子车",
        "梁丘",
        "左丘",
        "谷梁",
        "乐正",
        "夹谷",
        "巫马",
        "公西",
        "漆雕",
    ]
)
_TITLES = ("先生", "女士", "小姐", "太太", "夫人")


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


def surname(name: str, compound: Collection[str] = COMPOUND_SURNAMES) -> str:
    """The family name, for a salutation such as 王先生.

    The first one or two characters of a Chinese name, the last word of a Western one, the
    whole name when neither applies (a minority name with ``·``)."""
    name = name.strip()
    if "·" in name or "•" in name:
        return name
    if _is_cjk(name):
        return name[:2] if name[:2] in compound else name[:1]
    words = name.split()
    return words[-1] if words else name


def _identity(message: str) -> str:
    return message


def salutation(
    customer: Customer,
    gettext: Callable[[str], str] = _identity,
    compound: Collection[str] = COMPOUND_SURNAMES,
) -> str:
    """The name as a text addresses the customer, in the language of ``gettext``.

    Without a ``gettext`` the English message ids come back (as in the module example);
    the renderer passes the customer's catalog, which gives ``欧阳女士``.
    """
    name = customer.name.strip()
    if customer.is_company:
        if customer.contact_person and customer.contact_person.strip():
            return gettext(COMPANY_CONTACT).format(
                contact=customer.contact_person.strip(), company=name
            )
        return name
    if name.endswith(_TITLES) or customer.gender is Gender.UNKNOWN:
        return name
    title = MR if customer.gender is Gender.MALE else MS
    return gettext(title).format(surname=surname(name, compound))
