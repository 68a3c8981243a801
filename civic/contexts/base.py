"""What a bounded context declares about itself, so that the platform can wire it in one place.

A context's wiring module is imported by the command line before anything else, so it must stay
cheap: it names its parts by module path and imports them only inside the functions below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from civic.services import Services
    from projections.runner import View


def _nothing(*_: Any) -> Any:
    return ()


@dataclass(frozen=True)
class Context:
    """One bounded context: what it adds to the services, read models, web and command line.

    - ``services(built)`` returns the context's application services by attribute name, given
      the services built so far (the log, and the contexts listed before this one);
    - ``views()`` returns its read models;
    - ``web`` names the module whose ``part`` (a ``web.parts.WebPart``) holds its routes under one
      ``Mount``, navigation, template filters, error handlers, uploads and audit wording;
    - ``commands`` names its command-line group as ``"module:attribute"`` with ``help`` the
      group's one-line help (marked for translation, shown without importing the group), and
      ``command_name`` the group's name when it is not the context's (``civic cycle``);
    - ``seed(services)`` records its demo data and yields a line per step.
    """

    name: str
    services: Callable[[Services], Mapping[str, object]] = _nothing
    views: Callable[[], list[View]] = _nothing
    web: str | None = None
    commands: str | None = None
    # The command group's name on the command line (default: the context's name).
    command_name: str = ""
    help: str = ""
    seed: Callable[[Services], Iterator[str]] = _nothing
    # Its subcommands that only read existing data: without a data directory they say so and stop
    # instead of leaving an empty one behind.
    reads_data: tuple[str, ...] = ()
