"""What the harness tests hold: the served platform, a visitor per role, the log, the seeded ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from civic.services import Services
from tests.harness.access import UNSAFE_METHODS
from tests.harness.seed import Seeded
from tests.harness.served import Answer, Server, Visitor, send

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
# Requests that end the session they come with (on the server, for every node): the visitor
# signs in again afterwards, so the next request still speaks for its role.
ENDS_SESSION = ("/logout", "/account/sign-out-everywhere")


@dataclass
class Platform:
    server: Server
    services: Services  # in this process, on the server's data dir: for the log position only
    visitors: dict[str, Visitor]
    seeded: Seeded
    sign_in_again: Callable[[str], Visitor]

    def position(self) -> int:
        return self.services.log.position()

    def send(
        self, role: str, method: str, target: str, *, headers: dict[str, str] | None = None,
        same_origin: bool = True, recover: bool = True, **options: Any,
    ) -> Answer:  # fmt: skip
        """A request as ``role``. Unsafe methods say they come from the same origin (unless
        ``same_origin=False``), so that cross-origin protection never hides what the route does.
        A server an earlier request stalled is restarted first, unless ``recover=False``."""
        if recover and self.server.tainted:  # an earlier request of this test stalled it
            self.server.ensure_responsive()
        sent = {**(SAME_ORIGIN if same_origin and method in UNSAFE_METHODS else {}), **(headers or {})}
        answer = send(self.server, self.visitors[role], method, target, headers=sent, **options)
        if method == "POST" and target.split("?")[0] in ENDS_SESSION and self.visitors[role].session:
            self.visitors[role] = self.sign_in_again(role)
        return answer
