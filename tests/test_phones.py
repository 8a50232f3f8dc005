"""A phone is one number however it was typed: +86 or 0086 or none, spaces or dashes; the
salon's country (salon.yaml, contact.phone_region, CN unless it says otherwise) reads a
number typed without its country code. What was typed is kept; numbers compare as one."""

from __future__ import annotations

import shutil

import pytest

from salonctl.files import parsing
from tests.conftest import Salon


def test_one_number_however_it_is_written() -> None:
    forms = ["+86 139 1234 5670", "0086 139 1234 5670", "13912345670", "139-1234-5670",
             "+86 (139) 1234 5670"]
    assert {parsing.phone_key(form) for form in forms} == {"+8613912345670"}
    assert parsing.phone_key("13912345671") != parsing.phone_key("13912345670")
    # the salon's country decides what a number without a code is
    assert parsing.phone_key("9123 4567", "HK") == parsing.phone_key("+852 9123 4567")
    assert parsing.phone_key("9123 4567", "CN") != parsing.phone_key("+852 9123 4567")


@pytest.mark.parametrize("through_files", [False, True])
def test_a_client_is_found_by_her_number_in_any_form(salon: Salon, through_files: bool) -> None:
    salon.ok("client", "add", "刘芳", "--phone", "+86 139 1234 5670")
    salon.ok("client", "add", "王丽", "--phone", "0612345671")
    for typed in ("13912345670", "0086 139 1234 5670", "139 1234 5670"):
        if through_files:
            shutil.rmtree(salon.root / ".cache", ignore_errors=True)
        assert salon.ok("client", "show", typed, "--format", "json").count('"c0001"') >= 1
    assert '"c0001"' in salon.ok("client", "find", "1234 5670", "--format", "json")
    assert '"c0002"' in salon.ok("client", "find", "06123", "--format", "json")  # as typed
    shown = salon.ok("client", "show", "c0001", "--format", "json")
    assert "+86 139 1234 5670" in shown  # what was typed is what is kept


def test_a_second_client_with_her_number_is_noticed(salon: Salon) -> None:
    salon.ok("client", "add", "刘芳", "--phone", "+86 139 1234 5670")
    second = salon("client", "add", "刘芳", "--phone", "13912345670")
    assert second.code == 0
    assert "c0001 刘芳 has the same phone number" in second.err


def test_the_last_digits_name_her_when_only_she_has_them(salon: Salon) -> None:
    salon.ok("client", "add", "刘芳", "--phone", "+86 139 1234 5670")
    salon.ok("client", "add", "王丽", "--phone", "13800005671")
    salon.ok("client", "add", "赵敏", "--phone", "13700005671")
    assert salon.ok("visit", "add", "5670", "--service", "面部补水护理").startswith("v-")
    assert "刘芳" in salon.ok("visit", "list", "c0001")
    both = salon("visit", "add", "5671", "--service", "面部补水护理")
    assert both.code == 2 and "c0002" in both.err and "c0003" in both.err
    assert salon("visit", "add", "567", "--service", "x").code == 2  # three digits: no one


def test_an_import_matches_her_whatever_form_the_sheet_wrote(salon: Salon) -> None:
    salon.ok("client", "add", "刘芳", "--phone", "+86 139 1234 5670")
    sheet = salon.write("in.csv", """
        姓名,手机
        刘芳,13912345670
        陈静,0086 137 0000 1111
        """)
    said = salon("import", "clients", str(sheet))
    assert said.code == 0, said.err
    listed = salon.ok("client", "list", "--format", "csv")
    assert listed.count("刘芳") == 1 and "陈静" in listed
    visits = salon.write("visits.csv", """
        日期,手机,项目
        2026-11-20,+86 137-0000-1111,面部补水护理
        """)
    assert salon("import", "visits", str(visits)).code == 0
    assert "面部补水护理" in salon.ok("visit", "list", "c0002")


def test_the_salons_country_reads_its_numbers(salon: Salon) -> None:
    assert "phone_region: CN" in salon.read("salon.yaml")  # init writes the default
    salon.write("salon.yaml", salon.read("salon.yaml").replace("phone_region: CN",
                                                             "phone_region: HK"))
    salon.ok("client", "add", "Mei", "--phone", "+852 9123 4567")
    assert '"c0001"' in salon.ok("client", "show", "9123 4567", "--format", "json")
    salon.write("salon.yaml", salon.read("salon.yaml").replace("phone_region: HK",
                                                             "phone_region: Atlantis"))
    checked = salon("check")
    assert checked.code == 65 and "phone_region" in checked.err


def test_check_names_a_client_entered_twice_under_one_number(salon: Salon) -> None:
    salon.ok("client", "add", "刘芳", "--phone", "+86 139 1234 5670")
    salon.ok("client", "add", "刘芳", "--phone", "13912345670")
    salon.ok("client", "add", "刘芳妈妈", "--phone", "139-1234-5670")  # a family: one phone
    checked = salon("check")
    assert checked.code == 0  # a note, not a problem: cron is not woken for it
    assert "c0001 and c0002 are both 刘芳" in checked.err
    assert "salonctl client merge c0001 c0002" in checked.err and "c0003" not in checked.err
    assert "13912345670" not in checked.err  # a phone shows at most its last digits
    salon.ok("client", "merge", "c0001", "c0002")
    assert salon("check").err == ""
