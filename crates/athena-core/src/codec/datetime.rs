//! `AthenaDateTime`: a date-time in any of the forms athena sends, written back in the same form.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::date::AthenaDate;
use super::time::AthenaTime;
use super::tz::resolve_local;
use super::{ParseError, ParseErrorKind, deserialize_from_str, digits};

const EXPECTED: &str =
    "a date-time as MM/DD/YYYY HH:MM[:SS], MM/DD/YYYY hh:mm[:ss] AM/PM or ISO-8601";

/// The textual form of an [`AthenaDateTime`]. Each variant names one form athena sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DateTimeFormat {
    /// `MM/DD/YYYY HH:MM:SS`, 24 h (appointment `lastmodified`, changed-feed
    /// `showprocessed*` parameters).
    UsSeconds,
    /// `MM/DD/YYYY HH:MM`, 24 h (patient `firstappointment`).
    UsMinutes,
    /// `MM/DD/YYYY hh:mm AM` (orders `dateordered`).
    Us12Hour,
    /// `MM/DD/YYYY hh:mm:ss PM`.
    Us12HourSeconds,
    /// ISO-8601 with a numeric offset, `2021-01-11T17:03:05-05:00` (problems
    /// `lastmodifieddatetime`). Fractional seconds, if any, are written in groups of 3 digits.
    IsoOffset,
    /// ISO-8601 in UTC with a `Z` suffix, `2021-01-11T22:03:05Z`.
    IsoUtc,
    /// ISO-8601 without an offset, `2021-01-11T17:03:05` (practice-local).
    IsoNaive,
}

impl DateTimeFormat {
    /// Every format, for tests and exhaustive tables.
    pub const ALL: [DateTimeFormat; 7] = [
        Self::UsSeconds,
        Self::UsMinutes,
        Self::Us12Hour,
        Self::Us12HourSeconds,
        Self::IsoOffset,
        Self::IsoUtc,
        Self::IsoNaive,
    ];

    /// Whether this form writes a UTC offset.
    pub const fn has_offset(self) -> bool {
        matches!(self, Self::IsoOffset | Self::IsoUtc)
    }

    /// Drops what this format cannot write (sub-minute or sub-second parts), so that a value
    /// equals its own parsed `Display`.
    fn truncate(self, naive: NaiveDateTime) -> NaiveDateTime {
        let t = naive.time();
        let time = match self {
            Self::UsMinutes | Self::Us12Hour => NaiveTime::from_hms_opt(t.hour(), t.minute(), 0),
            Self::UsSeconds | Self::Us12HourSeconds => {
                NaiveTime::from_hms_opt(t.hour(), t.minute(), t.second())
            }
            // Fold a leap-second representation (nanos >= 1e9) back into the second.
            Self::IsoOffset | Self::IsoUtc | Self::IsoNaive => NaiveTime::from_hms_nano_opt(
                t.hour(),
                t.minute(),
                t.second(),
                t.nanosecond() % 1_000_000_000,
            ),
        };
        NaiveDateTime::new(naive.date(), time.unwrap_or(t))
    }
}

/// A date-time in any form athena sends, remembering which one.
///
/// Accepted on input (surrounding whitespace allowed):
///
/// | form | [`DateTimeFormat`] |
/// |---|---|
/// | `04/26/2020 14:05:12` | `UsSeconds` |
/// | `04/26/2020 14:05` | `UsMinutes` |
/// | `01/15/2019 10:30 AM` (`M/D/YYYY h:mm am` too) | `Us12Hour` |
/// | `01/15/2019 10:30:15 PM` | `Us12HourSeconds` |
/// | `2021-01-11T17:03:05-05:00` (also `-0500`, `-05`, `.123` fractions, space for `T`) | `IsoOffset` |
/// | `2021-01-11T22:03:05Z` | `IsoUtc` |
/// | `2021-01-11T17:03:05` | `IsoNaive` |
///
/// `Display` and `Serialize` write the form it was parsed from (canonically: zero-padded,
/// upper-case `AM`, `T` separator), so a value survives a decode/encode round trip;
/// [`format_as`](Self::format_as) writes any other form.
///
/// The value is a wall-clock [`NaiveDateTime`] plus, for the ISO forms with an offset, the
/// [`FixedOffset`] it was written in. athena's US forms are practice-local with no zone: use
/// [`in_zone`](Self::in_zone) with the department's zone to get an instant. The host's local
/// zone is never consulted.
///
/// Equality compares the wall-clock value, the offset **and** the format (it is equality of
/// what is written); compare [`in_zone`](Self::in_zone) results to compare instants.
///
/// ```
/// use athena_core::codec::{AthenaDateTime, DateTimeFormat};
///
/// let t: AthenaDateTime = "01/15/2019 10:30 AM".parse()?;
/// assert_eq!(t.format(), DateTimeFormat::Us12Hour);
/// assert_eq!(t.to_string(), "01/15/2019 10:30 AM");
/// assert_eq!(t.format_as(DateTimeFormat::UsSeconds), "01/15/2019 10:30:00");
///
/// let eastern = t.in_zone(chrono_tz::US::Eastern)?;
/// assert_eq!(eastern.to_rfc3339(), "2019-01-15T10:30:00-05:00");
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AthenaDateTime {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
    format: DateTimeFormat,
}

impl AthenaDateTime {
    /// A practice-local wall-clock value to be written as `format`.
    ///
    /// If `format` carries an offset ([`DateTimeFormat::has_offset`]) there is none to write,
    /// so the value uses [`DateTimeFormat::IsoNaive`] instead. Parts the format cannot write
    /// (seconds for `UsMinutes`, fractions for the US forms) are truncated.
    pub fn from_naive(naive: NaiveDateTime, format: DateTimeFormat) -> Self {
        let format = if format.has_offset() {
            DateTimeFormat::IsoNaive
        } else {
            format
        };
        Self {
            naive: format.truncate(naive),
            offset: None,
            format,
        }
    }

    /// A value with a known offset, to be written as `format`.
    ///
    /// With [`IsoOffset`](DateTimeFormat::IsoOffset) the offset is kept; with
    /// [`IsoUtc`](DateTimeFormat::IsoUtc) the value is converted to UTC; with an offset-free
    /// format the local wall-clock time in `dt`'s offset is kept and the offset dropped.
    pub fn from_fixed(dt: DateTime<FixedOffset>, format: DateTimeFormat) -> Self {
        let (naive, offset) = match format {
            DateTimeFormat::IsoOffset => (dt.naive_local(), Some(*dt.offset())),
            DateTimeFormat::IsoUtc => (
                dt.naive_utc(),
                Some(FixedOffset::east_opt(0).unwrap_or(*dt.offset())),
            ),
            _ => (dt.naive_local(), None),
        };
        Self {
            naive: format.truncate(naive),
            offset,
            format,
        }
    }

    /// The instant `instant` as wall-clock time in `tz`, to be written as `format`
    /// (for example an appointment time for a department in `US/Central`).
    pub fn from_instant_in(instant: DateTime<Utc>, tz: Tz, format: DateTimeFormat) -> Self {
        Self::from_fixed(instant.with_timezone(&tz).fixed_offset(), format)
    }

    /// A date at a time of day, practice-local, to be written as `format`.
    pub fn from_date_time(date: AthenaDate, time: AthenaTime, format: DateTimeFormat) -> Self {
        Self::from_naive(NaiveDateTime::new(date.naive(), time.naive()), format)
    }

    /// The wall-clock value (local to the offset if there is one, else practice-local).
    pub const fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// The UTC offset, for ISO values that carried one.
    pub const fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The form this value was parsed from, which `Display` writes.
    pub const fn format(&self) -> DateTimeFormat {
        self.format
    }

    /// The same value written in `format` from now on (see [`from_naive`](Self::from_naive)
    /// and [`from_fixed`](Self::from_fixed) for what a change of form keeps).
    pub fn with_format(self, format: DateTimeFormat) -> Self {
        match self
            .offset
            .and_then(|o| self.naive.and_local_timezone(o).single())
        {
            Some(dt) => Self::from_fixed(dt, format),
            None => Self::from_naive(self.naive, format),
        }
    }

    /// The calendar date of the wall-clock value.
    pub fn date(&self) -> AthenaDate {
        AthenaDate::from(self.naive.date())
    }

    /// The time of day of the wall-clock value.
    pub fn time(&self) -> AthenaTime {
        AthenaTime::from(self.naive.time())
    }

    /// Places the value on the time line in `tz`.
    ///
    /// - A value with an offset is an instant already; it is converted to `tz`.
    /// - A value without one is read as wall-clock time in `tz`. If that local time occurs
    ///   twice (DST fall-back) the **earliest** is chosen; if it does not exist (DST
    ///   spring-forward gap) the result is an error of kind
    ///   [`NonexistentLocalTime`](ParseErrorKind::NonexistentLocalTime).
    pub fn in_zone(&self, tz: Tz) -> Result<DateTime<Tz>, ParseError> {
        match self.offset {
            Some(offset) => self
                .naive
                .and_local_timezone(offset)
                .single()
                .map(|dt| dt.with_timezone(&tz))
                .ok_or(ParseError::new(ParseErrorKind::OutOfRange, EXPECTED)),
            None => resolve_local(tz, self.naive),
        }
    }

    /// [`in_zone`](Self::in_zone), converted to UTC.
    pub fn to_utc_in(&self, tz: Tz) -> Result<DateTime<Utc>, ParseError> {
        self.in_zone(tz).map(|dt| dt.with_timezone(&Utc))
    }

    /// Writes the value in `format`.
    ///
    /// An offset-free value asked for an offset form is written as
    /// [`IsoNaive`](DateTimeFormat::IsoNaive) (athena's practice-local convention; attach a
    /// zone with [`in_zone`](Self::in_zone) first if you need one). A value with an offset
    /// asked for `IsoUtc` is converted to UTC; asked for a US form it is written as wall-clock
    /// time in its own offset.
    pub fn format_as(&self, format: DateTimeFormat) -> String {
        let mut out = String::with_capacity(32);
        // Writing into a String cannot fail.
        let _ = self.write_as(format, &mut out);
        out
    }

    fn write_as(&self, format: DateTimeFormat, out: &mut impl fmt::Write) -> fmt::Result {
        let (naive, offset, format) = match (format, self.offset) {
            (DateTimeFormat::IsoOffset | DateTimeFormat::IsoUtc, None) => {
                (self.naive, None, DateTimeFormat::IsoNaive)
            }
            (DateTimeFormat::IsoUtc, Some(o)) => (
                self.naive
                    .checked_sub_signed(chrono::TimeDelta::seconds(i64::from(o.local_minus_utc())))
                    .unwrap_or(self.naive),
                None,
                DateTimeFormat::IsoUtc,
            ),
            (f, o) => (self.naive, o, f),
        };
        let (d, t) = (naive.date(), naive.time());
        match format {
            DateTimeFormat::UsSeconds => {
                AthenaDate::write(d, out)?;
                write!(out, " {:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
            }
            DateTimeFormat::UsMinutes => {
                AthenaDate::write(d, out)?;
                write!(out, " {:02}:{:02}", t.hour(), t.minute())
            }
            DateTimeFormat::Us12Hour | DateTimeFormat::Us12HourSeconds => {
                AthenaDate::write(d, out)?;
                let (pm, hour12) = t.hour12();
                write!(out, " {hour12:02}:{:02}", t.minute())?;
                if format == DateTimeFormat::Us12HourSeconds {
                    write!(out, ":{:02}", t.second())?;
                }
                out.write_str(if pm { " PM" } else { " AM" })
            }
            DateTimeFormat::IsoOffset | DateTimeFormat::IsoUtc | DateTimeFormat::IsoNaive => {
                write_iso_date(d, out)?;
                write!(out, "T{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())?;
                write_fraction(t.nanosecond() % 1_000_000_000, out)?;
                match (format, offset) {
                    (DateTimeFormat::IsoUtc, _) => out.write_char('Z'),
                    (DateTimeFormat::IsoOffset, Some(o)) => write_offset(o, out),
                    _ => Ok(()),
                }
            }
        }
    }

    fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, EXPECTED));
        }
        // ISO dates start with a four-digit year and a dash; athena's US dates never do.
        if s.as_bytes().get(4) == Some(&b'-') {
            parse_iso(s)
        } else {
            parse_us(s)
        }
    }
}

fn malformed() -> ParseError {
    ParseError::new(ParseErrorKind::Malformed, EXPECTED)
}

fn out_of_range() -> ParseError {
    ParseError::new(ParseErrorKind::OutOfRange, EXPECTED)
}

/// `MM/DD/YYYY` + whitespace + a time of day in 24 h or 12 h form.
fn parse_us(s: &str) -> Result<AthenaDateTime, ParseError> {
    let (date, clock) = s
        .split_once(|c: char| c.is_ascii_whitespace())
        .ok_or_else(malformed)?;
    let date = AthenaDate::parse_with(date, EXPECTED)?;
    let (time, shape) = AthenaTime::parse_shape(clock, EXPECTED)?;
    let format = match (shape.twelve_hour, shape.seconds) {
        (false, true) => DateTimeFormat::UsSeconds,
        (false, false) => DateTimeFormat::UsMinutes,
        (true, false) => DateTimeFormat::Us12Hour,
        (true, true) => DateTimeFormat::Us12HourSeconds,
    };
    Ok(AthenaDateTime {
        naive: NaiveDateTime::new(date.naive(), time),
        offset: None,
        format,
    })
}

/// `YYYY-MM-DD` (`T`|`t`|space) `HH:MM:SS` [`.f{1,9}`] [`Z` | `±HH[:MM[:SS]]` | `±HHMM`].
fn parse_iso(s: &str) -> Result<AthenaDateTime, ParseError> {
    let date_part = s.get(..10).ok_or_else(malformed)?;
    let sep = s.as_bytes().get(10).copied();
    if !matches!(sep, Some(b'T' | b't' | b' ')) {
        return Err(malformed());
    }
    let rest = s.get(11..).ok_or_else(malformed)?;

    let mut ymd = date_part.split('-');
    let (Some(y), Some(m), Some(d), None) = (ymd.next(), ymd.next(), ymd.next(), ymd.next()) else {
        return Err(malformed());
    };
    let year = digits(y, 4, 4).ok_or_else(malformed)?;
    let month = digits(m, 2, 2).ok_or_else(malformed)?;
    let day = digits(d, 2, 2).ok_or_else(malformed)?;
    let year = i32::try_from(year).map_err(|_| malformed())?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(out_of_range)?;

    // hh:mm:ss
    let clock = rest.get(..8).ok_or_else(malformed)?;
    let b = clock.as_bytes();
    if b[2] != b':' || b[5] != b':' {
        return Err(malformed());
    }
    let hour = digits(&clock[..2], 2, 2).ok_or_else(malformed)?;
    let minute = digits(&clock[3..5], 2, 2).ok_or_else(malformed)?;
    let second = digits(&clock[6..8], 2, 2).ok_or_else(malformed)?;
    let mut rest = &rest[8..];

    // fraction
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix(['.', ',']) {
        let len = frac.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&len) {
            return Err(malformed());
        }
        let value = digits(&frac[..len], 1, 9).ok_or_else(malformed)?;
        nanos = value * 10u32.pow(9 - len as u32);
        rest = &frac[len..];
    }
    let time =
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(out_of_range)?;
    let naive = NaiveDateTime::new(date, time);

    let (offset, format) = match rest {
        "" => (None, DateTimeFormat::IsoNaive),
        "Z" | "z" => (FixedOffset::east_opt(0), DateTimeFormat::IsoUtc),
        _ => (Some(parse_offset(rest)?), DateTimeFormat::IsoOffset),
    };
    Ok(AthenaDateTime {
        naive,
        offset,
        format,
    })
}

/// `±HH`, `±HHMM`, `±HH:MM` or `±HH:MM:SS`.
fn parse_offset(s: &str) -> Result<FixedOffset, ParseError> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(malformed()),
    };
    let fields: Vec<&str> = if body.contains(':') {
        body.split(':').collect()
    } else if body.len() == 4 {
        vec![
            body.get(..2).ok_or_else(malformed)?,
            body.get(2..).ok_or_else(malformed)?,
        ]
    } else {
        vec![body]
    };
    if fields.len() > 3 {
        return Err(malformed());
    }
    let mut secs = 0i32;
    for (i, field) in fields.iter().enumerate() {
        let v = digits(field, 2, 2).ok_or_else(malformed)?;
        let limit = if i == 0 { 23 } else { 59 };
        if v > limit {
            return Err(out_of_range());
        }
        // v <= 59, so the cast is lossless.
        secs += v as i32 * [3600, 60, 1][i];
    }
    FixedOffset::east_opt(sign * secs).ok_or_else(out_of_range)
}

fn write_iso_date(d: NaiveDate, out: &mut impl fmt::Write) -> fmt::Result {
    write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `.fff`, `.ffffff` or `.fffffffff`, the shortest that is exact; nothing for whole seconds.
fn write_fraction(nanos: u32, out: &mut impl fmt::Write) -> fmt::Result {
    if nanos == 0 {
        Ok(())
    } else if nanos.is_multiple_of(1_000_000) {
        write!(out, ".{:03}", nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        write!(out, ".{:06}", nanos / 1_000)
    } else {
        write!(out, ".{nanos:09}")
    }
}

fn write_offset(o: FixedOffset, out: &mut impl fmt::Write) -> fmt::Result {
    let total = o.local_minus_utc();
    let sign = if total < 0 { '-' } else { '+' };
    let abs = total.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    write!(out, "{sign}{h:02}:{m:02}")?;
    if s != 0 {
        write!(out, ":{s:02}")?;
    }
    Ok(())
}

impl FromStr for AthenaDateTime {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for AthenaDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_as(self.format, f)
    }
}

impl Serialize for AthenaDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AthenaDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_from_str(deserializer, EXPECTED, Self::parse)
    }
}
