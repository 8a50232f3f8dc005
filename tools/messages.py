"""Keep the Chinese catalog in step with the code.

    python tools/messages.py          # add new messages (empty), drop gone ones, keep the rest
    python tools/messages.py --check  # exit 1 naming each message without a translation

A message is a string given to `_`, `N_`, `ngettext` or `N_plural` in salonctl/, a help
text of the command tree, or one of Typer's own words that salonctl sets.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from salonctl import i18n  # noqa: E402

CATALOG = i18n.LOCALE_DIR / "zh_CN.po"
HEADER = '''# Chinese (Simplified) messages of salonctl. Keep in step with: python tools/messages.py
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_CN\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
'''

Message = tuple[str, str | None]  # (msgid, msgid_plural)


def code_messages() -> dict[Message, str]:
    """Every marked message in the package, with where it first is."""
    found: dict[Message, str] = {}
    for path in sorted((ROOT / "salonctl").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            message = _marked(node)
            if message is not None:
                found.setdefault(message, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _marked(node: ast.AST) -> Message | None:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if node.func.id in ("_", "N_") and len(texts) == 1:
        return texts[0], None
    if node.func.id in ("ngettext", "N_plural") and len(texts) == 2:
        return texts[0], texts[1]
    return None


def help_messages() -> dict[Message, str]:
    import typer

    from salonctl.cli import app
    from salonctl.cli.language import TYPER_WORDS, help_texts

    texts = help_texts(typer.main.get_command(app))
    found: dict[Message, str] = {(text, None): "help" for text in sorted(texts)}
    found.update({(english, None): "typer" for _, english in TYPER_WORDS})
    return found


def all_messages() -> dict[Message, str]:
    return {**help_messages(), **code_messages()}


def missing(messages: dict[Message, str], entries: list[i18n.PoEntry]) -> list[str]:
    translated = {(e.msgid, e.plural) for e in entries if e.translations and all(e.translations)}
    return [f"{where}: no translation for {msgid!r}"
            for (msgid, plural), where in messages.items() if (msgid, plural) not in translated]


def write(messages: dict[Message, str], entries: list[i18n.PoEntry]) -> str:
    known = {(e.msgid, e.plural): e for e in entries}
    parts = [HEADER]
    for (msgid, plural), where in sorted(messages.items(), key=lambda item: (item[1], item[0])):
        old = known.get((msgid, plural))
        translations = old.translations if old else []
        lines = [f"#: {where}", f"msgid {i18n.quote(msgid)}"]
        if plural is None:
            lines.append(f"msgstr {i18n.quote(translations[0] if translations else '')}")
        else:
            lines += [f"msgid_plural {i18n.quote(plural)}",
                      f"msgstr[0] {i18n.quote(translations[0] if translations else '')}"]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    messages = all_messages()
    entries = i18n.read_po(CATALOG.read_text("utf-8")) if CATALOG.exists() else []
    if options.check:
        problems = missing(messages, entries)
        print("\n".join(problems) or "every message has a translation")
        return 1 if problems else 0
    CATALOG.parent.mkdir(exist_ok=True)
    CATALOG.write_text(write(messages, entries), "utf-8")
    print(f"{CATALOG.relative_to(ROOT)}: {len(messages)} messages, "
          f"{len(missing(messages, entries))} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
