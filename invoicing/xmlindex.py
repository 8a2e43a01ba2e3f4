"""One walk over a parsed XML document, shared by the invoice model and the rules.

lxml creates a Python object for an element each time one is handed out that has no live
Python object yet, and builds its Clark tag string on every `.tag`; both dominate the cost of
looking around in an invoice from Python. `DocumentIndex` walks the tree once, keeps every
element object alive (so later XPath results and child iterations reuse them) and records
each element's tag and its children by tag. The tree must not change while an index of it is
in use (the validator never changes it).
"""

from __future__ import annotations

import functools
import threading

from lxml import etree


class DocumentIndex:
    """`elements`: (tag in Clark notation, element) of the root and all its descendant
    elements in document order (as `root.iter(etree.Element)`); `children`: for every one of
    those elements, its child elements by tag, each list in document order."""

    def __init__(self, root):
        self.root = root
        elements: list[tuple[str, object]] = []
        children: dict[object, dict[str, list]] = {}
        for node in root.iter(etree.Element):
            tag = node.tag
            elements.append((tag, node))
            children[node] = {}
            if node is not root:
                children[node.getparent()].setdefault(tag, []).append(node)
        self.elements = elements
        self.children = children
        self._by_path: dict[tuple[str, ...], list] | None = None

    @functools.cached_property
    def by_tag(self) -> dict[str, list]:
        """The elements by tag, each list in document order."""
        by_tag: dict[str, list] = {}
        for tag, node in self.elements:
            by_tag.setdefault(tag, []).append(node)
        return by_tag

    @functools.cached_property
    def position(self) -> dict[object, int]:
        """Each element's position in document order."""
        return {node: number for number, (_tag, node) in enumerate(self.elements)}

    @property
    def by_path(self) -> dict[tuple[str, ...], list]:
        """The elements by their path of tags from the root (the root's tag first), each list
        in document order."""
        if self._by_path is None:
            by_path: dict[tuple[str, ...], list] = {}
            children = self.children

            def walk(node, path: tuple[str, ...]) -> None:
                # children grouped by tag, depth first: elements of one path stay in order
                for tag, nodes in children[node].items():
                    below = (*path, tag)
                    by_path.setdefault(below, []).extend(nodes)
                    for child in nodes:
                        walk(child, below)

            by_path[(self.root.tag,)] = [self.root]
            walk(self.root, (self.root.tag,))
            self._by_path = by_path
        return self._by_path


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
    """Context manager: while active in this thread, `children_of(element)` answers from the
    index of `root` (used by the invoice model builders, see `invoicing.parsing.find`)."""

    def __init__(self, root):
        self.children = document_index(root).children

    def __enter__(self) -> None:
        self.previous = getattr(_active, "children", None)
        _active.children = self.children

    def __exit__(self, *exc) -> None:
        _active.children = self.previous


def children_of(element) -> dict[str, list] | None:
    """The child elements of `element` by tag from the active index; None when no index is
    active or the element is not in it."""
    children = getattr(_active, "children", None)
    return None if children is None else children.get(element)
