//! Replay: non-destructive re-reads of outstanding windows, and their US/Eastern query values across DST.

use athena_core::codec::tz::eastern_feed_timestamp;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::batch::Batch;
use super::worker::Worker;
use crate::event::{ChangeEvent, Origin};

impl Worker {
    /// Replays every outstanding window as one batch; `false` when the poller must stop.
    pub(super) async fn replay_outstanding(&mut self) -> bool {
        loop {
            let (ids, window) = {
                let cp = self.state.checkpoint.lock().await;
                let ids: Vec<u64> = cp.outstanding.iter().map(|w| w.id).collect();
                (ids, cp.replay_window(self.now(), self.cfg.margin))
            };
            let Some((from, to)) = window else {
                return true;
            };
            match self.replay(from, to).await {
                Ok(events) => {
                    if events.is_empty() {
                        if let Err(e) = self.state.update(|cp| cp.acknowledge(&ids)).await
                            && !self.report(e).await
                        {
                            return false;
                        }
                        return true;
                    }
                    let batch = Batch {
                        practice: self.target.practice,
                        feed: self.target.feed,
                        events,
                        replay: true,
                        state: self.state.clone(),
                        windows: ids,
                    };
                    return self.tx.send(Ok(batch)).await.is_ok();
                }
                Err(e) => {
                    if !self.report(e.into()).await || self.pause(self.cfg.error_backoff).await {
                        return false;
                    }
                }
            }
        }
    }

    /// Non-destructive read of `[from, to]` (US/Eastern on the wire), paged by `offset`.
    async fn replay(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> athena_core::Result<Vec<ChangeEvent>> {
        if to - from > chrono::Duration::days(3) {
            tracing::warn!(
                feed = self.target.feed.path,
                "replay window longer than 3 days: athena may have deleted old messages"
            );
        }
        let limit = 5000usize;
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let (start, end) = replay_query(from, to);
            let mut req = self
                .read_request()
                .query("showprocessedstartdatetime", start)
                .query("showprocessedenddatetime", end)
                .query("limit", limit);
            if offset > 0 {
                req = req.query("offset", offset);
            }
            let page = self
                .practice
                .client()
                .fetch_page::<Value>(&req, self.target.feed.item_key)
                .await?;
            let total = page.total_count().map(|t| t as usize);
            let items = page.into_items();
            let n = items.len();
            out.extend(items.into_iter().map(|item| {
                ChangeEvent::from_feed_item(
                    self.target.practice,
                    self.target.feed,
                    item,
                    Origin::Replay { from, to },
                )
            }));
            offset += n;
            if n < limit || total.is_none_or(|t| offset >= t) {
                return Ok(out);
            }
        }
    }
}

/// The `showprocessedstartdatetime`/`showprocessedenddatetime` values (US/Eastern
/// `MM/DD/YYYY HH:MM:SS`) for the instants `[from, to]`.
///
/// athena compares Eastern wall-clock times, which run backwards for an hour at the DST
/// fall-back: `[01:50 EDT, 01:10 EST]` would be an empty wall-clock range. When the UTC offset
/// differs between `from` and `to`, the range is widened by one hour on each side, which
/// covers every wall-clock time the instants in between can have.
pub fn replay_query(from: DateTime<Utc>, to: DateTime<Utc>) -> (String, String) {
    use athena_core::codec::tz::EASTERN;
    use chrono::Offset;
    let offset = |t: DateTime<Utc>| t.with_timezone(&EASTERN).offset().fix();
    if offset(from) == offset(to) {
        (eastern_feed_timestamp(from), eastern_feed_timestamp(to))
    } else {
        let hour = chrono::Duration::hours(1);
        let lo = from.with_timezone(&EASTERN).naive_local() - hour;
        let hi = to.with_timezone(&EASTERN).naive_local() + hour;
        let fmt = "%m/%d/%Y %H:%M:%S";
        (lo.format(fmt).to_string(), hi.format(fmt).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn replay_query_is_eastern_wall_clock() {
        // Summer (EDT, UTC-4) and winter (EST, UTC-5).
        assert_eq!(
            replay_query(utc(2024, 7, 1, 16, 0), utc(2024, 7, 1, 16, 5)),
            ("07/01/2024 12:00:00".into(), "07/01/2024 12:05:00".into())
        );
        assert_eq!(
            replay_query(utc(2024, 1, 15, 17, 0), utc(2024, 1, 15, 17, 30)),
            ("01/15/2024 12:00:00".into(), "01/15/2024 12:30:00".into())
        );
    }

    #[test]
    fn replay_query_across_fall_back_covers_the_repeated_hour() {
        // 05:50Z = 01:50 EDT; 06:10Z = 01:10 EST. Naively the range would be backwards.
        let (from, to) = (utc(2024, 11, 3, 5, 50), utc(2024, 11, 3, 6, 10));
        assert_eq!(eastern_feed_timestamp(from), "11/03/2024 01:50:00");
        assert_eq!(eastern_feed_timestamp(to), "11/03/2024 01:10:00");
        let (s, e) = replay_query(from, to);
        assert_eq!(
            (s.as_str(), e.as_str()),
            ("11/03/2024 00:50:00", "11/03/2024 02:10:00")
        );
        // Every instant in the window has a wall-clock time inside [s, e].
        let fmt = "%m/%d/%Y %H:%M:%S";
        let lo = chrono::NaiveDateTime::parse_from_str(&s, fmt).unwrap();
        let hi = chrono::NaiveDateTime::parse_from_str(&e, fmt).unwrap();
        let mut t = from;
        while t <= to {
            let wall = t
                .with_timezone(&athena_core::codec::tz::EASTERN)
                .naive_local();
            assert!(lo <= wall && wall <= hi, "{t}");
            // The parsed form resolves inside the widened range too.
            let back =
                athena_core::codec::tz::parse_eastern_feed_timestamp(&eastern_feed_timestamp(t))
                    .unwrap();
            assert!(back <= t);
            t += chrono::Duration::minutes(1);
        }
    }

    #[test]
    fn replay_query_across_spring_forward() {
        // 06:50Z = 01:50 EST; 07:10Z = 03:10 EDT (02:xx does not exist).
        let (s, e) = replay_query(utc(2024, 3, 10, 6, 50), utc(2024, 3, 10, 7, 10));
        assert_eq!(
            (s.as_str(), e.as_str()),
            ("03/10/2024 00:50:00", "03/10/2024 04:10:00")
        );
        assert_eq!(
            athena_core::codec::tz::parse_eastern_feed_timestamp("03/10/2024 03:10:00").unwrap(),
            utc(2024, 3, 10, 7, 10)
        );
    }
}
