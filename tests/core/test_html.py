"""``format_html_rows`` gives exactly what Django's ``format_html_join`` gives: every value
escaped unless already safe."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.core.html import format_html_rows

ROW = '<tr><td><a href="{}{}/">{}</a></td><td class="{}">{}</td></tr>\n'

hostile = st.text(alphabet="<>&\"' abc", max_size=12)
values = st.one_of(
    st.text(max_size=12),
    hostile,
    st.integers(),
    st.booleans(),
    st.none(),
    hostile.map(mark_safe),
    hostile.map(lambda text: lazy(lambda: text, str)()),
    hostile.map(lambda text: lazy(mark_safe, str)(text)),
)


# Small inputs; on a busy machine drawing them can still be slow, which proves nothing here.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(values, values, values, values, values), max_size=5))
def test_the_rows_are_what_format_html_join_makes(rows: list[tuple[object, ...]]) -> None:
    made = format_html_rows(ROW, rows)
    assert made == format_html_join("", ROW, rows)
    assert hasattr(made, "__html__")


def test_a_hostile_value_is_escaped() -> None:
    made = format_html_rows(ROW, [("/p/", 1, "<script>x</script>", '" onmouseover="x', "&")])
    assert "<script>" not in made
    assert "&lt;script&gt;" in made
    assert "&quot; onmouseover=&quot;x" in made
