"""normalise_link: share/view links become direct download links."""

from __future__ import annotations

import pytest

from ingest.errors import InputError
from ingest.fetch import normalise_link

SHEET = "https://docs.google.com/spreadsheets/d/1AbC_d-9"
CASES = [
    ("sheet-edit-fragment-gid", f"{SHEET}/edit#gid=123", f"{SHEET}/export?format=csv&gid=123"),
    ("sheet-edit-sharing", f"{SHEET}/edit?usp=sharing", f"{SHEET}/export?format=csv"),
    ("sheet-htmlview", f"{SHEET}/htmlview", f"{SHEET}/export?format=csv"),
    ("sheet-pubhtml-by-id", f"{SHEET}/pubhtml", f"{SHEET}/export?format=csv"),
    ("sheet-user-path-query-gid",
     "https://docs.google.com/spreadsheets/u/0/d/1AbC_d-9/edit?gid=7#gid=7",
     f"{SHEET}/export?format=csv&gid=7"),
    ("sheet-published-pubhtml",
     "https://docs.google.com/spreadsheets/d/e/2PACX-1vQx/pubhtml?gid=55&single=true",
     "https://docs.google.com/spreadsheets/d/e/2PACX-1vQx/pub?output=csv&gid=55&single=true"),
    ("sheet-published-no-gid",
     "https://docs.google.com/spreadsheets/d/e/2PACX-1vQx/pubhtml",
     "https://docs.google.com/spreadsheets/d/e/2PACX-1vQx/pub?output=csv"),
    ("sheet-export-xlsx-kept", f"{SHEET}/export?format=xlsx", f"{SHEET}/export?format=xlsx"),
    ("dropbox-dl0", "https://www.dropbox.com/s/abc/sales.csv?dl=0",
     "https://www.dropbox.com/s/abc/sales.csv?dl=1"),
    ("dropbox-scl-rlkey", "https://www.dropbox.com/scl/fi/xyz/sales.csv?rlkey=k1&dl=0",
     "https://www.dropbox.com/scl/fi/xyz/sales.csv?rlkey=k1&dl=1"),
    ("dropbox-no-dl", "https://www.dropbox.com/s/abc/sales.csv",
     "https://www.dropbox.com/s/abc/sales.csv?dl=1"),
    ("drive-file-view", "https://drive.google.com/file/d/FILE1/view?usp=sharing",
     "https://drive.google.com/uc?export=download&id=FILE1"),
    ("drive-open", "https://drive.google.com/open?id=FILE2",
     "https://drive.google.com/uc?export=download&id=FILE2"),
    ("github-blob", "https://github.com/acme/data/blob/main/sales/q1.csv",
     "https://raw.githubusercontent.com/acme/data/main/sales/q1.csv"),
    ("sharepoint-share", "https://acme.sharepoint.com/:x:/g/personal/a_b/EaBc?e=xyz",
     "https://acme.sharepoint.com/:x:/g/personal/a_b/EaBc?e=xyz&download=1"),
    ("no-scheme", "example.com/sales.csv", "https://example.com/sales.csv"),
    ("whitespace", "  https://example.com/a.csv \n", "https://example.com/a.csv"),
    ("plain-kept", "http://example.com/a.csv?x=1", "http://example.com/a.csv?x=1"),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_normalise_link(given, expected):
    assert normalise_link(given) == expected


@pytest.mark.parametrize("given", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_normalise_link_is_idempotent(given):
    once = normalise_link(given)
    assert normalise_link(once) == once


@pytest.mark.parametrize("given", [
    "file:///etc/passwd", "ftp://example.com/a.csv", "gopher://example.com/", "", "   ", None,
], ids=["file", "ftp", "gopher", "empty", "blank", "none"])
def test_non_http_links_are_refused(given):
    with pytest.raises(InputError):
        normalise_link(given)
