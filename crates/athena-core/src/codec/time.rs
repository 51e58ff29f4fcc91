//! `AthenaTime`: a practice-local time of day written `HH:MM` (24 h).

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ParseError, ParseErrorKind, deserialize_from_str, digits};

const EXPECTED: &str = "a time as HH:MM (24 h), HH:MM:SS or h:mm AM/PM";

/// A time of day as athena writes it: `HH:MM`, 24-hour, local to the department
/// (appointment `starttime`, `"14:05"`). It carries no zone; see
/// [`DepartmentTimeZone`](super::DepartmentTimeZone) to place it on the time line.
///
/// Parsing accepts `HH:MM`, `H:MM`, `HH:MM:SS` and the 12-hour forms `h:mm AM`,
/// `hh:mm:ss PM` (`AM`/`PM` in any case, space optional). `Display`/`Serialize` always write
/// `HH:MM`: seconds, if any were parsed, are kept in [`naive`](Self::naive) but not written
/// (athena takes times as `HH:MM`); use [`to_hms_string`](Self::to_hms_string) for
/// `HH:MM:SS`.
///
/// ```
/// use athena_core::codec::AthenaTime;
///
/// let t: AthenaTime = "2:05 PM".parse()?;
/// assert_eq!(t.to_string(), "14:05");
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AthenaTime(NaiveTime);

/// The written shape of a parsed time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeShape {
    pub(crate) seconds: bool,
    pub(crate) twelve_hour: bool,
}

impl AthenaTime {
    /// The time `hour:minute` (24 h), or `None` if out of range.
    pub fn new(hour: u32, minute: u32) -> Option<Self> {
        NaiveTime::from_hms_opt(hour, minute, 0).map(Self)
    }

    /// The underlying chrono time (including any parsed seconds).
    pub const fn naive(self) -> NaiveTime {
        self.0
    }

    /// Writes `HH:MM:SS` (24 h).
    pub fn to_hms_string(self) -> String {
        format!(
            "{:02}:{:02}:{:02}",
            self.0.hour(),
            self.0.minute(),
            self.0.second()
        )
    }

    /// Parses a time of day in any accepted shape and reports which shape it was.
    pub(crate) fn parse_shape(
        s: &str,
        expected: &'static str,
    ) -> Result<(NaiveTime, TimeShape), ParseError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, expected));
        }
        let malformed = ParseError::new(ParseErrorKind::Malformed, expected);
        let out_of_range = ParseError::new(ParseErrorKind::OutOfRange, expected);

        // An optional AM/PM suffix, any case, with or without a space before it.
        let (clock, meridiem) = match s
            .len()
            .checked_sub(2)
            .and_then(|i| s.get(i..).map(|m| (i, m)))
        {
            Some((i, m)) if m.eq_ignore_ascii_case("am") => (s[..i].trim_end(), Some(false)),
            Some((i, m)) if m.eq_ignore_ascii_case("pm") => (s[..i].trim_end(), Some(true)),
            _ => (s, None),
        };

        let mut parts = clock.split(':');
        let (Some(h), Some(m), sec, None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed);
        };
        let hour = digits(h, 1, 2).ok_or(malformed)?;
        let minute = digits(m, 2, 2).ok_or(malformed)?;
        let second = match sec {
            Some(sec) => digits(sec, 2, 2).ok_or(malformed)?,
            None => 0,
        };
        let hour = match meridiem {
            None => hour,
            Some(_) if !(1..=12).contains(&hour) => return Err(out_of_range),
            Some(pm) => hour % 12 + if pm { 12 } else { 0 },
        };
        let time = NaiveTime::from_hms_opt(hour, minute, second).ok_or(out_of_range)?;
        Ok((
            time,
            TimeShape {
                seconds: sec.is_some(),
                twelve_hour: meridiem.is_some(),
            },
        ))
    }
}

impl From<NaiveTime> for AthenaTime {
    fn from(time: NaiveTime) -> Self {
        Self(time)
    }
}

impl From<AthenaTime> for NaiveTime {
    fn from(time: AthenaTime) -> Self {
        time.0
    }
}

impl FromStr for AthenaTime {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_shape(s, EXPECTED).map(|(t, _)| Self(t))
    }
}

impl fmt::Display for AthenaTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl Serialize for AthenaTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AthenaTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_from_str(deserializer, EXPECTED, str::parse)
    }
}
