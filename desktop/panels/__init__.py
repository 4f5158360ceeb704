"""The panels the main window composes; each one talks only to the :class:`Workspace`."""
