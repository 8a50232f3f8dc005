"""A Chinese Windows desk: files saved by Notepad as "ANSI" (GBK) are refused with the way to
save them as UTF-8, never read as mojibake; a UTF-8 file with a BOM reads as any other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Salon

GBK_SCRIPT = "{salutation}您好，我是{salon}的{speaker}。祝您生活愉快！\n"


def test_a_gbk_template_is_refused_by_check_and_by_the_sheet(salon: Salon) -> None:
    path = salon.root / "templates" / "zh-CN" / "purchase-day-1.txt"
    path.write_bytes(GBK_SCRIPT.encode("gb18030"))
    checked = salon("check")
    assert checked.code == 65
    assert "templates/zh-CN/purchase-day-1.txt:1:" in checked.err and "UTF-8" in checked.err
    sheet = salon("due")
    assert sheet.code == 65 and "purchase-day-1.txt" in sheet.err and "UTF-8" in sheet.err
    path.write_bytes(GBK_SCRIPT.encode("utf-8"))
    assert salon("check").code == 0


@pytest.mark.parametrize("name", ["salon.yaml", "rules.yaml", "cycle.yaml"])
def test_a_gbk_settings_file_is_refused_naming_it(salon: Salon, name: str) -> None:
    path = salon.root / name
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    checked = salon("check")
    assert checked.code == 65 and f"{name}:" in checked.err and "UTF-8" in checked.err
    assert "\ufffd" not in checked.err


def test_a_gbk_catalogue_is_refused_naming_it(salon: Salon) -> None:
    salon.ok("product", "add", "玫瑰水", "--category", "care", "--price", "100")
    path = salon.root / "products.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    checked = salon("check")
    assert checked.code == 65 and "products.yaml:" in checked.err and "UTF-8" in checked.err


def test_a_bom_is_dropped(salon: Salon) -> None:
    path = salon.root / "templates" / "zh-CN" / "purchase-day-1.txt"
    path.write_bytes(b"\xef\xbb\xbf" + GBK_SCRIPT.encode("utf-8"))
    salon_yaml = salon.root / "salon.yaml"
    salon_yaml.write_bytes(b"\xef\xbb\xbf" + salon_yaml.read_bytes())
    checked = salon("check")
    assert checked.code == 0, checked.err


def _on_cp936(salon: Salon, *args: str) -> subprocess.CompletedProcess[bytes]:
    """salonctl on a Chinese Windows console: its stdout and stderr speak GBK (cp936)."""
    command = [str(Path(sys.executable).with_name("salonctl")), "--data", str(salon.root),
               "--today", salon.today, *args]
    return subprocess.run(command, capture_output=True, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "cp936"})


@pytest.fixture
def emoji(salon: Salon) -> Salon:
    salon.ok("client", "add", "王丽", "--phone", "13800138000", "--note", "喜欢玫瑰😀")
    return salon


def test_a_gbk_console_never_crashes_on_a_character_it_cannot_show(emoji: Salon) -> None:
    for args in (("client", "show", "王丽"), ("client", "find", "王"), ("client", "list"),
                 ("due",)):
        done = _on_cp936(emoji, *args)
        assert done.returncode == 0 and b"Traceback" not in done.stderr, (args, done.stderr)
    shown = _on_cp936(emoji, "client", "show", "王丽").stdout.decode("cp936")
    assert "王丽" in shown and "喜欢玫瑰" in shown  # the rest shown, the emoji as '?'


@pytest.mark.parametrize(("options", "encoding", "bom"), [
    ((), "utf-8", b""), (("--bom",), "utf-8", b"\xef\xbb\xbf"),
    (("--encoding", "utf-8-sig"), "utf-8", b"\xef\xbb\xbf"), (("--encoding", "gb18030"), "gb18030", b""),
])
def test_csv_on_a_gbk_console_is_written_whole_in_the_chosen_encoding(
        emoji: Salon, options: tuple[str, ...], encoding: str, bom: bytes) -> None:
    done = _on_cp936(emoji, *options, "client", "list", "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(bom) and done.stdout[len(bom):len(bom) + 1] != b"\xef"
    assert "喜欢玫瑰😀" in done.stdout[len(bom):].decode(encoding)
    as_json = _on_cp936(emoji, *options, "client", "show", "王丽", "-f", "json")
    assert "😀" in as_json.stdout.decode(encoding)
