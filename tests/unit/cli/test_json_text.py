"""The CLI's JSON text is the standard library's, byte for byte, whatever the data."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli.common import json_text

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_KEYS = st.text(max_size=8) | st.integers() | st.none() | st.booleans()
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_KEYS, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(_DATA)
def test_the_text_is_the_standard_librarys(data: Any) -> None:
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_empty_containers_and_nesting() -> None:
    data = {"a": [], "b": {}, "c": [{"d": ["é", 1.5, None, True]}]}
    assert json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)
