"""Which service answers a request, and why: a pure decision over facts (no database, no writes).

The facts come from selectors.routing_facts(): the category's active rules, each with what
PostGIS says about its service area and the request's place (inside the area, on its edge,
how large the area is). The order of preference, most specific first:

1. a rule for the category in an area that contains the place;
2. a rule for the category in an area whose edge the place lies on (areas of one kind share
   their edges exactly, so a point on a border lies in both neighbours);
3. the category's rule for anywhere in the hromada (no area);

and within one step the smaller area (the more local service), then the area's stable
source id, then the older rule — so every tie is broken the same way, every time. No rule
at all: the request goes to the front office's triage queue. A rule whose service has nobody on
the portal (no active staff) would leave the request sitting unseen, so it goes to triage too,
with that reason, and the front office forwards it (issue 20: routing never dead-ends).

The decision carries its own explanation in every language of the portal, stored on the
request, so a later change of the rules never rewrites why an existing request went where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Named:
    id: int
    name_uk: str
    name_en: str = ""

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name_uk


@dataclass(frozen=True)
class AreaFact:
    """A service area and where the request's place is relative to it."""

    id: int
    key: str  # the area's stable source id
    name_uk: str
    name_en: str
    contains: bool  # the place is in the area's interior
    covers: bool  # the place is in the area or on its edge
    size_m2: float

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name_uk


@dataclass(frozen=True)
class RuleFact:
    id: int
    service: Named
    area: AreaFact | None = None
    deadline_days: int = 15
    priority: str = "normal"
    default_owner_id: int | None = None
    is_active: bool = True
    service_staffed: bool = True  # the service has at least one active member on the portal


@dataclass(frozen=True)
class Decision:
    service: Named | None
    rule_id: int | None
    reason: str  # "area", "area_edge", "category", "no_rule", "no_staff"
    deadline_days: int | None
    priority: str
    default_owner_id: int | None
    explanation: dict[str, str] = field(default_factory=dict)
    unstaffed_service: Named | None = None  # "no_staff": the service the rule names

    @property
    def is_triage(self) -> bool:
        return self.reason in TRIAGE_REASONS


TRIAGE_REASONS = frozenset({"no_rule", "no_staff"})


def _rank(rule: RuleFact) -> tuple:
    if rule.area is None:
        return (2, 0.0, "", rule.id)
    return (0 if rule.area.contains else 1, rule.area.size_m2, rule.area.key, rule.id)


def service_choose(*, category: Named, rules: Sequence[RuleFact], front_office: Named | None) -> Decision:
    """The responsible service for a request of `category` at a place, given the facts."""
    applicable = [r for r in rules if r.is_active and (r.area is None or r.area.covers)]
    if not applicable:
        return Decision(
            service=front_office,
            rule_id=None,
            reason="no_rule",
            deadline_days=None,
            priority="normal",
            default_owner_id=None,
            explanation=_explain_all(category, None, [], front_office),
        )
    ranked = sorted(applicable, key=_rank)
    chosen = ranked[0]
    if chosen.area is None:
        reason = "category"
    else:
        reason = "area" if chosen.area.contains else "area_edge"
    # Areas that also hold the place on their edge, for the explanation of a border case.
    rivals = [r.area for r in ranked[1:] if r.area is not None and chosen.area and not chosen.area.contains]
    if not chosen.service_staffed:
        return Decision(
            service=front_office,
            rule_id=None,
            reason="no_staff",
            deadline_days=None,
            priority=chosen.priority,
            default_owner_id=None,
            explanation=_explain_all(category, chosen, rivals, front_office, unstaffed=True),
            unstaffed_service=chosen.service,
        )
    return Decision(
        service=chosen.service,
        rule_id=chosen.id,
        reason=reason,
        deadline_days=chosen.deadline_days,
        priority=chosen.priority,
        default_owner_id=chosen.default_owner_id,
        explanation=_explain_all(category, chosen, rivals, front_office),
    )


def _explain_all(category, rule, rivals, front_office, *, unstaffed: bool = False) -> dict[str, str]:
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text = _explain(code, category, rule, rivals, front_office)
            if unstaffed:
                text = _unstaffed(code, rule.service, front_office, text)
            out[code] = text
    return out


def explanation_unstaffed(
    explanation: dict[str, str], *, service: Named, front_office: Named | None
) -> dict[str, str]:
    """A routed request's explanation, extended with why it went to triage after all: its
    service has nobody on the portal (a request routed before its last member left). An empty
    `explanation` (the request came to the service by forwarding) gives the reason alone."""
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            routed = explanation.get(code) or explanation.get("uk")
            out[code] = (
                _unstaffed(code, service, front_office, routed)
                if routed
                else _("%(service)s has no staff on the portal → triage by %(office)s, who forwards it")
                % {"service": service.name(code), "office": _office(code, front_office)}
            )
    return out


def _office(language, front_office) -> str:
    return front_office.name(language) if front_office else _("the front office")


def _unstaffed(language, service: Named, front_office, routed: str) -> str:
    return _(
        "%(routed)s, but %(service)s has no staff on the portal → triage by %(office)s, who forwards it"
    ) % {"routed": routed, "service": service.name(language), "office": _office(language, front_office)}


def _explain(language, category, rule, rivals, front_office) -> str:
    cat = category.name(language)
    if rule is None:
        office = _office(language, front_office)
        return _("no routing rule for category “%(category)s” here → triage by %(office)s") % {
            "category": cat,
            "office": office,
        }
    service = rule.service.name(language)
    if rule.area is None:
        return _("category “%(category)s”, rule for the whole hromada → %(service)s") % {
            "category": cat,
            "service": service,
        }
    area = rule.area.name(language)
    if rule.area.contains:
        return _("category “%(category)s” in area “%(area)s” → %(service)s") % {
            "category": cat,
            "area": area,
            "service": service,
        }
    others = ", ".join(f"“{a.name(language)}”" for a in rivals) or "—"
    return _(
        "category “%(category)s”: the place lies on the border of area “%(area)s” and %(others)s; "
        "the smaller area is chosen → %(service)s"
    ) % {"category": cat, "area": area, "others": others, "service": service}
