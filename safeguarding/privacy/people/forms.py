"""The data protection lead's search for a person. It checks shape only."""

from __future__ import annotations

from django import forms

from safeguarding.privacy.people.records import SHORTEST_SEARCH


class PersonSearchForm(forms.Form):
    query = forms.CharField(
        label="Name or email address",
        help_text="All or part of it: for example Sam Patel, or sam.patel@. We search "
        "bookings, waiting lists, newsletter subscriptions and rights requests.",
        min_length=SHORTEST_SEARCH,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter a name or an email address",
            "min_length": f"Enter at least {SHORTEST_SEARCH} letters of the name or address",
            "max_length": "Enter a name or an email address of 200 characters or fewer",
        },
    )
