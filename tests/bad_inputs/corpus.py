"""Damaged extracts and the outcome ino-audit must give for each (tests/test_bad_inputs.py).

Three groups, written into a temporary folder by the functions below:

- ROW_FAULTS: faults of one row. All are written into one extract (claims.csv carries an extra
  unknown column `notes`), each on its own member, claim and encounter at a known data row, so
  one audit checks them all: the row is quarantined (file, row, column, reason), or loaded with
  a data-quality warning (dq_findings), or loaded clean (optionally checked by SQL).
- FILE_FAULTS: formats that must just work (BOM, CRLF, gzip, ...): one small audit each, which
  must load every row with nothing quarantined.
- REFUSALS: inputs that cannot be an extract: the audit exits 2 with one sentence naming the
  file and what is wrong.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ino_audit.ingest.schema import columns
from tests.casebook import BASE_CLAIM, BASE_COURSE, BASE_MEMBER

SOURCES = ("claims", "encounters", "members")
BLANK = b""  # a blank line between records: not a record, does not count as a row
NOTES = "notes"  # the extra unknown column of the combined claims file
TABLES = {"claims": "claim_lines", "encounters": "encounters", "members": "members"}


@dataclass(frozen=True)
class Fault:
    """One fault kind and the outcome it must give."""

    kind: str
    source: str
    outcome: str  # quarantine | warning | clean | refusal
    column: str = ""  # the column named in quarantine.csv / dq_findings.csv
    reason: str = ""  # a fragment of the quarantine reason, the warning's expectation, or refusal
    check: str = ""  # clean rows: SQL over the audit database that must return true
    in_table: bool = True  # a loaded row is in its table (False: a repeat the loader folds)
    # How the row is written: field overrides, or a function of (fault, render) giving records.
    fields: dict[str, str] = field(default_factory=dict)
    records: Callable[[Fault, Callable[..., bytes]], list[bytes]] | None = None
    member: bool = True  # write a clean member row for the fault's member
    claim: bool = False  # write an iNO claim line for the fault's member (the audit uses it)

    @property
    def ids(self) -> dict[str, str]:
        """Return the fault's own claim, encounter and member ids."""
        return {
            "claim_id": f"C-{self.kind}",
            "encounter_id": f"E-{self.kind}",
            "member_id": f"M-{self.kind}",
        }


def header(source: str) -> list[str]:
    """Return the header of the combined extract's file for a source."""
    names = [c.name for c in columns(source)]
    return [*names, NOTES] if source == "claims" else names


def base_row(source: str, ids: dict[str, str]) -> dict[str, str]:
    """Return a clean row of a source for the given ids (a supported newborn course)."""
    if source == "claims":
        return {"claim_line_number": "1", **BASE_CLAIM, **ids}
    if source == "encounters":
        return {**BASE_COURSE, "encounter_id": ids["encounter_id"], "member_id": ids["member_id"]}
    return {**BASE_MEMBER, "member_id": ids["member_id"]}


def render(source: str, row: dict[str, str]) -> bytes:
    """Return one CSV record (no line break) with the source's combined header."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([row.get(h, "") for h in header(source)])
    return buf.getvalue().encode()


def _row(fault: Fault, **fields: str) -> bytes:
    """Render the fault's row: a clean row of its source with the fault's fields."""
    return render(fault.source, {**base_row(fault.source, fault.ids), **fault.fields, **fields})


def _twice(fault: Fault, _render) -> list[bytes]:
    """Write the fault's clean row, then the row with the fault's fields (the repeat)."""
    first = _row(Fault(fault.kind, fault.source, "clean"))
    return [first, _row(fault)]


def _same_twice(fault: Fault, _render) -> list[bytes]:
    """Write the same clean row twice."""
    return [_row(fault), _row(fault)]


def _raw(change: Callable[[bytes], bytes]) -> Callable[[Fault, Callable[..., bytes]], list[bytes]]:
    """Write the fault's row with its bytes changed."""
    return lambda fault, _render: [change(_row(fault))]


def _after(*before: bytes) -> Callable[[Fault, Callable[..., bytes]], list[bytes]]:
    """Write some records (or blank lines) and then the fault's row."""
    return lambda fault, _render: [*before, _row(fault)]


def _two_lines_two_members(fault: Fault, _render) -> list[bytes]:
    """Write two lines of one claim that name different members."""
    return [
        _row(fault),
        _row(fault, claim_line_number="2", member_id=f"M-{fault.kind}-other"),
    ]


MULTILINE = 'first line\nsecond line, with a comma and "quotes"'
FORMULA = '=HYPERLINK("http://example.invalid","x")'
INJECTION = "x'); drop table members; --"

ROW_FAULTS: list[Fault] = [
    # --- claims: quarantined
    Fault(
        "negative_paid",
        "claims",
        "quarantine",
        "paid_amount",
        "never negative",
        fields={"paid_amount": "-150.00"},
    ),
    Fault(
        "negative_units",
        "claims",
        "quarantine",
        "service_unit_quantity",
        "cannot be negative",
        fields={"service_unit_quantity": "-2"},
    ),
    Fault(
        "money_with_symbols",
        "claims",
        "quarantine",
        "paid_amount",
        "not an amount",
        fields={"paid_amount": "$1,000.00"},
    ),
    Fault(
        "invalid_claim_type",
        "claims",
        "quarantine",
        "claim_type",
        "not one of",
        fields={"claim_type": "inpatient"},
    ),
    Fault(
        "impossible_date",
        "claims",
        "quarantine",
        "claim_start_date",
        "not an ISO date",
        fields={"claim_start_date": "2024-02-30"},
    ),
    Fault(
        "us_date_format",
        "claims",
        "quarantine",
        "claim_end_date",
        "not an ISO date",
        fields={"claim_end_date": "03/05/2024"},
    ),
    Fault(
        "date_as_a_word",  # DuckDB reads 'epoch' as 1970-01-01
        "claims",
        "quarantine",
        "paid_date",
        "not an ISO date",
        fields={"paid_date": "epoch"},
    ),
    Fault(
        "timestamp_before_year_one",  # DuckDB reads this as a date of 44 BC
        "encounters",
        "quarantine",
        "ino_start",
        "not an ISO timestamp",
        fields={"ino_start": "0044-03-15 (BC)"},
    ),
    Fault(
        "end_before_start",
        "claims",
        "quarantine",
        "claim_end_date",
        "before claim_start_date",
        fields={"claim_end_date": "2024-02-01"},
    ),
    Fault(
        "future_service",
        "claims",
        "quarantine",
        "claim_start_date",
        "after the run date",
        fields={"claim_start_date": "2999-01-01", "claim_end_date": "2999-01-02"},
    ),
    Fault(
        "missing_member_id",
        "claims",
        "quarantine",
        "member_id",
        "required value is missing",
        fields={"member_id": ""},
    ),
    Fault(
        "line_number_zero",
        "claims",
        "quarantine",
        "claim_line_number",
        "start at 1",
        fields={"claim_line_number": "0"},
    ),
    Fault(
        "line_number_text",
        "claims",
        "quarantine",
        "claim_line_number",
        "not a whole number",
        fields={"claim_line_number": "one"},
    ),
    Fault(
        "duplicate_claim_line",
        "claims",
        "quarantine",
        "claim_id, claim_line_number",
        "duplicate of row",
        records=_same_twice,
    ),
    Fault(
        "nul_byte",
        "claims",
        "quarantine",
        "claim_id",
        "NUL byte",
        records=_raw(lambda b: b.replace(b"C-nul_byte", b"C-nul\x00byte", 1)),
    ),
    Fault(
        "ragged_long",
        "claims",
        "quarantine",
        "",
        "more fields than the header",
        records=_raw(lambda b: b + b",surplus"),
    ),
    Fault(
        "ragged_short",
        "claims",
        "quarantine",
        "",
        "fewer fields than the header",
        records=_raw(lambda b: b.rsplit(b",", 3)[0]),
    ),
    Fault(
        "latin1_in_used_column",
        "claims",
        "quarantine",
        "",
        "not valid UTF-8",
        fields={"bill_type_code": "LATIN1"},
        records=_raw(lambda b: b.replace(b"LATIN1", b"11\xe9")),
    ),
    Fault(
        "ragged_after_multiline",
        "claims",
        "quarantine",
        "",
        "more fields than the header",
        records=lambda f, r: [
            render(
                "claims",
                {
                    **base_row(
                        "claims",
                        {"claim_id": "C-multi-before", "member_id": "M-ragged_after_multiline"},
                    ),
                    NOTES: MULTILINE,
                },
            ),
            _row(f) + b",surplus",
        ],
    ),
    Fault(
        "ragged_after_blank_lines",
        "claims",
        "quarantine",
        "",
        "fewer fields than the header",
        records=lambda f, r: [BLANK, BLANK, _row(f).rsplit(b",", 2)[0]],
    ),
    # --- claims: warnings (the row stays loaded)
    Fault(
        "unknown_icd10cm",
        "claims",
        "warning",
        "diagnosis_code_2",
        "icd10cm_membership",
        fields={"diagnosis_code_2": "P29.31"},
    ),
    Fault(
        "malformed_icd10cm",
        "claims",
        "warning",
        "diagnosis_code_2",
        "icd10cm_format",
        fields={"diagnosis_code_2": "12345"},
    ),
    Fault(
        "malformed_pcs",
        "claims",
        "warning",
        "procedure_code_2",
        "icd10pcs_format",
        fields={"procedure_code_2": "3E0F7S"},
    ),
    Fault(
        "malformed_cpt",
        "claims",
        "warning",
        "hcpcs_code",
        "match_regex",
        fields={"hcpcs_code": "9479"},
    ),
    Fault(
        "malformed_npi",
        "claims",
        "warning",
        "facility_npi",
        "match_regex",
        fields={"facility_npi": "12345"},
    ),
    Fault(
        "paid_above_charge",
        "claims",
        "warning",
        "paid_amount",
        "greater_than_b",
        fields={"charge_amount": "100.00", "paid_amount": "900.00"},
    ),
    Fault(
        "line_outside_claim",
        "claims",
        "warning",
        "claim_line_start_date",
        "greater_than_b",
        fields={"claim_line_start_date": "2024-02-20", "claim_line_end_date": "2024-03-02"},
    ),
    Fault(
        "before_icd10",
        "claims",
        "warning",
        "claim_start_date",
        "be_between",
        fields={"claim_start_date": "2014-03-01", "claim_end_date": "2014-03-05"},
    ),
    Fault(
        "claim_lines_two_members",
        "claims",
        "warning",
        "member_id",
        "in_set",
        records=_two_lines_two_members,
    ),
    # --- claims: loaded clean
    Fault(
        "lowercase_dotted_codes",
        "claims",
        "clean",
        fields={"diagnosis_code_1": "p29.30", "procedure_code_1": "3e0f7sd"},
        check="select diagnosis_code_1 = 'P2930' and procedure_code_1 = '3E0F7SD' "
        "from claim_lines where claim_id = 'C-lowercase_dotted_codes'",
    ),
    Fault(
        "padded_values",
        "claims",
        "clean",
        fields={"claim_type": "  Institutional ", "claim_start_date": " 2024-03-01"},
        check="select claim_type = 'institutional' and claim_start_date = date '2024-03-01' "
        "from claim_lines where claim_id = 'C-padded_values'",
    ),
    Fault("quoted_multiline_field", "claims", "clean", fields={NOTES: MULTILINE}),
    Fault(
        "latin1_in_ignored_column",
        "claims",
        "clean",
        fields={NOTES: "LATIN1"},
        records=_raw(lambda b: b.replace(b"LATIN1", b"Jos\xe9")),
    ),
    Fault("very_long_text", "claims", "clean", fields={NOTES: "x" * 1_000_000}),
    Fault(
        "formula_value",
        "claims",
        "clean",
        fields={"claim_id": FORMULA},
        check=f"select count(*) = 1 from claim_lines where claim_id = '{FORMULA}'",
    ),
    Fault(
        "sql_in_value",
        "claims",
        "clean",
        fields={"claim_id": INJECTION},
        check="select count(*) = 1 from claim_lines where claim_id = 'x''); drop table "
        "members; --' and (select count(*) from members) > 0",
    ),
    # --- encounters
    Fault(
        "ga_99",
        "encounters",
        "quarantine",
        "gestational_age_weeks",
        "22-44",
        fields={"gestational_age_weeks": "99"},
    ),
    Fault(
        "fio2_out_of_range", "encounters", "quarantine", "fio2", "fraction", fields={"fio2": "150"}
    ),
    Fault(
        "pao2_in_kpa", "encounters", "quarantine", "pao2_mmhg", "10-700", fields={"pao2_mmhg": "8"}
    ),
    Fault(
        "negative_oi",
        "encounters",
        "quarantine",
        "oxygenation_index",
        "entry error",
        fields={"oxygenation_index": "-5"},
    ),
    Fault(
        "not_a_number",
        "encounters",
        "quarantine",
        "gestational_age_weeks",
        "not a number",
        fields={"gestational_age_weeks": "N/A"},
    ),
    Fault(
        "stop_before_start",
        "encounters",
        "quarantine",
        "ino_stop",
        "not after ino_start",
        fields={"ino_stop": "2024-03-01T08:00"},
    ),
    Fault(
        "future_course",
        "encounters",
        "quarantine",
        "ino_start",
        "after the run date",
        fields={"ino_start": "2999-01-01T08:00", "ino_stop": "2999-01-02T08:00"},
    ),
    Fault(
        "invalid_route",
        "encounters",
        "quarantine",
        "delivery_route",
        "not one of",
        fields={"delivery_route": "ETT"},
    ),
    Fault(
        "invalid_boolean",
        "encounters",
        "quarantine",
        "conventional_therapy_failed",
        "not a boolean",
        fields={"conventional_therapy_failed": "maybe"},
    ),
    Fault(
        "duplicate_encounter_id",
        "encounters",
        "quarantine",
        "encounter_id",
        "duplicate of row",
        fields={"delivery_route": "tracheostomy"},
        records=_twice,
    ),
    Fault(
        "fio2_percent",
        "encounters",
        "warning",
        "fio2",
        "in_set",
        fields={
            "oxygenation_index": "",
            "fio2": "60",
            "mean_airway_pressure_cmh2o": "25",
            "pao2_mmhg": "50",
        },
        check="select fio2 = 0.6 from encounters where encounter_id = 'E-fio2_percent'",
    ),
    Fault(
        "oi_above_100",
        "encounters",
        "warning",
        "oxygenation_index",
        "be_between",
        fields={"oxygenation_index": "150"},
    ),
    Fault("unknown_member", "encounters", "warning", "member_id", "in_set", member=False),
    Fault(
        "claim_id_unknown",
        "encounters",
        "warning",
        "claim_id",
        "in_set",
        fields={"claim_id": "C-not-in-extract"},
    ),
    Fault(
        "course_before_birth",
        "encounters",
        "warning",
        "ino_start",
        "in_set",
        fields={"ino_start": "2024-02-01T08:00", "ino_stop": "2024-02-02T08:00"},
    ),
    Fault(
        "timestamp_with_zone",
        "encounters",
        "clean",
        fields={"ino_start": "2024-03-02T08:00:00+01:00", "ino_stop": "2024-03-03T08:00Z"},
        check="select ino_start = timestamp '2024-03-02 07:00' and ino_stop = timestamp "
        "'2024-03-03 08:00' from encounters where encounter_id = 'E-timestamp_with_zone'",
    ),
    Fault(
        "boolean_spellings",
        "encounters",
        "clean",
        fields={"conventional_therapy_failed": "Y", "alternative_vasodilator_started": "0"},
        check="select conventional_therapy_failed and not alternative_vasodilator_started "
        "from encounters where encounter_id = 'E-boolean_spellings'",
    ),
    # --- members
    Fault(
        "member_twice_other_birth",
        "members",
        "quarantine",
        "member_id",
        "duplicate of row",
        fields={"birth_date": "2023-01-01"},
        records=_twice,
        member=False,
    ),
    Fault(
        "member_twice_same_birth",
        "members",
        "clean",
        records=_same_twice,
        in_table=False,
        member=False,
    ),
    Fault(
        "future_birth",
        "members",
        "quarantine",
        "birth_date",
        "after the run date",
        fields={"birth_date": "2999-01-01"},
        member=False,
    ),
    Fault(
        "missing_birth_date",
        "members",
        "quarantine",
        "birth_date",
        "required value",
        fields={"birth_date": ""},
        member=False,
    ),
    Fault(
        "invalid_line_of_business",
        "members",
        "quarantine",
        "line_of_business",
        "not one of",
        fields={"line_of_business": "self-pay"},
        member=False,
    ),
    Fault(
        "placeholder_birth",
        "members",
        "warning",
        "birth_date",
        "be_between",
        fields={"birth_date": "1800-01-01"},
        member=False,
        claim=True,
    ),
    Fault(
        "state_not_a_code",
        "members",
        "warning",
        "state",
        "match_regex",
        fields={"state": "Texas"},
        member=False,
        claim=True,
    ),
    # --- numbers that are not finite, or beyond any measurement (issue 13, item 1)
    *(
        Fault(f"nan_{column}", source, "quarantine", column, "NaN, infinite", fields={column: text})
        for source, column, text in (
            ("encounters", "oxygenation_index", "NaN"),
            ("encounters", "gestational_age_weeks", "inf"),
            ("encounters", "mean_airway_pressure_cmh2o", "1e400"),
            ("encounters", "fio2", "nan"),
            ("encounters", "fio2_current", "-Infinity"),
            ("encounters", "pao2_mmhg", "Infinity"),
            ("encounters", "pao2_post_trial_mmhg", "NaN"),
            ("encounters", "oi_post_trial", "inf"),
            ("encounters", "trial_dose_ppm", "NaN"),
            ("encounters", "max_dose_ppm", "5e12"),
            ("claims", "service_unit_quantity", "NaN"),
        )
    ),
    *(
        Fault(f"nan_{column}", "claims", "quarantine", column, "not an amount", fields={column: t})
        for column, t in (
            ("paid_amount", "NaN"),
            ("charge_amount", "inf"),
            ("allowed_amount", "1e20"),
        )
    ),
    Fault(
        "line_number_nan",
        "claims",
        "quarantine",
        "claim_line_number",
        "not a whole number",
        fields={"claim_line_number": "NaN"},
    ),
    # --- stops and ends after the run date; implausibly long courses (issue 13, item 2)
    Fault(
        "open_ended_course",
        "encounters",
        "quarantine",
        "ino_stop",
        "after the run date",
        fields={"ino_stop": "9999-12-31T00:00"},
    ),
    Fault(
        "claim_ends_in_9999",
        "claims",
        "quarantine",
        "claim_end_date",
        "after the run date",
        fields={"claim_end_date": "9999-12-31"},
    ),
    Fault(
        "line_ends_in_9999",
        "claims",
        "quarantine",
        "claim_line_end_date",
        "after the run date",
        fields={"claim_line_start_date": "2024-03-01", "claim_line_end_date": "9999-12-31"},
    ),
    Fault(
        "course_of_90_days",
        "encounters",
        "warning",
        "ino_stop",
        "be_between",
        fields={"ino_stop": "2024-05-31T08:00"},
    ),
    # --- last: an unterminated quote runs to the end of the file
    Fault(
        "unterminated_quote",
        "claims",
        "quarantine",
        "",
        "unterminated quote",
        records=_raw(lambda b: b.replace(b"C-unterminated_quote", b'"C-unterminated', 1)),
    ),
]


@dataclass
class Book:
    """A written extract: its paths and, per row fault, the data row of its faulty record."""

    paths: dict[str, str]
    rows: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # data records written per source


CLEAN_IDS = ("clean-a", "clean-b", "clean-c")


def _clean_records(source: str) -> list[bytes]:
    """Return the clean rows every extract starts with: three supported newborn cases."""
    return [
        render(
            source,
            base_row(
                source, {"claim_id": f"C-{i}", "encounter_id": f"E-{i}", "member_id": f"M-{i}"}
            ),
        )
        for i in CLEAN_IDS
    ]


def write_row_faults(folder: Path, faults: list[Fault] = ROW_FAULTS) -> Book:
    """Write one extract holding every row fault; return its paths and the faults' rows."""
    folder.mkdir(parents=True, exist_ok=True)
    records = {s: _clean_records(s) for s in SOURCES}
    book = Book({})
    for fault in faults:
        if fault.member and fault.source != "members":
            records["members"].append(render("members", base_row("members", fault.ids)))
        if fault.claim:
            records["claims"].append(render("claims", base_row("claims", fault.ids)))
        written = (fault.records or (lambda f, r: [_row(f)]))(fault, render)
        records[fault.source].extend(written)
        book.rows[fault.kind] = sum(1 for r in records[fault.source] if r != BLANK)
    for source in SOURCES:
        path = folder / f"{source}.csv"
        head = ",".join(header(source)).encode()
        path.write_bytes(b"\n".join([head, *records[source]]) + b"\n")
        book.paths[source] = str(path)
        book.records[source] = sum(1 for r in records[source] if r != BLANK)
    return book


# ---------------------------------------------------------------- whole files that must load


def _bytes(source: str) -> bytes:
    """Return a clean file of a source: header and the clean rows."""
    head = ",".join(header(source)).encode()
    return b"\n".join([head, *_clean_records(source)]) + b"\n"


@dataclass(frozen=True)
class FileFault:
    """A whole-file format that must load every row, nothing quarantined."""

    kind: str
    source: str
    write: Callable[[Path, bytes], Path]  # (folder, clean bytes) -> the file to give
    rows: int = len(CLEAN_IDS)


def _named(name: str, content: Callable[[bytes], bytes]) -> Callable[[Path, bytes], Path]:
    """Write changed bytes to folder/name."""

    def write(folder: Path, clean: bytes) -> Path:
        path = folder / name
        path.write_bytes(content(clean))
        return path

    return write


def _parquet_named_csv(folder: Path, clean: bytes) -> Path:
    """Write the data as Parquet under a .csv name."""
    import duckdb

    src = folder / "src.csv"
    src.write_bytes(clean)
    path = folder / "claims_export.csv"
    duckdb.connect().read_csv(str(src), all_varchar=True).write_parquet(str(path))
    src.unlink()
    return path


def _trailing_delimiter(clean: bytes) -> bytes:
    """End every data record (not the header) with a comma."""
    head, *rows = clean.rstrip(b"\n").split(b"\n")
    return b"\n".join([head, *(r + b"," for r in rows)]) + b"\n"


FILE_FAULTS: list[FileFault] = [
    FileFault("utf8_bom", "claims", _named("claims.csv", lambda b: b"\xef\xbb\xbf" + b)),
    FileFault(
        "crlf_line_ends",
        "encounters",
        _named("encounters.csv", lambda b: b.replace(b"\n", b"\r\n")),
    ),
    FileFault("no_final_newline", "members", _named("members.csv", lambda b: b.rstrip(b"\n"))),
    FileFault("trailing_delimiter", "claims", _named("claims.csv", _trailing_delimiter)),
    FileFault(
        "header_only",
        "encounters",
        _named("encounters.csv", lambda b: b.split(b"\n", 1)[0] + b"\n"),
        rows=0,
    ),
    FileFault("gzip_compressed", "members", _named("members.csv.gz", gzip.compress)),
    FileFault("parquet_with_csv_name", "claims", _parquet_named_csv),
    FileFault(
        "upper_case_header",
        "members",
        _named(
            "members.csv", lambda b: b.split(b"\n", 1)[0].upper() + b"\n" + b.split(b"\n", 1)[1]
        ),
    ),
    FileFault(
        "reordered_columns",
        "members",
        _named(
            "members.csv",
            lambda b: (
                b"\n".join(
                    b",".join(reversed(line.split(b","))) for line in b.rstrip(b"\n").split(b"\n")
                )
                + b"\n"
            ),
        ),
    ),
]


# ---------------------------------------------------------------- refusals


@dataclass(frozen=True)
class Refusal:
    """An input that cannot be an extract: exit 2 with one sentence naming the file."""

    kind: str
    source: str
    expected: str  # fragment of the sentence
    write: Callable[[Path, bytes], Path]


def _missing(folder: Path, clean: bytes) -> Path:
    """Name a file that does not exist."""
    return folder / "nowhere.csv"


def _folder(folder: Path, clean: bytes) -> Path:
    """Name a folder instead of a file."""
    path = folder / "a_folder"
    path.mkdir()
    return path


def _no_match(folder: Path, clean: bytes) -> Path:
    """Name a glob that matches nothing."""
    return folder / "part-*.csv"


REFUSALS: list[Refusal] = [
    Refusal("missing_file", "claims", "does not exist", _missing),
    Refusal("folder_not_file", "members", "is a folder", _folder),
    Refusal("glob_matches_nothing", "encounters", "matches no file", _no_match),
    Refusal("empty_file", "claims", "is empty", _named("claims.csv", lambda b: b"")),
    Refusal("whitespace_only", "members", "is empty", _named("members.csv", lambda b: b"\n \n")),
    Refusal(
        "no_header_row",
        "encounters",
        "has no header row",
        _named("encounters.csv", lambda b: b.split(b"\n", 1)[1]),
    ),
    Refusal(
        "missing_required_column",
        "claims",
        "lacks the required column(s) member_id",
        _named("claims.csv", lambda b: b.replace(b"member_id", b"subscriber", 1)),
    ),
    Refusal(
        "semicolon_delimited",
        "members",
        "other than a comma",
        _named("members.csv", lambda b: b.replace(b",", b";")),
    ),
    Refusal(
        "tab_delimited",
        "encounters",
        "other than a comma",
        _named("encounters.csv", lambda b: b.replace(b",", b"\t")),
    ),
    Refusal(
        "excel_workbook",
        "claims",
        "Excel workbook",
        _named("claims.xlsx", lambda b: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64),
    ),
    Refusal("pdf_document", "members", "PDF", _named("members.csv", lambda b: b"%PDF-1.7\n%\xe2")),
    Refusal(
        "random_binary",
        "encounters",
        "binary data",
        _named("encounters.csv", lambda b: bytes(range(256)) * 8),
    ),
    Refusal(
        "utf16_text",
        "claims",
        "UTF-16",
        _named("claims.csv", lambda b: b.decode().encode("utf-16")),
    ),
    Refusal(
        "header_not_utf8",
        "members",
        "not UTF-8",
        _named(
            "members.csv",
            lambda b: b.replace(b"member_id", b"member_id\xe9", 1).replace(
                b"birth_date", b"n\xe9e", 1
            ),
        ),
    ),
    Refusal(
        "bare_carriage_return",
        "claims",
        "carriage return inside an unquoted field (line 3)",
        _named("claims.csv", lambda b: b.replace(b"C-clean-b", b"C-clean\rb", 1)),
    ),
    Refusal(
        "broken_parquet",
        "claims",
        "not a readable Parquet file",
        _named("claims.parquet", lambda b: b"PAR1 this is not parquet"),
    ),
    Refusal(
        "broken_gzip",
        "members",
        "cannot be read",
        _named("members.csv.gz", lambda b: gzip.compress(b)[:20]),
    ),
]


def write_clean(folder: Path) -> dict[str, str]:
    """Write the clean three-case extract; return its paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for source in SOURCES:
        path = folder / f"{source}.csv"
        path.write_bytes(_bytes(source))
        paths[source] = str(path)
    return paths


def write_file_fault(folder: Path, fault: FileFault | Refusal) -> tuple[dict[str, str], str]:
    """Write a clean extract with one file replaced by the fault's; return paths and that file."""
    paths = write_clean(folder / "clean")
    target = folder / "damaged"
    target.mkdir(parents=True, exist_ok=True)
    path = fault.write(target, _bytes(fault.source))
    return {**paths, fault.source: str(path)}, str(path)
