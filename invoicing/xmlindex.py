"""One walk over a parsed XML document, shared by the invoice model and the rules.

lxml creates a Python object for an element each time one is handed out that has no live
Python object yet, and builds its Clark tag string on every `.tag`; both dominate the cost of
looking around in an invoice from Python. `DocumentIndex` walks the tree once, keeps every
element object alive (so later XPath results and child iterations reuse them) and records
each element's tag and its children by tag. The tree must not change while an index of it is
in use (the validator never changes it).

`IndexedPath` is the part of XPath the index answers without a walk over the tree and without
an XPath evaluation (each costs more than the lookups): unions of element paths such as
``cac:Item/cbc:Name``, ``/rsm:A/rsm:B``, ``//cbc:ID[@schemeID]`` or
``//cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cbc:Amount``, with the same result as
XPath (the same element objects, in document order). Anything else is left to XPath.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from lxml import etree

# A predicate: ("exists", tags, attribute) for ``[p:A/p:B]``, ``[p:A/@name]`` or ``[@name]``;
# ("equals", tags, attribute, literal) for the same paths ``= 'literal'`` (tags: the Clark tags
# of the child steps, attribute None for an element path).
Predicate = tuple
Step = tuple  # (Clark tag, or None for `*`; tuple of predicates)


@dataclass(frozen=True)
class _Branch:
    """One location path of a union: where it starts and its steps.

    `anchor` is "relative" (``first/...`` at the context node), "root" (``/first/...``) or
    "descendant" (``//first/...``); `first` and the further child `steps` are `Step`s (the
    tag None only for ``/*`` and ``//*``)."""

    anchor: str
    first: Step
    steps: tuple[Step, ...]

    @functools.cached_property
    def chain(self) -> tuple[Step, ...]:
        return (self.first, *self.steps)

    @functools.cached_property
    def plain_tags(self) -> tuple[str, ...] | None:
        """The tags of a relative path without predicates (the most common kind), else None."""
        if self.anchor != "relative" or any(predicates for _tag, predicates in self.chain):
            return None
        return tuple(tag for tag, _predicates in self.chain)


@dataclass(frozen=True)
class IndexedPath:
    """An XPath expression that `DocumentIndex.select` can answer (see `parse`)."""

    branches: tuple[_Branch, ...]

    @classmethod
    def parse(cls, expression: str, namespaces: dict[str, str]) -> IndexedPath | None:
        """The expression as an `IndexedPath`, or None when it is anything but a union of
        absolute, ``//``-started or relative paths of child steps ``p:Name`` (``*`` only as
        ``/*`` or ``//*``), each with predicates that test a child path, optionally ending in
        an attribute, for existence or equality with a literal: ``[@name]``, ``[p:A/p:B]``,
        ``[p:A/@name = 'literal']``. A leading union of steps, ``(p:A|p:B)/p:C``, counts as
        ``p:A/p:C | p:B/p:C``."""
        branches = []
        for text in _split(_expand_leading_union(expression), "|"):
            branch = _parse_branch(text.strip(), namespaces)
            if branch is None:
                return None
            branches.append(branch)
        return cls(tuple(branches))


def _split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside brackets and string literals."""
    parts, depth, quote, current = [], 0, None, []
    for char in text:
        if quote is not None:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_LEADING_UNION = re.compile(r"\(([^()\[\]]*)\)/([^()|\[\]]*)")


def _expand_leading_union(expression: str) -> str:
    match = _LEADING_UNION.fullmatch(expression.strip())
    if match is None:
        return expression
    alternatives, rest = match.groups()
    return " | ".join(f"{alternative.strip()}/{rest}" for alternative in alternatives.split("|"))


_NAME = r"[A-Za-z_][\w.-]*"
_STEP = re.compile(rf"(?:(\w+):({_NAME})|(\*))((?:\[[^\[\]]*\])*)")
_PREDICATE = re.compile(r"\[([^\[\]]*)\]")
_ATTRIBUTE_STEP = re.compile(rf"(?:(.*)/)?@({_NAME})")
_EQUALS = re.compile(r"""(.+?)\s*=\s*(?:'([^']*)'|"([^"]*)")""")


def _parse_branch(text: str, namespaces: dict[str, str]) -> _Branch | None:
    if text.startswith("//"):
        anchor, text = "descendant", text[2:]
    elif text.startswith("/"):
        anchor, text = "root", text[1:]
    else:
        anchor = "relative"
    steps = _parse_steps(text, namespaces, star=anchor != "relative")
    if steps is None:
        return None
    return _Branch(anchor, steps[0], tuple(steps[1:]))


def _parse_steps(text: str, namespaces: dict[str, str], *, star: bool) -> list[Step] | None:
    """The child steps of a relative path; `*` only allowed as the first step if `star`."""
    steps: list[Step] = []
    for part in _split(text, "/"):
        match = _STEP.fullmatch(part.strip())
        if match is None:
            return None
        prefix, local, is_star, predicates_text = match.groups()
        if is_star is not None:
            if steps or not star:
                return None  # `*` below would need the children of all tags in document order
            tag = None
        elif prefix in namespaces:
            tag = f"{{{namespaces[prefix]}}}{local}"
        else:
            return None
        predicates = []
        for content in _PREDICATE.findall(predicates_text):
            predicate = _parse_predicate(content.strip(), namespaces)
            if predicate is None:
                return None
            predicates.append(predicate)
        steps.append((tag, tuple(predicates)))
    return steps


def _parse_predicate(text: str, namespaces: dict[str, str]) -> Predicate | None:
    equals = _EQUALS.fullmatch(text)
    path = equals.group(1) if equals is not None else text
    attribute = None
    attribute_step = _ATTRIBUTE_STEP.fullmatch(path)
    if attribute_step is not None:
        path, attribute = attribute_step.group(1) or "", attribute_step.group(2)
    tags: tuple[str, ...] = ()
    if path:
        steps = _parse_steps(path, namespaces, star=False)
        if steps is None or any(predicates for _tag, predicates in steps):
            return None
        tags = tuple(tag for tag, _predicates in steps)
    if equals is None:
        return ("exists", tags, attribute)
    literal = equals.group(2) if equals.group(2) is not None else equals.group(3)
    return ("equals", tags, attribute, literal)


def _string(element) -> str:
    """The XPath string value of an element (its text without comments and PIs)."""
    return "".join(element.itertext())


class DocumentIndex:
    """`elements`: (tag in Clark notation, element) of the root and all its descendant
    elements in document order (as `root.iter(etree.Element)`); `children`: for every one of
    those elements, its child elements by tag; `by_tag`: the elements by tag (all lists in
    document order); `names`: every element tag and attribute name (`@` + Clark notation)."""

    def __init__(self, root):
        self.root = root
        elements: list[tuple[str, object]] = []
        children: dict[object, dict[str, list]] = {}
        by_tag: dict[str, list] = {}
        attributes: set[str] = set()
        for node in root.iter(etree.Element):  # the hot loop of the index: written out
            tag = node.tag
            elements.append((tag, node))
            children[node] = {}
            same_tag = by_tag.get(tag)
            if same_tag is None:
                by_tag[tag] = [node]
            else:
                same_tag.append(node)
            if node is not root:
                siblings = children[node.getparent()]
                same_tag = siblings.get(tag)
                if same_tag is None:
                    siblings[tag] = [node]
                else:
                    same_tag.append(node)
            keys = node.keys()
            if keys:
                attributes.update(keys)
        self.elements = elements
        self.children = children
        self.by_tag = by_tag
        self.names = frozenset(by_tag).union(["@" + name for name in attributes])
        self._ending: dict[tuple[str, str], list] = {}
        self._rooted: dict[tuple[Step, ...], list] = {}

    def ending_with(self, suffix: str, namespace: str = "") -> list:
        """The elements whose Clark tag starts with `namespace` (``{uri}``) and ends with
        `suffix` (so does the local name), in document order."""
        found = self._ending.get((suffix, namespace))
        if found is None:
            tags = [
                tag for tag in self.by_tag if tag.endswith(suffix) and tag.startswith(namespace)
            ]
            nodes = [node for tag in tags for node in self.by_tag[tag]]
            found = self._ending[suffix, namespace] = (
                self.in_document_order(nodes) if len(tags) > 1 else nodes
            )
        return list(found)

    @functools.cached_property
    def all_elements(self) -> list:
        """Every element, in document order."""
        return [node for _tag, node in self.elements]

    @functools.cached_property
    def position(self) -> dict[object, int]:
        """Each element's position in document order."""
        return {node: number for number, (_tag, node) in enumerate(self.elements)}

    def in_document_order(self, nodes) -> list:
        """`nodes` without duplicates, in document order."""
        return sorted(set(nodes), key=self.position.__getitem__)

    def select(self, path: IndexedPath, node) -> list | None:
        """The elements `path` selects at `node` (as XPath would, in document order); None
        when `node` is not an element of this document."""
        if len(path.branches) == 1:
            branch = path.branches[0]
            tags = branch.plain_tags
            if tags is None:
                return self._branch(branch, node)
            return self._below_node(node, tags)
        found: list = []
        for branch in path.branches:
            selected = self._branch(branch, node)
            if selected is None:
                return None
            found.extend(selected)
        return self.in_document_order(found) if len(found) > 1 else found

    def _below_node(self, node, tags: tuple[str, ...]) -> list | None:
        """The elements at the child path `tags` below `node`, None when `node` is not in
        the index."""
        children = self.children
        below = children.get(node)
        if below is None:
            return None
        nodes = below.get(tags[0], ())
        for tag in tags[1:]:
            if len(nodes) == 1:
                nodes = children[nodes[0]].get(tag, ())
            else:
                nodes = [child for parent in nodes for child in children[parent].get(tag, ())]
        return list(nodes)

    def _branch(self, branch: _Branch, node) -> list | None:
        children = self.children
        below = children.get(node)
        if below is None:
            return None  # not an element of this document: its own tree decides
        tag, predicates = branch.first
        several_starts = False
        if branch.anchor == "relative":
            nodes = below.get(tag, ())
        elif branch.anchor == "root":
            return list(self._from_root(branch.chain))
        else:
            nodes = self.by_tag.get(tag, ()) if tag is not None else self.all_elements
            several_starts = len(nodes) > 1
        if predicates:
            nodes = self._matching(nodes, predicates)
        for tag, predicates in branch.steps:
            if len(nodes) == 1:
                nodes = children[nodes[0]].get(tag, ())
            else:
                nodes = [child for parent in nodes for child in children[parent].get(tag, ())]
            if predicates:
                nodes = self._matching(nodes, predicates)
        if several_starts and branch.steps and len(nodes) > 1:
            return self.in_document_order(nodes)  # `//a/b` with one `a` inside another
        return list(nodes)

    def _from_root(self, steps: tuple[Step, ...]) -> list:
        """What ``/step/step/...`` selects, kept for every such path and its beginnings (the
        absolute paths of the rules share theirs)."""
        found = self._rooted.get(steps)
        if found is None:
            tag, predicates = steps[-1]
            if len(steps) == 1:
                found = [self.root] if tag is None or self.elements[0][0] == tag else []
            else:
                children = self.children
                parents = self._from_root(steps[:-1])
                found = [child for parent in parents for child in children[parent].get(tag, ())]
            if predicates:
                found = self._matching(found, predicates)
            self._rooted[steps] = found
        return found

    def _matching(self, nodes, predicates: tuple[Predicate, ...]) -> list:
        """The nodes for which every predicate holds."""
        for predicate in predicates:
            kind, tags, attribute = predicate[:3]
            if attribute is not None and "@" + attribute not in self.names:
                return []  # no element of the document carries the attribute
            if kind == "exists" and not tags:
                nodes = [node for node in nodes if node.get(attribute) is not None]
            else:
                nodes = [node for node in nodes if self._holds(node, predicate)]
        return nodes

    def _holds(self, node, predicate: Predicate) -> bool:
        """XPath: a path is true when it selects something; `=` on a node set is true when
        the string value of one of its nodes equals the literal."""
        kind, tags, attribute = predicate[:3]
        found = [node]
        for tag in tags:
            found = [child for parent in found for child in self.children[parent].get(tag, ())]
        if attribute is not None:
            values = [
                value for value in (each.get(attribute) for each in found) if value is not None
            ]
        else:
            values = found
        if kind == "exists":
            return bool(values)
        literal = predicate[3]
        if attribute is None:
            return any(_string(element) == literal for element in values)
        return literal in values


_last: tuple[object, DocumentIndex] | None = None


def document_index(root) -> DocumentIndex:
    """The index of the tree below `root`, built once for the most recent root (validation
    looks at one document at a time; another thread's document just rebuilds it)."""
    global _last
    last = _last
    if last is not None and last[0] is root:
        return last[1]
    index = DocumentIndex(root)
    _last = (root, index)
    return index


_active = threading.local()


class indexed_children:
    """Context manager: while active in this thread, `active_children()` is the children
    index of `root` (used by the invoice model builders, see `invoicing.parsing.find`)."""

    def __init__(self, root):
        self.children = document_index(root).children

    def __enter__(self) -> None:
        self.previous = getattr(_active, "children", None)
        _active.children = self.children

    def __exit__(self, *exc) -> None:
        _active.children = self.previous


def active_children() -> dict[object, dict[str, list]] | None:
    """The child elements by tag of every element of the document of the active
    `indexed_children` in this thread, None when none is active."""
    return getattr(_active, "children", None)
