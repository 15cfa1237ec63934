"""Page-key ranges (pure): whatever the cursor, filters and order, a page's index ranges stay inside
the owner's key range, so no input can read another paper's citations."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pith_graph.store.citations import PageKey

OWNER = "pith:1997:DRX5BJ2SESJHFSLHSJTD77QGKA"
LOW, HIGH = OWNER + " ", OWNER + "!"

texts = st.text(max_size=40)


@given(
    after=st.none() | st.tuples(texts, texts),
    descending=st.booleans(),
    categories=st.none() | st.lists(texts, max_size=4).map(tuple),
    year=st.none() | st.integers(min_value=-5, max_value=12000),
    direction=st.sampled_from(["in", "out"]),
)
def test_ranges_stay_inside_the_owner(
    after: tuple[str, str] | None,
    descending: bool,
    categories: tuple[str, ...] | None,
    year: int | None,
    direction: str,
) -> None:
    param = PageKey(OWNER, direction, 10, after, descending, categories, year).to_param()
    spans = [param[f"{direction}_plain"]] if param[f"{direction}_plain"] else []
    spans += param[f"{direction}_cats"]
    assert spans or categories == (), param  # no category asked: nothing to read
    for span in spans:
        empty = span["lo"] >= span["hi"]
        assert empty or (span["lo"] >= LOW and span["hi"] <= HIGH), span
    other = "out" if direction == "in" else "in"
    assert param[f"{other}_plain"] is None and param[f"{other}_cats"] == []


@given(year=st.integers(min_value=0, max_value=9999), day=st.integers(min_value=1, max_value=28))
def test_a_year_range_holds_exactly_that_year(year: int, day: int) -> None:
    span = PageKey(OWNER, "in", 10, year=year).to_param()["in_plain"]
    inside = f"{OWNER} {year:04d}-01-{day:02d}T00:00:00Z pith:{year}:X"
    before = f"{OWNER} {year - 1:04d}-12-31T23:59:59Z pith:1:X" if year else LOW
    after = f"{OWNER} {year + 1:04d}-01-01T00:00:00Z pith:1:X"
    work = f"{OWNER} ~ ~arxiv:{year}"
    assert span["lo"] < inside < span["hi"]
    assert not span["lo"] < before < span["hi"]
    assert not span["lo"] < after < span["hi"] or year == 9999
    assert not span["lo"] < work < span["hi"]
