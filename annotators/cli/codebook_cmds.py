"""``storyframe codebook show|validate|export|import``.

``validate`` prints one ``file:line: problem`` line per problem (on stdout, so editors and CI
can parse it) and exits 1 when the codebook is invalid. Other user errors raise
:class:`~annotators.errors.StoryframeError`, which ``main()`` prints as one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text
from rich.tree import Tree
from sqlmodel import Session

from annotators.codebook import (
    CodebookSpec,
    CodebookValidationError,
    CodeInUseError,
    CodeSpec,
    active_codebook,
    export_codebook_yaml,
    install_codebook,
    load_codebook_from_db,
    read_codebook,
    update_codebook,
)
from annotators.errors import CodebookError, ProjectError
from annotators.project import Project
from annotators.safety import OutputGuard, check_target, write_text
from annotators.store.models import Codebook

from .app import EXIT_ERROR, ProjectArg, app, console

codebook_app = typer.Typer(help="Show, check, export and import codebooks.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")

YAML_SUFFIXES = (".yaml", ".yml")


@codebook_app.command("validate")
def validate_cmd(
    file: Annotated[Path, typer.Argument(help="Codebook YAML file.")],
) -> None:
    """Check a codebook file; print file:line problems and exit 1 when it is invalid."""
    try:
        spec = read_codebook(file)
    except CodebookValidationError as error:
        for problem in error.problems:
            typer.echo(problem.format(str(file)))
        raise typer.Exit(EXIT_ERROR) from None
    codes = spec.codes_only()
    categories = len(spec.by_key()) - len(codes)
    typer.echo(f"{file}: valid ({len(codes)} codes in {categories} categories)")


@codebook_app.command("show")
def show_cmd(
    target: Annotated[Path, typer.Argument(help="Codebook YAML file or project file.")],
) -> None:
    """Print the codes of a codebook file or of a project's active codebook as a tree."""
    if target.suffix.lower() in YAML_SUFFIXES:
        spec, version = read_codebook(target), None
    else:
        with Project.open(target) as project, project.session() as session:
            codebook = _active(session, project)
            spec, version = load_codebook_from_db(session, codebook), codebook.version
    console.print(_tree(spec, version))


@codebook_app.command("export")
def export_cmd(
    project: ProjectArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="YAML file to write (default: stdout).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the project's active codebook as YAML (it can be edited and imported again)."""
    with Project.open(project) as opened, opened.session() as session:
        text = export_codebook_yaml(session, _active(session, opened))
        guard = OutputGuard.for_project(opened)
    if output is None:
        typer.echo(text, nl=False)
        return
    check_target(output, guard)  # a project or video is refused even with --force
    if output.exists() and not force:
        raise CodebookError(f"{output} already exists; use --force to overwrite it")
    write_text(output, text, guard=guard)
    console.print(f"wrote {output}", markup=False, highlight=False)


@codebook_app.command("import")
def import_cmd(
    project: ProjectArg,
    file: Annotated[Path, typer.Argument(help="Codebook YAML file.")],
    retire: Annotated[
        bool,
        typer.Option(
            "--retire", help="Confirm removing codes that have coded data (they are retired)."
        ),
    ] = False,
) -> None:
    """Make FILE the project's codebook: a new version of the active one (ids are kept)."""
    spec = read_codebook(file)
    text = file.read_text(encoding="utf-8")
    with Project.open(project) as opened, opened.write_session() as session:
        codebook = active_codebook(session)
        if codebook is None:
            codebook = install_codebook(session, spec, yaml_text=text)
            session.commit()
            console.print(f"installed codebook {codebook.name!r} (version 1)", markup=False)
            return
        try:
            report = update_codebook(session, codebook, spec, retire_in_use=retire, yaml_text=text)
        except CodeInUseError as error:
            raise CodebookError(f"{error} Run again with --retire to confirm.") from None
        session.commit()
    if report.is_noop:
        console.print(f"codebook unchanged (version {report.version})", markup=False)
        return
    console.print(f"codebook {spec.name!r} is now version {report.version}", markup=False)
    for verb, keys in (("added", report.added), ("changed", report.changed),
                       ("retired", report.retired), ("deleted", report.deleted)):  # fmt: skip
        if keys:
            console.print(f"  {verb}: {', '.join(keys)}", markup=False, highlight=False)


def _active(session: Session, project: Project) -> Codebook:
    codebook = active_codebook(session)
    if codebook is None:
        raise ProjectError(f"{project.path} has no codebook; import one with 'codebook import'")
    return codebook


def _tree(spec: CodebookSpec, version: int | None) -> Tree:
    title = Text(spec.name, style="bold")
    if version is not None:
        title.append(f"  (version {version})", style="dim")
    tree = Tree(title)

    def add(branch: Tree, entries: tuple[CodeSpec, ...]) -> None:
        for entry in entries:
            add(branch.add(_line(entry)), entry.children)

    add(tree, spec.codes)
    return tree


def _line(entry: CodeSpec) -> Text:
    line = Text(entry.label, style="bold" if entry.is_category else "")
    line.append(f"  {entry.key}", style="cyan")
    if not entry.is_category:
        line.append(f"  {entry.kind}, {entry.value_type}", style="dim")
        if entry.options:
            line.append(": " + " / ".join(o.label for o in entry.options), style="dim")
        if entry.shortcut:
            line.append(f"  [{entry.shortcut}]", style="green")
    return line
