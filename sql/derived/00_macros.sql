-- Helpers for findings' messages: a value as text, or "n/a" when it is not documented.
create or replace macro shown(x) as coalesce(x::varchar, 'n/a');
