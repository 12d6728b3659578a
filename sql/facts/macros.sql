-- Helpers for findings' messages: a value as text, or "n/a" when it is not documented.
create or replace macro shown(x) as coalesce(x::varchar, 'n/a');

-- A row of a plan table (the policy map; null = any) applies to a member of this line of
-- business and state.
create or replace macro plan_row_matches(row_lob, row_state, lob, state) as
(row_lob is null or row_lob = lob) and (row_state is null or row_state = state);

-- A computed measure as an exact decimal (contract §2): inputs carry a few decimals, so
-- rounding to 9 places drops binary floating-point noise (25.000000001 -> 25) and nothing else.
create or replace macro exact_decimal(x) as round(x, 9);

-- A gestational age (weeks) inside the range a policy covers: at or above the boundary week
-- ('>=', CP.MP.87) or strictly above it ('>', "more than 34 weeks"). Null when unknown.
create or replace macro ga_covered(ga, operator, weeks) as
case when operator = '>' then ga > weeks else ga >= weeks end;
