"""De-identification rules for public notices (DESIGN.md)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.printing.model import Column, Document, ItemList, Para, Section, Table
from app.privacy import NameFinder, mask_address, mask_document, mask_id_number, mask_name, mask_phone, mask_text


@pytest.mark.parametrize("name, masked", [
    ("张三丰", "张*丰"), ("张三", "张*"), ("欧阳娜娜", "欧阳**"), ("欧阳明", "欧阳*"), ("司马懿", "司马*"),
    ("诸葛亮", "诸葛*"), ("王小二三", "王**三"), ("李", "李"), ("", ""), (" 刘备 ", "刘*"),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_two_character_name_starting_like_a_compound_surname_is_not_a_compound():
    assert mask_name("欧阳") == "欧*"  # 欧阳 alone is a surname 欧 + given name 阳


@pytest.mark.parametrize("phone, masked", [
    ("13812341234", "138****1234"), ("138 1234 1234", "138****1234"), ("+86 138-1234-1234", "138****1234"),
    ("028-84851234", "028-****1234"), ("02884851234", "028-****1234"), ("(0831)2345678", "0831-***5678"), ("138****1234", "138****1234"), ("", ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("51011219900101123x") == "510112********123X"
    assert mask_id_number("510112900101123") == "510112*****1123"  # old 15-digit numbers


@pytest.mark.parametrize("address, masked", [
    ("青石村三组15号", "青石村三组"), ("青石村第三村民小组12号", "青石村第三村民小组"), ("龙泉镇青石村上坝组8号", "龙泉镇青石村上坝组"),
    ("青石村12社5号", "青石村12社"), ("青石村8号", "青石村"), ("成都市某街道1号", "**"),
])
def test_mask_address_no_finer_than_the_group(address, masked):
    assert mask_address(address) == masked


def test_mask_address_uses_the_known_group():
    assert mask_address("青石村三组15号附2号", group="三组") == "三组"


def test_mask_text_finds_id_and_mobile_numbers_but_not_office_landlines():
    masked = mask_text("张三，身份证51011219900101123X，电话13812341234，监督电话028-84851234。")
    assert "51011219900101123X" not in masked and "510112********123X" in masked
    assert "13812341234" not in masked and "138****1234" in masked
    assert "028-84851234" in masked


@given(st.text(alphabet="张王李欧阳司马诸葛三丰娜明", max_size=6))
def test_name_masking_is_idempotent(name):
    assert mask_name(mask_name(name)) == mask_name(name)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_phone_masking_is_idempotent_and_keeps_seven_digits(phone):
    once = mask_phone(phone)
    assert mask_phone(once) == once
    assert once == phone[:3] + "****" + phone[-4:]


def _document(public=True, unmasked=()):
    table = Table(columns=[Column("name", "姓名", "name"), Column("phone", "电话", "phone"),
                           Column("id", "身份证", "id_number"), Column("addr", "住址", "address"),
                           Column("amount", "金额")],
                  rows=[["张三丰", "13812341234", "51011219900101123X", "青石村三组15号", "600"]])
    return Document(title="公示", public=public, unmasked=list(unmasked), blocks=[
        Para("联系人张三丰，电话13812341234。"), Para("监督电话：13900001111", verbatim=True),
        Section("名单", [table]), ItemList(["身份证51011219900101123X"])])


def test_mask_document_masks_every_sensitive_column_and_free_text():
    doc = mask_document(_document())
    table = doc.blocks[2].blocks[0]
    assert table.rows == [["张*丰", "138****1234", "510112********123X", "青石村三组", "600"]]
    assert doc.blocks[0].text == "联系人张三丰，电话138****1234。"  # no register given: names cannot be known
    assert doc.blocks[1].text == "监督电话：13900001111"  # verbatim: the office's own line
    assert doc.blocks[3].items == ["身份证510112********123X"]
    assert mask_document(doc) == doc  # idempotent


def test_unmasked_columns_stay_in_full_and_private_documents_are_untouched():
    doc = mask_document(_document(unmasked=["name"]))
    assert doc.blocks[2].blocks[0].rows[0][:2] == ["张三丰", "138****1234"]
    private = _document(public=False)
    assert mask_document(private) is private


# --- names in free text ------------------------------------------------------------------------

REGISTER = NameFinder(["张三", "张三丰", "欧阳娜娜", "王", "李四", "高峰", "  ", "张*"])


def test_registered_names_in_text_are_masked_longest_first():
    assert REGISTER.mask("张三丰和张三、欧阳娜娜、李四到会。") == "张*丰和张*、欧阳**、李*到会。"


def test_one_character_names_and_words_that_merely_start_with_a_surname_are_left_alone():
    # 王 is registered but a lone surname never matches; 张家湾 and 李子 contain surnames, not names
    text = "王牌产品在张家湾卖李子，张主任说好。"
    assert REGISTER.mask(text) == text


def test_name_masking_in_text_is_idempotent():
    once = REGISTER.mask("欧阳娜娜、张三丰")
    assert REGISTER.mask(once) == once == "欧阳**、张*丰"


@given(st.text(alphabet="张三丰欧阳娜李四高峰王，。期", max_size=30))
def test_no_registered_name_survives_masking(text):
    masked = mask_text(text, REGISTER)
    assert not any(name in masked for name in REGISTER.names)
    assert len(masked) == len(text)  # masks keep the length: the layout does not move


def test_mask_document_masks_registered_names_everywhere_in_free_text():
    table = Table(columns=[Column("who", "说明")], rows=[["张三丰代领"]], caption="张三的名单")
    doc = Document(title="关于张三丰同志的公示", public=True, blocks=[
        Para("张三丰、欧阳娜娜：13812341234。"), Section("李四家", [ItemList(["高峰期由李四值班"])]), table,
        Para("联系人：张三", verbatim=True)])
    masked = mask_document(doc, names=["张三", "张三丰", "欧阳娜娜", "李四", "高峰"])
    assert masked.title == "关于张*丰同志的公示"
    assert masked.blocks[0].text == "张*丰、欧阳**：138****1234。"
    assert masked.blocks[1].title == "李*家" and masked.blocks[1].blocks[0].items == ["高*期由李*值班"]
    assert masked.blocks[2].rows == [["张*丰代领"]] and masked.blocks[2].caption == "张*的名单"
    assert masked.blocks[3].text == "联系人：张三"  # verbatim: the office's own line
    assert masked.deidentified and mask_document(masked, names=["张*丰"]) is masked


def test_names_in_text_can_be_unmasked_apart_from_numbers():
    doc = Document(title="表彰", public=True, blocks=[Para("张三丰 13812341234")])
    shown = mask_document(doc, unmasked=["names"], names=["张三丰"])
    assert shown.blocks[0].text == "张三丰 138****1234"
    numbers = mask_document(doc, unmasked=["text"], names=["张三丰"])
    assert numbers.blocks[0].text == "张*丰 13812341234"


def _reference_mask(finder, text: str) -> str:
    """The plain character-by-character scan the fast one must equal."""
    from app.privacy import mask_name

    out, i = [], 0
    while i < len(text):
        for length in finder.lengths:
            candidate = text[i:i + length]
            if len(candidate) == length and candidate in finder.names:
                out.append(mask_name(candidate))
                i += length
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def test_the_name_finder_masks_exactly_what_a_plain_scan_masks():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from app.privacy import NameFinder

    alphabet = "王李张欧阳娜芳明大小红[]^-\\ 的了，"
    names = st.lists(st.text(alphabet=alphabet, min_size=1, max_size=4), max_size=12)

    @settings(max_examples=300, deadline=None)
    @given(names=names, text=st.text(alphabet=alphabet, max_size=40))
    def check(names, text):
        finder = NameFinder(names)
        assert finder.mask(text) == _reference_mask(finder, text)

    check()
