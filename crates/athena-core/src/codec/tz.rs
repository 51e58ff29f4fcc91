//! Time zones: department `timezonename`, the DST rule for practice-local times, and the
//! US/Eastern timestamps of the changed-data feeds.
//!
//! athena's times carry no zone. A department's `timezonename` says where its wall clock
//! hangs; the changed-data feeds' `showprocessedstartdatetime`/`showprocessedenddatetime`
//! are `MM/DD/YYYY HH24:MI:SS` in US/Eastern. The host's local zone is never used.
//!
//! **DST rule** (one place, [`resolve_local`]): a wall-clock time that occurs twice (fall
//! back) resolves to the **earliest** instant; one that does not exist (spring forward) is an
//! error of kind [`NonexistentLocalTime`](ParseErrorKind::NonexistentLocalTime).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::deserialize_from_str;
use super::{AthenaDate, AthenaDateTime, AthenaTime, DateTimeFormat, ParseError, ParseErrorKind};

/// US/Eastern (`America/New_York`), the zone of the changed-data feed timestamps.
pub const EASTERN: Tz = chrono_tz::America::New_York;

const EXPECTED_ZONE: &str = "an IANA time zone name such as US/Eastern or America/New_York";
const EXPECTED_LOCAL: &str = "a local time that exists in the time zone";
const EXPECTED_FEED: &str = "a US/Eastern timestamp as MM/DD/YYYY HH:MM:SS";

/// Places a practice-local wall-clock time in `tz`.
///
/// Ambiguous times (DST fall-back, the hour that happens twice) resolve to the **earliest**
/// instant. Nonexistent times (DST spring-forward gap) are an error of kind
/// [`NonexistentLocalTime`](ParseErrorKind::NonexistentLocalTime).
///
/// ```
/// use athena_core::codec::tz::{EASTERN, resolve_local};
/// use chrono::NaiveDate;
///
/// let gap = NaiveDate::from_ymd_opt(2024, 3, 10).unwrap().and_hms_opt(2, 30, 0).unwrap();
/// assert!(resolve_local(EASTERN, gap).is_err());
///
/// let twice = NaiveDate::from_ymd_opt(2024, 11, 3).unwrap().and_hms_opt(1, 30, 0).unwrap();
/// assert_eq!(resolve_local(EASTERN, twice)?.to_rfc3339(), "2024-11-03T01:30:00-04:00");
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
pub fn resolve_local(tz: Tz, naive: NaiveDateTime) -> Result<DateTime<Tz>, ParseError> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(dt),
        LocalResult::Ambiguous(earliest, _latest) => Ok(earliest),
        LocalResult::None => Err(ParseError::new(
            ParseErrorKind::NonexistentLocalTime,
            EXPECTED_LOCAL,
        )),
    }
}

/// A practice-local date and time of day (appointment `date` + `starttime`) as a UTC instant,
/// with the DST rule of [`resolve_local`].
pub fn local_to_utc(
    tz: Tz,
    date: AthenaDate,
    time: AthenaTime,
) -> Result<DateTime<Utc>, ParseError> {
    resolve_local(tz, NaiveDateTime::new(date.naive(), time.naive()))
        .map(|dt| dt.with_timezone(&Utc))
}

/// Writes `instant` as a changed-feed `showprocessed*` parameter: `MM/DD/YYYY HH:MM:SS` in
/// US/Eastern.
///
/// ```
/// use athena_core::codec::tz::eastern_feed_timestamp;
/// use chrono::{TimeZone, Utc};
///
/// let t = Utc.with_ymd_and_hms(2024, 7, 1, 16, 0, 0).unwrap();
/// assert_eq!(eastern_feed_timestamp(t), "07/01/2024 12:00:00");
/// ```
pub fn eastern_feed_timestamp(instant: DateTime<Utc>) -> String {
    AthenaDateTime::from_instant_in(instant, EASTERN, DateTimeFormat::UsSeconds).to_string()
}

/// Reads a US/Eastern `MM/DD/YYYY HH:MM:SS` feed timestamp (the 12-hour and minute forms are
/// accepted too) as a UTC instant, with the DST rule of [`resolve_local`]. An ISO value with
/// an offset is taken as the instant it names.
///
/// Round trip: `parse(eastern_feed_timestamp(t)) == t` for every whole-second `t` except
/// during the repeated fall-back hour, where the earlier of the two instants comes back.
pub fn parse_eastern_feed_timestamp(s: &str) -> Result<DateTime<Utc>, ParseError> {
    let value: AthenaDateTime = s
        .parse()
        .map_err(|e: ParseError| ParseError::new(e.kind(), EXPECTED_FEED))?;
    value.to_utc_in(EASTERN)
}

/// A department's time zone, from athena's `timezonename` (`"US/Eastern"`,
/// `"America/Chicago"`, …).
///
/// Any IANA name (including the `US/*` links athena uses) is accepted, matched
/// case-insensitively after trimming. Unknown names are an error of kind
/// [`UnknownTimeZone`](ParseErrorKind::UnknownTimeZone): never a panic and never a silent UTC.
/// Serde reads and writes the zone's canonical name string.
///
/// ```
/// use athena_core::codec::{AthenaDate, AthenaTime, DepartmentTimeZone};
///
/// let zone: DepartmentTimeZone = "US/Central".parse()?;
/// let start = zone.to_utc("07/01/2024".parse()?, "09:30".parse()?)?;
/// assert_eq!(start.to_rfc3339(), "2024-07-01T14:30:00+00:00");
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DepartmentTimeZone(Tz);

impl DepartmentTimeZone {
    /// Wraps a chrono-tz zone.
    pub const fn new(tz: Tz) -> Self {
        Self(tz)
    }

    /// The chrono-tz zone.
    pub const fn tz(self) -> Tz {
        self.0
    }

    /// The zone's IANA name as chrono-tz spells it (`"US/Eastern"` stays `"US/Eastern"`).
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// A department-local date and time of day as a UTC instant ([`local_to_utc`]).
    pub fn to_utc(self, date: AthenaDate, time: AthenaTime) -> Result<DateTime<Utc>, ParseError> {
        local_to_utc(self.0, date, time)
    }

    /// A department-local date and time of day in this zone ([`resolve_local`]).
    pub fn localize(self, date: AthenaDate, time: AthenaTime) -> Result<DateTime<Tz>, ParseError> {
        resolve_local(self.0, NaiveDateTime::new(date.naive(), time.naive()))
    }
}

impl From<Tz> for DepartmentTimeZone {
    fn from(tz: Tz) -> Self {
        Self(tz)
    }
}

impl From<DepartmentTimeZone> for Tz {
    fn from(zone: DepartmentTimeZone) -> Self {
        zone.0
    }
}

impl FromStr for DepartmentTimeZone {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        if name.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, EXPECTED_ZONE));
        }
        if let Ok(tz) = name.parse::<Tz>() {
            return Ok(Self(tz));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
            .map(|tz| Self(*tz))
            .ok_or(ParseError::new(
                ParseErrorKind::UnknownTimeZone,
                EXPECTED_ZONE,
            ))
    }
}

impl fmt::Display for DepartmentTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl Serialize for DepartmentTimeZone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for DepartmentTimeZone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_from_str(deserializer, EXPECTED_ZONE, str::parse)
    }
}
