"""Read and write codebook YAML, keeping the line of every mapping and key for error messages.

PyYAML's composer attaches a ``start_mark`` to every node; a small SafeLoader subclass copies the
1-based line of each mapping and of each of its keys onto the dicts it builds, so validation can
say "codebook.yaml, line 42: ...".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evidence.core.errors import CodebookError


class LineDict(dict):
    """A dict from YAML that remembers its own line (``line``) and each key's line (``key_lines``)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class LineList(list):
    """A list from YAML that remembers the line of each item (``item_lines``)."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        plain = super().construct_mapping(node, deep=deep)
        result = LineDict(plain)
        result.line = node.start_mark.line + 1
        result.key_lines = {
            str(key_node.value): key_node.start_mark.line + 1 for key_node, _ in node.value
        }
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        result = LineList(super().construct_sequence(node, deep=deep))
        result.line = node.start_mark.line + 1
        result.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result


def _construct_line_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    return loader.construct_mapping(node, deep=True)


def _construct_line_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    return loader.construct_sequence(node, deep=True)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_line_sequence)


def read_yaml_with_lines(text: str, path: str = "<codebook>") -> Any:
    """Parse YAML text into LineDict/LineList values; malformed YAML raises CodebookError with its line."""
    from evidence.core.errors import InputError
    from evidence.core.safety import load_yaml

    try:
        return load_yaml(text, path, _LineLoader)  # SafeLoader subclass; nesting and aliases bounded
    except InputError as exc:
        raise CodebookError(str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise CodebookError(
            f"{path}{line}: {problem} (the codebook is not valid YAML; check the indentation and "
            "quoting around that line — quote text that contains ': ' or starts with a symbol)"
        ) from exc
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML: {exc}") from exc


def read_yaml_file(path: str | Path) -> Any:
    """Read a codebook file (UTF-8) into LineDict/LineList values."""
    from evidence.core.errors import InputError
    from evidence.core.safety import check_regular_file

    path = Path(path)
    try:
        if path.exists():
            check_regular_file(path)  # a FIFO would never end
        text = path.read_text(encoding="utf-8")
    except InputError as exc:
        raise CodebookError(str(exc)) from None
    except FileNotFoundError as exc:
        raise CodebookError(f"{path}: no such codebook file (check the path)") from exc
    except UnicodeDecodeError as exc:
        raise CodebookError(f"{path}: not UTF-8 text (save the codebook as UTF-8)") from exc
    return read_yaml_with_lines(text, str(path))


class _BlockDumper(yaml.SafeDumper):
    """Dump long strings as folded blocks and keep key order, so the saved file reads well."""


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in insertion order, unicode kept."""
    return yaml.dump(
        _plain(data), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100
    )
