"""Who may see and change consultations. Predicates take the consultation.

- A draft is seen only by its organisation's people and the coordinators (others get 404);
  a published or closed consultation, with its results, by every signed-in user.
- The organisation's admins and members, and coordinators, change it (while it is a draft),
  enter answers given by phone or in person, and write the summary; read-only members may not.
- Publishing and closing — speaking to the public in the organisation's name — is for the
  organisation's admins and the coordinators.
- The export of individual (anonymised) answers is for the organisation's people and the
  coordinators: free text travels with it.
"""

import rules

from madina.accounts.rules import is_coordinator, is_org_admin, is_org_editor, is_org_member


def _organisation(consultation):
    return getattr(consultation, "organisation", None)


@rules.predicate
def is_public(user, consultation) -> bool:
    from madina.consultations.models import Consultation

    return consultation is not None and consultation.state != Consultation.State.DRAFT


@rules.predicate
def is_owner_member(user, consultation) -> bool:
    return is_org_member(user, _organisation(consultation))


@rules.predicate
def is_owner_editor(user, consultation) -> bool:
    return is_org_editor(user, _organisation(consultation))


@rules.predicate
def is_owner_admin(user, consultation) -> bool:
    return is_org_admin(user, _organisation(consultation))


@rules.predicate
def edits_for_some_organisation(user) -> bool:
    from madina.accounts.models import Membership

    return (
        user.is_authenticated
        and user.memberships.active()
        .filter(role__in=[Membership.Role.ADMIN, Membership.Role.MEMBER])
        .exists()
    )


rules.add_perm(
    "consultations.view_consultation",
    rules.is_authenticated & (is_coordinator | is_public | is_owner_member),
)
rules.add_perm("consultations.add_consultation", is_coordinator | edits_for_some_organisation)
rules.add_perm("consultations.change_consultation", is_coordinator | is_owner_editor)
rules.add_perm("consultations.publish_consultation", is_coordinator | is_owner_admin)
rules.add_perm("consultations.enter_response", is_coordinator | is_owner_editor)
rules.add_perm("consultations.export_answers", is_coordinator | is_owner_member)
