from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.lib.ids import mask_id, normalize_mobile, normalize_resident_id, normalize_uscc
from anju.lib.pinyin import initials


def test_valid_resident_id_is_normalized() -> None:
    assert normalize_resident_id(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "校验"),  # wrong check digit
        ("110105194902300022", "出生日期"),  # 30 February
        ("11010519491231002", "18位"),
        ("A10105194912310021", "18位"),
    ],
)
def test_bad_resident_ids_are_refused_in_chinese(number: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        normalize_resident_id(number)


def test_uscc_checksum() -> None:
    assert normalize_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(ValueError, match="校验"):
        normalize_uscc("91110000600037341M")


@pytest.mark.parametrize("phone", ["13800138000", "138 0013 8000", "+8613800138000"])
def test_mobile_numbers(phone: str) -> None:
    assert normalize_mobile(phone) == "13800138000"


@pytest.mark.parametrize("phone", ["12800138000", "0745-2223333", "1380013800"])
def test_bad_mobile_numbers(phone: str) -> None:
    with pytest.raises(ValueError):
        normalize_mobile(phone)


def test_mask_shows_first_three_and_last_four() -> None:
    assert mask_id("11010519491231002X") == "110***********002X"
    assert mask_id("E1234567") == "E12*4567"
    assert mask_id("") == ""


@given(st.text(min_size=8, max_size=40))
def test_mask_keeps_length_and_hides_the_middle(number: str) -> None:
    masked = mask_id(number)
    assert len(masked) == len(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert set(masked[3:-4]) <= {"*"}


def test_pinyin_initials() -> None:
    assert initials("张三") == "zs"
    assert initials("恒大御景湾") == "hdyjw"
    assert initials("A座1栋") == "az1d"


def _with_check(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def test_county_codes_newer_than_the_birth_year_are_accepted() -> None:
    # 鹤城区 (431202) exists since 1997; people born earlier hold cards with it.
    number = _with_check("43120219650312001")
    assert normalize_resident_id(number) == number


@pytest.mark.parametrize("body", ["99120219650312001", "43999919650312001"])
def test_unknown_regions_are_refused(body: str) -> None:
    with pytest.raises(ValueError, match="地区码"):
        normalize_resident_id(_with_check(body))


def test_public_notices_hide_the_middle_of_a_name() -> None:
    from anju.lib.ids import mask_name

    assert mask_name("张三丰") == "张*丰" and mask_name("欧阳娜娜") == "欧**娜" and mask_name("李四") == "李*"
    assert mask_name(" 王 ") == "王" and mask_name("") == ""
    assert mask_name("怀化宏达房地产开发有限公司") == "怀化宏达房地产开发有限公司"
