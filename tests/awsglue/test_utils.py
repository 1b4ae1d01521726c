"""``awsglue.utils.getResolvedOptions`` against upstream's parsing rules
(awslabs/aws-glue-libs ``awsglue/utils.py``; aws-semantics.md section 2.5)."""

from __future__ import annotations

import pytest

from awsglue.utils import GlueArgumentError, getResolvedOptions

SCRIPT = "script.py"
ALWAYS = {
    "job_bookmark_option",
    "job_bookmark_from",
    "job_bookmark_to",
    "JOB_ID",
    "JOB_RUN_ID",
    "SECURITY_CONFIGURATION",
    "encryption_type",
    "enable_data_lineage",
    "TempDir",
    "RedshiftTempDir",
}


def resolve(*argv: str, options: tuple[str, ...] = ()) -> dict[str, object]:
    return getResolvedOptions([SCRIPT, *argv], list(options))


def test_get_resolved_options_requested_values_returned_as_strings() -> None:
    args = resolve("--JOB_NAME", "etl", "--bucket", "lake", options=("JOB_NAME", "bucket"))
    assert args["JOB_NAME"] == "etl" and args["bucket"] == "lake"


def test_get_resolved_options_always_present_keys_default() -> None:
    args = resolve()
    assert set(args) == ALWAYS
    assert args["job_bookmark_option"] == "job-bookmark-disable"
    assert all(args[k] is None for k in ALWAYS - {"job_bookmark_option"})


def test_get_resolved_options_unknown_arguments_ignored() -> None:
    args = resolve("--extra", "1", "--bucket", "b", "positional", options=("bucket",))
    assert args["bucket"] == "b" and "extra" not in args and set(args) == ALWAYS | {"bucket"}


def test_get_resolved_options_argv0_skipped() -> None:
    args = getResolvedOptions(["--bucket", "--bucket", "b"], ["bucket"])
    assert args["bucket"] == "b"


def test_get_resolved_options_job_name_only_when_requested() -> None:
    assert "JOB_NAME" not in resolve("--JOB_NAME", "etl")
    assert resolve("--JOB_NAME", "etl", options=("JOB_NAME",))["JOB_NAME"] == "etl"


def test_get_resolved_options_missing_option_raises_glue_argument_error() -> None:
    with pytest.raises(GlueArgumentError) as err:
        resolve("--bucket", "b", options=("bucket", "day"))
    assert str(err.value) == "the following arguments are required: --day"


def test_get_resolved_options_several_missing_named_in_order() -> None:
    with pytest.raises(GlueArgumentError) as err:
        resolve(options=("JOB_NAME", "day"))
    assert str(err.value) == "the following arguments are required: --JOB_NAME, --day"


def test_get_resolved_options_option_without_value_raises() -> None:
    with pytest.raises(GlueArgumentError, match="expected one argument"):
        resolve("--day", options=("day",))


def test_get_resolved_options_abbreviation_not_accepted() -> None:
    with pytest.raises(GlueArgumentError, match="required: --bucket_name"):
        resolve("--bucket", "b", options=("bucket_name",))


def test_get_resolved_options_equals_form_accepted() -> None:
    assert resolve("--day=07", options=("day",))["day"] == "07"


def test_get_resolved_options_dashes_become_underscores_in_keys() -> None:
    args = resolve("--source-path", "s3://b/k", options=("source-path",))
    assert args["source_path"] == "s3://b/k" and "source-path" not in args


def test_get_resolved_options_last_value_wins() -> None:
    assert resolve("--day", "01", "--day", "02", options=("day",))["day"] == "02"


def test_get_resolved_options_glue_ids_and_settings_returned() -> None:
    args = resolve(
        "--JOB_ID",
        "j_1",
        "--JOB_RUN_ID",
        "jr_1",
        "--SECURITY_CONFIGURATION",
        "sec",
        "--encryption-type",
        "sse-s3",
        "--enable-data-lineage",
        "true",
    )
    assert (args["JOB_ID"], args["JOB_RUN_ID"], args["SECURITY_CONFIGURATION"]) == (
        "j_1",
        "jr_1",
        "sec",
    )
    assert args["encryption_type"] == "sse-s3" and args["enable_data_lineage"] == "true"


def test_get_resolved_options_bad_encryption_type_raises() -> None:
    with pytest.raises(GlueArgumentError, match="invalid choice: 'aes'"):
        resolve("--encryption-type", "aes")


@pytest.mark.parametrize(
    ("given", "other"), [("TempDir", "RedshiftTempDir"), ("RedshiftTempDir", "TempDir")]
)
def test_get_resolved_options_temp_dir_copied_to_the_other(given: str, other: str) -> None:
    args = resolve(f"--{given}", "s3://tmp/")
    assert args[given] == args[other] == "s3://tmp/"


def test_get_resolved_options_temp_dir_wins_over_redshift_temp_dir() -> None:
    args = resolve("--TempDir", "s3://a/", "--RedshiftTempDir", "s3://b/")
    assert args["TempDir"] == args["RedshiftTempDir"] == "s3://a/"


def test_get_resolved_options_temp_dir_requested_is_not_required() -> None:
    args = resolve(options=("TempDir", "RedshiftTempDir"))
    assert args["TempDir"] is None and args["RedshiftTempDir"] is None


@pytest.mark.parametrize(
    "option", ["job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"]
)
def test_get_resolved_options_bookmark_option_kept(option: str) -> None:
    assert resolve("--job-bookmark-option", option)["job_bookmark_option"] == option


def test_get_resolved_options_bad_bookmark_option_raises() -> None:
    with pytest.raises(GlueArgumentError, match="invalid choice: 'job-bookmark-on'"):
        resolve("--job-bookmark-option", "job-bookmark-on")


@pytest.mark.parametrize(
    ("continuation", "bookmark"),
    [
        ("continuation-enabled", "job-bookmark-enable"),
        ("continuation-readonly", "job-bookmark-pause"),
        ("continuation-ignore", "job-bookmark-disable"),
    ],
)
def test_get_resolved_options_legacy_continuation_mapped(continuation: str, bookmark: str) -> None:
    args = resolve("--continuation-option", continuation)
    assert args["job_bookmark_option"] == bookmark and "continuation_option" not in args


def test_get_resolved_options_bookmark_option_wins_over_continuation() -> None:
    args = resolve(
        "--continuation-option",
        "continuation-enabled",
        "--job-bookmark-option",
        "job-bookmark-pause",
    )
    assert args["job_bookmark_option"] == "job-bookmark-pause" and "continuation_option" not in args


def test_get_resolved_options_bad_continuation_option_raises() -> None:
    with pytest.raises(GlueArgumentError, match="invalid choice"):
        resolve("--continuation-option", "continuation-maybe")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("continuation-option", "continuation-option"),
        ("job-bookmark-option", "job-bookmark-option"),
        ("job-bookmark-from", "--job-bookmark-from"),
        ("job-bookmark-to", "--job-bookmark-to"),
        ("JOB_ID", "--JOB_ID"),
        ("JOB_RUN_ID", "--JOB_RUN_ID"),
        ("SECURITY_CONFIGURATION", "--SECURITY_CONFIGURATION"),
        ("encryption-type", "--encryption-type"),
        ("enable-data-lineage", "--enable-data-lineage"),
    ],
)
def test_get_resolved_options_reserved_name_raises_runtime_error(name: str, shown: str) -> None:
    with pytest.raises(RuntimeError) as err:
        resolve(options=("JOB_NAME", name))
    assert str(err.value) == f"Using reserved arguments {shown}"


def test_get_resolved_options_pause_with_range_returned() -> None:
    args = resolve(
        "--job-bookmark-option",
        "job-bookmark-pause",
        "--job-bookmark-from",
        "jr_a",
        "--job-bookmark-to",
        "jr_b",
    )
    assert (args["job_bookmark_from"], args["job_bookmark_to"]) == ("jr_a", "jr_b")


def test_get_resolved_options_pause_without_range_allowed() -> None:
    args = resolve("--job-bookmark-option", "job-bookmark-pause")
    assert args["job_bookmark_from"] is None and args["job_bookmark_to"] is None


@pytest.mark.parametrize(
    ("given", "missing"),
    [("--job-bookmark-from", "--job-bookmark-to"), ("--job-bookmark-to", "--job-bookmark-from")],
)
def test_get_resolved_options_pause_with_one_bound_raises(given: str, missing: str) -> None:
    with pytest.raises(RuntimeError) as err:
        resolve("--job-bookmark-option", "job-bookmark-pause", given, "jr_a")
    assert str(err.value) == f"Missing option or value for {missing}"


@pytest.mark.parametrize("option", [None, "job-bookmark-enable", "job-bookmark-disable"])
def test_get_resolved_options_range_without_pause_raises(option: str | None) -> None:
    argv = ["--job-bookmark-from", "jr_a", "--job-bookmark-to", "jr_b"]
    if option:
        argv += ["--job-bookmark-option", option]
    with pytest.raises(RuntimeError) as err:
        resolve(*argv)
    assert str(err.value) == "Invalid option(s)--job-bookmark-from --job-bookmark-to"


def test_get_resolved_options_one_bound_without_pause_allowed() -> None:
    args = resolve("--job-bookmark-from", "jr_a")
    assert args["job_bookmark_from"] == "jr_a" and args["job_bookmark_option"] == (
        "job-bookmark-disable"
    )


def test_get_resolved_options_continuation_readonly_counts_as_pause() -> None:
    with pytest.raises(RuntimeError, match="Missing option or value for --job-bookmark-to"):
        resolve("--continuation-option", "continuation-readonly", "--job-bookmark-from", "jr_a")
