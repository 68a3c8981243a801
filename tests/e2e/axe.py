"""axe-core accessibility checks for any page of any context.

    from tests.e2e.axe import assert_accessible
    assert_accessible(page)  # no serious or critical WCAG 2.0/2.1 A/AA violations

axe is injected as a script, which our CSP (``script-src 'self'``) forbids: run it in a browser
context made with ``bypass_csp=True`` (the ``axe_page`` fixture of tests/e2e/conftest.py is one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING_IMPACTS = ("serious", "critical")


def axe_results(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> dict[str, Any]:
    """Runs axe on the whole document of ``page`` (as it is now) and returns its raw results."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
        if not page.evaluate("() => typeof window.axe === 'object'"):
            raise RuntimeError("axe-core did not load: is the browser context made with bypass_csp=True?")
    return page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(tags),
    )


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict[str, Any]]:
    """The violations of at least the given impact (serious and critical by default)."""
    return [violation for violation in axe_results(page)["violations"] if violation["impact"] in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found problems on {page.url}:\n{describe(violations)}"
