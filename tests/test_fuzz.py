"""Fuzzing loader and model: any input ends in a build or a clean SourceError, never a traceback."""

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategy_pdf import loader, parse
from strategy_pdf.errors import SourceError

from .conftest import FIXTURES

GOOD = FIXTURES / "good" / "minimal" / "source"
SEED_TEXT = (GOOD / "goal.yaml").read_bytes()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_loader_survives_random_bytes(data):
    loaded = loader.load_bytes(data, "source/x.yaml")
    assert loaded.root is not None or loaded.problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_model_survives_mutated_chapters(tmp_path: Path, data):
    source = tmp_path / "source"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(GOOD, source)
    text = bytearray(SEED_TEXT)
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = data.draw(st.sampled_from([b"- ", b": ", b"\n", b"  ", b"[", b"]", b"{", b"&a ", b"*a", b"!!python/name:os.system",
                                           b"kpi:", b"items:", b"\t", "\u3000".encode(), b"\xff", b"'", b'"', b"#", b"|"]))
        if action == "insert":
            text[position:position] = chunk
        elif action == "delete":
            del text[position:position + len(chunk)]
        else:
            text[position:position + len(chunk)] = chunk
    (source / "goal.yaml").write_bytes(bytes(text))
    try:
        document = parse.load_document(source)
    except SourceError as error:
        assert error.problems and all(problem.location.line >= 1 for problem in error.problems)
    else:
        assert document.chapters
