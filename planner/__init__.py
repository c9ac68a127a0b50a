"""hipplan: a terminal coaching-plan scheduler for hip mobility."""

__version__ = "0.1.0"
