"""Search by name, pinyin initials and full pinyin, with surnames read as surnames."""
from __future__ import annotations

import pytest

from app import people
from app.pinyin import name_search_key, normalize_query, split_surname


@pytest.mark.parametrize("name, full, initials", [
    ("张三", "zhangsan", "zs"),
    ("单雄信", "shanxiongxin", "sxx"),
    ("曾国藩", "zengguofan", "zgf"),
    ("解缙", "xiejin", "xj"),
    ("仇英", "qiuying", "qy"),
    ("区志坚", "ouzhijian", "ozj"),
    ("查良镛", "zhaliangyong", "zly"),
    ("朴树", "piaoshu", "ps"),
    ("盖聂", "genie", "gn"),
    ("尉迟恭", "yuchigong", "ycg"),
    ("欧阳娜娜", "ouyangnana", "oynn"),
    ("长孙无忌", "zhangsunwuji", "zswj"),
    ("吕布", "lvbu", "lb"),
])
def test_search_keys_use_surname_readings(name, full, initials):
    key = name_search_key(name).split()
    assert key == [full, name, initials]


def test_people_are_listed_in_pinyin_order(village):
    database, admin = village
    with database.unit(admin) as session:
        for name in ["张三", "丁一", "欧阳锋", "曾小贤", "安娜", "单雄信"]:
            people.save_resident(session=session, actor=admin, form=people.ResidentForm(name=name, gender="M"))
    with database.session() as session:
        ids = people.resident_ids(session=session, actor=admin)
        names = [r.name for r in people.resident_rows(session=session, actor=admin, ids=ids)]
    assert names == ["安娜", "丁一", "欧阳锋", "单雄信", "曾小贤", "张三"]


def test_compound_surname_split():
    assert split_surname("欧阳娜娜") == ("欧阳", "娜娜")
    assert split_surname("欧阳") == ("欧", "阳")  # two characters: an ordinary surname and a given name
    assert split_surname("张三") == ("张", "三")


def test_query_normalization():
    assert normalize_query(" Zhang San ") == "zhangsan"
    assert normalize_query("xi'an") == "xian"


@pytest.fixture
def register(village):
    database, admin = village
    names = ["张三", "张珊珊", "赵四", "单雄信", "曾小贤", "欧阳锋", "尉迟敬德", "李四"]
    with database.unit(admin) as session:
        ids = {}
        for index, name in enumerate(names):
            form = people.ResidentForm(name=name, gender="M" if index % 2 else "F",
                                       phone=f"1380000{index:04d}")
            ids[name] = people.save_resident(session=session, actor=admin, form=form).id
    return database, admin, ids


def found(database, admin, query):
    with database.session() as session:
        ids = people.resident_ids(session=session, actor=admin, query=query)
        return {row.name for row in people.resident_rows(session=session, actor=admin, ids=ids)}


@pytest.mark.parametrize("query, expected", [
    ("zs", {"张三", "张珊珊", "赵四"}),  # 赵四 is zhao si: zs too
    ("zhangsan", {"张三"}),  # 张珊珊 is zhangshanshan: no "zhangsan" in it
    ("ZS", {"张三", "张珊珊", "赵四"}),
    ("zhaos", {"赵四"}),
    ("张", {"张三", "张珊珊"}),
    ("shanxiongxin", {"单雄信"}),
    ("sxx", {"单雄信"}),
    ("danxiongxin", set()),
    ("zengxiaoxian", {"曾小贤"}),
    ("cengxiaoxian", set()),
    ("oyf", {"欧阳锋"}),
    ("yuchi", {"尉迟敬德"}),
    ("0003", {"单雄信"}),
    ("", {"张三", "张珊珊", "赵四", "单雄信", "曾小贤", "欧阳锋", "尉迟敬德", "李四"}),
])
def test_resident_search(register, query, expected):
    database, admin, _ids = register
    assert found(database, admin, query) == expected


def test_deleted_residents_are_not_found(register):
    database, admin, ids = register
    with database.unit(admin) as session:
        people.delete_resident(session=session, actor=admin, resident_id=ids["张三"])
    assert found(database, admin, "zs") == {"张珊珊", "赵四"}


def test_household_search_and_tag_filter(village):
    database, admin = village
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王五", number="010001", address="一组3号", tags=["dibao"]))
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王六", number="010002", address="一组4号"))
    with database.session() as session:
        def heads(**kw):
            ids = people.household_ids(session=session, actor=admin, **kw)
            return {r.head_name for r in people.household_rows(session=session, actor=admin, ids=ids)}

        assert heads(query="ww") == {"王五"}
        assert heads(query="wang") == {"王五", "王六"}
        assert heads(query="010002") == {"王六"}
        assert heads(tag="dibao") == {"王五"}
        assert heads(query="wl", tag="dibao") == set()
