"""Sign-in as a plain object: badge scan, then PIN, then (for a user with several roles) the role.

The Textual login screen and the headless driver drive the same `SignInFlow`: each input (a
`Scan`, or one line as a wedge types it) goes to `enter`, and every call returns a frozen
`SignInView` saying what is expected next ("badge", "pin", "role", or "done" with the Actor).

    BADGE --known badge--> PIN --right PIN--> (ROLE --choice-->) DONE
      ^                     |  wrong PIN: stays, says how many tries are left
      +-- unknown/locked ---+  another badge: switches to it (not a wrong PIN for the first)
      +-- CMD-CANCEL, restart(), or no PIN (no role) within `timeout` seconds

A terminal started for one role (`run --role R`) skips the role prompt and signs in in that
role; a user who lacks it is refused after the PIN, back at the badge prompt. Every role chosen
by a user with several (at the prompt or by `--role`), and every refusal for a lacking role, is
audited (`core.auth.record_role`).

The badge is read by the scanning layer's classifier, so one keyed in lower case (or typed with
Caps Lock on) is the same badge. An unknown or locked badge is refused at once, before any PIN.
The database calls (a read for the badge, one log-in transaction for the PIN) may raise the
core's WmsError (database unavailable, busy): the flow is then unchanged and the same entry can
be given again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from wms_terminal.core.codes import Command
from wms_terminal.scanning.scan import Scan
from wms_terminal.scanning.symbology import Kind, classify

if TYPE_CHECKING:  # the database layer loads on the first badge, not with the sign-in screen
    from wms_terminal.core.auth import Actor
    from wms_terminal.core.db import Database

PIN_TIMEOUT_S = 30.0  # how long the PIN (and the role) prompt waits before asking a badge again


class Expect(StrEnum):
    BADGE = "badge"
    PIN = "pin"
    ROLE = "role"
    DONE = "done"


class Msg:
    """Operator messages of the sign-in (short: they fit a 40-column handheld in two lines)."""

    PROMPT_BADGE = "Scan your badge"
    PROMPT_PIN = "Key your PIN, then Enter"
    PROMPT_ROLE = "Choose your role: {choices}"
    NOT_A_BADGE = "That is not a badge: scan your badge"
    UNKNOWN_BADGE = "Unknown badge {badge}: ask a supervisor"
    LOCKED = "Badge {badge} is locked for a few minutes: ask a supervisor"
    NOT_A_PIN = "A PIN is 4 to 8 digits: key your PIN"
    TIMED_OUT = "No PIN in time: scan your badge again"
    ROLE_TIMED_OUT = "No role chosen in time: scan your badge again"
    SWITCHED = "Badge {badge}: key your PIN"
    BAD_ROLE = "Choose 1 to {n}, or key the role's name"
    LACKS_ROLE = "{name} has no {role} role, and this terminal is for {role}s: ask a manager"
    WELCOME = "Signed in: {name} ({role})"


@dataclass(frozen=True)
class SignInView:
    """What the screen (or driver) shows; `error` marks `message` as a refusal."""

    expect: str
    prompt: str
    message: str = ""
    error: bool = False
    tries_left: int | None = None
    badge: str | None = None
    roles: tuple[str, ...] = ()
    actor: Actor | None = None

    @property
    def secret(self) -> bool:
        """The entry hides what is typed (the PIN)."""
        return self.expect == Expect.PIN

    @property
    def placeholder(self) -> str:
        return {Expect.BADGE: "badge", Expect.PIN: "PIN", Expect.ROLE: "role"}.get(
            Expect(self.expect), ""
        )


class SignInFlow:
    """One terminal's sign-in. `clock` is monotonic seconds (tests pass a fake one)."""

    def __init__(
        self,
        db: Database,
        *,
        terminal: str = "",
        timeout: float = PIN_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
        role: str | None = None,
    ) -> None:
        self.db = db
        self.terminal = terminal
        self.role = role  # the only role this terminal signs in (`run --role`), else asked
        self.timeout = timeout
        self._clock = clock
        self._reset()

    def _reset(self) -> None:
        self.expect = Expect.BADGE
        self.badge: str | None = None
        self.roles: tuple[str, ...] = ()
        self.actor: Actor | None = None
        self.asked_at = 0.0
        self.message = ""
        self.error = False
        self.tries_left: int | None = None

    # -- driving --------------------------------------------------------------------------

    def restart(self, message: str = "", *, error: bool = False) -> SignInView:
        self._reset()
        self.message, self.error = message, error
        return self.view()

    def tick(self) -> SignInView:
        """Call now and then (a screen's timer): a PIN or role prompt left too long goes back
        to the badge prompt."""
        if self.expect in (Expect.PIN, Expect.ROLE) and self._expired():
            timed_out = Msg.TIMED_OUT if self.expect is Expect.PIN else Msg.ROLE_TIMED_OUT
            return self.restart(timed_out, error=True)
        return self.view()

    def enter(self, entry: Scan | str) -> SignInView:
        """One input: a badge scan, a keyed PIN, a role choice, or CMD-CANCEL."""
        text, symbology = (entry, None) if isinstance(entry, str) else (entry.text, entry.symbology)
        if self.expect is Expect.DONE:
            return self.view()
        expired = self.expect in (Expect.PIN, Expect.ROLE) and self._expired()
        if expired:
            self.tick()
        got = classify(text, symbology)
        if got.kind is Kind.COMMAND and got.fields.get("command") == Command.CANCEL.value:
            return self.restart()
        if got.kind is Kind.BADGE:  # at any step: that badge now (a switch at the PIN prompt)
            return self._badge(str(got.fields["badge"]))
        if expired:  # whatever was keyed for the expired prompt is not used
            return self.view()
        self.message, self.error = "", False
        if self.expect is Expect.BADGE:
            return self._refuse(got.error if got.kind is Kind.INVALID else Msg.NOT_A_BADGE)
        if self.expect is Expect.PIN:
            return self._pin(text.strip())
        return self._role(text.strip())

    # -- steps ----------------------------------------------------------------------------

    def _badge(self, badge: str) -> SignInView:
        from wms_terminal.core.auth import badge_state

        with self.db.reading() as s:
            state = badge_state(s, badge)
        if not state.known or state.locked:
            self._reset()
            template = Msg.LOCKED if state.locked else Msg.UNKNOWN_BADGE
            return self._refuse(template.format(badge=badge))
        switched = self.expect is Expect.PIN and self.badge not in (None, badge)
        self._reset()
        self.expect, self.badge, self.asked_at = Expect.PIN, badge, self._clock()
        self.message = Msg.SWITCHED.format(badge=badge) if switched else ""
        return self.view()

    def _pin(self, pin: str) -> SignInView:
        if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
            # Never a right PIN (PINs are 4 to 8 digits), so not counted as a try.
            return self._refuse(Msg.NOT_A_PIN)
        from wms_terminal.core.auth import Refusal, sign_in

        badge = self.badge
        assert badge is not None
        outcome = self.db.run(
            lambda s: sign_in(s, badge=badge, pin=pin, terminal=self.terminal), what="log-in"
        )
        if isinstance(outcome, Refusal):
            if outcome.tries_left is None:  # locked now, or the badge went away
                self.restart()
                return self._refuse(outcome.message)
            self.tries_left, self.asked_at = outcome.tries_left, self._clock()
            return self._refuse(outcome.message)
        self.roles = outcome.roles
        if self.role is not None:
            return self._wanted_role(outcome.actor)
        if len(self.roles) == 1:
            return self._done(outcome.actor)
        self.actor, self.expect, self.asked_at = outcome.actor, Expect.ROLE, self._clock()
        return self.view()

    def _wanted_role(self, actor: Actor) -> SignInView:
        from wms_terminal.core.auth import record_role

        wanted = self.role
        assert wanted is not None
        if wanted not in self.roles:
            self.db.run(lambda s: record_role(s, actor, asked=wanted), what="log-in role")
            self.restart()
            return self._refuse(Msg.LACKS_ROLE.format(name=actor.username, role=wanted))
        return self._chosen(replace(actor, role=wanted))

    def _role(self, choice: str) -> SignInView:
        assert self.actor is not None
        picked = choice.lower()
        if picked.isascii() and picked.isdigit() and 1 <= int(picked) <= len(self.roles):
            return self._chosen(replace(self.actor, role=self.roles[int(picked) - 1]))
        if picked in self.roles:
            return self._chosen(replace(self.actor, role=picked))
        return self._refuse(Msg.BAD_ROLE.format(n=len(self.roles)))

    def _chosen(self, actor: Actor) -> SignInView:
        """A role of a user with several: audited, then signed in (a user with one role has
        no choice to record; the log-in line says who they are)."""
        if len(self.roles) > 1:
            from wms_terminal.core.auth import record_role

            self.db.run(lambda s: record_role(s, actor), what="log-in role")
        return self._done(actor)

    def _done(self, actor: Actor) -> SignInView:
        self.actor, self.expect, self.tries_left = actor, Expect.DONE, None
        self.message, self.error = Msg.WELCOME.format(name=actor.username, role=actor.role), False
        return self.view()

    # -- what to show ---------------------------------------------------------------------

    def view(self) -> SignInView:
        prompt = {
            Expect.BADGE: Msg.PROMPT_BADGE,
            Expect.PIN: Msg.PROMPT_PIN,
            Expect.ROLE: Msg.PROMPT_ROLE.format(
                choices=", ".join(f"{n} {r}" for n, r in enumerate(self.roles, 1))
            ),
            Expect.DONE: "",
        }[self.expect]
        return SignInView(
            expect=self.expect.value,
            prompt=prompt,
            message=self.message,
            error=self.error,
            tries_left=self.tries_left,
            badge=self.badge,
            roles=self.roles if self.expect in (Expect.ROLE, Expect.DONE) else (),
            actor=self.actor if self.expect is Expect.DONE else None,
        )

    def _refuse(self, message: str | None) -> SignInView:
        self.message, self.error = message or Msg.NOT_A_BADGE, True
        return self.view()

    def _expired(self) -> bool:
        return self._clock() - self.asked_at > self.timeout
