"""Record types and retention rules in plain words, for the privacy engine's templates:
``{{ hold.model_label|record_type }}``, ``{{ proposal.rule_key|rule_in_words }}``."""

from __future__ import annotations

from django import template

from safeguarding.privacy.retention import selectors

register = template.Library()


@register.filter
def record_type(model_label: str) -> str:
    return selectors.record_type_in_words(model_label)


@register.filter
def rule_in_words(rule_key: str) -> str:
    return selectors.rule_in_words(rule_key)
