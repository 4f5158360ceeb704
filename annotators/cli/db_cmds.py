"""Server database commands: ``db upgrade``."""

from __future__ import annotations

import typer

from annotators.errors import ProjectError
from annotators.project import project_file_path
from annotators.store.server import is_pointer_file
from annotators.store.server_upgrade import upgrade_server_project

from .app import ProjectArg, app, console

db_app = typer.Typer(help="Server projects' database: schema upgrades.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_cmd(project: ProjectArg) -> None:
    """Upgrade a server project's database to this Storyframe's schema (backup first).

    Run it once, when no one else is working: other machines must then update Storyframe.
    A SQLite project file is upgraded by opening it; it needs no command.
    """
    path = project_file_path(project)
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file")
    if not is_pointer_file(path):
        raise ProjectError(
            f"{path} is a project file, not a server project: it is upgraded (after a backup "
            "copy) when it is opened"
        )
    result = upgrade_server_project(path)
    if result.backup is None:
        console.print(f"already at schema {result.after}; nothing to do", markup=False)
        return
    console.print(
        f"upgraded from schema {result.before} to {result.after}; backup: {result.backup}",
        markup=False,
    )
