"""``{% cached_layout %}``: the layout around every page, rendered once per variant and kept
(``core.fragment_cache.layout_pieces``); each request renders only the blocks its page fills.

In the root template (``base.html``), around all of it::

    {% cached_layout "staff/base.html" vary_on partnership user.is_authenticated
       per_request "messages" %} ... {% endcached_layout %}

- The templates named first, with the one holding the tag, are the *layout*: the blocks
  they define are kept. A block a page (or any other template between it and the layout)
  fills is rendered for each request, and so are the blocks named after ``per_request``
  (the messages, the cookie banner: they show what is this visitor's).
- The layout's variant is the values after ``vary_on`` (read as the template reads them,
  so a view's context that shadows one is keyed on too), which blocks come from which
  template, and the language. The layout may show nothing else: anything it reads that is
  not a ``vary_on`` value belongs in a ``per_request`` block.
- Each request's CSP nonce (``request.csp_nonce``) and CSRF token (``{% csrf_token %}``) are
  put into the kept layout for that request.

Rendered without a page extending it (no blocks to fill), or with no request, the layout is
rendered as usual.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, TextNode, Token
from django.template.context import Context
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode

from safeguarding.core.fragment_cache import (
    NONCE_SLOT,
    TOKEN_SLOT,
    layout_mark,
    layout_pieces,
    nonce_placeholder,
)

register = template.Library()

# What Django's csrf context processor gives when there is no token (no CSRF middleware):
# {% csrf_token %} then shows nothing, which a kept layout cannot know.
_NO_TOKEN = "NOTPROVIDED"  # noqa: S105  (not a secret: Django's word for "no token")


def _key(value: Any) -> str:
    """A value the layout varies on, as text. Reading ``__class__`` first makes a lazy value
    (the staff navigation) work itself out, so its repr shows what it holds."""
    return f"{value.__class__.__qualname__}={value!r}"


def _template_of(node: Node) -> str:
    """The name of the template that defines ``node``."""
    return str(node.origin.template_name)


class CachedLayoutNode(Node):
    def __init__(
        self,
        nodelist: NodeList,
        layouts: frozenset[str],
        vary_on: list[FilterExpression],
        per_request: frozenset[str],
    ) -> None:
        self.nodelist = nodelist
        self.layouts = layouts
        self.vary_on = vary_on
        self.per_request = per_request

    def render(self, context: Context) -> str:
        blocks: BlockContext | None = context.render_context.get(BLOCK_CONTEXT_KEY)
        request = context.get("request")
        if blocks is None or request is None:
            return self.nodelist.render(context)
        winners = {name: found[-1] for name, found in blocks.blocks.items() if found}
        filled = sorted(
            name
            for name, block in winners.items()
            if name in self.per_request or _template_of(block) not in self.layouts
        )
        variant = " ".join(
            [
                *(_key(value.resolve(context)) for value in self.vary_on),
                *(f"{name}@{_template_of(block)}" for name, block in winners.items()),
                "filled:" + ",".join(filled),
            ]
        )
        pieces = layout_pieces(variant, lambda: self._build(context, blocks, filled, request))
        out = []
        for number, piece in enumerate(pieces):
            if number % 2 == 0:
                out.append(piece)
            elif piece == NONCE_SLOT:
                out.append(str(getattr(request, "csp_nonce", "")))  # as {{ }} would
            elif piece == TOKEN_SLOT:
                token = str(context.get("csrf_token"))
                if token == _NO_TOKEN:  # {% csrf_token %} shows nothing: not the kept layout
                    return self.nodelist.render(context)
                out.append(token)
            else:  # the block as {% block %} renders it: the page's, or the layout's own
                out.append(BlockNode(piece, NodeList()).render(context))
        return "".join(out)

    def _build(
        self, context: Context, blocks: BlockContext, filled: list[str], request: Any
    ) -> str:
        """The layout with a mark where each request's own parts go."""
        for name in filled:
            blocks.push(name, BlockNode(name, NodeList([TextNode(layout_mark(name))])))
        try:
            with (
                nonce_placeholder(request, layout_mark(NONCE_SLOT)),
                context.push(csrf_token=layout_mark(TOKEN_SLOT)),
            ):
                return self.nodelist.render(context)
        finally:
            for name in filled:
                blocks.pop(name)


@register.tag
def cached_layout(parser: Parser, token: Token) -> CachedLayoutNode:
    bits = token.split_contents()[1:]
    layouts: set[str] = {str(parser.origin.template_name)} if parser.origin else set()
    vary_on: list[FilterExpression] = []
    per_request: set[str] = set()
    section = "layouts"
    for bit in bits:
        if bit in ("vary_on", "per_request"):
            section = bit
        elif section == "vary_on":
            vary_on.append(parser.compile_filter(bit))
        elif len(bit) < 2 or bit[0] not in "\"'" or bit[-1] != bit[0]:
            raise template.TemplateSyntaxError(
                f"cached_layout names templates and blocks in quotes, not {bit}"
            )
        else:
            (layouts if section == "layouts" else per_request).add(bit[1:-1])
    nodelist = parser.parse(("endcached_layout",))
    parser.delete_first_token()
    return CachedLayoutNode(nodelist, frozenset(layouts), vary_on, frozenset(per_request))
