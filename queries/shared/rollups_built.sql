-- when the warehouse's roll-ups were written (command_center/rollups.py; none: read the
-- records), and whether closed months' four-color scores were stored with them
with final as (
    select
        (select max(value) from meta where key = 'rollups_built_at') as built_at,
        exists (select 1 from information_schema.tables
                where table_name = 'risk_scores_monthly') as has_risk_scores
)
select * from final
