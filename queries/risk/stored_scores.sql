-- 四色预警 scores of closed months stored when the warehouse was written
-- (command_center/risk_store.py, by risk/scores_by_community over the same window): the
-- windows asked for that are stored under the model's key, numbered like the live query's
with
-- @include shared/_periods
final as (
    select w.period_no, s.* exclude (period_end, model_key)
    from periods as w
    join risk_scores_monthly as s
      on s.period_start = w.period_start and s.period_end = w.period_end
    where s.model_key = $model_key
      and (len($communities) = 0 or list_contains($communities, s.community_code))
)

select * from final
order by period_no, score desc, community_code
