"""Codebooks: the YAML format (``docs/codebook-format.md``), validation, and project storage.

Typical use::

    spec = read_codebook("my_codebook.yaml")          # CodebookError lists file:line problems
    with project.session() as session:
        update_codebook(session, active_codebook(session), spec)
        session.commit()
"""

from .dump import codebook_to_yaml
from .parse import CodebookValidationError, parse_codebook, read_codebook
from .shortcuts import RESERVED_SHORTCUTS, normalize_shortcut
from .spec import KINDS, TIME_KINDS, VALUE_TYPES, CodebookSpec, CodeSpec, Option
from .store import (
    DEFAULT_CODEBOOK_PATH,
    CodebookUpdate,
    CodeInUseError,
    active_codebook,
    codebook_codes,
    export_codebook_yaml,
    install_codebook,
    install_default_codebook,
    load_codebook_from_db,
    load_default_codebook,
    set_active_codebook,
    update_codebook,
)
from .values import normalize_value, value_label
from .yamlmarks import Problem

__all__ = [
    "DEFAULT_CODEBOOK_PATH",
    "KINDS",
    "RESERVED_SHORTCUTS",
    "TIME_KINDS",
    "VALUE_TYPES",
    "CodeInUseError",
    "CodeSpec",
    "CodebookSpec",
    "CodebookUpdate",
    "CodebookValidationError",
    "Option",
    "Problem",
    "active_codebook",
    "codebook_codes",
    "codebook_to_yaml",
    "export_codebook_yaml",
    "install_codebook",
    "install_default_codebook",
    "load_codebook_from_db",
    "load_default_codebook",
    "normalize_shortcut",
    "normalize_value",
    "parse_codebook",
    "read_codebook",
    "set_active_codebook",
    "update_codebook",
    "value_label",
]
