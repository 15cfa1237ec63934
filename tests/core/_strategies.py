"""Hypothesis strategies shared by the core tests."""

from __future__ import annotations

from hypothesis import strategies as st

new_style_ids = st.builds(
    lambda yy, mm, n, five: f"{yy:02d}{mm:02d}." + (f"{n:05d}" if five else f"{n % 10000:04d}"),
    st.integers(0, 99),
    st.integers(1, 12),
    st.integers(0, 99999),
    st.booleans(),
)
old_style_ids = st.builds(
    lambda archive, yy, mm, n: f"{archive}/{yy:02d}{mm:02d}{n:03d}",
    st.sampled_from(["hep-th", "math", "cond-mat", "astro-ph", "q-bio", "gr-qc", "quant-ph"]),
    st.integers(0, 99),
    st.integers(1, 12),
    st.integers(0, 999),
)
arxiv_ids = st.one_of(new_style_ids, old_style_ids)
versions = st.integers(1, 99)
base32_bodies = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=26, max_size=26)
hex64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
categories = st.sampled_from(
    ["cs.LG", "math.CA", "hep-th", "q-bio.NC", "cond-mat.str-el", "stat.ML"]
)
timestamps = st.datetimes(
    min_value=__import__("datetime").datetime(1991, 1, 1),
    max_value=__import__("datetime").datetime(2099, 1, 1),
).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text())
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

canonical_record_json = st.builds(
    lambda ident, version, lic, primary, cross, at, t, a: {
        "source": {"id": ident, "kind": "arxiv", "version": version},
        "metadata": {
            "license": lic,
            "primary_cat": primary,
            "submitted_at": at,
            "cross_cats_sorted": sorted(set(cross)),
            "title_canon_sha256": t,
            "abstract_canon_sha256": a,
        },
        "schema_version": "1.0",
    },
    arxiv_ids,
    versions,
    st.sampled_from(["", "http://creativecommons.org/licenses/by/4.0/"]),
    categories,
    st.lists(categories, max_size=3),
    timestamps,
    hex64,
    hex64,
)
