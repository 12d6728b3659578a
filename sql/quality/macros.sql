-- ns_safe(t): a timestamp inside pandas' nanosecond range (1677-09-21 to 2262-04-11), so that GX
-- compares dates vectorised. Values outside 1678-01-01..2262-01-01 are squeezed towards the
-- bound, keeping their order (a day apart stays 864 microseconds apart), so a placeholder date
-- such as 9999-12-31 still fails a range check and a stop still follows its start.
create or replace temp macro ns_safe(t) as (
    case
        when t is null then null
        when t > timestamp '2262-01-01'
            then
                make_timestamp(
                    epoch_us(timestamp '2262-01-01')
                    + (epoch_us(t) - epoch_us(timestamp '2262-01-01')) // 100000000
                )
        when t < timestamp '1678-01-01'
            then
                make_timestamp(
                    epoch_us(timestamp '1678-01-01')
                    - (epoch_us(timestamp '1678-01-01') - epoch_us(t)) // 100000000
                )
        else t
    end
);

-- as_timestamp(d): a date as a timestamp; a date beyond the timestamp range keeps its side.
create or replace temp macro as_timestamp(d) as (
    case
        when d is null then null
        else coalesce(
            try_cast(d as timestamp),
            case
                when d > date '2000-01-01' then timestamp '294000-01-01'
                else timestamp '0001-01-01'
            end
        )
    end
);
