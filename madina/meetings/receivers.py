"""What meetings do when another app tells of a change.

``on_item_changed`` answers coordination's ``item_changed`` signal (sent after the commit; see
``madina/coordination/signals.py`` and docs/decisions/0018): when an action's or a milestone's
status changed, the followers of the recommendations the action carries out are told.
"""

from __future__ import annotations

from madina.coordination.models import ProgrammeItem
from madina.meetings.models import RecommendationAction
from madina.meetings.services import notify_action_followers


def on_item_changed(sender, *, item: ProgrammeItem, actor=None, changes=None, **kwargs) -> None:
    if "status" not in (changes or {}) or item.kind not in ProgrammeItem.TRACKED:
        return
    action_id = item.parent_id if item.kind == ProgrammeItem.Kind.MILESTONE else item.pk
    if action_id is None or not RecommendationAction.objects.filter(action_id=action_id).exists():
        return
    notify_action_followers(action_id=action_id, exclude=actor)
