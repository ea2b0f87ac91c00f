"""The demo hall 示范政务服务大厅: services, windows, staff and devices."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.service import create_staff
from server.catalog.models import Hall
from server.catalog.service import create_hall, create_service
from server.core.config import DEMO_SECRET
from server.core.ids import hash_id
from server.devices.service import create_device
from server.materials.licences import add_licence
from server.windows.service import create_window

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo1234"
DEMO_KIOSK_TOKEN = "demo-kiosk-token"
DEMO_DISPLAY_TOKEN = "demo-display-token"
DEMO_COUNTER_TOKEN = "demo-counter-token"
# 评价器 of window 1; window N (2…10) has demo-ratepad-token-N.
DEMO_RATEPAD_TOKEN = "demo-ratepad-token"


def _m(code: str, name: str, required: bool = True, presubmit: bool = True,
       licence_type: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"code": code, "name": name, "required": required,
                            "presubmit": presubmit}
    if licence_type:  # the 电子证照库 may hold it: then nobody is asked to bring it
        spec["licence_type"] = licence_type
    return spec


ID_CARD = _m("id_card", "居民身份证", presubmit=True)
HUKOU = _m("hukou_book", "居民户口簿", licence_type="hukou_book")

SERVICES: list[dict[str, Any]] = [
    {"code": "11110000MB0123456X4000117001", "name": "户口迁移登记", "department": "公安局",
     "category": "户籍", "prefix": "A", "expected_minutes": 12,
     "materials": [ID_CARD, HUKOU, _m("move_proof", "准予迁入证明")]},
    {"code": "11110000MB0123456X4000117002", "name": "居民身份证换领", "department": "公安局",
     "category": "户籍", "prefix": "A", "expected_minutes": 8,
     "materials": [ID_CARD, HUKOU, _m("photo_receipt", "数码相片回执", required=False)]},
    {"code": "11110000MB0234567Y4000217001", "name": "社会保障卡申领", "department": "人力社保局",
     "category": "社保", "prefix": "B", "expected_minutes": 10,
     "materials": [ID_CARD, _m("photo", "近期免冠证件照")]},
    {"code": "11110000MB0234567Y4000217002", "name": "医保异地就医备案", "department": "医疗保障局",
     "category": "医保", "prefix": "C", "expected_minutes": 8,
     "materials": [ID_CARD, _m("residence_proof", "异地居住证明"),
                   _m("insured_form", "参保人员备案表")]},
    {"code": "11110000MB0345678Z4000317001", "name": "住房公积金提取", "department": "公积金中心",
     "category": "公积金", "prefix": "D", "expected_minutes": 15,
     "materials": [ID_CARD, _m("bank_card", "本人银行卡"), _m("purchase_contract", "购房合同")]},
    {"code": "11110000MB0456789A4000417001", "name": "不动产转移登记",
     "department": "不动产登记中心",
     "category": "不动产登记", "prefix": "E", "expected_minutes": 25,
     "materials": [ID_CARD, _m("property_cert", "不动产权证书", licence_type="property_cert"),
                   _m("sale_contract", "买卖合同"),
                   _m("tax_receipt", "完税凭证")]},
    {"code": "11110000MB0567890B4000517001", "name": "企业设立登记（营业执照）",
     "department": "市场监管局", "category": "营业执照", "prefix": "F", "expected_minutes": 20,
     "materials": [ID_CARD, _m("application", "公司登记（备案）申请书"), _m("articles", "公司章程"),
                   _m("address_proof", "住所使用证明")]},
    {"code": "11110000MB0678901C4000617001", "name": "出入境证件办理", "department": "出入境管理局",
     "category": "出入境", "prefix": "G", "expected_minutes": 10,
     "materials": [ID_CARD, _m("photo_receipt", "出入境证件相片回执")]},
    {"code": "11110000MB0789012D4000717001", "name": "个人所得税汇算清缴", "department": "税务局",
     "category": "税务", "prefix": "H", "expected_minutes": 12,
     "materials": [ID_CARD, _m("income_proof", "收入证明", required=False)]},
    {"code": "11110000MB0789012D4000717002", "name": "发票领用", "department": "税务局",
     "category": "税务", "prefix": "H", "expected_minutes": 6,
     "materials": [ID_CARD, _m("tax_ukey", "税务UKey", presubmit=False)]},
]

# (number, name, [(service index, priority 1..9, higher first)])
WINDOWS: list[tuple[int, str, list[tuple[int, int]]]] = [
    (1, "综合受理一窗", [(0, 7), (1, 7), (2, 5), (3, 5), (8, 3)]),
    (2, "综合受理二窗", [(2, 7), (3, 7), (4, 5), (0, 3), (1, 3)]),
    (3, "综合受理三窗", [(4, 7), (8, 7), (9, 7), (2, 3)]),
    (4, "户籍窗口", [(0, 9), (1, 9)]),
    (5, "社保医保窗口", [(2, 9), (3, 9)]),
    (6, "公积金窗口", [(4, 9)]),
    (7, "不动产登记窗口", [(5, 9)]),
    (8, "企业开办窗口", [(6, 9)]),
    (9, "出入境窗口", [(7, 9)]),
    (10, "税务窗口", [(8, 9), (9, 9)]),
]

# 统一出件: results are handed out at their own window from their own queue, so a citizen
# collecting a result never waits behind new applications. Not offered on the kiosk's
# service list (catalog category 出件): the kiosk's 取件 button issues these numbers.
PICKUP_SERVICE: dict[str, Any] = {
    "code": "PICKUP", "name": "统一出件（取件）", "department": "政务服务中心", "category": "出件",
    "prefix": "Q", "expected_minutes": 3, "materials": [ID_CARD]}
PICKUP_WINDOW = (11, "统一出件窗口")
# 后台审批: one reviewer per department of the demo's approval work.
REVIEWERS = [("reviewer1", "孙审批", "不动产登记中心"), ("reviewer2", "钱审批", "税务局"),
             ("reviewer3", "周审批", "公安局")]
# 并联审批: 不动产转移登记 needs both the registry and the tax office.
JOINT_REVIEW = {5: ["不动产登记中心", "税务局"]}
# A demo person whose 户口簿 and 不动产权证书 are in the 电子证照库 (the local store).
DEMO_LICENCE_ID = "110101198001010010"
DEMO_LICENCES = [("hukou_book", "居民户口簿", "HK-110101-000123", "示范市公安局"),
                 ("property_cert", "不动产权证书", "示(2024)不动产权第0001234号",
                  "示范市不动产登记中心")]

OPENING_HOURS = {
    day: [["08:30", "12:00"], ["13:30", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")
} | {"sat": [["09:00", "12:00"]]}


def demo_present(s: Session) -> bool:
    """Whether the database holds the demo hall (and so its well-known logins and tokens)."""
    return s.scalar(select(Hall.id).where(Hall.code == "demo")) is not None


def seed_demo(s: Session) -> bool:
    """Create the demo hall if it is missing; returns True when it was created."""
    if demo_present(s):
        return False
    hall = create_hall(
        s, code="demo", name="示范政务服务大厅", timezone="Asia/Shanghai",
        address="示范市人民路1号政务服务中心一楼", opening_hours=OPENING_HOURS,
        notice="请按叫号顺序到对应窗口办理业务；60岁以上老年人可走绿色通道。",
        settings=DEMO_HALL_SETTINGS,
    )
    services = [
        create_service(s, hall_id=hall.id, online_capable=True, sort_order=i,
                       guide=demo_guide(i, spec), **spec)
        for i, spec in enumerate(SERVICES)
    ]
    windows = [
        create_window(s, hall_id=hall.id, number=n, name=name,
                      services=[(services[i].id, prio) for i, prio in pairs])
        for n, name, pairs in WINDOWS
    ]
    names = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
    for i, full_name in enumerate(names, start=1):
        create_staff(s, username=f"clerk{i}", password=DEMO_PASSWORD, role="clerk",
                     hall_id=hall.id, full_name=full_name)
    create_staff(s, username="manager", password=DEMO_PASSWORD, role="manager",
                 hall_id=hall.id, full_name="周主任")
    create_staff(s, username="admin", password=DEMO_PASSWORD, role="admin", hall_id=None,
                 full_name="平台管理员")
    _seed_applications(s, hall)
    create_device(s, hall_id=hall.id, kind="kiosk", name="一楼取号机", token=DEMO_KIOSK_TOKEN)
    create_device(s, hall_id=hall.id, kind="display", name="大厅综合屏", token=DEMO_DISPLAY_TOKEN)
    create_device(s, hall_id=hall.id, kind="counter", name="1号窗口终端",
                  token=DEMO_COUNTER_TOKEN, window_id=windows[0].id)
    for w in windows:
        create_device(s, hall_id=hall.id, kind="ratepad", name=f"{w.number}号窗口评价器",
                      window_id=w.id, token=demo_ratepad_token(w.number))
    log.info("seeded demo hall with %d services and %d windows", len(services), len(windows))
    return True


def demo_ratepad_token(window_number: int) -> str:
    """The demo rating pad token of a window."""
    return DEMO_RATEPAD_TOKEN if window_number == 1 else f"{DEMO_RATEPAD_TOKEN}-{window_number}"


# Online side (issue 3). The demo hall takes appointments around the clock so the demo and the
# tests can book "now" whatever the hour; the wall-board opening hours above stay realistic.
DEMO_HALL_SETTINGS: dict[str, Any] = {
    "appointment_hours": {day: [["00:00", "24:00"]]
                          for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    # Hall-wide booking rules (a service's own `booking` overrides them). Late = more than
    # 45 minutes after the slot start (a 30-minute slot plus 15 minutes).
    "booking": {"slot_minutes": 30, "capacity_per_slot": 20, "horizon_days": 7,
                "lead_minutes": 0, "per_person_per_day": 1, "cancel_cutoff_minutes": 30,
                "checkin_early_minutes": 30, "checkin_late_minutes": 45},
}
# (conditions, fee, legal working days, promised working days) per service in SERVICES order.
_GUIDES: list[tuple[list[str], str, int, int]] = [
    (["本人或户主申请", "已取得迁入地准予迁入证明"], "免费", 20, 1),
    (["居民身份证有效期满、损坏或信息变更", "本市户籍居民"], "20元（工本费）", 60, 15),
    (["本市参保人员", "首次申领或补换卡"], "免费", 10, 5),
    (["本市参保人员", "已在异地长期居住或工作"], "免费", 5, 0),
    (["连续足额缴存住房公积金", "购买自住住房、离退休等法定提取情形"], "免费", 5, 3),
    (["买卖双方已签订不动产买卖合同", "已完税"], "80元/件（住宅）", 30, 5),
    (["有符合规定的公司名称", "有公司住所", "股东、法定代表人符合任职条件"], "免费", 15, 1),
    (["中国公民", "无法定不予出境情形"], "普通护照 120元", 20, 7),
    (["纳税年度内取得综合所得", "需要补税或申请退税"], "免费", 20, 0),
    (["已完成税务登记", "已核定发票票种"], "免费", 1, 0),
]


def _seed_applications(s: Session, hall: Hall) -> None:
    """The 出件 service and window, the back-office reviewers and the demo licences."""
    pickup = create_service(s, hall_id=hall.id, sort_order=len(SERVICES), **PICKUP_SERVICE)
    create_window(s, hall_id=hall.id, number=PICKUP_WINDOW[0], name=PICKUP_WINDOW[1],
                  services=[(pickup.id, 9)])
    for username, full_name, department in REVIEWERS:
        create_staff(s, username=username, password=DEMO_PASSWORD, role="reviewer",
                     hall_id=hall.id, full_name=full_name, department=department)
    id_hash = hash_id(DEMO_LICENCE_ID, DEMO_SECRET)
    for licence_type, name, number, issuer in DEMO_LICENCES:
        add_licence(s, id_hash=id_hash, licence_type=licence_type, name=name,
                    licence_no=number, issuer=issuer, valid_until=None)


def demo_guide(index: int, spec: dict[str, Any]) -> dict[str, Any]:
    """The 办事指南 of a demo service: conditions, fees, time limits, where to go."""
    conditions, fee, legal, promised = _GUIDES[index]
    windows = "、".join(str(n) for n, _, pairs in WINDOWS if any(i == index for i, _ in pairs))
    return {
        "summary": f"{spec['department']}「{spec['name']}」办事指南",
        "conditions": conditions,
        "fees": fee,
        "legal_time_limit_days": legal,
        "promised_time_limit_days": promised,
        "time_limit_text": (f"法定办结时限 {legal} 个工作日，承诺 "
                            + ("即办" if promised == 0 else f"{promised} 个工作日")),
        "where": f"示范市人民路1号政务服务中心一楼 {windows} 号窗口",
        "hours": "周一至周五 08:30–12:00、13:30–17:30；周六 09:00–12:00",
        "phone": "12345",
        "online": "可网上预约、网上预审材料，材料预审通过后到现场最多跑一次",
        "basis": f"《{spec['department']}政务服务事项实施清单》",
        "review_departments": JOINT_REVIEW.get(index, [spec["department"]]),
    }
