"""Offline coding assistants: shot cuts, on-screen text and suggested annotations."""
