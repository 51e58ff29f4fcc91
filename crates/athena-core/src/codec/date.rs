//! `AthenaDate`: a calendar date written `MM/DD/YYYY`.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ParseError, ParseErrorKind, deserialize_from_str, digits};

const EXPECTED: &str = "a date as MM/DD/YYYY";

/// A calendar date as athena writes it: `MM/DD/YYYY` (`"06/22/2016"`).
///
/// Parsing also accepts `M/D/YYYY` and surrounding whitespace; it rejects two-digit years,
/// impossible dates (`02/30/2020`) and anything else. `Display` and `Serialize` always write
/// two-digit month and day and a four-digit year. Serde reads only JSON strings; a number or
/// any other type is a (value-free) error.
///
/// Years outside `0000..=9999` can be built from a [`NaiveDate`] but cannot be written in
/// this format faithfully; athena never sends them.
///
/// ```
/// use athena_core::codec::AthenaDate;
///
/// let d: AthenaDate = "6/2/2016".parse()?;
/// assert_eq!(d, AthenaDate::new(2016, 6, 2).unwrap());
/// assert_eq!(d.to_string(), "06/02/2016");
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AthenaDate(NaiveDate);

impl AthenaDate {
    /// The date `year-month-day`, or `None` if it does not exist (or the year is outside
    /// `0..=9999`, which the wire format cannot carry).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(0..=9999).contains(&year) {
            return None;
        }
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// The underlying chrono date.
    pub const fn naive(self) -> NaiveDate {
        self.0
    }

    /// Today's date in the given zone (for example a department's zone). Never uses the
    /// host's local zone.
    pub fn today_in(tz: Tz) -> Self {
        Self(Utc::now().with_timezone(&tz).date_naive())
    }

    /// Parses the date part shared with the US date-time formats.
    pub(crate) fn parse_with(s: &str, expected: &'static str) -> Result<Self, ParseError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, expected));
        }
        let malformed = ParseError::new(ParseErrorKind::Malformed, expected);
        let mut parts = s.split('/');
        let (Some(m), Some(d), Some(y), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed);
        };
        let month = digits(m, 1, 2).ok_or(malformed)?;
        let day = digits(d, 1, 2).ok_or(malformed)?;
        let year = digits(y, 4, 4).ok_or(malformed)?;
        let year = i32::try_from(year).map_err(|_| malformed)?;
        NaiveDate::from_ymd_opt(year, month, day)
            .map(Self)
            .ok_or(ParseError::new(ParseErrorKind::OutOfRange, expected))
    }

    /// Writes `MM/DD/YYYY`.
    pub(crate) fn write(date: NaiveDate, f: &mut impl fmt::Write) -> fmt::Result {
        write!(
            f,
            "{:02}/{:02}/{:04}",
            date.month(),
            date.day(),
            date.year()
        )
    }
}

impl From<NaiveDate> for AthenaDate {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl From<AthenaDate> for NaiveDate {
    fn from(date: AthenaDate) -> Self {
        date.0
    }
}

impl FromStr for AthenaDate {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_with(s, EXPECTED)
    }
}

impl fmt::Display for AthenaDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Self::write(self.0, f)
    }
}

impl Serialize for AthenaDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AthenaDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_from_str(deserializer, EXPECTED, str::parse)
    }
}
