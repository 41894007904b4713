"""Plausible Chinese names for the demo city: people, subdistricts, communities, compounds, venues.

Everything here is pure: functions take a `random.Random` and return strings, so a seed
fixes every name.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

# The most common surnames with rough relative frequencies (per mille of the population).
_SURNAMES = (
    "王 72 李 71 张 70 刘 54 陈 45 杨 31 赵 23 黄 22 周 21 吴 20 徐 17 孙 16 胡 13 朱 12 高 12 "
    "林 11 何 11 郭 11 马 11 罗 9 梁 8 宋 8 郑 8 谢 7 韩 7 唐 6 冯 6 于 6 董 6 萧 5 程 5 曹 5 "
    "袁 5 邓 5 许 5 傅 4 沈 4 曾 4 彭 4 吕 4 苏 4 卢 4 蒋 4 蔡 4 贾 4 丁 3 魏 3 薛 3 叶 3 阎 3 "
    "余 3 潘 3 杜 3 戴 3 夏 3 钟 3 汪 3 田 3 任 3 姜 3 范 3 方 3 石 3 姚 3 谭 3 廖 2 邹 2 熊 2 "
    "金 2 陆 2 郝 2 孔 2 白 2 崔 2 康 2 毛 2 邱 2 秦 2 江 2 史 2 顾 2 侯 2 邵 2 孟 2 龙 2 万 2 "
    "段 2 雷 2 钱 2 汤 2 尹 2 黎 2 易 2 常 2 武 2 乔 2 贺 2 赖 2 龚 2 文 2 温 1 牛 1 樊 1 庞 1 "
    "霍 1 栗 1 岳 1 申 1 燕 1 智 1 柴 1 翟 1 焦 1 苗 1 裴 1 闫 1 祁 1 亢 1 云 1"
).split()
SURNAMES = tuple(_SURNAMES[0::2])
SURNAME_CUM_WEIGHTS = tuple(accumulate(int(w) for w in _SURNAMES[1::2]))

MALE_CHARS = tuple(
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清"
    "飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善"
    "厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家"
    "致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘鑫宇晋云"
)
FEMALE_CHARS = tuple(
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺"
    "媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹"
    "蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓"
    "欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威"
    "韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"
)

_SUBDISTRICT_WORDS = tuple(
    "新建 南关 北关 西街 东街 大庆路 新华街 向阳 振华 御河 魏都 文瀛 恒安 和平 兴云 迎宾 同泉 "
    "马军营 西韩岭 口泉 平旺 新胜 鸦儿崖 青磁窑 古城 北都 南环 柳航 太和 华林 同煤 云中 永泰 "
    "新平旺 矿山 老平旺 花园 七峰山 燕子山 白洞 忻州窑 煤峪口 雁崖 晋华宫 马口 泉落 和顺".split()
)
_TOWN_HEADS = tuple("东 西 南 北 大 小 古 新 石 马 杨 柳 王 高 李 张 赵 周 罗 吴 堡 红 白 黑 青 龙 虎 双 三 四".split())
_TOWN_TAILS = tuple("庄 堡 营 屯 河 沟 峪 岭 梁 窑 店 坊 寨 湾 坡 泉 村 口 台 山 寺 城 滩 沿".split())
_VILLAGE_TAILS = tuple("家庄 家堡 家营 家窑 庄 堡 营 屯 河 沟 峪 湾 坡 寨 店 窑 梁 洼 村 辛庄 坊".split())
_COMMUNITY_WORDS = tuple(
    "和平 幸福 文化 新华 永泰 同乐 云中 平安 康乐 兴华 建设 友谊 光明 民主 团结 繁荣 振兴 惠民 "
    "和谐 安康 利民 朝阳 阳光 春华 秋实 锦绣 瑞丰 祥和 金山 翠苑 御河 魏都 恒安 仁和 富民 福盛 "
    "鼓楼 华严 善化 清远 南寺 北寺 东风 西风 红旗 迎春 文昌 育才 同心 顺城 新风 泰安 嘉禾 兴盛".split()
)
_COMPOUND_HEADS = tuple(
    "金地 恒大 万科 碧桂园 富力 保利 御河 魏都 云冈 同煤 华林 紫金 星河 锦绣 阳光 东方 融创 美好 "
    "文瀛 平城 绿洲 枫林 翠湖 泰和 龙城 凤凰 御东 太和 盛世 世纪 中海 鑫源 国投 华润 恒安 兴云 "
    "北都 泰华 和顺 福瑞 百合 康城 水岸 桐城 湖畔 名都 金泰 鸿福".split()
)
_COMPOUND_TAILS = tuple("小区 花园 家园 新城 嘉园 名苑 雅苑 佳苑 华府 公馆 苑 城 府 里 湾 公寓 丽景 尚城 天城 雅居".split())
_PHASES = ("", "", "", "一期", "二期", "三期", "A区", "B区", "C区")
ROADS = tuple(
    "御河西路 御河东路 魏都大道 云中路 迎宾街 新建南路 新建北路 永泰街 文兴路 兴云街 同泉路 大庆路 "
    "北都街 太和路 平城街 和阳街 恒安街 振华街 南环路 北环路 开源街 西环路 东环路 建设路 柳航路 "
    "学府街 文瀛湖街 华林街 云冈路 新平旺街 古城路 雁同路 魏都大街 鼓楼东街 鼓楼西街 大北街 大南街 "
    "大东街 大西街 站北街 站东街".split()
)
_NUMERALS = "一二三四五六七八九十"

VENUE_KINDS = ("supermarket", "restaurant", "workplace", "school", "construction_site", "bus_station", "hospital")
VENUE_KIND_CUM_WEIGHTS = tuple(accumulate((25, 30, 20, 8, 7, 6, 4)))
_SUPERMARKET_BRANDS = tuple("美特好 华联 永辉 沃尔玛 东方 红旗 万家福 惠民 家家乐 金虎 好又多 便民".split())
_DISHES = tuple("刀削面 莜面 羊杂 烧卖 火锅 饺子馆 黄糕 兔头 凉粉 拉面 家常菜 烤肉 豆腐 包子铺 快餐 小米粥".split())
_INDUSTRIES = tuple("煤业 电力 机车 物流 科技 建材 食品 医药 化工 商贸 能源 陶瓷 机械 光伏 纺织".split())
_HOSPITALS = ("社区卫生服务中心", "人民医院", "中医医院", "妇幼保健院", "第一医院", "第二医院", "第三医院", "第五医院", "诊所")
_SCHOOLS = ("小学", "中学", "实验小学", "第一中学", "第二中学", "幼儿园", "职业中学")


_SURNAME_TOTAL = SURNAME_CUM_WEIGHTS[-1]


def person_name(rng: random.Random, surname: str, male: bool) -> str:
    # int(random() * n) rather than choice(): a third of the cost, on the hot path of big cities
    chars = MALE_CHARS if male else FEMALE_CHARS
    draw, n = rng.random, len(chars)
    if draw() < 0.3:
        return surname + chars[int(draw() * n)]
    return surname + chars[int(draw() * n)] + chars[int(draw() * n)]


def surname(rng: random.Random) -> str:
    return SURNAMES[bisect_right(SURNAME_CUM_WEIGHTS, rng.random() * _SURNAME_TOTAL)]


def _numeral(n: int) -> str:
    return _NUMERALS[n - 1] if n <= 10 else str(n)


def _unique(taken: set[str], make) -> str:
    """A name not in `taken` (which it joins); after a few clashes a numeral breaks the tie.

    `make()` returns (stem, suffix); the tie-breaker goes between them: 东风社区 → 东风二社区,
    金地花园 → 金地花园二期.
    """
    for _ in range(8):
        stem, suffix = make()
        if stem + suffix not in taken:
            taken.add(stem + suffix)
            return stem + suffix
    suffix = suffix or "期"
    n = 2
    while (candidate := f"{stem}{_numeral(n)}{suffix}") in taken:
        n += 1
    taken.add(candidate)
    return candidate


def subdistrict_name(rng: random.Random, taken: set[str], rural: bool) -> str:
    if rural:
        return _unique(
            taken,
            lambda: (rng.choice(_TOWN_HEADS) + rng.choice(_TOWN_TAILS), "镇" if rng.random() < 0.6 else "乡"),
        )
    return _unique(taken, lambda: (rng.choice(_SUBDISTRICT_WORDS), "街道"))


def community_name(rng: random.Random, taken: set[str], rural: bool) -> str:
    if rural:
        return _unique(taken, lambda: (rng.choice(_TOWN_HEADS) + rng.choice(_VILLAGE_TAILS), "村"))
    return _unique(taken, lambda: (rng.choice(_COMMUNITY_WORDS), "社区"))


def compound_name(rng: random.Random, taken: set[str]) -> str:
    def make() -> tuple[str, str]:
        phase = rng.choice(_PHASES)
        return rng.choice(_COMPOUND_HEADS) + rng.choice(_COMPOUND_TAILS), phase

    return _unique(taken, make)


def village_group_name(village: str, number: int) -> str:
    return f"{village}{_numeral(number)}组"


def venue_kind(rng: random.Random) -> str:
    return rng.choices(VENUE_KINDS, cum_weights=VENUE_KIND_CUM_WEIGHTS)[0]


def venue_name(rng: random.Random, kind: str, district_short: str, community: str) -> str:
    place = community.removesuffix("社区").removesuffix("村")
    if kind == "supermarket":
        return f"{rng.choice(_SUPERMARKET_BRANDS)}超市({place}店)"
    if kind == "restaurant":
        return f"{surname(rng)}记{rng.choice(_DISHES)}"
    if kind == "workplace":
        return f"大同市{place}{rng.choice(_INDUSTRIES)}有限公司"
    if kind == "school":
        return f"{district_short}{place}{rng.choice(_SCHOOLS)}"
    if kind == "hospital":
        kind_name = rng.choice(_HOSPITALS)
        return f"{place}{kind_name}" if kind_name in ("社区卫生服务中心", "诊所") else f"{district_short}{kind_name}"
    if kind == "bus_station":
        return f"{rng.choice(ROADS)}{place}公交站"
    if kind == "construction_site":
        return f"{rng.choice(_COMPOUND_HEADS)}{rng.choice(_COMPOUND_TAILS)}项目工地"
    raise ValueError(f"unknown venue kind {kind!r}")


def address(rng: random.Random, district: str, subdistrict: str) -> str:
    return f"{district}{subdistrict}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
