"""The API on a real uvicorn on 127.0.0.1 (random free port), and `python -m qa serve` as a process."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from qa.answer import ask
from qa.batch import answer_lines
from tests.robustness.conftest import QUESTIONS, REPO
from tests.robustness.test_bad_queries import BAD_LINES


def test_ask_over_http_equals_the_python_api(live, tiny_engine):
    question = "Hva er viktig i ettervern etter døgnbasert rusbehandling?"
    response = httpx.post(f"{live.url}/ask", json={"question": question, "k": 3}, timeout=60)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(ask(tiny_engine, question, 3).to_json()))


@pytest.mark.parametrize("raw", list(BAD_LINES), ids=range(len(BAD_LINES)))
def test_every_bad_line_over_http(live, tiny_engine, raw):
    (expected,) = answer_lines(tiny_engine, [raw], k=3)
    response = httpx.post(f"{live.url}/search", content=raw, timeout=60)
    assert response.status_code == 400 and f"line 1: {response.json()['error']}" == expected["error"]


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def test_batch_answers_each_line_before_the_next_is_sent(live):
    """No whole-body buffering: the answer to line 1 arrives while the request body is still open."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=60) as conn:
        conn.sendall(b"POST /batch?k=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        conn.sendall(_chunk(b'{"id": "first", "question": "Hva er rus?"}\n'))
        received = b""
        while b'"first"' not in received or not received.endswith(b"\r\n"):
            data = conn.recv(65536)
            assert data, "the connection closed early"
            received += data
        assert b" 200 OK" in received.split(b"\r\n")[0]
        conn.sendall(_chunk(b'{"id": "second", "question": "identitet"}\nnot json\n') + b"0\r\n\r\n")
        while not received.endswith(b"0\r\n\r\n"):
            data = conn.recv(65536)
            assert data
            received += data
    lines = [json.loads(line) for line in _dechunk(received.split(b"\r\n\r\n", 1)[1]).splitlines()]
    assert [line.get("id") for line in lines] == ["first", "second", None]
    assert lines[2]["error"].startswith("line 3: not valid JSON")


def _dechunk(data: bytes) -> bytes:
    out = b""
    while True:
        size, data = data.split(b"\r\n", 1)
        if int(size, 16) == 0:
            return out
        out, data = out + data[: int(size, 16)], data[int(size, 16) + 2:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def test_serve_refuses_a_public_address_without_an_api_key(tiny_built):
    env = {k: v for k, v in _env().items() if k != "TESESOK_API_KEY"}
    result = subprocess.run([sys.executable, "-m", "qa", "serve", "--index", str(tiny_built[1]), "--host", "0.0.0.0"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2 and result.stderr.startswith("error: serving on 0.0.0.0 (beyond localhost) needs an API key")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("key", [" ", "s3cret "])
def test_serve_refuses_an_api_key_no_client_can_send(tiny_built, key):
    result = subprocess.run([sys.executable, "-m", "qa", "serve", "--index", str(tiny_built[1]), "--host", "0.0.0.0"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, env={**_env(), "TESESOK_API_KEY": key})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: TESESOK_API_KEY is blank or starts or ends with white space")


@pytest.mark.parametrize("limit", ["abc", "0"])
def test_serve_refuses_a_time_limit_that_is_no_positive_number(tiny_built, limit):
    result = subprocess.run([sys.executable, "-m", "qa", "serve", "--index", str(tiny_built[1])], cwd=REPO,
                            capture_output=True, text=True, timeout=120, env={**_env(), "TESESOK_TIME_LIMIT": limit})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: TESESOK_TIME_LIMIT must be a positive number of seconds, got")


def _serve(*store: str) -> tuple[subprocess.Popen, str]:
    """`python -m qa serve <store args>` on a free port, once /health says ready; (process, URL)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "qa", "serve", *store, "--port", str(port)],
                               cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, health = time.monotonic() + 300, None
    while time.monotonic() < deadline:
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
            if health.status_code == 200:
                break
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read()
        time.sleep(0.3)
    assert health is not None and health.json()["status"] == "ready"
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in err


def test_serve_refuses_a_malformed_store_at_once():
    result = subprocess.run([sys.executable, "-m", "qa", "serve", "--store", "ftp://host/x"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, env=_env())
    assert result.returncode == 2 and result.stderr.startswith("error: Unknown store 'ftp://host/x'")
    assert "Traceback" not in result.stderr


def test_python_m_qa_serve(tiny_built):
    """The real command: ready once loaded, answers, stops cleanly on Ctrl-C."""
    process, url = _serve("--index", str(tiny_built[1]))
    try:
        answer = httpx.post(f"{url}/ask", json={"question": "Hva er rus?"}, timeout=60).json()
        assert answer["passages"] and answer["question"] == "Hva er rus?"
    finally:
        _stop(process)


def test_serve_on_postgresql_answers_as_on_the_embedded_store(tiny_built, tiny_pg_engine):
    """`qa serve --store postgresql://…` over the same snapshot: the same health, answers and hits."""
    servers = [_serve("--index", str(tiny_built[1])), _serve("--store", tiny_pg_engine.snapshot.uri)]
    try:
        (embedded, _), (pg, _) = [(url, process) for process, url in servers]
        health = [httpx.get(f"{url}/health", timeout=30).json() for url in (embedded, pg)]
        # the same snapshot, published as the schema named after it
        assert health[1]["snapshot"] == "snap_" + re.sub(r"\W", "_", health[0]["snapshot"].lower())
        assert health[0]["model"] == health[1]["model"]
        for question, filters in QUESTIONS:
            body = {"question": question, "k": 5, **({"filters": filters} if filters else {})}
            for route in ("/ask", "/search"):
                first, second = (httpx.post(f"{url}{route}", json=body, timeout=60) for url in (embedded, pg))
                assert first.status_code == second.status_code == 200, (first.text, second.text)
                assert first.json() == second.json(), (route, question)
    finally:
        for process, _ in servers:
            _stop(process)


def test_serve_refuses_a_missing_folder_and_a_taken_port_before_it_says_it_is_up(tiny_built, tmp_path):
    missing = subprocess.run([sys.executable, "-m", "qa", "serve", "--index", str(tmp_path / "none")],
                             cwd=REPO, capture_output=True, text=True, timeout=120, env=_env())
    assert missing.returncode == 2 and missing.stderr.startswith("error: No index in ")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        busy = subprocess.run([sys.executable, "-m", "qa", "serve", "--index", str(tiny_built[1]), "--port", port],
                              cwd=REPO, capture_output=True, text=True, timeout=120, env=_env())
    assert busy.returncode == 2 and busy.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
