-- Tables the validation step fills: data-quality findings (warnings; the row stays loaded) and
-- each suite's validation result (GX JSON with counts and failing rows' file index and row, never
-- values).
create or replace table dq_findings (
    source varchar,
    source_file varchar,
    source_row bigint,
    "column" varchar,
    expectation varchar,
    note varchar
);

create or replace table validation_results (
    suite varchar,
    "rows" bigint,  -- noqa: RF06
    result json
);
