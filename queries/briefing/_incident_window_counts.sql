        -- incidents in the period, the comparison period (环比) and a year earlier (同比)
        count(*) filter (where reported_at >= $start and reported_at < $end) as incident_count,
        count(*) filter (where reported_at >= $prev_start and reported_at < $prev_end)
            as previous_count,
        count(*) filter (where reported_at >= $ya_start and reported_at < $ya_end)
            as year_ago_count
