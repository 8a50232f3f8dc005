"""The salon's language everywhere: a zh-CN salon hears Chinese, an en salon English, and
every message the code can say has its translation."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from salonctl import i18n
from salonctl.words.phrases import say
from tests.conftest import Salon, run

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> object:
    spec = importlib.util.spec_from_file_location("messages", ROOT / "tools/messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["messages"] = module
    spec.loader.exec_module(module)
    return module


def test_every_message_has_its_translation() -> None:
    tool = _tool()
    entries = i18n.read_po((i18n.LOCALE_DIR / "zh_CN.po").read_text("utf-8"))
    assert tool.missing(tool.all_messages(), entries) == []  # type: ignore[attr-defined]


def test_a_translation_fills_the_same_blanks_as_its_message() -> None:
    for entry in i18n.read_po((i18n.LOCALE_DIR / "zh_CN.po").read_text("utf-8")):
        wanted = set(re.findall(r"\{(\w*)[^}]*\}", entry.msgid))
        for translation in entry.translations:
            assert set(re.findall(r"\{(\w*)[^}]*\}", translation)) == wanted, entry.msgid


def test_plurals_in_english_and_one_form_in_chinese() -> None:
    assert say("en", "overdue", 1) == "1 day overdue"
    assert say("en", "overdue", 3) == "3 days overdue"
    assert say("en", "tries", 1) == "1 try, no answer"
    assert say("zh-CN", "overdue", 1) == say("zh-CN", "overdue", 5).replace("5", "1") == "逾期1天"


@pytest.fixture
def chinese(salon: Salon) -> Salon:
    """A zh-CN salon (the default) whose interface is not forced to English."""
    salon.lang = None
    salon.ok("client", "add", "王芳", "--phone", "13800000001", today="2026-09-30")
    salon.ok("visit", "add", "c0001", "--service", "补水", today="2026-10-01")
    return salon


@pytest.fixture
def english(tmp_path: Path) -> Salon:
    root = tmp_path / "english"
    assert run("init", str(root), "--lang", "en", "--name", "Lotus").code == 0
    salon = Salon(root, lang=None)
    salon.ok("client", "add", "Mary", "--phone", "13800000001", today="2026-09-30")
    salon.ok("visit", "add", "c0001", "--service", "facial", today="2026-10-01")
    return salon


def test_a_chinese_salon_hears_chinese(chinese: Salon) -> None:
    assert "没有要打的电话" in chinese.ok("due", "2027-06-02")
    missed = chinese.ok("due", "--missed", "--since", "2026-10-01")
    assert "漏打日" in missed and "时限已过" in missed
    why = chinese.ok("why", "c0001")
    assert "规则" in why and "状态" in why and "回访表：" in why
    assert "选项" in chinese.ok("due", "--help") and "回访表：某一天给谁打电话" in chinese.ok("--help")
    chinese.write("journal/visits/2026-11.yaml", "- {id: v-20261101-1, client: c0001, date: "
                                                 "2026-11-01, amout: 5}\n")
    checked = chinese("check")
    assert checked.code == 65 and "未知字段 'amout'" in checked.err
    bad = chinese("due", "2026-13-01")
    assert bad.code == 2 and "不是有效日期（月份须为 01-12）" in bad.err


def test_the_parsers_own_words_and_rarer_errors_in_chinese(chinese: Salon) -> None:
    """What the command-line parser says (Typer's English), and the errors of the rarer
    commands, in a Chinese salon."""
    typo = chinese("due", "--limt", "3")
    assert typo.code == 2 and typo.err.splitlines() == [
        "用法：salonctl due [OPTIONS] [[DAY]]", "运行 'salonctl due --help' 查看帮助。", "",
        "错误：没有选项 --limt（可用的选项：--limit）"]
    assert "错误：缺少选项 '--phone'。" in chinese("client", "add", "李娜").err
    assert "'--limit' 的值不对：应为整数" in chinese("due", "--limit", "x").err
    assert "显示此帮助并退出。" in chinese.ok("due", "--help")
    card = chinese("visit", "add", "c0001", "--service", "补水", "--card", "card-1")
    assert card.code == 65 and "--card：王芳 没有卡 'card-1'；她的卡：无" in card.err
    chinese.write("journal/calls/2026-11.yaml", "- {id: k-20261101-1, client: c0001\n")
    broken = chinese("check")
    assert broken.code == 65 and "YAML 格式错误" in broken.err and "请改正文件后再运行" in broken.err


def test_salonctls_own_words_in_tables_speak_the_salons_language(
        chinese: Salon, english: Salon) -> None:
    """Statuses, outcomes and categories are data in English (JSON keeps them); tables say
    them in the salon's language."""
    for salon, words in ((chinese, ("接通", "未结案", "新客", "60天前到一年后之间没有预约事件")),
                         (english, ("reached", "open", "new",
                                    "no appointment event from 60 days ago"))):
        salon.ok("call", "log", "c0001", "--outcome", "reached", today="2026-10-02")
        salon.ok("complaint", "add", "c0001", "--text", "waited", today="2026-10-02")
        shown = (salon.ok("call", "list"), salon.ok("complaint", "list"),
                 salon.ok("client", "show", "c0001"), salon.ok("why", "c0001"))
        assert all(word in text for word, text in zip(words, shown, strict=True)), shown
        assert json.loads(salon.ok("call", "list", "--format", "json"))[0]["outcome"] == "reached"


def test_the_parsers_own_words_stay_as_written_in_english(english: Salon) -> None:
    typo = english("due", "--limt", "3")
    assert typo.err.splitlines() == [
        "Usage: salonctl due [OPTIONS] [[DAY]]", "Try 'salonctl due --help' for help.", "",
        "Error: No such option: --limt (Possible options: --limit)"]
    assert "Show this message and exit." in english.ok("due", "--help")


def test_an_english_salon_hears_english(english: Salon) -> None:
    assert "nothing due" in english.ok("due", "2027-06-02")
    missed = english.ok("due", "--missed", "--since", "2026-10-01")
    assert "missed_on" in missed and "its window closed" in missed
    assert "sheet:" in english.ok("why", "c0001")
    assert "Options" in english.ok("due", "--help")
    english.write("journal/visits/2026-11.yaml", "- {id: v-20261101-1, client: c0001, date: "
                                                 "2026-11-01, amout: 5}\n")
    assert "unknown field 'amout'" in english("check").err


def test_lang_overrides_the_salon_and_lang_env_speaks_before_a_salon(
        chinese: Salon, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Options" in chinese.ok("--lang", "en", "due", "--help")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "新建门店文件夹" in run("init", "--help").out
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "Create a new salon folder" in run("init", "--help").out


def test_the_catalog_reader_reads_what_gettext_writes() -> None:
    text = ('msgid ""\nmsgstr "Plural-Forms: nplurals=1;\\n"\n\n#: x.py:1\nmsgid "a \\"b\\"\\n"\n'
            '"more"\nmsgstr "甲"\n"乙"\n\nmsgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n}天"\n')
    entries = i18n.read_po(text)
    assert [(e.msgid, e.plural, e.translations) for e in entries] == [
        ('a "b"\nmore', None, ["甲乙"]), ("{n} day", "{n} days", ["{n}天"])]


def test_the_translated_help_option_is_wrapped_once_however_many_runs() -> None:
    """A process that runs salonctl thousands of times (a test, a service) must not stack
    one wrapper a run on the parser's --help option until Python's recursion limit."""
    from typer._click import decorators

    from salonctl.cli import language

    language._speak_help_option()
    first = decorators.help_option
    for _ in range(3):
        language._speak_help_option()
    assert decorators.help_option.salonctl_made is first.salonctl_made  # type: ignore[attr-defined]
    assert not hasattr(first.salonctl_made, "salonctl_made")  # the parser's own, unwrapped


def test_one_process_speaks_each_runs_language_in_its_help() -> None:
    """The command tree is built once a process: each run's help is still in its own
    language, the parser's --help line included, however the runs alternate."""
    seen: dict[str, set[str]] = {"zh-CN": set(), "en": set()}
    for _ in range(2):
        chinese = run("--lang", "zh-CN", "visit", "add", "--help").out
        assert "显示此帮助并退出" in chinese and "Show this message" not in chinese
        assert i18n.translator("zh-CN").gettext("A service done (repeatable).") in chinese
        english = run("--lang", "en", "visit", "add", "--help").out
        assert "Show this message and exit" in english and "显示此帮助" not in english
        assert "A service done (repeatable)." in english
        seen["zh-CN"].add(chinese)
        seen["en"].add(english)
    assert all(len(texts) == 1 for texts in seen.values())  # the same help every time


@pytest.mark.parametrize(("locale_name", "expected"), [
    ("Chinese (Simplified)_China", "zh-CN"), ("zh_CN", "zh-CN"), ("English_United States", "en"),
    (None, "en"),
])
def test_on_windows_without_lang_the_users_locale_speaks(
        monkeypatch: pytest.MonkeyPatch, locale_name: str | None, expected: str) -> None:
    import locale

    monkeypatch.setattr(locale, "getlocale", lambda *_: (locale_name, "936"))
    assert i18n.from_environment({}, platform="win32") == expected
    assert i18n.from_environment({"LANG": "en_US.UTF-8"}, platform="win32") == "en"  # LANG first
    assert i18n.from_environment({}, platform="linux") == "en"
