"""Text from outside (file names, headers, cell values) is never rendered as Markdown: a link or
an image in it must show as its characters, not as a phishing link or a tracking pixel."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.access import plain

HOSTILE_NAME = "![p](https://t.example/p.png)[login](https://evil.example).csv"
# Every Markdown character of the name backslash-escaped, worked out by hand.
ESCAPED_NAME = ("\\!\\[p\\]\\(https://t\\.example/p\\.png\\)\\[login\\]\\(https://evil\\.example\\)"
                "\\.csv")


def test_plain_escapes_links_and_images():
    assert plain(HOSTILE_NAME) == ESCAPED_NAME


def _receive_hostile_name() -> None:
    # AppTest runs this function's body alone: everything it needs is inside it.
    import types

    from ui import upload

    upload.receive_uploads([types.SimpleNamespace(
        file_id="f1", name="![p](https://t.example/p.png)[login](https://evil.example).csv",
        size=5_000_000, getbuffer=lambda: b"a,b\n1,2\n")])


def test_an_upload_refusal_shows_the_file_name_as_text(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(tmp_path))
    at = AppTest.from_function(_receive_hostile_name).run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"{ESCAPED_NAME}: the file is 5 MB, over the 1 MB limit."]


def _receive_odd_suffixes() -> None:
    import types

    from ui import upload

    for i, name in enumerate(["a.csv\x00.sh", "b.CSV", "c.x/../../y", "d.tar.gz-evil!"]):
        upload.receive_uploads([types.SimpleNamespace(file_id=f"f{i}", name=name, size=8,
                                                      getbuffer=lambda: b"a,b\n1,2\n")])


def test_an_upload_is_stored_under_a_generated_name_with_a_plain_suffix(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = AppTest.from_function(_receive_odd_suffixes).run()
    assert not at.exception, [e.value for e in at.exception]
    stored = sorted(p.name for p in (tmp_path / "uploads").iterdir())
    # 32 hex digits, then the suffix only when it is one of the accepted types.
    assert sorted(len(n) for n in stored) == [32, 32, 32, 36]
    assert [n[32:] for n in stored if len(n) == 36] == [".csv"]
    assert all(p.parent == tmp_path / "uploads" for p in (tmp_path / "uploads").iterdir())
