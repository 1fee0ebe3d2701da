"""Reading YAML (and JSON as YAML) with bounded work: no aliases, nor too deep a nesting.

A YAML alias (`*a`) refers back to an anchored node (`&a`). PyYAML composes it as the same node
object, so a chain of aliases (the "billion laughs") is a few kilobytes of text whose walk and whose
constructed document grow exponentially: six levels of ten cost a minute of CPU and 4.7 GB. Scenario
files never need aliases, so `read_yaml` refuses them at the composed graph, before anything walks
or builds it. It composes with libyaml's C parser when PyYAML has it (as its wheels do), which also
makes the line map of a large document cheap.
"""

from __future__ import annotations

from typing import Any

import yaml

from .jsontypes import JSONValue

__all__ = ["MAX_DEPTH", "YamlRefused", "compose_yaml", "read_yaml"]

MAX_DEPTH = 64  # nesting levels: a scenario document needs about 6
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlRefused(yaml.YAMLError):
    """A YAML text this reader refuses (an alias, or too deep a nesting), at its line."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def compose_yaml(text: str) -> yaml.Node | None:
    """The text's single document as a node tree, checked: no aliases, at most MAX_DEPTH levels."""
    return _read(text, construct=False)[1]


def read_yaml(text: str) -> tuple[JSONValue, yaml.Node | None]:
    """(the constructed document, its node tree) of a YAML or JSON text; raises yaml.YAMLError
    (a syntax error, or `YamlRefused`). Scalars may be of YAML's other types (dates, say), which
    validation reports."""
    return _read(text, construct=True)


def _read(text: str, construct: bool) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_tree(node)
        return (loader.construct_document(node) if construct else None), node
    except RecursionError:  # the pure-Python composer, without libyaml
        raise YamlRefused(f"is nested more than {MAX_DEPTH} levels deep", None) from None
    finally:
        loader.dispose()


def _check_tree(root: yaml.Node) -> None:
    """Refuse a node reached twice (an alias) and nesting deeper than MAX_DEPTH; iterative, linear."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise YamlRefused("uses an alias (*name); write the values out", node.start_mark.line + 1)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlRefused(f"is nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
