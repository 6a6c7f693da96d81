"""Who may see and change outreach records (docs/decisions/0023).

Every signed-in user sees capsules, schools, sessions (their audiences are counts), trainings
and advocacy actions: they are the shared record of who did what. The names of a training's
participants are seen only by the organising organisation's people and coordinators. The
organisation's admins and members, and coordinators, add and change its records; read-only
members may not. Schools are shared: any editor of any organisation may add or correct one.
Predicates take the organisation the record belongs to.
"""

import rules

from madina.accounts.rules import is_coordinator, is_org_editor, is_org_member


@rules.predicate
def edits_for_some_organisation(user) -> bool:
    from madina.accounts.models import Membership

    return (
        user.is_authenticated
        and user.memberships.active()
        .filter(role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER])
        .exists()
    )


rules.add_perm("outreach.view_records", rules.is_authenticated)
rules.add_perm("outreach.view_participants", is_coordinator | is_org_member)
rules.add_perm("outreach.change_records", is_coordinator | is_org_editor)
rules.add_perm("outreach.change_schools", is_coordinator | edits_for_some_organisation)
