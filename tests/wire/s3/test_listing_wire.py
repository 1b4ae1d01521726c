"""ListObjects v1/v2 and ListObjectVersions through boto3: prefixes, delimiters, paging,
start-after, url encoding, UTF-8 binary order."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def s3(lakestack_client: Any) -> Any:
    client = lakestack_client("s3")
    client.create_bucket(Bucket="list")
    return client


def _put(s3: Any, *keys: str) -> None:
    for k in keys:
        s3.put_object(Bucket="list", Key=k, Body=b"x")


def test_list_v2_is_in_utf8_binary_order(s3: Any) -> None:
    keys = ["b", "a", "B", "a/b", "a-b", "é", "z", "~", "日"]
    _put(s3, *keys)
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="list")["Contents"]]
    assert listed == sorted(keys, key=lambda k: k.encode("utf-8"))


def test_list_v2_delimiter_common_prefixes(s3: Any) -> None:
    _put(s3, "raw/year=2026/month=01/a", "raw/year=2026/month=02/b", "raw/top", "other/x")
    resp = s3.list_objects_v2(Bucket="list", Prefix="raw/", Delimiter="/")
    assert [o["Key"] for o in resp["Contents"]] == ["raw/top"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["raw/year=2026/"]
    assert resp["KeyCount"] == 2
    deeper = s3.list_objects_v2(Bucket="list", Prefix="raw/year=2026/", Delimiter="/")
    assert [p["Prefix"] for p in deeper["CommonPrefixes"]] == [
        "raw/year=2026/month=01/",
        "raw/year=2026/month=02/",
    ]


def test_list_v2_paging_with_continuation_tokens(s3: Any) -> None:
    keys = [f"p/{i:03d}" for i in range(25)]
    _put(s3, *keys)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"Bucket": "list", "Prefix": "p/", "MaxKeys": 10}
        if token:
            kwargs["ContinuationToken"] = token
        resp = s3.list_objects_v2(**kwargs)
        pages += 1
        seen += [o["Key"] for o in resp["Contents"]]
        if not resp["IsTruncated"]:
            assert "NextContinuationToken" not in resp
            break
        token = resp["NextContinuationToken"]
    assert seen == keys and pages == 3


def test_list_v2_common_prefixes_count_toward_max_keys(s3: Any) -> None:
    _put(s3, "a/1", "b/1", "c/1", "d")
    resp = s3.list_objects_v2(Bucket="list", Delimiter="/", MaxKeys=2)
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["a/", "b/"]
    assert resp["IsTruncated"] and resp["KeyCount"] == 2
    rest = s3.list_objects_v2(
        Bucket="list", Delimiter="/", MaxKeys=2, ContinuationToken=resp["NextContinuationToken"]
    )
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["c/"]
    assert [o["Key"] for o in rest["Contents"]] == ["d"]


def test_list_v2_start_after(s3: Any) -> None:
    _put(s3, "a", "b", "c", "d")
    resp = s3.list_objects_v2(Bucket="list", StartAfter="b")
    assert [o["Key"] for o in resp["Contents"]] == ["c", "d"]
    assert resp["StartAfter"] == "b"


def test_list_v2_max_keys_zero(s3: Any) -> None:
    _put(s3, "a")
    resp = s3.list_objects_v2(Bucket="list", MaxKeys=0)
    assert "Contents" not in resp and resp["KeyCount"] == 0


def test_list_v2_encoding_type_url_round_trips_odd_keys(s3: Any) -> None:
    keys = ["sp ace", "plus+sign", "ctrl\x01key", "pct%41", "uni/é"]
    _put(s3, *keys)
    # botocore asks for encoding-type=url and decodes, so odd keys come back exactly
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="list")["Contents"]]
    assert sorted(listed) == sorted(keys)


def test_list_v1_marker_and_next_marker(s3: Any) -> None:
    _put(s3, "a/1", "a/2", "b", "c")
    resp = s3.list_objects(Bucket="list", MaxKeys=2, Delimiter="/")
    assert resp["IsTruncated"]
    assert resp["NextMarker"] in ("b", "a/")
    rest = s3.list_objects(Bucket="list", Marker=resp["NextMarker"], Delimiter="/")
    assert [o["Key"] for o in rest["Contents"]] == ["c"]
    plain = s3.list_objects(Bucket="list", Marker="a/2")
    assert [o["Key"] for o in plain["Contents"]] == ["b", "c"]


def test_paginator_walks_ten_thousand_keys(s3: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"many/k{i:05d}" for i in range(2500)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket="list", Key=k, Body=b""), keys))
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket="list", Prefix="many/", Delimiter="/"
    )
    listed = [o["Key"] for page in pages for o in page.get("Contents", [])]
    assert listed == keys


def test_list_object_versions_on_unversioned_bucket_shows_null_versions(s3: Any) -> None:
    _put(s3, "v1", "v2")
    resp = s3.list_object_versions(Bucket="list")
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in resp["Versions"]] == [
        ("v1", "null", True),
        ("v2", "null", True),
    ]
    assert "DeleteMarkers" not in resp
