"""Users, from the keyboard (on the table): n new person, d deactivate / activate, p reset PIN,
u unlock, o roles. `core.users` does the work and keeps the last manager: it refuses to lock
everyone out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Select, Static

from wms_terminal.core import users
from wms_terminal.core.auth import Actor
from wms_terminal.core.db import Database
from wms_terminal.core.models import Role
from wms_terminal.core.users import NewUser, UserInfo
from wms_terminal.tui.supervisor.dialogs import Ask, Confirm
from wms_terminal.tui.supervisor.work import DeskPane, submit
from wms_terminal.tui.text import plain


@dataclass(frozen=True)
class NewPerson:
    name: str
    username: str | None
    role: str
    pin: str


class NewUserDialog(ModalScreen[NewPerson | None]):
    """Name, username (optional), role, PIN; Enter in the PIN field adds, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="new-user-cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("A new person: a badge is made for them")
            yield Label("Name")
            yield Input(id="nu-name")
            yield Label("Username (empty: made from the name)")
            yield Input(id="nu-username")
            yield Label("Role")
            yield Select(
                [(r, r) for r in Role.ALL], value=Role.PICKER, allow_blank=False, id="nu-role"
            )
            yield Label("PIN (4 to 8 digits)")
            yield Input(id="nu-pin", password=True)
            yield Static("Enter in the PIN: add   Esc: cancel", classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "nu-pin":
            self.focus_next()
            return
        role = self.query_one("#nu-role", Select).value
        self.dismiss(
            NewPerson(
                name=self.query_one("#nu-name", Input).value,
                username=self.query_one("#nu-username", Input).value.strip() or None,
                role=role if isinstance(role, str) else Role.PICKER,
                pin=self.query_one("#nu-pin", Input).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class UsersTable(DataTable[Any]):
    BINDINGS = [
        Binding("n", "users('add')", "New", id="users-new"),
        Binding("d", "users('toggle')", "(De)activate", id="users-active"),
        Binding("p", "users('pin')", "Reset PIN", id="users-pin"),
        Binding("u", "users('unlock')", "Unlock", id="users-unlock"),
        Binding("o", "users('roles')", "Roles", id="users-roles"),
    ]

    def action_users(self, what: str) -> None:
        pane = self.screen.query_one(UsersPane)
        getattr(pane, f"ask_{what}")()


class UsersPane(Vertical, DeskPane):
    ACT = "change a user"
    SAY = "users-say"

    def __init__(self, db: Database, actor: Actor, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.db = db
        self.actor = actor
        self.rows: list[UserInfo] = []

    def compose(self) -> ComposeResult:
        yield Static("n new · d (de)activate · p reset PIN · u unlock · o roles", id="users-say")
        yield UsersTable(id="users-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(UsersTable).add_columns("User", "Name", "Roles", "Badge", "Active", "Locked")

    def reload(self) -> None:
        submit(
            self,
            lambda: users.list_users(self.db, self.actor, include_inactive=True),
            self._show,
            what="list users",
            failed=self.failed,
        )

    def _show(self, rows: list[UserInfo]) -> None:
        self.rows = rows
        table = self.query_one(UsersTable)
        keep = table.cursor_row
        table.clear()
        for u in rows:
            table.add_row(
                plain(u.username, limit=40),
                plain(u.name, limit=40),
                plain(",".join(u.roles or (u.role,)), limit=40),
                plain(u.badge if u.kind == "person" else "(account)", limit=40),
                "yes" if u.active else "no",
                "LOCKED" if u.locked else "",
                key=u.username,
            )
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))

    def selected(self) -> UserInfo | None:
        row = self.query_one(UsersTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def ask_add(self) -> None:
        def added(person: NewPerson | None) -> None:
            if person is None:
                return
            self.act(
                lambda: users.add_user(
                    self.db,
                    self.actor,
                    name=person.name,
                    role=person.role,
                    pin=person.pin,
                    username=person.username,
                ),
                lambda r: _added(r),
            )

        self.app.push_screen(NewUserDialog(), added)

    def ask_toggle(self) -> None:
        user = self.selected()
        if user is None:
            return
        verb = "Deactivate" if user.active else "Activate"

        def yes(ok: bool | None) -> None:
            if ok:
                self.act(
                    lambda: users.set_active(
                        self.db, self.actor, user.username, active=not user.active
                    ),
                    lambda r: f"{r.username} is {'active' if r.active else 'deactivated'}",
                )

        self.app.push_screen(Confirm(f"{verb} {user.username}?"), yes)

    def ask_pin(self) -> None:
        user = self.selected()
        if user is None:
            return

        def pin(value: str | None) -> None:
            if value:
                self.act(
                    lambda: users.reset_pin(self.db, self.actor, user.username, value),
                    lambda r: f"New PIN set for {r.username} (and unlocked)",
                )

        self.app.push_screen(
            Ask(f"New PIN for {user.username} (4 to 8 digits):", password=True), pin
        )

    def ask_unlock(self) -> None:
        user = self.selected()
        if user is None:
            return
        self.act(
            lambda: users.unlock(self.db, self.actor, user.username),
            lambda r: f"{r.username} unlocked",
        )

    def ask_roles(self) -> None:
        user = self.selected()
        if user is None:
            return

        def roles(value: str | None) -> None:
            if value and value.strip():
                wanted = [r.strip().lower() for r in value.replace(" ", ",").split(",") if r]
                self.act(
                    lambda: users.set_roles(self.db, self.actor, user.username, wanted),
                    lambda r: f"{r.username}: {', '.join(r.roles or (r.role,))}",
                )

        self.app.push_screen(
            Ask(
                f"Roles of {user.username} ({', '.join(Role.ALL)}; the first is the main one):",
                value=",".join(user.roles or (user.role,)),
            ),
            roles,
        )


def _added(new: NewUser) -> str:
    return f"Added {new.info.username} ({new.info.role}): badge {new.info.badge}"
