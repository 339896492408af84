"""Who must consent to an issue, and which issues a table therefore cannot settle.

Some issues are held by actors outside the bargain between the parties: EU sanctions and the
Russian assets they freeze need the consent of every EU member state, whatever Kyiv and Moscow
agree. A table settles such an issue only when each holder sits at it (as a party, mediator or
guarantor) or has delegated its say to an actor there (``Table.delegates``). This is the
"ratification" constraint of two-level games (Putnam 1988): an agreement outside every holder's
win-set is not an agreement on that issue.
"""

from __future__ import annotations

from detente.scenario.model import Issue, Scenario, Table, seated_at


def absent_holders(issue: Issue, table: Table) -> tuple[str, ...]:
    """The holders of an issue that neither sit at the table nor delegated to it."""
    present = set(seated_at(table)) | set(table.delegates)
    return tuple(h for h in issue.holders if h not in present)


def unsettled_issues(scenario: Scenario, table_id: str) -> tuple[str, ...]:
    """Issues (in scenario order) the table cannot settle because a holder is absent and has
    not delegated its say."""
    table = scenario.table(table_id)
    return tuple(i.id for i in scenario.issues if absent_holders(i, table))
