from __future__ import annotations

import stat
from pathlib import Path

from conftest import Salon, run


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_a_private_salon_folder(tmp_path: Path) -> None:
    root = tmp_path / "new"
    result = run("init", str(root), "--name", "Belle", "--lang", "en")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert "name: Belle\nlanguage: en\n" in (root / "salon.yaml").read_text()
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    files = [p for p in root.rglob("*") if p.is_file()]
    assert {_mode(p) for p in folders} == {0o700}
    assert {_mode(p) for p in files} == {0o600}


def test_every_file_written_later_is_0600_under_umask_022(salon: Salon) -> None:
    client = salon.ok("client", "add", "王丽", "--phone", "0612345670").strip()
    salon.ok("visit", "add", client, "--service", "面部护理")
    salon.ok("complaint", "add", client, "--text", "水温太烫")
    modes = {_mode(p) for p in salon.root.rglob("*") if p.is_file()}
    assert modes == {0o600}
    assert {_mode(p) for p in salon.root.rglob("*") if p.is_dir()} == {0o700}


def test_init_refuses_an_existing_salon(salon: Salon) -> None:
    before = salon.read("salon.yaml")
    result = run("init", str(salon.root))
    assert result.code == 2
    assert "already holds a salon" in result.err
    assert salon.read("salon.yaml") == before


def test_init_rejects_an_unknown_language(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "x"), "--lang", "fr")
    assert result.code == 2
    assert result.err == "salonctl: --lang: 'fr' is not one of: zh-CN, en\n"
    assert not (tmp_path / "x").exists()


def test_salon_is_found_from_env_or_from_a_folder_below_it(salon: Salon, monkeypatch) -> None:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    monkeypatch.setenv("SALONCTL_DATA", str(salon.root))
    assert "王丽" in run("client", "list").out
    monkeypatch.delenv("SALONCTL_DATA")
    monkeypatch.chdir(salon.root / "journal" / "visits")
    assert "王丽" in run("client", "list").out


def test_no_salon_folder_says_how_to_make_one(tmp_path: Path) -> None:
    result = run("client", "list")
    assert result.code == 2
    assert "no salon folder found" in result.err
    assert "salonctl init DIR" in result.err
    bad = run("--data", str(tmp_path), "client", "list")
    assert bad.code == 2
    assert f"--data: {tmp_path} is not a salon folder" in bad.err


def test_today_must_be_a_real_date(salon: Salon) -> None:
    result = salon("client", "list", today="2026-02-30")
    assert result.code == 2
    assert result.err == "salonctl: --today: '2026-02-30' is not a real date (that month has fewer days)\n"


def test_version_and_help() -> None:
    assert run("--version").out.startswith("salonctl ")
    assert run("--help").code == 0
