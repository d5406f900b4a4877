-- Openness class shares per crawl date (the trend), from the compact history; between $from and $to.
-- The view class_shares_by_date (sql/views.sql) computes it as a running sum per class over the history.
SELECT snapshot_date, openness_class, models, share
FROM class_shares_by_date
WHERE snapshot_date BETWEEN coalesce($from::DATE, DATE '1900-01-01') AND coalesce($to::DATE, DATE '9999-12-31')
ORDER BY snapshot_date, openness_class
