"""Application services: the plain functions the CLI and the TUI both call.

They join the pure domain, the plan files, storage and the calendar; no Textual here.
"""
