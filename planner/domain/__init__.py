"""Pure domain: dataclasses and functions, no I/O, no storage, no UI."""
