"""Who may see and change results frameworks (docs/decisions/0024).

Every signed-in user reads projects, editions, frameworks, values, dashboards and reports: they
hold counts, never personal data. The project's organisation's admins and members, and
coordinators, change them and enter manual values; approving a manual value takes the
organisation's admin or a coordinator, never the person who entered it (checked by the service).
Predicates take the project's organisation.
"""

import rules

from madina.accounts.rules import is_coordinator, is_org_admin, is_org_editor

rules.add_perm("results.view_edition", rules.is_authenticated)
rules.add_perm("results.change_edition", is_coordinator | is_org_editor)
rules.add_perm("results.approve_value", is_coordinator | is_org_admin)
