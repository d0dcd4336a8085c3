"""Demo people: groups, grids, households and residents that look like a real village.

Surnames follow their national frequency, with two or three village clans on top (most
villages are dominated by a few lineages); a few surnames with special readings (单, 曾, 解,
欧阳 …) are always present so that search can be tried on them. ID numbers are valid and unique,
derived from the village code's county.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session

from app.auth import CLERK, GRID_WORKER, MEDIATOR, Actor, create_user, find_user
from app.people.queries import get_profile
from app.pinyin import name_search_key
from app.validation import id_check_digit
from db.models.people import Grid, Household, Resident, VillageGroup

# The most common surnames and their approximate share of the population (percent).
SURNAMES: list[tuple[str, float]] = [
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.1), ("赵", 2.0),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.3), ("朱", 1.3), ("胡", 1.2), ("郭", 1.1),
    ("何", 1.1), ("高", 1.0), ("林", 1.0), ("罗", 0.9), ("郑", 0.9), ("梁", 0.8), ("谢", 0.8), ("宋", 0.7),
    ("唐", 0.7), ("许", 0.7), ("韩", 0.7), ("冯", 0.6), ("邓", 0.6), ("曹", 0.6), ("彭", 0.6), ("曾", 0.6),
    ("肖", 0.6), ("田", 0.5), ("董", 0.5), ("袁", 0.5), ("潘", 0.5), ("于", 0.5), ("蒋", 0.5), ("蔡", 0.5),
    ("余", 0.5), ("杜", 0.5), ("叶", 0.5), ("程", 0.5), ("苏", 0.4), ("魏", 0.4), ("吕", 0.4), ("丁", 0.4),
    ("任", 0.4), ("沈", 0.4), ("姚", 0.4), ("卢", 0.4), ("姜", 0.4), ("崔", 0.3), ("钟", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.3), ("夏", 0.3),
    ("韦", 0.3), ("付", 0.3), ("方", 0.3), ("白", 0.3), ("邹", 0.3), ("孟", 0.3), ("熊", 0.3), ("秦", 0.3),
    ("邱", 0.3), ("江", 0.3), ("尹", 0.2), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2),
    ("龙", 0.2), ("史", 0.2), ("陶", 0.2), ("黎", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2),
    ("龚", 0.2), ("邵", 0.2), ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("覃", 0.1), ("武", 0.2), ("戴", 0.2),
    ("单", 0.05), ("解", 0.05), ("仇", 0.03), ("查", 0.03), ("区", 0.02), ("盖", 0.02), ("朴", 0.02),
    ("欧阳", 0.05), ("诸葛", 0.01), ("司马", 0.01), ("尉迟", 0.005), ("上官", 0.01),
]
RARE_READINGS = ["单", "曾", "解", "仇", "欧阳", "尉迟"]

MALE_CHARS = list("伟强军平刚勇杰涛明超华建国志文斌辉波鹏宇浩俊峰磊鑫晨阳林德福贵顺成忠兴荣发家洪庆海")
FEMALE_CHARS = list("秀英芳娟敏静丽霞燕艳玲桂兰琴红梅凤珍玉洁慧婷雪琳晶欣怡萍翠云春花莲香巧淑")
GROUP_NUMERALS = "一二三四五六七八九十"


def _group_name(n: int) -> str:
    if n <= 10:
        return f"{GROUP_NUMERALS[n - 1]}组"
    return f"十{GROUP_NUMERALS[n - 11]}组" if n < 20 else f"{n}组"


class _People:
    def __init__(self, rng: random.Random, county: str, clans: list[str]):
        self.rng = rng
        self.county = county
        names = [s for s, _w in SURNAMES]
        weights = [w for _s, w in SURNAMES]
        for clan in clans:  # lineages that dominate this village
            weights[names.index(clan)] += 12.0
        self.surnames, self.weights = names, weights
        self.used_ids: set[str] = set()

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.weights)[0]

    def given(self, gender: str) -> str:
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
        if self.rng.random() < 0.25:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != (gender == "M"):
                seq = (seq + 1) % 1000
            first17 = f"{self.county}{birth:%Y%m%d}{seq:03d}"
            value = first17 + id_check_digit(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def phone(self) -> str:
        prefix = self.rng.choice(["138", "139", "137", "136", "135", "150", "151", "158", "159", "182", "187",
                                  "188", "177", "180", "189", "133", "153", "199", "166"])
        return prefix + f"{self.rng.randrange(0, 10**8):08d}"

    def birth(self, age_low: int, age_high: int, today: dt.date) -> dt.date:
        age = self.rng.randint(age_low, age_high)
        return today - dt.timedelta(days=age * 365 + self.rng.randrange(0, 365))


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    profile = get_profile(session)
    county = (profile.code if profile else "510112104201")[:6]
    today = dt.date.today()
    n_households = 120 if size == "small" else 3000
    n_groups = 6 if size == "small" else 12
    clans = rng.sample(["王", "李", "张", "刘", "陈", "杨", "黄", "周", "罗", "何"], 3)
    people = _People(rng, county, clans)

    for username, role, display in (("wenshu", CLERK, "文书"), ("tiaojie", MEDIATOR, "调解员"),
                                    ("wangge", GRID_WORKER, "网格员")):
        if find_user(session, username) is None:
            create_user(session=session, actor=actor, username=username, password="demo-pass",
                        role=role, display_name=display)

    groups = [VillageGroup(name=_group_name(i), number=i) for i in range(1, n_groups + 1)]
    session.add_all(groups)
    session.flush()  # no ORM relationships: parents must be written before their children
    grids: list[Grid] = []
    per_grid = 40
    for index, group in enumerate(groups):
        for k in range(max(1, round(n_households / n_groups / per_grid))):
            grids.append(Grid(name=f"{group.name}第{k + 1}网格", group_id=group.id))
    session.add_all(grids)
    session.flush()
    worker = find_user(session, "wangge")
    if worker is not None and worker.role == GRID_WORKER and not worker.grid_id:
        worker.grid_id = grids[0].id  # the demo grid worker looks after the first grid
        session.add(worker)

    households: list[Household] = []
    residents: list[Resident] = []
    tag_rates = {"dibao": 0.04, "wubao": 0.01, "elderly_alone": 0.05, "left_behind_children": 0.06,
                 "disabled": 0.03, "poverty_alleviated": 0.05, "monitored": 0.01, "military": 0.02}
    rare_left = list(RARE_READINGS)

    for h_index in range(n_households):
        group = groups[h_index * n_groups // n_households]
        group_grids = [g for g in grids if g.group_id == group.id]
        grid = group_grids[(h_index // per_grid) % len(group_grids)]
        surname = rare_left.pop() if rare_left else people.surname()
        household = Household(number=f"{group.number:02d}{h_index + 1:04d}", group_id=group.id, grid_id=grid.id,
                              address=f"{group.name}{h_index % 97 + 1}号",
                              tags=[t for t, rate in tag_rates.items() if rng.random() < rate])
        members: list[Resident] = []

        def person(name: str, gender: str, birth: dt.date, relation: str) -> Resident:
            adult = (today - birth).days >= 18 * 365
            return Resident(name=name, gender=gender, birth_date=birth, id_number=people.id_number(birth, gender),
                            phone=people.phone() if adult and rng.random() < 0.8 else "", household_id=household.id,
                            relation=relation, party_member=adult and rng.random() < 0.08,
                            search_key="")

        alone = "elderly_alone" in household.tags
        head_gender = "M" if rng.random() < 0.82 else "F"
        head_birth = people.birth(65, 90, today) if alone else people.birth(28, 78, today)
        head = person(surname + people.given(head_gender), head_gender, head_birth, "head")
        members.append(head)
        if not alone:
            if rng.random() < 0.85:
                spouse_gender = "F" if head_gender == "M" else "M"
                spouse_birth = head_birth + dt.timedelta(days=rng.randint(-6 * 365, 4 * 365))
                members.append(person(people.surname() + people.given(spouse_gender), spouse_gender,
                                      min(spouse_birth, today - dt.timedelta(days=20 * 365)), "spouse"))
            head_age = (today - head_birth).days // 365
            for _child in range(rng.choices([0, 1, 2, 3], [0.15, 0.45, 0.32, 0.08])[0]):
                if head_age < 22:
                    break
                child_gender = rng.choice("MF")
                child_birth = people.birth(max(0, head_age - 40), head_age - 20, today)
                members.append(person(surname + people.given(child_gender), child_gender, child_birth,
                                      "son" if child_gender == "M" else "daughter"))
            if head_age < 55 and rng.random() < 0.25:
                parent_gender = rng.choice("MF")
                members.append(person((surname if parent_gender == "M" else people.surname()) + people.given(parent_gender),
                                      parent_gender, people.birth(head_age + 22, min(head_age + 35, 98), today), "parent"))
        household.head_name = head.name
        household.phone = head.phone
        household.search_key = name_search_key(head.name, household.number, household.address)
        for member in members:
            member.search_key = name_search_key(member.name)
        households.append(household)
        residents.extend(members)

    # 村民代表: about one for every ten households, chosen among adults who live there.
    heads = [r for r in residents if r.relation == "head"]
    for rep in rng.sample(heads, max(5, n_households // 10)):
        rep.representative = True
    for group in groups:
        group.leader_name = rng.choice([h.name for h, hh in zip(heads, households, strict=True) if hh.group_id == group.id])
    for grid in grids:
        members_of_grid = [h.name for h, hh in zip(heads, households, strict=True) if hh.grid_id == grid.id]
        if members_of_grid:
            grid.leader_name = rng.choice(members_of_grid)
            grid.leader_phone = people.phone()
            grid.area_leader_name = rng.choice(members_of_grid)

    session.add_all(households)
    session.flush()
    session.add_all(residents)
