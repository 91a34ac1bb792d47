"""Who may do what with the board packs' template: anyone signed in reads it (their packs are
made on it); the PMO head uploads or removes it."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.permissions import is_pmo_head
from pmo.core.restrict import EVERYTHING, restricts
from pmo.insights.models import PackTemplate


@restricts(PackTemplate)
def pack_template_restriction(user: Any, action: str) -> Q:
    return EVERYTHING


rules.add_perm("insights.add_packtemplate", is_pmo_head)
rules.add_perm("insights.delete_packtemplate", is_pmo_head)
