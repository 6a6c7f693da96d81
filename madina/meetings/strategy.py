"""The regional strategy view (issue 4): recommendations and actions by national-strategy programme.

One row per programme of the national strategy (every active top-level ``actors.Sector``, those
with nothing included: they are the gaps), over what the reader may see:

- **recommendations** of the meetings of the chosen space, or of every space whose content the
  reader sees (``selectors.visible_meetings``), held in the period and in the state chosen; each
  counts once, under its theme; without a theme, under "no programme". A recommendation seen only
  because one's organisation is among its addressees does not count: the table is about spaces;
- **actions carrying them out**: the actions linked to those recommendations that the reader may
  see (``programme_selectors.visible_items``), under the theme of each recommendation they carry
  out, once per row. When the filters leave a recommendation out, its actions go with it;
- **other actions**: the actions of the chosen space's programmes (or of every space whose
  content the reader sees) that carry out no recommendation the reader may see. They count under
  the sector of each initiative they are linked to (initiatives the reader may see), else under
  "no programme". The period and the state choose recommendations, so they leave these as they are.

Dropped actions count nowhere (as in a programme's progress). "Late" is the status coordination
gives (``mark_late`` and its overrides, decision 14); "without a lead" means no accountable
organisation; progress is what the action's programme shows (decision 18), averaged plainly.
A total counts an action once even when it stands in two rows.

Everything is read in a fixed number of queries, whatever the number of records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from madina.actors.models import Sector
from madina.coordination.models import ProgrammeItem, Responsibility, Space
from madina.coordination.programme_selectors import visible_items
from madina.initiatives.selectors import visible_initiatives
from madina.meetings import selectors
from madina.meetings.models import Recommendation, RecommendationAction

STATES = [state for state, _label in Recommendation.State.choices]
Status = ProgrammeItem.Status


@dataclass
class ActionFigures:
    """What is known of one action: its status, whether it has a lead, and its progress."""

    status: str
    has_lead: bool
    progress: float | None


@dataclass
class Row:
    """A programme of the strategy (``sector``), or "no programme" when ``sector`` is None."""

    sector: Sector | None
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    linked: set[int] = field(default_factory=set)
    other: set[int] = field(default_factory=set)
    figures: dict[int, ActionFigures] = field(default_factory=dict)

    @property
    def recommendations(self) -> int:
        return sum(self.states.values())

    @property
    def state_counts(self) -> list[int]:
        """The counts in the order of ``STATES`` (the table's columns)."""
        return [self.states[state] for state in STATES]

    @property
    def actions(self) -> int:
        return len(self.linked | self.other)

    @property
    def linked_actions(self) -> int:
        return len(self.linked)

    @property
    def other_actions(self) -> int:
        return len(self.other)

    def _count(self, test) -> int:
        return sum(1 for pk in self.linked | self.other if test(self.figures[pk]))

    @property
    def done(self) -> int:
        return self._count(lambda action: action.status == Status.DONE)

    @property
    def late(self) -> int:
        return self._count(lambda action: action.status == Status.LATE)

    @property
    def without_lead(self) -> int:
        return self._count(lambda action: not action.has_lead)

    @property
    def progress(self) -> float | None:
        """The plain average of the actions' progress; None when no action is measured."""
        values = [
            self.figures[pk].progress
            for pk in self.linked | self.other
            if self.figures[pk].progress is not None
        ]
        return sum(values) / len(values) if values else None

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress)

    @property
    def is_gap(self) -> bool:
        """A programme of the strategy with no recommendation and no action at all."""
        return self.sector is not None and not self.recommendations and not self.actions

    @property
    def lacks_action(self) -> bool:
        """Recommendations were made under the programme, but no action is counted in it."""
        return bool(self.recommendations) and not self.actions


@dataclass
class Strategy:
    rows: list[Row]
    total: Row

    @property
    def gaps(self) -> list[Row]:
        return [row for row in self.rows if row.is_gap]


def scope_spaces(user, space: Space | None = None) -> QuerySet[Space]:
    """The spaces the table covers: ``space`` (the caller authorised it), else every space whose
    content ``user`` sees."""
    if space is not None:
        return Space.objects.filter(pk=space.pk)
    return Space.objects.filter(selectors.content_spaces_q(user))


def counted_recommendations(
    user,
    *,
    space: Space | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    state: str = "",
) -> QuerySet[Recommendation]:
    """The recommendations the table counts (not evaluated)."""
    meetings = selectors.visible_meetings(user)
    if space is not None:
        meetings = meetings.filter(space=space)
    if start:
        meetings = meetings.filter(starts_at__date__gte=start)
    if end:
        meetings = meetings.filter(starts_at__date__lte=end)
    recommendations = Recommendation.objects.filter(meeting__in=meetings.values("pk"))
    if state:
        recommendations = recommendations.filter(state=state)
    return recommendations


def strategy_table(
    user,
    *,
    space: Space | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    state: str = "",
) -> Strategy:
    """The table of the strategy view for ``user``, filtered (see the module's docstring)."""
    sectors = {sector.pk: sector for sector in Sector.objects.all()}

    def programme_of(sector_id: int | None) -> int | None:
        """The top-level sector a sector belongs to (a sub-sector counts in its programme)."""
        if sector_id is None or sector_id not in sectors:
            return None
        return sectors[sector_id].parent_id or sector_id

    rows: dict[int | None, Row] = {}

    def row_for(sector_id: int | None) -> Row:
        key = programme_of(sector_id)
        if key not in rows:
            rows[key] = Row(sector=sectors.get(key) if key is not None else None)
        return rows[key]

    recommendations = counted_recommendations(user, space=space, start=start, end=end, state=state)
    for theme_id, each_state, count in (
        recommendations.values("theme_id", "state")
        .annotate(count=Count("pk"))
        .values_list("theme_id", "state", "count")
        .order_by()
    ):
        row_for(theme_id).states[each_state] += count

    actions = (
        visible_items(user).filter(kind=ProgrammeItem.Kind.ACTION).exclude(status=Status.DROPPED)
    )
    links = RecommendationAction.objects.filter(
        recommendation__in=recommendations.values("pk"), action__in=actions.values("pk")
    )
    for theme_id, action_id in links.values_list(
        "recommendation__theme_id", "action_id"
    ).distinct():
        row_for(theme_id).linked.add(action_id)
    linked_ids = {pk for row in rows.values() for pk in row.linked}

    carrying_out = RecommendationAction.objects.filter(
        recommendation__in=selectors.visible_recommendations(user).values("pk")
    ).values("action_id")
    others = actions.filter(programme__space__in=scope_spaces(user, space).values("pk")).exclude(
        pk__in=carrying_out
    )
    leads = Responsibility.objects.filter(item=OuterRef("pk"), role=Responsibility.Role.ACCOUNTABLE)
    items = (
        ProgrammeItem.objects.filter(
            Q(pk__in=others.values("pk")) | Q(pk__in=links.values("action_id"))
        )
        .select_related("programme")
        .prefetch_related("children")
        .annotate(has_lead=Exists(leads))
    )
    figures = {
        item.pk: ActionFigures(item.status, item.has_lead, selectors.action_progress(item))
        for item in items
    }
    other_ids = set(figures) - linked_ids

    if other_ids:
        through = ProgrammeItem.initiatives.through
        placed: set[int] = set()
        for action_id, sector_id in (
            through.objects.filter(
                programmeitem_id__in=others.values("pk"),
                initiative__in=visible_initiatives(user).values("pk"),
            )
            .values_list("programmeitem_id", "initiative__sector_id")
            .distinct()
        ):
            row_for(sector_id).other.add(action_id)
            placed.add(action_id)
        for action_id in other_ids - placed:
            row_for(None).other.add(action_id)

    for row in rows.values():
        row.figures = figures
    ordered = [
        rows.pop(sector.pk, None) or Row(sector=sector)
        for sector in sectors.values()
        if sector.parent_id is None and sector.is_active
    ]
    ordered.sort(key=lambda row: row.sector.code)
    no_programme = rows.pop(None, None)
    # Rows of programmes no longer active that still hold records, then "no programme".
    ordered += sorted(rows.values(), key=lambda row: row.sector.code)
    if no_programme is not None:
        ordered.append(no_programme)
    return Strategy(rows=ordered, total=_total(ordered, figures))


def _total(rows: list[Row], figures: dict[int, ActionFigures]) -> Row:
    total = Row(sector=None, figures=figures)
    for row in rows:
        for state, count in row.states.items():
            total.states[state] += count
        total.linked |= row.linked
        total.other |= row.other
    return total
