"""Who may see and change the services directory (docs/decisions/0021).

Every signed-in user sees the active services (a public portal comes later). Inactive services
are seen only by the people of their organisation and coordinators. The organisation's admins
and members, and coordinators, add and change its services; read-only members may not.
Predicates take the organisation the service belongs to.
"""

import rules

from madina.accounts.rules import is_coordinator, is_org_editor, is_org_member

rules.add_perm("directory.view_service", rules.is_authenticated)
rules.add_perm("directory.view_inactive_service", is_coordinator | is_org_member)
rules.add_perm("directory.change_service", is_coordinator | is_org_editor)
