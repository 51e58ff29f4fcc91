//! What to poll: one practice × feed target (filters, cadence, checkpoint key) and the auto-subscribe mode.

use std::fmt;

use athena_core::{DepartmentId, PracticeId};

use crate::feed::{Feed, PollInterval};
use crate::manage::csv;

/// What to do when athena answers 403 "Changed messages require setup (subscription)…".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AutoSubscribe {
    /// Report the error (default).
    #[default]
    Off,
    /// Subscribe to all default events, then read again.
    AllEvents,
    /// Subscribe to these events (one POST each), then read again.
    Events(Vec<&'static str>),
}

/// One practice × feed to poll.
#[derive(Debug, Clone)]
pub struct FeedTarget {
    /// The practice.
    pub practice: PracticeId,
    /// The feed.
    pub feed: Feed,
    /// `departmentid` filter (required by the appointments feed; when empty there, the
    /// poller reads the practice's departments once and uses all of them).
    pub departments: Vec<DepartmentId>,
    /// Cadence (default: [`Feed::default_interval`]).
    pub interval: PollInterval,
    /// Extra query parameters (`showpatientdetail`, `returnglobalid`, …).
    pub query: Vec<(&'static str, String)>,
}

impl FeedTarget {
    /// `feed` of `practice` at the feed's default cadence.
    pub fn new(practice: PracticeId, feed: Feed) -> Self {
        FeedTarget {
            practice,
            feed,
            departments: Vec::new(),
            interval: feed.default_interval(),
            query: Vec::new(),
        }
    }

    /// Filters by departments.
    pub fn departments(mut self, ids: impl IntoIterator<Item = DepartmentId>) -> Self {
        self.departments = ids.into_iter().collect();
        self
    }

    /// Sets the cadence.
    pub fn interval(mut self, interval: PollInterval) -> Self {
        self.interval = interval;
        self
    }

    /// Adds a query parameter to every read.
    pub fn query(mut self, key: &'static str, value: impl fmt::Display) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    /// The checkpoint key: `{practice}/{feed path}[/departmentid=1,2]`. Filters change what a
    /// replay returns, so they are part of the key.
    pub fn checkpoint_key(&self) -> String {
        let mut key = format!("{}/{}", self.practice, self.feed.path);
        if !self.departments.is_empty() {
            key.push_str("/departmentid=");
            key.push_str(&csv(&self.departments));
        }
        for (k, v) in &self.query {
            key.push_str(&format!("/{k}={v}"));
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_key_includes_filters() {
        let t = FeedTarget::new(PracticeId::new(195900), Feed::APPOINTMENTS)
            .departments([DepartmentId::new(1), DepartmentId::new(2)]);
        assert_eq!(t.checkpoint_key(), "195900/appointments/departmentid=1,2");
        let t =
            FeedTarget::new(PracticeId::new(1), Feed::PROBLEMS).query("showpatientdetail", true);
        assert_eq!(
            t.checkpoint_key(),
            "1/chart/healthhistory/problems/showpatientdetail=true"
        );
    }
}
