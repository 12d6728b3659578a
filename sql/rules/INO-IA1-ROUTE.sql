-- INO-IA1-ROUTE | policy I.A.1 | deny
-- Flags: an initiating course whose documented delivery route is neither an endotracheal tube
-- nor a tracheostomy. A missing route is INO-DOC-INCOMPLETE, not this rule.
-- Parameters: none.
-- Courses: the initiating course of the claim (I.A); an initiation that no claim links to is also
-- judged, with this claim's codes, for INO-IB-PRIOR only
with

judged_initiating as (
    select * from judged where is_initiating
),

final as (
    select
        'INO-IA1-ROUTE' as rule_id,
        claim_id,
        encounter_id,
        episode_id,
        ino_start as sort_ts,
        format(
            'iNO was given by {} (policy needs an endotracheal tube or tracheostomy)',
            delivery_route
        ) as message,
        to_json({ 'delivery_route': delivery_route }) as evidence
    from judged_initiating
    where delivery_route not in ('endotracheal', 'tracheostomy')
)

select * from final
