"""The Textual user interface: the only part of hipplan that imports Textual."""
