-- early warning: disputes of the period preceded, within 90 days, by another dispute of the
-- same community and type, or of the same parties (same 当事人 text)
with
-- @include disputes/_selection
same_place as (
    select s.dispute_id, count(*) as same_place_count
    from selection s
    join disputes e
        on e.community_code = s.community_code
        and e.dispute_type = s.dispute_type
        and e.received_at < s.received_at
        and e.received_at >= s.received_at - interval 90 day
        and e.dispute_id <> s.dispute_id
    group by s.dispute_id
),
same_party as (
    select s.dispute_id, count(*) as same_party_count
    from selection s
    join disputes e
        on e.party_names = s.party_names
        and e.received_at < s.received_at
        and e.received_at >= s.received_at - interval 90 day
        and e.dispute_id <> s.dispute_id
    where coalesce(s.party_names, '') <> ''
    group by s.dispute_id
),
final as (
    select
        s.dispute_id,
        s.received_at,
        s.dispute_type,
        c.community_name,
        s.status,
        s.risk_level,
        s.party_names,
        coalesce(pl.same_place_count, 0) as same_place_count,
        coalesce(pa.same_party_count, 0) as same_party_count,
        count(*) over () as repeat_total,
        count(pa.dispute_id) over () as same_party_total
    from selection s
    left join same_place pl using (dispute_id)
    left join same_party pa using (dispute_id)
    left join communities c using (community_code)
    where pl.dispute_id is not null or pa.dispute_id is not null
)
select * from final
order by same_party_count desc, same_place_count desc, received_at desc, dispute_id
limit $limit
