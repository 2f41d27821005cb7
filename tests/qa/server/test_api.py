"""The HTTP API through FastAPI's test client, on the tiny real index with the real encoder."""
from __future__ import annotations

import json
import re

import pytest

from qa.answer import TRUNCATED, ask
from qa.batch import answer_lines
from qa.search import MAX_QUERY_CHARS, search
from qa.server import Settings, create_app
from qa.search import MAX_K
from tests.robustness.conftest import QUESTIONS
from tests.robustness.test_bad_queries import BAD_LINES, CONTROLS, GOOD_LINES, LONG


def error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json") and "Traceback" not in response.text
    return response.json()["error"]


def test_health_names_the_snapshot_model_and_backend(client, tiny_engine):
    body = client.get("/health").json()
    assert body["status"] == "ready" and body["snapshot"] == tiny_engine.snapshot.path.name
    assert body["model"] == tiny_engine.snapshot.manifest["model_id"] and body["backend"] in ("pytorch", "onnxruntime")
    assert body["passages"] == len(tiny_engine.passage_ids)


def test_not_ready_until_the_engine_is_loaded(tiny_built, tmp_path):
    from fastapi.testclient import TestClient

    loading = TestClient(create_app(Settings(index_dir=tiny_built[1])))  # no lifespan: nothing loads
    assert loading.get("/health").status_code == 503 and loading.get("/health").json() == {"status": "loading"}
    assert "still loading" in error(loading.post("/ask", json={"question": "rus"}), 503)
    with TestClient(create_app(Settings(index_dir=tmp_path / "none"))) as broken:
        for _ in range(100):
            status = broken.get("/health").json()["status"]
            if status != "loading":
                break
        assert "No index" in status and "could not be loaded" in error(broken.post("/ask", json={"question": "x"}), 503)


@pytest.mark.parametrize("question, filters", QUESTIONS)
def test_ask_and_search_equal_the_python_api(client, tiny_engine, question, filters):
    from qa.filters import Filters
    from qa.server.routes import hit_json

    f = Filters.of(**filters) if filters else None
    body = {"id": "q", "question": question, "filters": filters, "k": 4}
    assert client.post("/ask", json=body).json() == json.loads(json.dumps(ask(tiny_engine, question, 4, f).to_json("q")))
    hits = [hit_json(tiny_engine, h) for h in search(tiny_engine, question, 4, f)]
    assert client.post("/search", json=body).json() == {"id": "q", "question": question, "passages": hits}
    answered = client.post("/ask", json=body).json()["passages"]  # the two name a thesis and a passage alike
    titles = {p["doc"]: p["thesis"] for p in answered}
    assert all(titles.get(h["doc"], h["thesis"]) == h["thesis"] != h["doc"] for h in hits)
    assert all(p["part"] in ("front", "body", "appendix") and p["language"] in ("no", "en") for p in answered)
    assert hits and all(h["text"] == tiny_engine.text(tiny_engine.theses and next(
        t.id for t in tiny_engine.theses.values() if t.doc == h["doc"]), h["start"], h["end"]) for h in hits)


def test_long_question_is_cut_with_a_notice_and_controls_are_ignored(client):
    body = client.post("/ask", json={"question": CONTROLS + " " + LONG, "k": 2}).json()
    assert len(body["question"]) == MAX_QUERY_CHARS and body["notices"] == [TRUNCATED["no"]]
    assert body["question"].startswith("Hva betyr sosialt nettverk") and len(body["passages"]) == 2


@pytest.mark.parametrize("question", ["", "\u00a0\u2003\u200b\u3000", "\x1b\x1b\x00", "\ud800\udfff", "\t\r\n\x0b\x0c"])
def test_empty_and_invisible_questions(client, question):
    for path in ("/ask", "/search"):  # escaped JSON: lone surrogates as "\ud800", as clients send them
        assert error(client.post(path, content=json.dumps({"question": question}))) == "the question is empty"


@pytest.mark.parametrize("question, message", [(None, 'missing "question" (a string)'),
                                               (5, '"question" must be a string, got 5'),
                                               (["rus"], '"question" must be a string, got ["rus"]'),
                                               ({"q": "rus"}, '"question" must be a string, got {"q": "rus"}')])
def test_non_text_questions(client, question, message):
    assert error(client.post("/ask", json={"question": question})) == message
    assert error(client.post("/ask", json={})) == 'missing "question" (a string)'


@pytest.mark.parametrize("k, shown", [(0, "0"), (-1, "-1"), (2.5, "2.5"), ("5", '"5"'), (None, "null"), (True, "true")])
def test_bad_k_gets_the_command_line_message(client, k, shown):
    """The value as the request's JSON wrote it, not as Python prints it ("True", "None")."""
    assert error(client.post("/search", json={"question": "rus", "k": k})) == \
        f"k must be a whole number of at least 1, got {shown}"


def test_k_is_limited(client, tiny_engine):
    assert error(client.post("/ask", json={"question": "rus", "k": MAX_K + 1})) == f"k must be at most {MAX_K}, got {MAX_K + 1}"
    assert error(client.post("/batch?k=1000", content=b"")) == f"k must be at most {MAX_K}, got 1000"
    assert error(client.post("/batch?k=0", content=b"")) == "k must be a whole number of at least 1, got 0"
    assert len(client.post("/search", json={"question": "rus", "k": MAX_K}).json()["passages"]) == \
        len(search(tiny_engine, "rus", MAX_K)) > 5


@pytest.mark.parametrize("filters, message", [
    ({"theses": ["../../etc/passwd"]}, "unknown thesis filter '../../etc/passwd'; choose from"),
    ({"languages": ["<script>"]}, "unknown language filter '<script>'"),
    ({"parts": [""]}, "unknown part filter ''"),
    ({"year": [2019]}, "unknown filter year"),
    (["x"], '"filters" must be an object of lists'),
])
def test_unknown_filters_name_the_valid_ones(client, filters, message):
    assert message in error(client.post("/ask", json={"question": "rus", "filters": filters}))


@pytest.mark.parametrize("raw", list(BAD_LINES), ids=range(len(BAD_LINES)))
def test_every_bad_batch_line_is_a_400_with_the_batch_message(client, tiny_engine, raw):
    """Each bad line of the robustness suite as a whole /ask body: the message `qa batch` gives it."""
    (expected,) = answer_lines(tiny_engine, [raw], k=3)
    message = error(client.post("/ask", content=raw, headers={"content-type": "application/json"}))
    assert BAD_LINES[raw] in message and f"line 1: {message}" == expected["error"]


def test_batch_streams_one_line_per_input_line_in_order(client, tiny_engine):
    lines = [x for pair in zip(GOOD_LINES, list(BAD_LINES)) for x in pair] + [b"   "]
    response = client.post("/batch?k=3", content=b"\n".join(lines) + b"\n")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    expected = [json.loads(json.dumps(r)) for r in answer_lines(tiny_engine, lines, k=3)]
    assert [json.loads(line) for line in response.text.splitlines()] == expected
    assert sum("error" in r for r in expected) == len(GOOD_LINES)


def test_batch_as_a_trec_run(client):
    body = b"\n".join(json.dumps({"id": f"q {n}", "question": q}).encode() for n, (q, _) in enumerate(QUESTIONS[:3]))
    run = client.post("/batch?k=3&format=trec", content=body + b'\n{"id": "bad"}\n').text.splitlines()
    assert len(run) == 9 and all(len(line.split()) == 6 for line in run)
    assert [line.split()[0] for line in run] == ["q%200"] * 3 + ["q%201"] * 3 + ["q%202"] * 3
    assert [line.split()[3] for line in run[:3]] == ["1", "2", "3"] and [line.split()[4] for line in run[:3]] == ["3", "2", "1"]
    assert error(client.post("/batch?format=xml", content=b"")).startswith("format:")


def test_body_too_large(tiny_engine, tiny_built):
    from fastapi.testclient import TestClient

    small = TestClient(create_app(Settings(index_dir=tiny_built[1], max_body_bytes=100, max_batch_bytes=200),
                                  engine=tiny_engine))
    big = json.dumps({"question": "rus " * 50}).encode()
    assert error(small.post("/ask", content=big), 413) == "the request body is larger than the limit of 100 bytes"
    assert error(small.post("/search", content=iter([big[:60], big[60:]])), 413).startswith("the request body is larger")
    assert error(small.post("/batch", content=big * 3), 413).endswith("limit of 200 bytes")
    streamed = small.post("/batch?k=1", content=iter([b'{"question": "rus"}\n', b" " * 300])).text.splitlines()
    assert len(streamed) == 2 and "passages" in json.loads(streamed[0])
    assert json.loads(streamed[1])["error"] == "line 2: the request body is larger than the limit of 200 bytes; the rest was not read"


def test_time_limit(tiny_engine, tiny_built):
    from fastapi.testclient import TestClient

    hasty = TestClient(create_app(Settings(index_dir=tiny_built[1], time_limit=1e-6), engine=tiny_engine))
    assert error(hasty.post("/ask", json={"question": "Hva er rus?"}), 504) == \
        "the request took longer than the time limit of 1e-06 s"
    (line,) = hasty.post("/batch", content=b'{"id": "q7", "question": "Hva er rus?"}').text.splitlines()
    assert json.loads(line) == {"id": "q7", "question": "Hva er rus?",
                                "error": "line 1: the request took longer than the time limit of 1e-06 s"}


def test_api_key(tiny_engine, tiny_built):
    from fastapi.testclient import TestClient

    keyed = TestClient(create_app(Settings(index_dir=tiny_built[1], api_key="s3cret"), engine=tiny_engine))
    assert error(keyed.post("/ask", json={"question": "rus"}), 401).startswith("missing or wrong API key")
    assert error(keyed.get("/theses", headers={"X-API-Key": "wrong"}), 401).startswith("missing or wrong API key")
    assert keyed.post("/ask", json={"question": "rus"}, headers={"X-API-Key": "s3cret"}).status_code == 200
    assert keyed.get("/health").status_code == 200
    assert keyed.get("/docs").status_code == keyed.get("/openapi.json").status_code == 200  # open, as documented
    assert Settings(host="0.0.0.0").problem().startswith("serving on 0.0.0.0 (beyond localhost) needs an API key")
    assert Settings(host="::1").problem() is None and Settings(host="0.0.0.0", api_key="k").problem() is None


def test_cors_is_off_unless_origins_are_set(client, tiny_engine, tiny_built):
    from fastapi.testclient import TestClient

    origin = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/ask", headers=origin).headers
    assert "access-control-allow-origin" not in client.get("/theses", headers=origin).headers
    allowed = TestClient(create_app(Settings(index_dir=tiny_built[1], cors_origins=("https://lab.example",)),
                                    engine=tiny_engine))
    headers = allowed.get("/theses", headers={"Origin": "https://lab.example"}).headers
    assert headers["access-control-allow-origin"] == "https://lab.example"
    assert allowed.post("/ask", json={"question": "rus"}, headers={"Origin": "https://lab.example"}).status_code == 200


def test_a_page_from_another_origin_cannot_post_questions(client):
    # A form or fetch() with a text/plain body needs no CORS preflight: the browser sends it and
    # only hides the answer, so the server itself must refuse what a foreign page asks.
    body = '{"question": "Hva er recovery?"}'
    plain = {"Content-Type": "text/plain"}
    foreign = client.post("/ask", content=body, headers={"Origin": "https://evil.example", **plain})
    assert "https://evil.example" in error(foreign, 403) and "TESESOK_CORS_ORIGINS" in error(foreign, 403)
    assert error(client.get("/theses", headers={"Origin": "null"}), 403)  # a sandboxed page or a local file
    own = client.post("/ask", json={"question": "Hva er recovery?"}, headers={"Origin": "http://testserver"})
    assert own.status_code == 200
    assert client.post("/ask", content=body, headers=plain).status_code == 200  # curl -d


def test_theses_catalog_counts(client, tiny_engine):
    body = client.get("/theses").json()
    assert [t["doc"] for t in body["theses"]] == tiny_engine.docs
    assert sum(t["passages"] for t in body["theses"]) == body["passages"] == len(tiny_engine.passage_ids)
    assert all(sum(t["languages"].values()) == t["passages"] for t in body["theses"])
    assert sum(t["sentences"] for t in body["theses"]) == body["sentences"] == len(tiny_engine.sentence_ids)
    assert all(t["pages"] >= 1 for t in body["theses"])
    works = {info.doc: info.work for info in tiny_engine.theses.values()}
    assert [(t["title"], t["degree"], t["derived"]) for t in body["theses"]] == \
        [(works[t["doc"]].title, works[t["doc"]].degree, sorted(works[t["doc"]].derived)) for t in body["theses"]]
    assert any("title" in t["derived"] for t in body["theses"])  # the tiny catalog leaves titles out


def test_the_docs_page_needs_no_internet(client):
    """/docs loads Swagger UI from this server (the machine may be offline), never from a CDN."""
    page = client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/docs-assets/") for a in assets), assets
    assert all(client.get(a).status_code == 200 for a in assets)
    assert client.get("/docs-assets/swagger-ui-bundle.js").text.lstrip().startswith("/*")


def test_unknown_paths_and_methods_are_json_errors(client):
    assert error(client.get("/nope"), 404) == "Not Found"
    assert error(client.get("/ask"), 405) == "Method Not Allowed"


def test_a_new_snapshot_is_served_without_a_restart(tiny, encoder):
    """A build into the served index switches the snapshot; the next request uses the new one whole."""
    from fastapi.testclient import TestClient

    from indexer.build import build_index
    from qa.engine import Engine

    corpus, index = tiny
    with TestClient(create_app(Settings(index_dir=index), engine=Engine(index, encoder=encoder))) as served:
        before = served.get("/health").json()["snapshot"]
        assert len(served.get("/theses").json()["theses"]) == 3
        (corpus / "004_d1b033983cbf4306.txt").unlink()
        assert build_index(corpus, index, encoder=encoder, progress=False).exit_code == 0
        health = served.get("/health").json()
        assert health["snapshot"] != before and health["theses"] == 2
        assert [t["doc"] for t in served.get("/theses").json()["theses"]] == \
            ["000_56c92893e0805444.txt", "003_5d318866ea7f4178.txt"]
        fresh = Engine(index, encoder=encoder)
        question = "What should aftercare contain for young people after treatment?"
        assert served.post("/ask", json={"question": question}).json() == json.loads(
            json.dumps(ask(fresh, question).to_json()))
