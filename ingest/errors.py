"""Errors a user can act on: each names the file, and the row and column where known."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be used, with where it was found.

    ``str(err)`` is a one-line message written for the person who uploaded the file.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return (", ".join(where) + ": " if where else "") + self.message
