"""Errors a user can act on. Every error names the file (and line or row) and says what to do."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base class of the workbench's own errors."""


class InputError(EvidenceError):
    """A file could not be read as the evidence it claims to be.

    ``path`` names the file, ``line`` (1-based line of a text file) or ``row`` (1-based data row of
    a table) locates the problem, ``hint`` says what to do about it.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        row: int | None = None,
        hint: str = "",
    ) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        self.row = row
        self.hint = hint
        where = self.path
        if line is not None:
            where += f", line {line}"
        if row is not None:
            where += f", row {row}"
        text = f"{where}: {message}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class ChangedSourceError(InputError):
    """A file that was ingested before has changed since; it is reported, never duplicated."""


class ProjectError(EvidenceError):
    """The project folder or its store is missing, locked, or of an unknown schema."""


class CodebookError(EvidenceError):
    """A codebook is invalid; the message names the YAML file and line."""


class EmbedderError(EvidenceError):
    """An embedding model could not be found or failed its checksum."""


class NotEnoughDataError(EvidenceError):
    """Too few segments (or labels) for what was asked; the message says how many are needed."""
