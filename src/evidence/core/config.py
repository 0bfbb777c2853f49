"""The project's settings file, ``evidence.yaml``: every key it may hold, checked when a project opens.

One owner for the settings: :data:`SETTINGS` names every key, its type, its default and what it does
(``evidence init`` writes the defaults; docs and errors read the same table). A key nobody knows is an error
that names the file, the line and the closest valid key (``embeder`` -> ``embedder``), so a typo never
silently switches a setting off; a value of the wrong type is an error naming the key and what it expects.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ProjectError

CONFIG_NAME = "evidence.yaml"


@dataclass(frozen=True)
class Setting:
    """One key of evidence.yaml: its default, what it expects (in words) and a check that normalises it."""

    default: Any
    expects: str
    check: Callable[[Any], Any]
    help: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError
    return str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "false", "no", "off"}:
        return value.strip().lower() in {"true", "yes", "on"}
    raise ValueError


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError


def _mapping(value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError
    return value


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ValueError
    return [str(v) for v in value]


def _pipeline_or_off(value: Any) -> str | bool:
    if value is False:
        return False
    return _text(value)


SETTINGS: dict[str, Setting] = {
    "name": Setting("", "a text", _text, "the project's name (shown on dashboards and in exports)"),
    "spacy_pipeline": Setting("blank:en", "a spaCy pipeline name such as blank:en or en_core_web_sm", _text,
                              "the spaCy pipeline every step uses (an installed trained pipeline, else blank:en)"),
    "ner_pipeline": Setting("", "an installed spaCy pipeline name, or false", _pipeline_or_off,
                            "a trained pipeline whose named entities are pseudonymised too (false turns NER off)"),
    "seed": Setting(42, "a whole number such as 42", _integer, "the seed of every random step"),
    "embedder": Setting("minilm-onnx", "an embedder name (see `evidence embed --help`) or path:DIR", _text,
                        "the sentence embedder for similarity, the classifier, themes and sections"),
    "pseudonymise": Setting(True, "true or false", _flag,
                            "replace names and contact details before anything is stored (turn off only for data "
                            "with no personal details)"),
    "speakers": Setting({}, "a mapping of speaker name to role (or to {role: ..., school: ...})", _mapping,
                        "project-wide speakers and their roles"),
    "scheduler": Setting("", "'local' or a Dask scheduler address such as tcp://HOST:8786 (empty: this process)",
                         _text, "where embedding and autocoding run: this process, a LocalCluster or a Dask cluster"),
    "role_labels": Setting([], "a list of role labels such as [Link worker, Youth worker]", _text_list,
                           "speaker labels that are roles, not people, besides the built-in list"),
    "schools_public": Setting(False, "true or false", _flag,
                              "the schools agreed to be named: published tables keep their names and no school "
                              "pseudonyms"),
}


def register(key: str, setting: Setting) -> None:
    """Add a setting (for a module that owns one); the key must be new."""
    if key in SETTINGS:
        raise ValueError(f"setting {key!r} is registered twice")
    SETTINGS[key] = setting


def defaults() -> dict[str, Any]:
    """Every setting with its default value, in the table's order (what ``evidence init`` writes)."""
    return {key: (dict(s.default) if isinstance(s.default, dict) else
                  list(s.default) if isinstance(s.default, list) else s.default) for key, s in SETTINGS.items()}


def _key_lines(text: str) -> dict[str, int]:
    """The 1-based line of each top-level key (for errors); empty when the text is not a mapping."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def validate(loaded: Any, path: str | Path, text: str = "") -> dict[str, Any]:
    """Check a loaded evidence.yaml against :data:`SETTINGS`; returns defaults overlaid with the checked values.

    Raises :class:`ProjectError` naming the file, the line, the key and what to do.
    """
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ProjectError(f"{path}: the settings must be a mapping of `key: value` lines")
    lines = _key_lines(text) if text else {}
    config = defaults()
    for key, value in loaded.items():
        where = f"{path}, line {lines[str(key)]}" if str(key) in lines else str(path)
        setting = SETTINGS.get(str(key))
        if setting is None:
            close = difflib.get_close_matches(str(key), list(SETTINGS), n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "valid keys: " + ", ".join(SETTINGS)
            raise ProjectError(f"{where}: unknown setting `{key}` ({hint})")
        try:
            config[str(key)] = setting.check(value)
        except (ValueError, TypeError):
            raise ProjectError(f"{where}: `{key}: {value!r}` is not valid; `{key}` expects {setting.expects}") from None
    return config


def read(path: str | Path) -> dict[str, Any]:
    """Read and check a project's evidence.yaml."""
    from .errors import InputError
    from .safety import check_regular_file, load_yaml

    path = Path(path)
    try:
        check_regular_file(path)
        text = path.read_text(encoding="utf-8")
        loaded = load_yaml(text, path)
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path}: invalid YAML ({exc})") from None
    except (InputError, UnicodeDecodeError, OSError) as exc:
        raise ProjectError(f"{path}: cannot read the settings ({exc})") from None
    return validate(loaded, path, text)
