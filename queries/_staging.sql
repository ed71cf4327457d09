-- The staging layer: every derived fact of a record, written once. Created in the warehouse
-- at every write (build, import; see command_center/staging.py); queries read these macros,
-- never the tables' status lists.
--
-- Each macro takes the moment `t` the figures are "as of" (a window's exclusive end: now, or
-- the end of a past period) and returns only the records that existed before `t`, with their
-- state at `t`: a case closed after `t` was still open at `t`. So nothing stamped after now is
-- ever counted, and a year-ago window asked "as of its own end" has had exactly the same time
-- to close as this one (like with like).
--
-- A statement per macro, separated by lines holding only ";;".

-- incidents (警情/事件) as of t
--   is_closed    办结: 已办结 by t
--   is_returned  退回: 已退回 by t
--   is_open      在办: neither (待受理 / 处置中 at t, including cases closed after t; a status
--                no vocabulary knows (NULL, shown as 未知) counts as 在办, so 在办 + 办结 + 退回
--                is every incident)
--   close_hours  hours from report to 办结 (办结 cases only)
--   point_is_exact  a real location (not a community centroid placed by the ingest)
create or replace macro incidents_at(t) as table
select
    *,
    cast(reported_at as date) as reported_on,
    coalesce(status = '已办结', false) and coalesce(closed_at < t, true) as is_closed,
    coalesce(status = '已退回', false) and coalesce(closed_at < t, true) as is_returned,
    not (coalesce(status in ('已办结', '已退回'), false) and coalesce(closed_at < t, true))
        as is_open,
    case when status = '已办结' and coalesce(closed_at < t, true)
        then date_diff('second', reported_at, closed_at) / 3600.0 end as close_hours,
    lon is not null and lat is not null and not coalesce(location_is_approx, false)
        as point_is_exact
from incidents
where reported_at < t
;;

-- disputes (矛盾纠纷) as of t
--   is_concluded  办结 with a result: 调解成功 / 调解不成功 / 已转诉讼 by t (the success rate's base)
--   is_withdrawn  已撤回 by t (not in the success rate)
--   is_closed     结案: concluded or withdrawn
--   is_success    调解成功 by t
--   is_open       在办: not closed at t (已受理 / 调处中, or closed after t)
--   is_overdue    在办 and its 化解时限 (deadline_on) before t's day
--   is_mediating  entered mediation: 调处中 now, or concluded
--   close_days    days from receipt to closing (closed cases only)
create or replace macro disputes_at(t) as table
with flagged as (
    select
        *,
        cast(received_at as date) as received_on,
        coalesce(closed_at < t, true) as closed_by_t
    from disputes
    where received_at < t
)
select
    * exclude (closed_by_t),
    status in ('调解成功', '调解不成功', '已转诉讼') and closed_by_t as is_concluded,
    status = '已撤回' and closed_by_t as is_withdrawn,
    status in ('调解成功', '调解不成功', '已转诉讼', '已撤回') and closed_by_t as is_closed,
    status = '调解成功' and closed_by_t as is_success,
    not (coalesce(status in ('调解成功', '调解不成功', '已转诉讼', '已撤回'), false)
         and closed_by_t) as is_open,
    not (coalesce(status in ('调解成功', '调解不成功', '已转诉讼', '已撤回'), false)
         and closed_by_t)
        and coalesce(deadline_on < cast(t as date), false) as is_overdue,
    status = '调处中'
        or (status in ('调解成功', '调解不成功', '已转诉讼') and closed_by_t) as is_mediating,
    case when status in ('调解成功', '调解不成功', '已转诉讼', '已撤回') and closed_by_t
        then date_diff('second', received_at, closed_at) / 86400.0 end as close_days
from flagged
;;

-- social organizations (社会组织) as of t
--   is_registered  在册: 登记状态 正常 and registered before t (no date: always)
--   is_abnormal    在册 and on the 活动异常名录 (listed before t, or no listing date)
--   is_dishonest   在册 and on the 严重违法失信名单 (listed before t, or no listing date)
--   is_new         registered on a day of the macro's caller's window: see registered_on
create or replace macro social_orgs_at(t) as table
select
    *,
    status = '正常' and coalesce(cast(registered_on as timestamp) < t, true) as is_registered,
    status = '正常' and coalesce(cast(registered_on as timestamp) < t, true)
        and credit_status = '活动异常名录'
        and coalesce(cast(credit_listed_on as timestamp) < t, true) as is_abnormal,
    status = '正常' and coalesce(cast(registered_on as timestamp) < t, true)
        and credit_status = '严重违法失信'
        and coalesce(cast(credit_listed_on as timestamp) < t, true) as is_dishonest
from social_orgs
;;

-- evacuation records (防台转移) of the typhoons (status as last exported)
--   is_moved    已转移: 已转移 or 已返回 (moved, whether or not back home yet)
--   is_refused  拒绝转移
--   is_waiting  待转移 (to be moved, not refused)
--   is_pending  应转未转: on the list and not moved (待转移 and 拒绝转移)
create or replace macro evacuations_staged() as table
select
    *,
    status in ('已转移', '已返回') as is_moved,
    status = '拒绝转移' as is_refused,
    status = '待转移' as is_waiting,
    status not in ('已转移', '已返回') or status is null as is_pending
from evacuations
;;

-- typhoons whose warning is in force at t (an open-ended warning counts until it is ended)
create or replace macro typhoons_active_at(t) as table
select *
from typhoons
where warning_start_at <= t
  and (warning_end_at is null or warning_end_at > t)
;;

-- 平安乐巡 patrol tasks as of t (tasks planned to start before t, or checked in early before t)
--   is_done        已完成 by t: status 已完成 and checked out before t
--   is_active      on patrol at t: checked in before t and not (yet) checked out at t
--   is_cancelled   已取消
--   duration_hours hours from check-in to check-out (done tasks only)
--   person_hours   duration_hours × participant_count (done tasks only)
--   status_at      the status at t: 已完成 / 进行中 / 已取消 / 待开始 (a status exported later
--                  than t is not yet true at t)
create or replace macro patrols_at(t) as table
select
    *,
    cast(planned_start_at as date) as planned_on,
    status = '已完成' and coalesce(ended_at < t, false) as is_done,
    status in ('进行中', '已完成') and coalesce(started_at < t, false)
        and coalesce(ended_at >= t, true) as is_active,
    status = '已取消' as is_cancelled,
    case when status = '已完成' and coalesce(ended_at < t, false)
        then date_diff('second', started_at, ended_at) / 3600.0 end as duration_hours,
    case when status = '已完成' and coalesce(ended_at < t, false)
        then date_diff('second', started_at, ended_at) / 3600.0 * participant_count
        end as person_hours,
    case
        when status = '已完成' and coalesce(ended_at < t, false) then '已完成'
        when status in ('进行中', '已完成') and coalesce(started_at < t, false) then '进行中'
        when status = '已取消' then '已取消'
        else '待开始'
    end as status_at
from patrols
where planned_start_at < t or coalesce(started_at < t, false)
;;

-- records per 1,000 registered residents (每千人警情): n × 1000 ÷ population, NULL for a
-- community without a population; one definition for 一张图, 警情事件 and the briefing
create or replace macro per_1000(n, population) as
case when population > 0 then n * 1000.0 / population end
