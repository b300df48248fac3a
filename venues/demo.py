"""Demo data for Putuo District: 47 venues of the "4+X" mass organisations.

``load_demo()`` writes everything in one transaction and is idempotent: rows are
matched on natural keys (organisation, town and venue names, facility codes,
space names within a venue, usernames), a venue's opening hours and closures
are replaced wholesale, photos are only drawn for venues that have none, and
daily stats are upserted on (venue, date). Everything is deterministic: the
scattering uses a fixed seed and all other randomness is seeded from names and
dates. Nothing touches the network.
"""

from __future__ import annotations

import csv
import math
import os
import random
import time as clock
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from qunxian.roles import SYSTEM_ADMIN_GROUP

from .models import (
    Closure,
    Facility,
    OpeningHours,
    Organization,
    Space,
    Town,
    Venue,
    VenueDailyStat,
    VenuePhoto,
)

SEED = 20261128
TOWNS_CSV = Path(__file__).resolve().parent / "fixtures" / "putuo-towns.csv"
STAT_DAYS = 100

# ---------------------------------------------------------------------------
# Organisations, facilities
# ---------------------------------------------------------------------------

UNION = "普陀区总工会"
YOUTH = "共青团普陀区委"
WOMEN = "普陀区妇女联合会"
SCIENCE = "普陀区科学技术协会"
DISABLED = "普陀区残疾人联合会"
COMMERCE = "普陀区工商业联合会"

K = Organization.Kind
ORGANIZATIONS: list[tuple[str, str]] = [
    (UNION, K.UNION),
    (YOUTH, K.YOUTH),
    (WOMEN, K.WOMEN),
    (SCIENCE, K.SCIENCE),
    (DISABLED, K.OTHER),
    (COMMERCE, K.OTHER),
]
ORG_KIND = dict(ORGANIZATIONS)

# (code, name, icon in static/img/icons.svg without the "icon-" prefix)
FACILITIES: list[tuple[str, str, str]] = [
    ("aed", "AED除颤器", "aed"),
    ("water", "饮用水", "water"),
    ("microwave", "微波炉", "microwave"),
    ("charging", "充电", "charging"),
    ("fridge", "冰箱", "fridge"),
    ("books", "图书", "books"),
    ("restroom", "卫生间", "restroom"),
    ("first_aid", "急救箱", "first_aid"),
    ("wifi", "无线网络", "wifi"),
    ("air_conditioning", "空调", "air_conditioning"),
    ("seating", "休息座椅", "seating"),
    ("step_free", "无障碍通道", "step_free"),
]

C = Venue.Category
BASE_FACILITIES: dict[str, set[str]] = {
    C.WORKERS_HOME: {
        "water",
        "books",
        "wifi",
        "air_conditioning",
        "seating",
        "restroom",
        "first_aid",
        "microwave",
    },
    C.OUTDOOR_STATION: {
        "water",
        "microwave",
        "charging",
        "restroom",
        "seating",
        "first_aid",
    },
    C.YOUTH_HOME: {"wifi", "air_conditioning", "books", "water", "seating", "charging"},
    C.WOMEN_CHILDREN_HOME: {
        "books",
        "air_conditioning",
        "water",
        "restroom",
        "seating",
        "step_free",
        "first_aid",
    },
    C.SCIENCE_SITE: {"wifi", "air_conditioning", "restroom", "step_free", "seating"},
    C.OTHER: {"step_free", "restroom", "water", "seating", "air_conditioning"},
}

# ---------------------------------------------------------------------------
# Opening hours: weekday 0 = Monday; closes <= opens runs past midnight.
# ---------------------------------------------------------------------------

MON_FRI = range(0, 5)
EVERY_DAY = range(0, 7)


def _t(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _ranges(days, *spans: str) -> list[tuple[int, time, time]]:
    out = []
    for day in days:
        for span in spans:
            opens, closes = span.split("-")
            out.append((day, _t(opens), _t(closes)))
    return out


HOURS: dict[str, list[tuple[int, time, time]]] = {
    # 职工之家: office hours with a lunch break, Saturday morning.
    "workers_home": _ranges(MON_FRI, "08:30-11:30", "13:30-17:30")
    + _ranges([5], "09:00-12:00"),
    # Service centre: continuous weekdays, two evening classes, Saturday.
    "service_centre": _ranges(MON_FRI, "08:30-17:30")
    + _ranges([1, 3], "18:30-20:30")
    + _ranges([5], "09:00-16:00"),
    "station_24h": _ranges(EVERY_DAY, "00:00-00:00"),
    "station_day": _ranges(EVERY_DAY, "06:00-21:00"),
    # 青年之家: afternoons and evenings on weekdays, all day at weekends.
    "youth": _ranges(MON_FRI, "14:00-17:30", "18:30-21:00")
    + _ranges([5, 6], "09:00-12:00", "14:00-21:00"),
    # Open late on Friday and Saturday nights, past midnight.
    "youth_late": _ranges(range(0, 4), "14:00-21:00")
    + _ranges([4, 5], "10:00-17:00", "18:00-00:30")
    + _ranges([6], "10:00-17:00"),
    "women": _ranges(MON_FRI, "08:30-11:30", "13:30-17:00")
    + _ranges([5, 6], "09:00-11:30", "14:00-17:00"),
    # Science sites: closed on Mondays, like museums.
    "science": _ranges(range(1, 7), "09:00-16:30"),
    "office": _ranges(MON_FRI, "08:30-11:30", "13:30-17:00"),
}

# ---------------------------------------------------------------------------
# Spaces: (name, capacity, exclusive, description)
# ---------------------------------------------------------------------------

SPACES: dict[str, tuple[str, int, bool, str]] = {
    "activity": ("活动室", 30, False, "可开展培训、文体活动和小型讲座。"),
    "meeting": ("会议室", 12, True, "配投影和白板，适合小型会议、班组学习。"),
    "reading": ("阅览室", 20, False, "安静阅读区，提供报刊和图书。"),
    "counselling": ("心理咨询室", 1, True, "一对一心理疏导，严格保密。"),
    "parent_child": ("亲子活动室", 16, False, "软垫地面和绘本角，适合亲子阅读和手工。"),
    "classroom": ("科普教室", 40, False, "可开展科普讲座、实验演示和研学活动。"),
    "rehab": ("康复活动室", 10, False, "配备基础康复器材，由康复指导员陪同使用。"),
    "studio": ("创客工作室", 8, True, "配电脑和3D打印机，适合创业团队协作与路演。"),
}

# ---------------------------------------------------------------------------
# Venues
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VenueSpec:
    org: str
    category: str
    town: str
    name: str
    address: str
    phone: str
    hours: str
    facilities: str  # changes to the category's base set: "+aed -books"
    spaces: tuple[str, ...]
    description: str


def _v(org, category, town, name, address, phone, hours, facilities, spaces, text):
    return VenueSpec(
        org, category, town, name, address, phone, hours, facilities,
        tuple(spaces.split()), text,
    )  # fmt: skip


SJM, DG, GS, ZM = "沈家门街道", "东港街道", "勾山街道", "展茅街道"
ZJJ, PTS, LH, TH, XZ, DJ = (
    "朱家尖街道",
    "普陀山镇",
    "六横镇",
    "桃花镇",
    "虾峙镇",
    "东极镇",
)
WH, OS, YH = C.WORKERS_HOME, C.OUTDOOR_STATION, C.YOUTH_HOME
WC, SS, OT = C.WOMEN_CHILDREN_HOME, C.SCIENCE_SITE, C.OTHER

PUGONG_STATION = "普工@家·黄杨尖户外劳动者驿站"

# fmt: off
VENUES: list[VenueSpec] = [
    # --- 普陀区总工会: 22 -------------------------------------------------
    _v(UNION, WH, SJM, "沈家门街道职工之家", "沈家门街道东海中路238号", "0580-3012201",
       "workers_home", "+aed +fridge", "activity meeting",
       "街道总工会主办，提供职工阅读、技能培训和法律咨询。周六上午开放亲子阅读。"),
    _v(UNION, WH, SJM, "普陀区总工会职工服务中心", "沈家门街道兴建路121号",
       "0580-3015678", "service_centre", "+aed +fridge +step_free",
       "activity meeting counselling",
       "区总工会职工服务中心，集维权帮扶、心理疏导、技能培训于一体。"
       "周二、周四晚间开设职工夜校。"),
    _v(UNION, OS, SJM, "沈家门渔港环卫工人爱心驿站", "沈家门街道滨港路302号",
       "0580-3023310", "station_24h", "+aed +fridge",
       "", "24小时开放，环卫工人可在此歇脚、热饭、喝水、充电，夏季提供防暑降温药品。"),
    _v(UNION, OS, SJM, "半升洞码头渔民休息驿站", "沈家门街道半升洞码头候船区东侧",
       "0580-3026612", "station_24h", "+aed",
       "", "紧邻半升洞码头，为出海渔民和码头装卸工人提供休息、饮水和应急救护。"),
    _v(UNION, OS, SJM, "鲁家峙快递小哥暖心驿站", "沈家门街道鲁家峙东路56号",
       "0580-3031180", "station_day", "+fridge",
       "", "为快递、外卖骑手提供充电、热饭和休息，雨天可临时停放电动车。"),
    _v(UNION, OS, SJM, "海印路户外劳动者服务站", "沈家门街道海印路88号", "0580-3035521",
       "station_day", "+aed",
       "", "面向交警、环卫、建筑等户外劳动者，夏送清凉、冬送温暖。"),
    _v(UNION, WH, SJM, "沈家门水产城职工之家", "沈家门街道渔港路19号水产城二楼",
       "0580-3019943", "workers_home", "+fridge",
       "activity", "服务水产城一线职工，设有阅览角、健身区和职工议事厅。"),
    _v(UNION, WH, DG, "东港街道职工之家", "东港街道海华路150号", "0580-3801122",
       "workers_home", "+aed +step_free", "activity reading",
       "东港新城职工的学习和活动阵地，定期举办读书会和技能比武。"),
    _v(UNION, OS, DG, "东港新城快递小哥驿站", "东港街道昌正街28号", "0580-3805570",
       "station_day", "",
       "", "商圈中心的快递小哥驿站，提供充电宝、饮水和临时休息座椅。"),
    _v(UNION, OS, DG, "东港街道环卫工人爱心驿站", "东港街道东晨路66号",
       "0580-3808816", "station_24h", "+fridge",
       "", "全天候开放，环卫工人凌晨作业后可在此休息、热饭。"),
    _v(UNION, WH, GS, "勾山街道职工之家", "勾山街道勾山大道75号", "0580-3661208",
       "workers_home", "", "activity",
       "勾山街道总工会职工之家，开设职工书屋和文体活动室。"),
    _v(UNION, OS, GS, "芦花公交司机驿站", "勾山街道芦花村公交首末站旁",
       "0580-3665530", "station_day", "",
       "", "公交首末站旁的驿站，方便司机和站务人员短暂休息、如厕和热饭。"),
    _v(UNION, OS, ZM, PUGONG_STATION, "展茅街道黄杨尖村村委会东侧",
       "0580-3671166", "station_24h", "+aed +fridge +wifi",
       "", "“普工@家”户外劳动者驿站，24小时开放，为周边工地、物流和农业户外劳动者"
       "提供歇脚、饮水、热饭和应急救护。"),
    _v(UNION, WH, ZM, "普陀经济开发区职工之家", "展茅街道平阳浦路18号",
       "0580-3678803", "workers_home", "+aed +fridge", "activity meeting",
       "开发区企业职工的共享之家，提供技能培训、婚恋交友和子女托管服务。"),
    _v(UNION, WH, ZM, "展茅街道职工之家", "展茅街道展茅大道201号", "0580-3672290",
       "workers_home", "-microwave",
       "", "街道职工之家，设有职工书屋和乒乓球室，欢迎就近职工随时前来。"),
    _v(UNION, OS, ZJJ, "朱家尖景区一线职工驿站", "朱家尖街道朱家尖大道南沙段9号",
       "0580-6031200", "station_day", "+aed",
       "", "为景区保洁、安保、导游等一线职工提供休息、饮水和防暑物资。"),
    _v(UNION, WH, PTS, "普陀山镇职工之家", "普陀山镇梅岑路36号", "0580-6091033",
       "workers_home", "", "reading",
       "服务景区和寺院周边服务业职工，提供阅读、休息和心理咨询预约。"),
    _v(UNION, WH, LH, "六横镇职工之家", "六横镇峧头兴业路12号", "0580-6081520",
       "workers_home", "+aed +fridge", "activity meeting",
       "六横镇总工会职工之家，面向船厂、港口企业职工开展培训和文体活动。"),
    _v(UNION, OS, LH, "龙山船厂职工驿站", "六横镇龙山船厂生活区北门", "0580-6083377",
       "station_24h", "+aed +fridge",
       "", "倒班职工的休息点，24小时供应热水，配有急救箱和AED。"),
    _v(UNION, OS, LH, "峧头港区码头工人驿站", "六横镇峧头港区候工楼一楼",
       "0580-6086602", "station_24h", "+aed",
       "", "码头装卸工人和货车司机可在此休息、充电、热饭。"),
    _v(UNION, WH, TH, "桃花镇职工之家", "桃花镇茅山村桃花大道45号", "0580-6051188",
       "workers_home", "-microwave",
       "", "海岛职工的学习交流场所，设职工书屋和健身角。"),
    _v(UNION, OS, XZ, "虾峙栅棚渔民驿站", "虾峙镇栅棚村渔港路7号", "0580-6071245",
       "station_day", "+fridge",
       "", "渔港边的渔民驿站，供渔民补网间隙休息、饮水和热饭。"),
    # --- 共青团普陀区委: 8 -------------------------------------------------
    _v(YOUTH, YH, SJM, "普陀青年之家·沈家门", "沈家门街道新街52号", "0580-3017721",
       "youth", "+restroom +step_free", "activity meeting",
       "团区委主办的青年活动阵地，举办读书分享、志愿服务和青年交友活动。"),
    _v(YOUTH, YH, SJM, "鲁家峙青年创业之家", "沈家门街道鲁家峙西路8号", "0580-3032245",
       "youth", "+restroom", "studio meeting",
       "为青年创业者提供共享工位、创业辅导和项目路演场地。"),
    _v(YOUTH, YH, SJM, "渔港青年之家·夜校", "沈家门街道泰和路31号", "0580-3018856",
       "youth_late", "+restroom", "activity",
       "周五、周六晚间开放至凌晨，开设青年夜校、桌游和音乐分享。"),
    _v(YOUTH, YH, DG, "东港青年之家", "东港街道新晨路99号", "0580-3803364",
       "youth", "+restroom +step_free", "activity reading",
       "东港新城的青年之家，提供自习空间、兴趣课程和志愿服务对接。"),
    _v(YOUTH, YH, DG, "新就业形态青年之家", "东港街道浦西路17号", "0580-3806620",
       "youth", "+microwave +restroom",
       "", "面向快递员、网约车司机等新就业形态青年，提供休息、学习和权益咨询。"),
    _v(YOUTH, YH, GS, "勾山青年之家", "勾山街道樟州路23号", "0580-3662217",
       "youth", "+restroom", "activity",
       "开展青少年托管、青年技能培训和社区志愿服务。"),
    _v(YOUTH, YH, ZJJ, "朱家尖民宿青年之家", "朱家尖街道月岙村月岙路3号",
       "0580-6033358", "youth", "+restroom",
       "", "服务民宿和旅游业青年，提供交流空间和电商直播培训。"),
    _v(YOUTH, YH, LH, "六横青年之家", "六横镇台门村台门路41号", "0580-6082219",
       "youth", "+restroom", "activity",
       "为船厂和港口青年职工提供业余学习、联谊和文体活动。"),
    # --- 普陀区妇女联合会: 8 -----------------------------------------------
    _v(WOMEN, WC, SJM, "普陀区妇女儿童之家", "沈家门街道东河路120号", "0580-3013390",
       "women", "+wifi +aed", "parent_child counselling activity",
       "区妇联主办，提供家庭教育指导、婚姻家庭咨询和儿童托管服务。"),
    _v(WOMEN, WC, SJM, "沈家门街道妇女儿童之家", "沈家门街道西大街66号",
       "0580-3016627", "women", "+wifi", "parent_child",
       "开展亲子阅读、巾帼技能培训和“妈妈课堂”。"),
    _v(WOMEN, WC, SJM, "沈家门渔嫂之家", "沈家门街道渔港路88号", "0580-3024418",
       "women", "+microwave",
       "", "渔嫂们的互助家园，提供织网技能交流、法律咨询和临时托管。"),
    _v(WOMEN, WC, DG, "东港街道妇女儿童之家", "东港街道海华路21号", "0580-3802256",
       "women", "+wifi", "parent_child reading",
       "设亲子阅读区和妇女微家，周末开展儿童科学小实验。"),
    _v(WOMEN, WC, GS, "勾山街道妇女儿童之家", "勾山街道东升村文化礼堂二楼",
       "0580-3663380", "women", "",
       "", "依托村文化礼堂，开展妇女议事和留守儿童关爱活动。"),
    _v(WOMEN, WC, ZM, "展茅街道妇女儿童之家", "展茅街道晓峰村晓峰路12号",
       "0580-3673306", "women", "",
       "", "开展家庭教育讲座、女性健康筛查宣传和儿童暑托班。"),
    _v(WOMEN, WC, PTS, "普陀山镇妇女儿童之家", "普陀山镇香华街20号",
       "0580-6092217", "women", "+wifi",
       "", "服务海岛妇女儿童，提供亲子阅读和心理关爱。"),
    _v(WOMEN, WC, TH, "桃花镇妇女儿童之家", "桃花镇塔湾村塔湾路5号", "0580-6053301",
       "women", "",
       "", "海岛妇女儿童的活动阵地，定期开展巾帼志愿服务。"),
    # --- 普陀区科学技术协会: 5 ---------------------------------------------
    _v(SCIENCE, SS, SJM, "普陀区青少年科普馆", "沈家门街道同济路10号", "0580-3014465",
       "science", "+aed +water +first_aid", "classroom",
       "海洋科技、防灾减灾和人工智能主题展厅，可预约团体科普课程。"),
    _v(SCIENCE, SS, SJM, "沈家门渔港海洋科普站", "沈家门街道滨港路168号",
       "0580-3027732", "science", "+water",
       "", "介绍渔港历史、海洋渔业资源和海洋生态保护。"),
    _v(SCIENCE, SS, DG, "东港社区科普e站", "东港街道碧海莲缘社区服务中心一楼",
       "0580-3807741", "science", "+books",
       "", "社区科普e站，提供科普电子屏、VR体验和老年人智能手机课堂。"),
    _v(SCIENCE, SS, ZJJ, "朱家尖海洋科普基地", "朱家尖街道南沙景区游客中心北侧",
       "0580-6035509", "science", "+water +first_aid",
       "", "展示潮间带生物和海洋地质，适合亲子研学。"),
    _v(SCIENCE, SS, DJ, "东极岛海洋气象科普站", "东极镇庙子湖村庙子湖街1号",
       "0580-6099012", "science", "+water +first_aid",
       "", "中国东海最东端的海洋气象科普站，介绍海岛气象观测和台风防御知识。"),
    # --- 其他 (X): 4 -------------------------------------------------------
    _v(DISABLED, OT, SJM, "沈家门街道残疾人之家", "沈家门街道东海中路56号",
       "0580-3018890", "office", "+first_aid +aed", "rehab",
       "为残疾人提供康复训练、日间照料和就业辅导。"),
    _v(DISABLED, OT, GS, "勾山街道残疾人之家", "勾山街道勾山村文化路9号",
       "0580-3664471", "office", "+first_aid",
       "", "开展康复指导、手工技能培训和助残志愿服务。"),
    _v(COMMERCE, OT, DG, "普陀区工商联会员服务中心", "东港街道普陀大道1118号",
       "0580-3809901", "office", "+wifi", "meeting",
       "为民营企业和商会会员提供政策咨询、法律服务和会议场地。"),
    _v(COMMERCE, OT, LH, "六横镇商会服务站", "六横镇双塘村龙浦路20号", "0580-6084417",
       "office", "+wifi",
       "", "服务六横民营企业，开展政企恳谈和企业用工对接。"),
]
# fmt: on

# The manager runs the 普工@家 station and two Shenjiamen venues.
MANAGED_VENUES = [PUGONG_STATION, "沈家门街道职工之家", "沈家门渔港环卫工人爱心驿站"]

DEMO_ACCOUNTS: list[dict[str, str]] = [
    {
        "role": "worker",
        "username": "worker",
        "phone": "13800000001",
        "display_name": "李师傅",
        "password": "worker-demo-2026",  # noqa: S105 - published demo password
    },
    {
        "role": "manager",
        "username": "manager",
        "phone": "13800000002",
        "display_name": "张站长",
        "password": "manager-demo-2026",  # noqa: S105 - published demo password
    },
    {
        "role": "system_admin",
        "username": "admin",
        "phone": "13800000003",
        "display_name": "区总工会管理员",
        "password": "admin-demo-2026",  # noqa: S105 - published demo password
    },
]

# How messages reach each demo account besides its inbox (it can change them).
DEMO_PREFS = {
    "worker": {"channels": {"booking": ["sms"], "reminder": ["sms"]}},
    "manager": {"channels": {"alert": ["sms"]}},
    "system_admin": {"channels": {"alert": ["sms"]}},
}

# Daily stats: relative interest per town and per category.
TOWN_WEIGHT = {
    SJM: 1.0,
    DG: 0.8,
    GS: 0.6,
    ZM: 0.55,
    ZJJ: 0.5,
    PTS: 0.45,
    LH: 0.55,
    TH: 0.3,
    XZ: 0.25,
    DJ: 0.2,
}
CATEGORY_WEIGHT = {WH: 1.0, OS: 1.1, YH: 0.9, WC: 0.9, SS: 0.8, OT: 0.6}


def _rng(*parts: object) -> random.Random:
    """A generator seeded from the fixed seed and names: stable across runs."""
    # Not for security: demo data only.
    return random.Random(":".join(map(str, (SEED, *parts))))  # noqa: S311


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def load_demo(stdout=None) -> dict[str, Any]:
    """Write the demo data (idempotent) and return a summary."""
    started = clock.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    # Password hashing and photo drawing are CPU-bound and release the GIL;
    # they run in threads while the main thread writes the rows.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        hashes = {
            a["username"]: pool.submit(make_password, a["password"])
            for a in DEMO_ACCOUNTS
        }
        summary = _load_all(pool, hashes, say)
    summary["seconds"] = round(clock.perf_counter() - started, 2)
    return summary


def _load_all(pool: Executor, hashes: dict[str, Future], say) -> dict[str, Any]:
    with transaction.atomic():
        town_rows = read_towns()
        towns = _load_towns(town_rows)
        radii = {row["town"]: scatter_km(row) for row in town_rows}
        say(f"towns 街道/镇: {len(towns)}")
        orgs = _load_organizations()
        say(f"organisations 组织: {len(orgs)}")
        facilities = _load_facilities()
        say(f"facilities 设施: {len(facilities)}")
        venues = _load_venues(towns, radii, orgs, facilities)
        say(f"venues 场所: {len(venues)}")
        _load_hours_and_closures(venues)
        spaces = _load_spaces(venues)
        say(f"spaces 可预约空间: {spaces}")
        new_photos = _load_photos(venues, pool)
        say(f"photos 照片: {new_photos} new")
        stats = _load_stats(venues)
        say(f"daily stats 每日统计: {stats} rows upserted")
        accounts = _load_accounts(venues, hashes)
        say(f"accounts 演示账号: {len(accounts)}")

    union_venues = Venue.objects.filter(
        name__in=[s.name for s in VENUES], organization__kind=Organization.Kind.UNION
    ).count()
    return {
        "towns": len(towns),
        "organizations": len(orgs),
        "facilities": len(facilities),
        "venues": len(venues),
        "union_venues": union_venues,
        "bookable_venues": sum(1 for v in venues.values() if v.is_bookable),
        "spaces": spaces,
        "opening_hours": OpeningHours.objects.filter(venue__in=venues.values()).count(),
        "closures": Closure.objects.filter(venue__in=venues.values()).count(),
        "photos_created": new_photos,
        "photos": VenuePhoto.objects.filter(venue__in=venues.values()).count(),
        "daily_stats": stats,
        "accounts": accounts,
    }


def read_towns() -> list[dict[str, str]]:
    with TOWNS_CSV.open(encoding="utf-8", newline="") as fh:
        return [
            {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)
        ]


def scatter_km(row: dict[str, str]) -> float:
    """Radius around the town's centre: 2 km on the mainland-side streets, 1 km on
    the islands (keeps venues land-ish)."""
    return 1.0 if "island" in row["note"] else 2.0


def _load_towns(rows: list[dict[str, str]]) -> dict[str, Town]:
    towns = {}
    for position, row in enumerate(rows, start=1):
        town, _ = Town.objects.update_or_create(
            name=row["town"],
            defaults={
                "lat": float(row["lat"]),
                "lng": float(row["lng"]),
                "position": position,
            },
        )
        towns[town.name] = town
    return towns


def _load_organizations() -> dict[str, Organization]:
    orgs = {}
    for name, kind in ORGANIZATIONS:
        org, _ = Organization.objects.update_or_create(
            name=name, defaults={"kind": kind}
        )
        orgs[name] = org
    return orgs


def _load_facilities() -> dict[str, Facility]:
    facilities = {}
    for position, (code, name, icon) in enumerate(FACILITIES):
        facility, _ = Facility.objects.update_or_create(
            code=code, defaults={"name": name, "icon": icon, "position": position}
        )
        facilities[code] = facility
    return facilities


def facility_codes(spec: VenueSpec) -> set[str]:
    codes = set(BASE_FACILITIES[spec.category])
    for change in spec.facilities.split():
        if change.startswith("+"):
            codes.add(change[1:])
        elif change.startswith("-"):
            codes.discard(change[1:])
        else:
            raise ValueError(f"{spec.name}: facility change {change!r} needs + or -")
    return codes


def _scatter(rng: random.Random, town: Town, radius_km: float) -> tuple[float, float]:
    """A point uniformly distributed in a disc around the town's centre."""
    distance = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.0
    dlng = distance * math.sin(bearing) / (111.0 * math.cos(math.radians(town.lat)))
    return round(town.lat + dlat, 6), round(town.lng + dlng, 6)


def _load_venues(towns, radii, orgs, facilities) -> dict[str, Venue]:
    rng = random.Random(SEED)  # noqa: S311 - deterministic scattering, not security
    venues = {}
    for spec in VENUES:
        town = towns[spec.town]
        lat, lng = _scatter(rng, town, radii[spec.town])
        venue, _ = Venue.objects.update_or_create(
            name=spec.name,
            defaults={
                "organization": orgs[spec.org],
                "category": spec.category,
                "town": town,
                "address": spec.address,
                "lat": lat,
                "lng": lng,
                "phone": spec.phone,
                "description": spec.description,
                "is_bookable": bool(spec.spaces),
                "status": Venue.Status.ACTIVE,
                "status_reason": "",
            },
        )
        venue.facilities.set([facilities[c] for c in sorted(facility_codes(spec))])
        venues[spec.name] = venue
    return venues


def _next_month_start(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def demo_closures(today: date) -> dict[str, list[tuple[date, date, str]]]:
    """Closures relative to today (Asia/Shanghai)."""
    next_month = _next_month_start(today)
    return {
        "普陀区总工会职工服务中心": [
            (next_month + timedelta(days=4), next_month + timedelta(days=6), "设备检修")
        ],
        "普陀区青少年科普馆": [
            (today + timedelta(days=2), today + timedelta(days=3), "展厅布展更新")
        ],
        "东港青年之家": [
            (
                next_month + timedelta(days=11),
                next_month + timedelta(days=11),
                "空调及消防设施年检",
            )
        ],
    }


def _load_hours_and_closures(venues: dict[str, Venue]) -> None:
    ids = [v.pk for v in venues.values()]
    OpeningHours.objects.filter(venue_id__in=ids).delete()
    Closure.objects.filter(venue_id__in=ids).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=venues[spec.name], weekday=day, opens=opens, closes=closes)
        for spec in VENUES
        for day, opens, closes in HOURS[spec.hours]
    )
    Closure.objects.bulk_create(
        Closure(venue=venues[name], start_date=start, end_date=end, reason=reason)
        for name, closures in demo_closures(timezone.localdate()).items()
        for start, end, reason in closures
    )


def _load_spaces(venues: dict[str, Venue]) -> int:
    # Spaces a manager added beyond the demo ones are left alone (they may
    # carry bookings); the demo ones are matched on (venue, name).
    count = 0
    for spec in VENUES:
        for key in spec.spaces:
            name, capacity, exclusive, description = SPACES[key]
            Space.objects.update_or_create(
                venue=venues[spec.name],
                name=name,
                defaults={
                    "capacity": capacity,
                    "is_exclusive": exclusive,
                    "description": description,
                    "is_active": True,
                },
            )
            count += 1
    return count


# ---------------------------------------------------------------------------
# Photos: simple illustrations drawn with Pillow
# ---------------------------------------------------------------------------

# Pictures are designed on a 960×640 grid and drawn at PHOTO_SIZE (fewer pixels
# keep the image pipeline, and so the first load, fast).
DESIGN_W, DESIGN_H = 960, 640
PHOTO_SIZE = (720, 480)

# sky top, sky bottom, accent, wall
PALETTES: dict[str, tuple[str, str, str, str]] = {
    K.UNION: ("#7fb8f0", "#e6f2ff", "#d7263d", "#f7f0e6"),
    K.YOUTH: ("#6fcfc3", "#e8fbf7", "#1f9d8b", "#fbfcf4"),
    K.WOMEN: ("#f4a7bb", "#fff1f4", "#e0607e", "#fff8f1"),
    K.SCIENCE: ("#6d86f5", "#e4e9ff", "#3d5af1", "#f1f4ff"),
    K.OTHER: ("#f8c15c", "#fff5df", "#dd8a0b", "#fffaf0"),
}
ISLAND_TOWNS = {ZJJ, PTS, LH, TH, XZ, DJ}
TREE_GREENS = ["#3f8f46", "#4fa35a", "#2f7a3b"]


def _gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    """Vertical gradient: a one-pixel column, stretched (cheap)."""
    width, height = size
    column = Image.new("L", (1, height))
    column.putdata([255 * y // max(1, height - 1) for y in range(height)])
    mask = column.resize(size, Image.Resampling.NEAREST)
    return Image.composite(
        Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask
    )


class _Pen:
    """ImageDraw in design coordinates, scaled to the picture's real size."""

    def __init__(self, img: Image.Image):
        self.img = img
        self.draw = ImageDraw.Draw(img)
        self.k = img.width / DESIGN_W

    def _xy(self, xy):
        if isinstance(xy[0], tuple):
            return [(x * self.k, y * self.k) for x, y in xy]
        return [v * self.k for v in xy]

    def _kw(self, kw):
        if "width" in kw:
            kw["width"] = max(1, round(kw["width"] * self.k))
        return kw

    def rect(self, xy, **kw):
        self.draw.rectangle(self._xy(xy), **self._kw(kw))

    def ellipse(self, xy, **kw):
        self.draw.ellipse(self._xy(xy), **self._kw(kw))

    def polygon(self, xy, **kw):
        self.draw.polygon(self._xy(xy), **self._kw(kw))

    def line(self, xy, **kw):
        self.draw.line(self._xy(xy), **self._kw(kw))

    def arc(self, xy, start, end, **kw):
        self.draw.arc(self._xy(xy), start, end, **self._kw(kw))

    def gradient(self, box, top: str, bottom: str):
        x0, y0, x1, y1 = (round(v * self.k) for v in box)
        self.img.paste(_gradient((x1 - x0, y1 - y0), top, bottom), (x0, y0))


def _canvas(top: str, bottom: str) -> _Pen:
    return _Pen(_gradient(PHOTO_SIZE, top, bottom))


def _tree(pen: _Pen, x: int, base: int, size: int, shade: str) -> None:
    pen.rect([x - size // 10, base - size, x + size // 10, base], fill="#8a5a3b")
    pen.ellipse(
        [x - size // 2, base - size * 2, x + size // 2, base - size], fill=shade
    )


def draw_exterior(rng: random.Random, kind: str, island: bool) -> Image.Image:
    """The venue's building under a sky in its organisation's colours."""
    w, h = DESIGN_W, DESIGN_H
    sky_top, sky_bottom, accent, wall = PALETTES[kind]
    horizon = int(h * rng.uniform(0.62, 0.7))
    pen = _canvas(sky_top, sky_bottom)
    # Sun and clouds.
    sx, sy = rng.randint(60, w - 60), rng.randint(50, 140)
    pen.ellipse([sx - 38, sy - 38, sx + 38, sy + 38], fill="#fff3b0")
    for _ in range(rng.randint(2, 4)):
        cx, cy = rng.randint(0, w), rng.randint(40, horizon // 2)
        for dx, r in ((-40, 26), (0, 36), (42, 24)):
            pen.ellipse([cx + dx - r, cy - r, cx + dx + r, cy + r], fill="#ffffff")
    # Hills, then the sea on the islands, then grass and a path.
    hill = "#9cc3a8" if island else "#a9cfa0"
    for _ in range(3):
        cx, r = rng.randint(-100, w + 100), rng.randint(160, 320)
        pen.ellipse(
            [cx - r * 1.6, horizon - r // 2, cx + r * 1.6, horizon + r], fill=hill
        )
    if island:
        pen.rect([0, horizon - 24, w, horizon + 12], fill="#4f9fd8")
        for i in range(0, w, 48):
            box = [i, horizon - 20, i + 40, horizon - 6]
            pen.arc(box, 200, 340, fill="#d7ecfa", width=2)
    pen.gradient((0, horizon, w, h), "#8fcf78", "#5b9d4c")
    pen.rect([0, horizon + 40, w, horizon + 70], fill="#c9c2b6")
    # The building.
    floors = rng.randint(2, 4)
    floor_h = rng.randint(56, 68)
    bw = int(w * rng.uniform(0.38, 0.55))
    bx = rng.randint(int(w * 0.12), w - bw - int(w * 0.12))
    top = horizon + 30 - floors * floor_h
    bottom = horizon + 40
    pen.rect([bx, top, bx + bw, bottom], fill=wall, outline="#c7bba8", width=3)
    if rng.random() < 0.5:  # pitched roof
        roof = [(bx - 24, top), (bx + bw // 2, top - 70), (bx + bw + 24, top)]
        pen.polygon(roof, fill=accent)
    else:  # flat roof with a band and a flag
        pen.rect([bx - 10, top - 18, bx + bw + 10, top], fill=accent)
        fx = bx + bw - 40
        pen.line([fx, top - 18, fx, top - 80], fill="#6b6b6b", width=3)
        flag = [(fx, top - 80), (fx + 36, top - 70), (fx, top - 60)]
        pen.polygon(flag, fill="#e23b3b")
    cols = max(3, bw // 70)
    gap = bw / cols
    dx = bx + bw // 2  # the entrance
    for f in range(floors):
        y = top + 14 + f * floor_h
        for c in range(cols):
            x = int(bx + c * gap + gap * 0.22)
            x1 = int(x + gap * 0.56)
            if f == floors - 1 and x1 > dx - 80 and x < dx + 80:
                continue  # no window behind the entrance
            pen.rect(
                [x, y, x1, y + floor_h - 30], fill="#cfe8fb", outline="#8aa9c0", width=2
            )
    # Entrance with a coloured sign band (no text) above it.
    pen.rect(
        [dx - 70, bottom - floor_h - 12, dx + 70, bottom - floor_h + 8], fill=accent
    )
    pen.rect([dx - 28, bottom - floor_h + 16, dx + 28, bottom], fill="#7a5236")
    # Trees either side.
    for _ in range(rng.randint(2, 4)):
        left = rng.randint(20, max(21, bx - 40))
        right = rng.randint(min(bx + bw + 40, w - 21), w - 20)
        base, size = horizon + rng.randint(50, 110), rng.randint(50, 80)
        _tree(pen, rng.choice([left, right]), base, size, rng.choice(TREE_GREENS))
    return pen.img


def draw_interior(rng: random.Random, kind: str) -> Image.Image:
    """A room: window, bookshelf, table and chairs, a plant."""
    w, h = DESIGN_W, DESIGN_H
    sky_top, sky_bottom, accent, wall = PALETTES[kind]
    floor_y = int(h * 0.64)
    pen = _canvas(wall, "#e9e2d6")
    pen.gradient((0, floor_y, w, h), "#c8a27a", "#a77e57")
    # A window onto the sky.
    wx = rng.randint(60, 200)
    pen.gradient((wx, 70, wx + 260, 270), sky_top, sky_bottom)
    pen.rect([wx, 70, wx + 260, 270], outline="#ffffff", width=10)
    pen.line([wx + 130, 70, wx + 130, 270], fill="#ffffff", width=6)
    # A bookshelf with coloured spines.
    sx = rng.randint(560, 700)
    pen.rect([sx, 110, sx + 220, floor_y + 10], fill="#8b6243")
    spines = [accent, "#f2c14e", "#5b8e7d", "#f7f7f2", "#3d5a80"]
    for shelf in range(4):
        y = 130 + shelf * 75
        x = sx + 12
        while x < sx + 200:
            bw = rng.randint(10, 20)
            top = y + rng.randint(0, 15)
            pen.rect([x, top, x + bw, y + 60], fill=rng.choice(spines))
            x += bw + 3
        pen.rect([sx + 8, y + 60, sx + 212, y + 66], fill="#6d4a31")
    # Table and chairs.
    tx = rng.randint(120, 260)
    pen.rect([tx, floor_y + 40, tx + 360, floor_y + 60], fill="#f4efe6")
    for leg in (tx + 20, tx + 330):
        pen.rect([leg, floor_y + 60, leg + 10, floor_y + 150], fill="#d9d1c3")
    for cx in range(tx + 30, tx + 340, 90):
        pen.rect([cx, floor_y + 90, cx + 50, floor_y + 110], fill=accent)
        pen.rect([cx + 4, floor_y + 110, cx + 10, floor_y + 170], fill="#555555")
        pen.rect([cx + 40, floor_y + 110, cx + 46, floor_y + 170], fill="#555555")
    # A plant in the corner.
    pen.rect([w - 90, floor_y + 60, w - 40, floor_y + 120], fill="#c96f4a")
    for dx, dy in ((-20, 0), (20, -10), (0, -40)):
        cx, cy = w - 65 + dx, floor_y + 30 + dy
        pen.ellipse([cx - 30, cy - 30, cx + 30, cy + 30], fill="#4fa35a")
    return pen.img


def _jpeg(img: Image.Image) -> bytes:
    out = BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


@dataclass(frozen=True)
class RenderedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    caption: str
    position: int


def _process(data: bytes) -> tuple[ContentFile, ContentFile, int, int]:
    """Through the project's image pipeline, like any upload."""
    try:
        from .images import process_image
    except ImportError:  # the pipeline is optional for the demo
        with Image.open(BytesIO(data)) as im:
            width, height = im.size
            thumb = im.copy()
        thumb.thumbnail((480, 480))
        thumbnail = ContentFile(_jpeg(thumb), name="thumb.jpg")
        return ContentFile(data, name="photo.jpg"), thumbnail, width, height
    upload = SimpleUploadedFile("demo.jpg", data, content_type="image/jpeg")
    processed = process_image(upload)
    return processed.image, processed.thumbnail, processed.width, processed.height


def render_photos(spec: VenueSpec) -> list[RenderedPhoto]:
    """A venue's 1–2 pictures; pure CPU (no database), so it runs in a thread."""
    rng = _rng("photo", spec.name)
    kind = ORG_KIND[spec.org]
    pictures = [
        (draw_exterior(rng, kind, island=spec.town in ISLAND_TOWNS), f"{spec.name}外景")
    ]
    if spec.spaces or rng.random() < 0.4:
        pictures.append((draw_interior(rng, kind), "室内活动空间"))
    return [
        RenderedPhoto(*_process(_jpeg(img)), caption=caption, position=position)
        for position, (img, caption) in enumerate(pictures)
    ]


def _load_photos(venues: dict[str, Venue], pool: Executor) -> int:
    with_photos = set(
        VenuePhoto.objects.filter(venue__in=venues.values()).values_list(
            "venue_id", flat=True
        )
    )
    todo = [spec for spec in VENUES if venues[spec.name].pk not in with_photos]
    created = 0
    # Drawing and encoding run in the pool; the rows are written here, on the
    # thread that holds the transaction.
    for spec, photos in zip(todo, pool.map(render_photos, todo), strict=True):
        for photo in photos:
            VenuePhoto.objects.create(
                venue=venues[spec.name],
                image=photo.image,
                thumbnail=photo.thumbnail,
                width=photo.width,
                height=photo.height,
                caption=photo.caption,
                position=photo.position,
            )
            created += 1
    return created


# ---------------------------------------------------------------------------
# Daily stats and accounts
# ---------------------------------------------------------------------------


def demo_stat(
    spec: VenueSpec, day: date, start: date, appeal: float = 1.0
) -> tuple[int, int]:
    """Views and navigations of one venue on one day; stable for a given date."""
    base = 22 * TOWN_WEIGHT[spec.town] * CATEGORY_WEIGHT[spec.category] * appeal
    rng = _rng("stat", spec.name, day.isoformat())
    weekend = day.weekday() >= 5
    if spec.category in (OS, WH, OT):
        base *= 0.75 if weekend else 1.1
    else:
        base *= 1.35 if weekend else 0.9
    # Slow growth over the window (the portal is catching on).
    base *= 0.85 + 0.3 * ((day - start).days / STAT_DAYS)
    views = max(0, round(rng.gauss(base, base * 0.25)))
    navigations = round(views * rng.uniform(0.12, 0.3))
    return views, navigations


def _load_stats(venues: dict[str, Venue]) -> int:
    yesterday = timezone.localdate() - timedelta(days=1)
    start = yesterday - timedelta(days=STAT_DAYS - 1)
    days = [start + timedelta(days=i) for i in range(STAT_DAYS)]
    rows = []
    for spec in VENUES:
        venue = venues[spec.name]
        appeal = _rng("venue", spec.name).uniform(0.7, 1.3)  # each venue its own
        for day in days:
            views, navigations = demo_stat(spec, day, start, appeal)
            rows.append(
                VenueDailyStat(
                    venue=venue, date=day, views=views, navigations=navigations
                )
            )
    VenueDailyStat.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["venue", "date"],
        update_fields=["views", "navigations"],
    )
    return len(rows)


def _load_accounts(
    venues: dict[str, Venue], hashes: dict[str, Future]
) -> list[dict[str, str]]:
    User = get_user_model()
    admins, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    accounts = []
    for spec in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=spec["username"],
            defaults={"phone": spec["phone"], "display_name": spec["display_name"]},
        )
        user.phone = spec["phone"]
        user.display_name = spec["display_name"]
        user.is_active = True
        user.is_superuser = False
        user.is_staff = False
        # Reset every run, so the printed passwords always work.
        user.password = hashes[spec["username"]].result()
        if not user.notification_prefs:
            # Text messages (the console under `make run`) show the alerts.
            user.notification_prefs = DEMO_PREFS[spec["role"]]
        user.save()
        if spec["role"] == "manager":
            user.managed_venues.set([venues[name] for name in MANAGED_VENUES])
        if spec["role"] == "system_admin":
            user.groups.add(admins)
        accounts.append({k: spec[k] for k in ("role", "username", "phone", "password")})
    return accounts
