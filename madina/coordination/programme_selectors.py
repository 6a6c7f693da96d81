"""Reads of programmes: fetch-and-authorise helpers, the tree with its progress roll-up, the
overdue list, the RACI matrix, gaps and collisions, and an organisation's responsibilities.

A programme is its space's content (``coordination.view_space_content``): whoever may not see
it gets 404, whoever sees it but may not do what they asked gets 403. An action is also seen by
the organisations its responsibility matrix names (``coordination.view_item``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from madina.accounts.rules import is_coordinator, organisation_ids
from madina.coordination.models import (
    ItemEvidence,
    Programme,
    ProgrammeItem,
    Responsibility,
    ReviewRequest,
    Space,
)
from madina.coordination.selectors import my_space_ids
from madina.core.permissions import require
from madina.core.text import normalise
from madina.initiatives.selectors import visible_initiatives

Kind = ProgrammeItem.Kind
Status = ProgrammeItem.Status
Role = Responsibility.Role
ROLE_ORDER = [role for role, _label in Role.choices]


# --- Fetch and authorise ------------------------------------------------------------------------


def _content_visible(user, space: Space) -> bool:
    return user.has_perm("coordination.view_space_content", space)


def programme_get_for_user(user, pk: int, *, perm: str | None = None) -> Programme:
    """The programme ``pk`` if ``user`` sees its space's content (else 404) and, when ``perm``
    is given, may do it on the space (else 403)."""
    programme = get_object_or_404(Programme.objects.select_related("space"), pk=pk)
    visible = _content_visible(user, programme.space)
    require(user, perm or "coordination.view_space_content", programme.space, visible=visible)
    return programme


def space_programmes(user, space: Space) -> QuerySet[Programme] | None:
    """The space's programmes, newest period first; None if ``user`` may not see them."""
    if not _content_visible(user, space):
        return None
    return space.programmes.order_by("status", "-period_start", "pk")


def item_get_for_user(user, pk: int, *, perm: str | None = None) -> ProgrammeItem:
    """The item ``pk`` if ``user`` may see it (else 404) and do ``perm`` (else 403).

    ``perm`` is an item permission (``coordination.update_item_status``) or
    ``coordination.change_programmes``, which is asked of the item's space.
    """
    item = get_object_or_404(
        ProgrammeItem.objects.select_related("programme__space", "parent"), pk=pk
    )
    visible = user.has_perm("coordination.view_item", item)
    if perm == "coordination.change_programmes":
        require(user, perm, item.programme.space, visible=visible)
    else:
        require(user, perm or "coordination.view_item", item, visible=visible)
    return item


def review_get_for_user(user, pk: int) -> ReviewRequest:
    """A review request its consulted organisation's people may answer (read-only: 403)."""
    review = get_object_or_404(
        ReviewRequest.objects.select_related("item__programme__space", "organisation"), pk=pk
    )
    visible = user.has_perm("coordination.view_item", review.item)
    require(user, "coordination.answer_review", review, visible=visible)
    return review


def visible_items(user) -> QuerySet[ProgrammeItem]:
    """Every item ``user`` may see, as ``coordination.view_item`` says, in one query."""
    if is_coordinator(user):
        return ProgrammeItem.objects.all()
    if not user.is_authenticated:
        return ProgrammeItem.objects.filter(programme__space__visibility=Space.Visibility.PUBLIC)
    named = Responsibility.objects.filter(organisation_id__in=organisation_ids(user)).values(
        "item_id"
    )
    return ProgrammeItem.objects.filter(
        Q(programme__space__visibility=Space.Visibility.PUBLIC)
        | Q(programme__space_id__in=my_space_ids(user))
        | Q(pk__in=named)
        | Q(parent_id__in=named, kind=Kind.MILESTONE)
    )


# --- The tree and its roll-up -------------------------------------------------------------------


@dataclass
class Node:
    item: ProgrammeItem
    depth: int = 0
    children: list[Node] = field(default_factory=list)
    progress: float | None = None
    lead: Responsibility | None = None
    awaiting_review: bool = False
    overdue: bool = False

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress)


def rollup(node: Node, mode: str) -> float | None:
    """A node's progress: a leaf's own (100 when done), else its parts' average.

    Dropped parts do not count. ``mode`` "weighted" weighs each part by its weight (a plain
    average if every weight is 0); "average" counts each part once. None when nothing counts.
    """
    for child in node.children:
        rollup(child, mode)
    item = node.item
    if item.status == Status.DONE:
        node.progress = 100.0
    elif not node.children:
        node.progress = float(item.progress)
    else:
        node.progress = _average(node.children, mode)
    return node.progress


def _average(nodes: list[Node], mode: str) -> float | None:
    counted = [
        node for node in nodes if node.item.status != Status.DROPPED and node.progress is not None
    ]
    if not counted:
        return None
    weights = [node.item.weight if mode == Programme.Rollup.WEIGHTED else 1 for node in counted]
    if not sum(weights):
        weights = [1] * len(counted)
    return sum(node.progress * weight for node, weight in zip(counted, weights, strict=True)) / (
        sum(weights)
    )


@dataclass
class Tree:
    programme: Programme
    roots: list[Node]
    nodes: list[Node]  # depth first, in the order a reader goes through the programme
    progress: float | None

    @property
    def progress_percent(self) -> int | None:
        return None if self.progress is None else round(self.progress)

    @property
    def actions(self) -> list[Node]:
        return [node for node in self.nodes if node.item.kind == Kind.ACTION]

    @property
    def gaps(self) -> list[Node]:
        """Actions without an accountable lead."""
        return [node for node in self.actions if node.lead is None]


def _responsibilities():
    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("organisation", "contact").order_by(
            "role", "organisation__name_fr", "pk"
        ),
    )


def programme_tree(programme: Programme, *, today: datetime.date | None = None) -> Tree:
    """The whole tree in a fixed number of queries, with leads, lateness and progress."""
    today = today or timezone.localdate()
    items = list(
        programme.items.prefetch_related(_responsibilities())
        .order_by("code", "pk")
        .select_related("parent")
    )
    pending = set(
        ReviewRequest.objects.filter(
            item__programme=programme, state=ReviewRequest.State.PENDING
        ).values_list("item_id", flat=True)
    )
    nodes = {item.pk: Node(item=item) for item in items}
    roots: list[Node] = []
    for item in items:
        node = nodes[item.pk]
        node.lead = next(
            (each for each in item.responsibilities.all() if each.role == Role.ACCOUNTABLE), None
        )
        node.awaiting_review = item.pk in pending
        node.overdue = item.is_overdue(today)
        (nodes[item.parent_id].children if item.parent_id in nodes else roots).append(node)
    for node in nodes.values():
        if node.item.kind == Kind.MILESTONE and node.lead is None and node.item.parent_id:
            node.lead = nodes[node.item.parent_id].lead
    ordered: list[Node] = []

    def walk(level: list[Node], depth: int) -> None:
        for node in level:
            node.depth = depth
            ordered.append(node)
            walk(node.children, depth + 1)

    walk(roots, 0)
    for root in roots:
        rollup(root, programme.rollup)
    return Tree(programme, roots, ordered, _average(roots, programme.rollup))


# --- Lists --------------------------------------------------------------------------------------


def overdue_items(space: Space, *, today: datetime.date | None = None) -> QuerySet[ProgrammeItem]:
    """Actions and milestones of the space's adopted programmes past their due date, not done
    or dropped, the oldest due first."""
    today = today or timezone.localdate()
    return (
        ProgrammeItem.objects.filter(
            programme__space=space,
            programme__status=Programme.Status.ADOPTED,
            kind__in=ProgrammeItem.TRACKED,
            due_date__lt=today,
        )
        .exclude(status__in=ProgrammeItem.CLOSED_STATUSES)
        .select_related("programme", "parent")
        .prefetch_related(_responsibilities(), Prefetch("parent__responsibilities"))
        .order_by("due_date", "code", "pk")
    )


def lead_of(item: ProgrammeItem) -> Responsibility | None:
    """The lead among prefetched responsibilities (a milestone's: its action's)."""
    source = item.parent if item.kind == Kind.MILESTONE and item.parent else item
    return next(
        (each for each in source.responsibilities.all() if each.role == Role.ACCOUNTABLE), None
    )


@dataclass
class Matrix:
    organisations: list
    rows: list[tuple[Node, list[Responsibility | None]]]


def raci_matrix(tree: Tree) -> Matrix:
    """Actions × organisations: the role each organisation holds in each action."""
    organisations = {}
    for node in tree.actions:
        for responsibility in node.item.responsibilities.all():
            organisations.setdefault(responsibility.organisation_id, responsibility.organisation)
    columns = sorted(organisations.values(), key=lambda organisation: organisation.name)
    rows = []
    for node in tree.actions:
        by_organisation = {each.organisation_id: each for each in node.item.responsibilities.all()}
        rows.append((node, [by_organisation.get(column.pk) for column in columns]))
    return Matrix(columns, rows)


@dataclass
class Collision:
    action: ProgrammeItem
    lead: object
    other: ProgrammeItem
    other_lead: object
    same_initiative: bool


def collisions(user, tree: Tree) -> list[Collision]:
    """Actions of other programmes that the user may see, on the same initiative or with the
    same title (in any spelling), whose lead is another organisation."""
    ours = [node for node in tree.actions if node.lead is not None]
    if not ours:
        return []
    titles = {node.item.pk: normalise(node.item.title) for node in ours}
    initiatives: dict[int, set[int]] = {}
    for item_id, initiative_id in ProgrammeItem.initiatives.through.objects.filter(
        programmeitem_id__in=[node.item.pk for node in ours]
    ).values_list("programmeitem_id", "initiative_id"):
        initiatives.setdefault(item_id, set()).add(initiative_id)
    others = (
        visible_items(user)
        .filter(kind=Kind.ACTION)
        .exclude(programme=tree.programme)
        .exclude(programme__status=Programme.Status.CLOSED)
        .select_related("programme")
        .prefetch_related(_responsibilities(), "initiatives")
    )
    found = []
    for other in others:
        other_lead = next(
            (each for each in other.responsibilities.all() if each.role == Role.ACCOUNTABLE), None
        )
        if other_lead is None:
            continue
        other_title = normalise(other.title)
        other_initiatives = {initiative.pk for initiative in other.initiatives.all()}
        for node in ours:
            if node.lead.organisation_id == other_lead.organisation_id:
                continue
            shared = bool(initiatives.get(node.item.pk, set()) & other_initiatives)
            if shared or (other_title and titles[node.item.pk] == other_title):
                found.append(
                    Collision(
                        node.item, node.lead.organisation, other, other_lead.organisation, shared
                    )
                )
    return found


def organisation_responsibilities(user, organisation) -> QuerySet[Responsibility]:
    """What ``organisation`` is accountable or responsible for, in every programme the user
    may see, the soonest due first."""
    return (
        Responsibility.objects.filter(
            organisation=organisation,
            role__in=[Role.ACCOUNTABLE, Role.RESPONSIBLE],
            item__in=visible_items(user),
        )
        .select_related("item__programme__space", "contact")
        .order_by("item__due_date", "item__code", "pk")
    )


def linked_initiatives(user, item: ProgrammeItem):
    """The initiatives linked to ``item`` that ``user`` may see (the others are not named)."""
    return visible_initiatives(user).filter(programme_items=item).order_by("pk")


def item_reviews(item: ProgrammeItem) -> QuerySet[ReviewRequest]:
    return item.reviews.select_related("organisation").order_by("-created_at", "pk")


def responsibility_get_for_user(user, pk: int) -> Responsibility:
    """A responsibility whose action ``user`` sees (else 404) and whose programme they may
    change (else 403)."""
    responsibility = get_object_or_404(
        Responsibility.objects.select_related("item__programme__space", "organisation"), pk=pk
    )
    item = responsibility.item
    require(
        user,
        "coordination.change_programmes",
        item.programme.space,
        visible=user.has_perm("coordination.view_item", item),
    )
    return responsibility


def lead_of_item(item: ProgrammeItem):
    """The accountable organisation of an action (or of a milestone's action), or None."""
    action_id = item.parent_id if item.kind == Kind.MILESTONE else item.pk
    lead = (
        Responsibility.objects.filter(item_id=action_id, role=Role.ACCOUNTABLE)
        .select_related("organisation")
        .first()
    )
    return lead.organisation if lead else None


# --- Evidence files -----------------------------------------------------------------------------


def item_evidence(item: ProgrammeItem) -> QuerySet[ItemEvidence]:
    """The item's evidence files, newest first."""
    return item.evidence.order_by("-uploaded_at", "-pk")


def evidence_get_for_user(user, pk: int, *, perm: str | None = None) -> ItemEvidence:
    """The evidence file ``pk`` if ``user`` sees its item (else 404) and, when ``perm`` is given
    (``coordination.remove_evidence``), may do it (else 403)."""
    evidence = get_object_or_404(
        ItemEvidence.objects.select_related("item__programme__space"), pk=pk
    )
    visible = user.has_perm("coordination.view_item", evidence.item)
    if not visible:
        raise Http404
    if perm is not None:
        require(user, perm, evidence)
    return evidence
