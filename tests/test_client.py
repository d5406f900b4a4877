"""The crawler's retry policy and helpers, without a server (the end-to-end tests use the replay hub)."""

import httpx2
import pytest
from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

from pipeline.hub.client import (
    CrawlScope,
    RetriesExhausted,
    RetryPolicy,
    call_with_retries,
    error_message,
    is_retryable,
    license_file_to_read,
    server_hinted_wait,
)


def http_error(status: int, headers: dict[str, str] | None = None) -> HfHubHTTPError:
    request = httpx2.Request("GET", "http://127.0.0.1/api/models/a/b")
    response = httpx2.Response(status, headers=headers or {}, request=request)
    return HfHubHTTPError(f"{status} error", response=response)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"RateLimit": '"api";r=0;t=17', "Retry-After": "3"}, 17.0),  # RateLimit wins
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),  # only seconds are understood
        ({}, None),
    ],
)
def test_server_hinted_wait(headers, expected):
    assert server_hinted_wait(http_error(429, headers)) == expected


def test_wait_is_capped_and_backoff_grows():
    policy = RetryPolicy(max_attempts=5, base_seconds=1.0, cap_seconds=5.0)
    assert policy.wait_seconds(1, http_error(429, {"RateLimit": '"api";r=0;t=300'})) == 5.0
    waits = [policy.wait_seconds(n, http_error(503)) for n in (1, 2, 3, 6)]
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and 2.0 <= waits[2] <= 4.0
    assert waits[3] <= 5.0


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (http_error(429), True),
        (http_error(503), True),
        (http_error(404), False),
        (httpx2.RemoteProtocolError("connection closed"), True),
        (httpx2.ConnectError("refused"), True),
        (ValueError("bug"), False),
    ],
)
def test_is_retryable(error, retryable):
    assert is_retryable(error) is retryable


def test_a_failed_head_inside_hf_hub_download_is_judged_by_its_cause():
    try:
        try:
            raise http_error(503)
        except HfHubHTTPError as cause:
            raise LocalEntryNotFoundError("cannot find the requested files in the local cache") from cause
    except LocalEntryNotFoundError as wrapped:
        assert is_retryable(wrapped)
        assert "503" in error_message(wrapped)


def test_retries_until_success_and_sleeps_what_the_server_asked():
    calls, sleeps = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise http_error(429, {"RateLimit": '"api";r=0;t=2'})
        return "ok"

    assert call_with_retries(flaky, RetryPolicy(max_attempts=5), sleep=sleeps.append) == "ok"
    assert len(calls) == 3 and sleeps == [2.0, 2.0]


def test_gives_up_after_max_attempts_and_never_retries_a_missing_repo():
    sleeps = []
    with pytest.raises(RetriesExhausted) as exhausted:
        call_with_retries(lambda: (_ for _ in ()).throw(http_error(500)), RetryPolicy(max_attempts=3, base_seconds=0),
                          sleep=sleeps.append)
    assert exhausted.value.attempts == 3 and len(sleeps) == 2

    def missing():
        raise RepositoryNotFoundError("404", response=http_error(404).response)

    with pytest.raises(RetriesExhausted) as not_found:
        call_with_retries(missing, RetryPolicy(), sleep=sleeps.append)
    assert not_found.value.attempts == 1


def test_error_messages_are_one_line_and_hide_tokens():
    message = error_message(ValueError("bad\nthing with hf_abcdefghijklmnopqrstuvwxyz012345 inside"))
    assert "\n" not in message and "hf_***" in message and "abcdefghij" not in message


@pytest.mark.parametrize(
    ("siblings", "card_data", "expected"),
    [
        (["README.md", "LICENSE"], None, "LICENSE"),
        (["README.md", "LICENSE.md", "LICENSE-MODEL.txt"], None, "LICENSE.md"),
        (["README.md", "license.txt"], None, "license.txt"),
        (["README.md", "docs/LICENSE"], None, None),  # only the repo root counts
        (["README.md", "TERMS.md"], '{"license": "other", "license_link": "TERMS.md"}', "TERMS.md"),
        (["README.md"], '{"license": "other", "license_link": "https://example.org/terms"}', None),
        (["README.md", "model.safetensors"], None, None),
    ],
)
def test_license_file_to_read(siblings, card_data, expected):
    assert license_file_to_read(siblings, card_data) == expected


def test_scope_rejects_unknown_sort_and_bad_limit():
    with pytest.raises(ValueError, match="sort must be one of"):
        CrawlScope(sort="popularity")
    with pytest.raises(ValueError, match="limit must be at least 1"):
        CrawlScope(limit=0)


def test_crawling_a_loopback_replay_refuses_any_other_host(tmp_path):
    from pipeline.hub.client import HubClient, OffLoopbackRequest
    from huggingface_hub.utils import get_session

    HubClient("http://127.0.0.1:9", cache_dir=tmp_path)
    with pytest.raises(OffLoopbackRequest, match="huggingface.co"):
        get_session().get("https://huggingface.co/api/agent-harnesses")
