"""The salon folder on disk: YAML <-> model, with file:line on every problem.

    salon.yaml                      name, language, opening days, contact settings
    clients/0000.yaml ...           client profiles, up to 1,000 a file (`clientfiles`)
    journal/<kind>/<YYYY-MM>.yaml   append-only history, one entry a line (`journals`)

`Salon` is the folder a command works on: its settings, rules and scripts, its client files
and journals (each read by its own module, lazily and once), the lock writers hold, and
what `check` says of it all.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from salonctl.disk import desks, fsutil, yamlio
from salonctl.disk.lock import locked
from salonctl.engine import model
from salonctl.engine.ruleset import Rule
from salonctl.engine.scripts import Template
from salonctl.errors import DataError, Problem, UsageError
from salonctl.files import audit, catalogfile, codec, daynotes, merging, outbox, parsing, rulebook
from salonctl.files.clientfiles import CLIENTS_DIR, ClientFiles
from salonctl.files.folder import Folder
from salonctl.files.journals import JOURNAL_DIR, Journals, Located
from salonctl.i18n import _

SALON_FILE = "salon.yaml"
LOCK_WAIT_SECONDS = 30.0
_JOURNAL_CLIENT = re.compile(rb"client: ['\"]?([A-Za-z0-9_-]{1,64})")


def find_salon(explicit: str | None, env: str | None, cwd: Path) -> Path:
    """--data, else $SALONCTL_DATA, else the nearest folder upwards holding salon.yaml."""
    for given, what in ((explicit, "--data"), (env, "SALONCTL_DATA")):
        if given:
            root = Path(given)
            if not (root / SALON_FILE).is_file():
                raise UsageError(_("{option}: {folder} is not a salon folder (it has no "
                                   "{file}); create one with: salonctl init {folder}").format(
                    option=what, folder=given, file=SALON_FILE))
            return root
    for folder in (cwd, *cwd.parents):
        if (folder / SALON_FILE).is_file():
            return folder
    raise UsageError(_("no salon folder found: pass --data DIR, set SALONCTL_DATA, or run "
                       "inside a folder holding {file}. Create one with: salonctl init DIR")
                     .format(file=SALON_FILE))


class Salon(Folder):
    """A salon folder: read lazily, each file once, and written only under the lock."""

    def __init__(self, root: Path, lenient: bool = False) -> None:
        super().__init__(root, lenient)
        self._settings: model.Settings | None = None
        self.client_files = ClientFiles(self)
        self.journals = Journals(self, self.client_files, self.desk)

    def size(self) -> int:
        """The bytes of the client files and journals: how long a full reading will take."""
        files = [*(self.root / CLIENTS_DIR).glob("*.yaml"), *(self.root / JOURNAL_DIR).glob("*/*.yaml")]
        return sum(path.stat().st_size for path in files if path.is_file())

    def desk(self) -> str:
        """This copy's desk tag, which ends every id made here ("" for the only desk)."""
        return desks.read_desk(self.root)

    def settings(self) -> model.Settings:
        if self._settings is None:
            settings, problems = self.check_settings()
            if settings is None:
                raise DataError(problems)
            self._settings = settings
        return self._settings

    def phone_region(self) -> str:
        """The country of the salon's phone numbers (the default while salon.yaml does not
        read: the commands that need it name that problem themselves)."""
        try:
            return self.settings().contact.phone_region
        except DataError:
            return parsing.DEFAULT_PHONE_REGION

    def check_settings(self) -> tuple[model.Settings | None, list[Problem]]:
        path = self.root / SALON_FILE
        text = self.read(path)[0]
        raw, problems = yamlio.parse(text, self.rel(path))
        if problems:
            return None, problems
        return codec.settings_from(raw, self.rel(path))

    # --- the client files and the journals ------------------------------------------------

    def clients(self) -> list[model.Client]:
        return self.client_files.clients()

    def merged_clients(self) -> list[model.Client]:
        return self.client_files.merged_clients()

    def history(self) -> model.History:
        return self.journals.history()

    def entries(self) -> list[Located]:
        return self.journals.entries()

    def add_client(self, client: model.Client, known_ids: set[str] | None = None) -> None:
        self.client_files.add_client(client, known_ids)

    def add_clients(self, clients: list[model.Client], known_ids: set[str]) -> None:
        self.client_files.add_clients(clients, known_ids)

    def replace_client(self, client: model.Client) -> None:
        self.client_files.replace_clients([client])

    def replace_clients(self, clients: list[model.Client]) -> None:
        self.client_files.replace_clients(clients)

    def append(self, make_entry: Callable[[str], model.Entry]) -> model.Entry:
        return self.journals.append(make_entry)

    def append_many(self, makers: list[Callable[[str], model.Entry]]) -> list[model.Entry]:
        return self.journals.append_many(makers)

    def retract(self, entry: model.Entry) -> None:
        self.journals.retract(entry)

    def used_client_ids(self) -> set[str]:
        """Every client id in the client files (readable or not) or named in a journal,
        read from the text so that not even a broken file hides one."""
        used = {client_id for bucket in self.client_files.buckets()
                for client_id, _line in bucket.ids}
        named: set[bytes] = set()
        for path in self._journal_paths():
            named.update(_JOURNAL_CLIENT.findall(fsutil.read_bytes(path)))
        return used | {client_id.decode("ascii", "replace") for client_id in named}

    def desks_seen(self) -> set[str]:
        """The desk tags that end ids anywhere in the salon (read as text, like ids)."""
        tags = {m[1] for client_id in self.used_client_ids()
                if (m := desks.TAGGED_CLIENT.fullmatch(client_id))}
        for path in self._journal_paths():
            tags.update(tag.decode() for tag in desks.TAGGED_ENTRY.findall(fsutil.read_bytes(path)))
        return tags

    def _journal_paths(self) -> list[Path]:
        return [path for kind in codec.JOURNALS for path in self.journals.files(kind)]

    # --- writing (callers hold the lock) ---------------------------------------------------

    @contextlib.contextmanager
    def lock(self, command: str) -> Iterator[None]:
        """The salon's write lock; whoever takes it first tidies what a crash left."""
        wait = float(os.environ.get("SALONCTL_LOCK_WAIT", LOCK_WAIT_SECONDS))
        with locked(self.root, command, wait):
            self._recover()
            yield

    def settle_interrupted(self) -> None:
        """A command that died midway left an intent: undo it now, before anything is read
        (one stat when there is none), so even a reader never sees half a command."""
        if (self.root / fsutil.INTENT_FILE).exists():
            with self.lock("recover"):
                pass

    def all_or_nothing(self, command: str) -> contextlib.AbstractContextManager[None]:
        """Every file `command` writes in this block is written, or none is (a crash midway is
        undone by the next command). Hold the lock."""
        return fsutil.all_or_nothing(self.root, command)

    def _recover(self) -> None:
        """Writers hold the lock, so under it a command's intent is a crashed command's (its
        writes are undone), any temp file is a crashed write's (the old file is intact) and
        any journal line without its newline was never acknowledged."""
        undone = fsutil.undo_interrupted(self.root)
        if undone is not None:
            print("salonctl: " + _("undid what an interrupted `salonctl {command}` had begun "
                                   "to write; the salon is as it was before it: run it again")
                  .format(command=undone), file=sys.stderr)
        temps = [p for folder in (self.root, self.root / CLIENTS_DIR)
                 for p in folder.glob(".*.tmp")]
        temps += list((self.root / rulebook.TEMPLATES_DIR).glob("*/.*.tmp"))
        for temp in temps:
            temp.unlink(missing_ok=True)
        torn = sum(fsutil.tidy_tail(path) for path in self._journal_paths())
        if temps or torn:
            print("salonctl: " + _("tidied up after an interrupted run: removed {temps} temp "
                                   "file(s), set aside {torn} cut-off journal line(s) as "
                                   "<file>.torn").format(temps=len(temps), torn=torn),
                  file=sys.stderr)

    def rule_ids(self) -> set[str]:
        """The ids of the salon's rules (none when rules.yaml does not read: check says so)."""
        try:
            return {rule.id for rule in self.rules()}
        except DataError:
            return set()

    def rules(self) -> list[Rule]:
        rules, problems = rulebook.load_rules(
            self.root, self.rel(self.root / rulebook.RULES_FILE), self.settings().language)
        if problems:
            raise DataError(problems)
        return rules

    def scripts(self) -> dict[str, Template]:
        return rulebook.load_scripts(self.root, str(self.root), self.settings().language)

    # --- check ----------------------------------------------------------------------------

    def problems(self, today: date | None = None) -> list[Problem]:
        """Every problem in every file of the salon, for `salonctl check` (and, given the
        day, what the history as corrected must never say: `audit.history_problems`)."""
        problems: list[Problem] = []
        try:
            problems += self.check_settings()[1]
        except DataError as error:
            problems += error.problems
        buckets, found = self.client_files.read_all()
        problems += found
        entries, found = self.journals.read_all()
        problems += found
        ids = [(i, self.rel(b.path), line) for b in buckets for i, line in b.ids]
        clients = [(c, self.rel(b.path), line)
                   for b in buckets for c, line in zip(b.clients, b.lines, strict=True)]
        problems += audit.cross_check(ids, clients, entries)
        problems += audit.wrong_numbers(clients, [e for e, _, _ in entries])
        problems += self._rule_problems()
        if today is not None:  # a correction that does not apply is named by cross_check
            kept = merging.kept_ids(c for c, _, _ in clients)
            applying = [item for item in entries if codec.applies(item[0])]
            problems += audit.history_problems(
                codec.history_from(applying, kept), today, self.rule_ids(),
                {entry.id: (where, line) for entry, where, line in entries})
        problems += catalogfile.load(self.root)[1]
        problems += catalogfile.load_services(self.root)[1]
        problems += daynotes.load(self.root)[1]
        problems += outbox.problems(self.root, str(self.root))
        return sorted(problems)

    def loose_modes(self) -> list[Path]:
        """Files and folders others may read (a copied salon keeps 0644 and 0755)."""
        found = []
        for folder, names, files in os.walk(self.root):
            names[:] = [n for n in names if n != ".git"]
            for path in (Path(folder), *(Path(folder) / f for f in files)):
                if not path.is_symlink() and path.stat().st_mode & 0o077:
                    found.append(path)
        return found

    def _rule_problems(self) -> list[Problem]:
        try:
            language = self.settings().language
        except DataError:
            return []  # already reported with salon.yaml
        shown = self.rel(self.root / rulebook.RULES_FILE)
        rules, problems = rulebook.load_rules(self.root, shown, language)
        cycle_problems = rulebook.load_cycle(
            self.root, self.rel(self.root / rulebook.CYCLE_FILE), language)[1]
        return problems + cycle_problems + rulebook.script_problems(rules, self.scripts(), shown)


def init_salon(root: Path, name: str, language: str) -> None:
    """A new, empty salon folder; refuses to touch a folder that already holds a salon."""
    if (root / SALON_FILE).exists():
        raise UsageError(_("{folder} already holds a salon ({file}); nothing was changed").format(
            folder=root, file=root / SALON_FILE))
    if root.exists() and any(p.name != ".git" for p in root.iterdir()):
        raise UsageError(_("{folder} is not empty; choose a new folder for the salon").format(
            folder=root))
    settings = model.Settings(name=name, language=language)  # type: ignore[arg-type]
    fsutil.ensure_dir(root)
    root.chmod(fsutil.DIR_MODE)
    for folder in (CLIENTS_DIR, *(f"{JOURNAL_DIR}/{kind.folder}" for kind in codec.JOURNALS)):
        fsutil.ensure_dir(root / folder)
    fsutil.write_atomic(root / ".gitignore", "".join(f"{line}\n" for line in desks.GIT_IGNORED).encode())
    fsutil.write_atomic(root / ".gitattributes",
                        "".join(f"{line}\n" for line in desks.GIT_ATTRIBUTES).encode())
    fsutil.write_atomic(root / SALON_FILE, codec.render_settings(settings).encode("utf-8"))
    rulebook.write_defaults(root, language)
