"""Reference tables the demo generator draws from: names, places, phones, brands.

The tables are tuples (immutable) so importing the module creates no mutable state. Surname
weights follow the published frequency ranking of the 2020 census (per mille, rounded);
area codes, plate prefixes and the six-digit administrative division codes (GB/T 2260)
are the real ones for the districts listed, so generated ID numbers, landlines and plates
agree with the customer's address.
"""

from __future__ import annotations

import attrs

from crm_core.domain.rules._cn_tables import MOBILE_PREFIXES as _RULE_MOBILE_PREFIXES

# (surname, weight per mille of the population)
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71.0),
    ("李", 70.0),
    ("张", 67.0),
    ("刘", 54.0),
    ("陈", 45.0),
    ("杨", 32.0),
    ("黄", 22.0),
    ("赵", 21.0),
    ("吴", 20.0),
    ("周", 19.0),
    ("徐", 17.0),
    ("孙", 15.0),
    ("马", 15.0),
    ("朱", 14.0),
    ("胡", 13.0),
    ("郭", 12.0),
    ("何", 12.0),
    ("林", 11.0),
    ("高", 11.0),
    ("罗", 10.0),
    ("郑", 10.0),
    ("梁", 9.0),
    ("谢", 8.0),
    ("宋", 7.0),
    ("唐", 7.0),
    ("许", 7.0),
    ("韩", 7.0),
    ("邓", 7.0),
    ("冯", 7.0),
    ("曹", 6.0),
    ("彭", 6.0),
    ("曾", 6.0),
    ("肖", 6.0),
    ("田", 5.0),
    ("董", 5.0),
    ("潘", 5.0),
    ("袁", 5.0),
    ("蔡", 5.0),
    ("蒋", 5.0),
    ("余", 5.0),
    ("于", 5.0),
    ("杜", 4.0),
    ("叶", 4.0),
    ("程", 4.0),
    ("魏", 4.0),
    ("苏", 4.0),
    ("吕", 4.0),
    ("丁", 4.0),
    ("任", 4.0),
    ("卢", 3.5),
    ("姚", 3.5),
    ("沈", 3.5),
    ("钟", 3.5),
    ("姜", 3.5),
    ("崔", 3.0),
    ("谭", 3.0),
    ("陆", 3.0),
    ("范", 3.0),
    ("汪", 3.0),
    ("廖", 3.0),
    ("石", 3.0),
    ("金", 3.0),
    ("韦", 3.0),
    ("贾", 2.5),
    ("夏", 2.5),
    ("付", 2.5),
    ("方", 2.5),
    ("邹", 2.0),
    ("熊", 2.0),
    ("白", 2.0),
    ("孟", 2.0),
    ("秦", 2.0),
    ("邱", 2.0),
    ("侯", 2.0),
    ("江", 2.0),
    ("尹", 2.0),
    ("薛", 2.0),
    ("闫", 2.0),
    ("段", 2.0),
    ("雷", 2.0),
    ("龙", 1.5),
    ("黎", 1.5),
    ("史", 1.5),
    ("陶", 1.5),
    ("贺", 1.5),
    ("毛", 1.5),
    ("郝", 1.5),
    ("顾", 1.5),
    ("龚", 1.5),
    ("邵", 1.5),
    ("万", 1.0),
    ("覃", 1.0),
    ("武", 1.0),
    ("钱", 1.0),
    ("戴", 1.0),
    ("严", 1.0),
    ("欧阳", 0.5),
    ("司马", 0.1),
    ("上官", 0.1),
    ("诸葛", 0.1),
)

MALE_GIVEN = tuple(
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文博晨轩睿泽峰亮成东海兵毅"
)
FEMALE_GIVEN = tuple(
    "芳娜敏静丽艳娟霞秀玲英燕萍红婷雪琳倩洁颖慧晶欣怡梅莉悦佳雨涵诗梦思琪蕾薇月露瑶璐丹君"
)
# Characters given to either sex.
SHARED_GIVEN = tuple("子一晓小文嘉思安宇金春天海云新家明")


@attrs.frozen(slots=True)
class District:
    name: str
    code: str  # GB/T 2260 six-digit division code: the first six digits of an ID number


@attrs.frozen(slots=True)
class City:
    province: str  # full name, e.g. 广东省
    name: str
    plate_prefix: str  # province abbreviation + issuing-office letter, e.g. 粤B
    area_code: str  # long-distance dialling code with its leading 0
    postcode: str
    districts: tuple[District, ...]
    landline_digits: int = 8  # digits after the area code


def _districts(*pairs: tuple[str, str]) -> tuple[District, ...]:
    return tuple(District(name, code) for name, code in pairs)


CITIES: tuple[City, ...] = (
    City(
        "上海市",
        "上海市",
        "沪A",
        "021",
        "200000",
        _districts(
            ("浦东新区", "310115"),
            ("徐汇区", "310104"),
            ("闵行区", "310112"),
            ("静安区", "310106"),
            ("杨浦区", "310110"),
        ),
    ),
    City(
        "北京市",
        "北京市",
        "京N",
        "010",
        "100000",
        _districts(
            ("朝阳区", "110105"),
            ("海淀区", "110108"),
            ("丰台区", "110106"),
            ("东城区", "110101"),
        ),
    ),
    City(
        "广东省",
        "广州市",
        "粤A",
        "020",
        "510000",
        _districts(
            ("天河区", "440106"),
            ("越秀区", "440104"),
            ("海珠区", "440105"),
            ("白云区", "440111"),
        ),
    ),
    City(
        "广东省",
        "深圳市",
        "粤B",
        "0755",
        "518000",
        _districts(
            ("福田区", "440304"),
            ("南山区", "440305"),
            ("宝安区", "440306"),
            ("龙岗区", "440307"),
        ),
    ),
    City(
        "浙江省",
        "杭州市",
        "浙A",
        "0571",
        "310000",
        _districts(
            ("西湖区", "330106"),
            ("上城区", "330102"),
            ("拱墅区", "330105"),
            ("滨江区", "330108"),
        ),
    ),
    City(
        "江苏省",
        "南京市",
        "苏A",
        "025",
        "210000",
        _districts(
            ("玄武区", "320102"),
            ("秦淮区", "320104"),
            ("鼓楼区", "320106"),
            ("江宁区", "320115"),
        ),
    ),
    City(
        "江苏省",
        "苏州市",
        "苏E",
        "0512",
        "215000",
        _districts(
            ("姑苏区", "320508"),
            ("吴中区", "320506"),
            ("相城区", "320507"),
            ("吴江区", "320509"),
        ),
    ),
    City(
        "湖北省",
        "武汉市",
        "鄂A",
        "027",
        "430000",
        _districts(
            ("江岸区", "420102"),
            ("武昌区", "420106"),
            ("洪山区", "420111"),
            ("汉阳区", "420105"),
        ),
    ),
    City(
        "四川省",
        "成都市",
        "川A",
        "028",
        "610000",
        _districts(
            ("锦江区", "510104"),
            ("武侯区", "510107"),
            ("成华区", "510108"),
            ("青羊区", "510105"),
        ),
    ),
    City(
        "陕西省",
        "西安市",
        "陕A",
        "029",
        "710000",
        _districts(
            ("雁塔区", "610113"),
            ("碑林区", "610103"),
            ("未央区", "610112"),
            ("新城区", "610102"),
        ),
    ),
    City(
        "天津市",
        "天津市",
        "津A",
        "022",
        "300000",
        _districts(
            ("和平区", "120101"),
            ("河西区", "120103"),
            ("南开区", "120104"),
            ("滨海新区", "120116"),
        ),
    ),
    City(
        "重庆市",
        "重庆市",
        "渝A",
        "023",
        "400000",
        _districts(
            ("渝中区", "500103"),
            ("江北区", "500105"),
            ("渝北区", "500112"),
            ("沙坪坝区", "500106"),
        ),
    ),
    City(
        "湖南省",
        "长沙市",
        "湘A",
        "0731",
        "410000",
        _districts(
            ("芙蓉区", "430102"),
            ("天心区", "430103"),
            ("岳麓区", "430104"),
            ("开福区", "430105"),
        ),
    ),
    City(
        "河南省",
        "郑州市",
        "豫A",
        "0371",
        "450000",
        _districts(
            ("中原区", "410102"),
            ("金水区", "410105"),
            ("二七区", "410103"),
            ("管城回族区", "410104"),
        ),
    ),
    City(
        "山东省",
        "青岛市",
        "鲁B",
        "0532",
        "266000",
        _districts(
            ("市南区", "370202"),
            ("市北区", "370203"),
            ("黄岛区", "370211"),
            ("崂山区", "370212"),
        ),
    ),
    City(
        "辽宁省",
        "沈阳市",
        "辽A",
        "024",
        "110000",
        _districts(
            ("和平区", "210102"),
            ("沈河区", "210103"),
            ("大东区", "210104"),
            ("皇姑区", "210105"),
        ),
    ),
    City(
        "福建省",
        "福州市",
        "闽A",
        "0591",
        "350000",
        _districts(
            ("鼓楼区", "350102"),
            ("台江区", "350103"),
            ("仓山区", "350104"),
            ("晋安区", "350111"),
        ),
    ),
)

STREETS = tuple(
    [
        "人民路",
        "解放路",
        "中山路",
        "建设路",
        "和平路",
        "新华路",
        "长江路",
        "黄河路",
        "青年路",
        "文化路",
        "南京路",
        "淮海路",
        "延安路",
        "世纪大道",
        "科技路",
        "创业路",
        "花园路",
        "朝阳路",
        "迎宾大道",
        "滨江路",
    ]
)
COMMUNITIES = tuple(
    ["阳光花园", "锦绣家园", "翠湖苑", "金色港湾", "幸福里", "书香门第", "万科城", "绿地小区"]
)

# Mainland mobile segments: the three-digit ones of the phone rule's own table, so every
# generated number is one the rule accepts (sorted: a frozenset's order is not stable).
MOBILE_PREFIXES = tuple(sorted(p for p in _RULE_MOBILE_PREFIXES if len(p) == 3))

EMAIL_DOMAINS = (
    ("qq.com", 45.0),
    ("163.com", 25.0),
    ("126.com", 10.0),
    ("sina.com", 5.0),
    ("139.com", 5.0),
    ("outlook.com", 5.0),
    ("foxmail.com", 5.0),
)

OCCUPATIONS = tuple(
    [
        "教师",
        "医生",
        "工程师",
        "公务员",
        "会计",
        "销售",
        "律师",
        "个体经营",
        "企业管理",
        "程序员",
        "设计师",
        "护士",
        "司机",
        "退休",
    ]
)
INDUSTRIES = tuple(
    [
        "教育",
        "医疗卫生",
        "制造业",
        "信息技术",
        "金融",
        "批发零售",
        "建筑",
        "交通运输",
        "房地产",
        "政府机关",
        "餐饮住宿",
    ]
)
PREFERENCES = tuple(["短信联系", "周末联系", "晚间联系", "微信联系", "不接受电话营销"])

COMPANY_WORDS = tuple(
    [
        "宏达",
        "金桥",
        "华信",
        "鼎盛",
        "永安",
        "瑞丰",
        "新世纪",
        "东方",
        "恒通",
        "中联",
        "远航",
        "博瑞",
        "天成",
        "润泽",
    ]
)


@attrs.frozen(slots=True)
class CompanyKind:
    trade: str  # the word in the company name
    industry: str
    usage: str  # UsageNature value the company's cars are registered under
    weight: float


COMPANY_KINDS: tuple[CompanyKind, ...] = (
    CompanyKind("贸易", "批发零售", "non_operating", 20.0),
    CompanyKind("科技", "信息技术", "non_operating", 20.0),
    CompanyKind("建设", "建筑", "non_operating", 12.0),
    CompanyKind("置业", "房地产", "non_operating", 8.0),
    CompanyKind("医药", "医疗卫生", "non_operating", 8.0),
    CompanyKind("物流", "交通运输", "operating", 14.0),
    CompanyKind("汽车租赁", "交通运输", "rental", 8.0),
    CompanyKind("出租汽车", "交通运输", "taxi", 10.0),
)

COLOURS = (
    ("白色", 35.0),
    ("黑色", 22.0),
    ("灰色", 15.0),
    ("银色", 12.0),
    ("蓝色", 8.0),
    ("红色", 5.0),
    ("棕色", 3.0),
)


@attrs.frozen(slots=True)
class Series:
    brand: str
    name: str
    models: tuple[str, ...]
    wmi: str  # World Manufacturer Identifier (VIN positions 1-3)
    vds: str  # VIN positions 4-8 for this series
    plant: str  # VIN position 11
    price: int  # typical transaction price in yuan
    weight: float
    new_energy: bool = False


@attrs.frozen(slots=True)
class CallbackStep:
    """A callback the dealer's standard calendar asks for, as the demo's history replays it:
    ``rule_id`` is the calendar rule's id (so the planner sees the call as done), made
    ``offset_days`` after the anchor, within ``window_days``, by ``role``; ``survey`` calls
    ask the satisfaction questions."""

    rule_id: str
    offset_days: int
    window_days: int
    role: str
    survey: bool = False


@attrs.frozen(slots=True)
class Brand:
    """A franchise: what a dealer sells, and the standard follow-up calendar it works by."""

    key: str  # the calendar key: svw, dfpeugeot, skoda
    name: str
    oem: str  # the carmaker, for the dealer's name
    series: tuple[Series, ...]
    after_delivery: tuple[CallbackStep, ...] = ()
    after_repair: tuple[CallbackStep, ...] = ()


_SC, _CR = "sales_consultant", "cr_representative"
_AFTER = {
    "svw": (
        (
            CallbackStep("svw.sales.call_day1", 1, 1, _SC),
            CallbackStep("svw.sales.call_day3", 3, 1, _SC),
            CallbackStep("svw.sales.call_day7", 7, 1, _SC),
            CallbackStep("svw.cr.delivery_satisfaction", 7, 8, _CR, survey=True),
        ),
        (CallbackStep("svw.cr.service_satisfaction", 3, 5, _CR, survey=True),),
    ),
    "dfpeugeot": (
        (
            CallbackStep("dfp.delivery.thanks", 0, 1, _SC),
            CallbackStep("dfp.accompany.day3", 3, 1, _SC),
            CallbackStep("dfp.accompany.day7", 7, 3, _CR, survey=True),
            CallbackStep("dfp.accompany.day14", 14, 2, _SC),
            CallbackStep("dfp.accompany.day30", 30, 3, _CR),
        ),
        (CallbackStep("dfp.service.callback", 1, 2, _CR, survey=True),),
    ),
    "skoda": (
        (CallbackStep("skoda.purchase.delivery_callback", 7, 7, _CR, survey=True),),
        (CallbackStep("skoda.service.satisfaction", 3, 4, _CR, survey=True),),
    ),
}


BRANDS: tuple[Brand, ...] = (
    Brand(
        "svw",
        "大众",
        "上汽大众",
        (
            Series(
                "大众",
                "朗逸",
                ("1.5L 自动 舒适版", "280TSI 豪华版"),
                "LSV",
                "AB7L2",
                "2",
                120_000,
                30.0,
            ),
            Series(
                "大众",
                "帕萨特",
                ("330TSI 精英版", "380TSI 旗舰版"),
                "LSV",
                "CB6A3",
                "6",
                210_000,
                18.0,
            ),
            Series(
                "大众",
                "途观L",
                ("330TSI 两驱智享版", "380TSI 四驱R-Line"),
                "LSV",
                "UC6B4",
                "6",
                230_000,
                20.0,
            ),
            Series("大众", "途岳", ("280TSI 舒适版",), "LSV", "YA4C1", "2", 150_000, 12.0),
            Series("大众", "途昂", ("380TSI 四驱豪华版",), "LSV", "XF8D5", "6", 300_000, 8.0),
            Series(
                "大众",
                "ID.4 X",
                ("纯净智享版", "长续航Pro"),
                "LSV",
                "EV4A0",
                "A",
                180_000,
                12.0,
                True,
            ),
        ),
    ),
    Brand(
        "dfpeugeot",
        "东风标致",
        "东风标致",
        (
            Series(
                "东风标致",
                "408",
                ("360THP 领先版", "400THP 旗舰版"),
                "LDC",
                "93A47",
                "3",
                130_000,
                30.0,
            ),
            Series(
                "东风标致",
                "4008",
                ("360THP 时尚版", "400THP 豪华版"),
                "LDC",
                "73S48",
                "3",
                170_000,
                28.0,
            ),
            Series("东风标致", "5008", ("400THP 七座旗舰版",), "LDC", "73T58", "3", 200_000, 15.0),
            Series("东风标致", "508L", ("400THP 领航版",), "LDC", "63R57", "1", 190_000, 17.0),
            Series("东风标致", "e2008", ("纯电 时尚版",), "LDC", "E2A20", "1", 150_000, 10.0, True),
        ),
    ),
    Brand(
        "skoda",
        "斯柯达",
        "上汽斯柯达",
        (
            Series(
                "斯柯达",
                "明锐",
                ("PRO 1.5T 豪华版", "280TSI 旗舰版"),
                "LSV",
                "NA6E1",
                "7",
                120_000,
                35.0,
            ),
            Series("斯柯达", "速派", ("380TSI 尊行版",), "LSV", "NB7F3", "7", 200_000, 20.0),
            Series("斯柯达", "柯米克", ("1.5L 自动 舒适版",), "LSV", "NJ1G2", "7", 100_000, 15.0),
            Series(
                "斯柯达", "柯迪亚克", ("TSI330 两驱豪华版",), "LSV", "NS7H4", "7", 220_000, 20.0
            ),
            Series("斯柯达", "Enyaq iV", ("80 纯电",), "TMB", "JC9NY", "M", 280_000, 10.0, True),
        ),
    ),
)

# Model-year letter (VIN position 10) for the years the demo generates.
MODEL_YEAR_CODES: tuple[tuple[int, str], ...] = (
    (2016, "G"),
    (2017, "H"),
    (2018, "J"),
    (2019, "K"),
    (2020, "L"),
    (2021, "M"),
    (2022, "N"),
    (2023, "P"),
    (2024, "R"),
    (2025, "S"),
    (2026, "T"),
    (2027, "V"),
    (2028, "W"),
    (2029, "X"),
    (2030, "Y"),
)

CALLBACK_ISSUES = tuple(
    ["repair_quality", "trust", "emotional_care", "staff", "owner_events", "convenience", "comfort"]
)
# Shares of dissatisfaction reasons quoted in the seeds (STANDARDS §4), per mille.
CALLBACK_ISSUE_WEIGHTS = (204.0, 154.0, 147.0, 145.0, 133.0, 127.0, 91.0)
SURVEY_QUESTIONS = tuple(
    ["overall", "repair_quality", "timeliness", "staff_attitude", "explanation"]
)
CLUB_EVENTS = tuple(["自驾游", "亲子活动", "爱车讲堂", "公益植树", "新车品鉴会", "车主答谢会"])
# The carmaker's sales survey (SSI) asks about the purchase and the hand-over.
SALES_SURVEY_QUESTIONS = tuple(
    ["overall", "consultant_attitude", "product_explanation", "delivery_process", "paperwork"]
)
# Motor insurers a dealer sells for, with rough shares of the car-insurance market.
INSURERS = (
    ("中国人保财险", 33.0),
    ("平安产险", 27.0),
    ("太平洋产险", 12.0),
    ("国寿财险", 7.0),
    ("大地保险", 4.0),
    ("阳光产险", 4.0),
)
# What a service manager sets up for each callback issue (seed 001's 整改措施).
ISSUE_ACTIONS = {
    "repair_quality": "返修车辆由技术总监复检, 每周抽查竣工检验记录",
    "trust": "维修项目和报价交车前逐项向客户解释并签字确认",
    "emotional_care": "客户休息区增加专人接待, 维修进度每两小时短信告知",
    "staff": "服务顾问接待礼仪与沟通技巧培训, 月度神秘客户检查",
    "owner_events": "每季度举办一次车主活动, 活动后三天内回访参与客户",
    "convenience": "增设预约快速通道, 周末增加两个工位",
    "comfort": "更新休息区设施, 提供免费洗车和车内清洁",
}

# The calendars' callbacks, attached to each brand (kept apart above for readability).
BRANDS = tuple(
    attrs.evolve(b, after_delivery=_AFTER[b.key][0], after_repair=_AFTER[b.key][1]) for b in BRANDS
)
