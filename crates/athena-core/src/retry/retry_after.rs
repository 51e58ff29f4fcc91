//! `Retry-After` parsing (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.

use std::time::{Duration, SystemTime};

/// The longest wait a server can ask for: every parsed `Retry-After` is clamped to one day.
///
/// A server may send anything (`99999999999999999999`, `1e300`, a date in the year 9999); the
/// SDK never computes an instant from an unclamped server value, so no such header can
/// overflow, panic or freeze a client. Whether a wait this long is honoured at all is the
/// [`RetryPolicy`](crate::RetryPolicy)'s decision (60 s by default).
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses a `Retry-After` value received at `now`.
///
/// Accepts delay-seconds (`120`, also a fractional `1.5` some gateways send) and the three
/// HTTP-date forms (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850, asctime). A date
/// in the past means "now" (zero). The result is clamped to [`MAX_SERVER_WAIT`] (a number
/// too large for any integer type is clamped too). Anything else (negative, `NaN`, `inf`,
/// text) is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only an overflow can fail, and an overflowing count is "very long".
        let secs = v.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_SERVER_WAIT));
    }
    if v.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+'))
    {
        // Fractional or exponent forms (`1.5`, `1e300`); `inf`/`NaN`/negatives never get here.
        let secs = v
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)?;
        return Some(
            Duration::try_from_secs_f64(secs)
                .unwrap_or(MAX_SERVER_WAIT)
                .min(MAX_SERVER_WAIT),
        );
    }
    let at = parse_http_date(v)?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_SERVER_WAIT),
    )
}

fn parse_http_date(v: &str) -> Option<SystemTime> {
    use chrono::{NaiveDateTime, TimeZone, Utc};
    let parsed = chrono::DateTime::parse_from_rfc2822(v)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let body = v.strip_suffix(" GMT")?;
            let (_, rest) = body.split_once(", ")?;
            NaiveDateTime::parse_from_str(rest, "%d-%b-%y %H:%M:%S")
                .ok()
                .map(|n| Utc.from_utc_datetime(&n))
        })
        .or_else(|| {
            // asctime: Sun Nov  6 08:49:37 1994
            let squashed = v.split_whitespace().collect::<Vec<_>>().join(" ");
            NaiveDateTime::parse_from_str(&squashed, "%a %b %e %H:%M:%S %Y")
                .or_else(|_| NaiveDateTime::parse_from_str(&squashed, "%a %b %d %H:%M:%S %Y"))
                .ok()
                .map(|n| Utc.from_utc_datetime(&n))
        })?;
    let secs = u64::try_from(parsed.timestamp()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn seconds_and_dates() {
        // 1994-11-06T08:49:37Z = 784111777
        let now = at(784_111_777 - 30);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Some(Duration::from_secs(30)),
                "{date}"
            );
        }
        // In the past → zero.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at(784_111_777 + 100)),
            Some(Duration::ZERO)
        );
        for bad in [
            "",
            "soon",
            "-5",
            "-0.5",
            "NaN",
            "nan",
            "inf",
            "+inf",
            "-inf",
            "infinity",
            "1e",
            "e5",
            "Mon, 99 Foo 2020",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn huge_values_are_clamped_not_panics() {
        let now = at(1_700_000_000);
        for huge in [
            "1e300",
            "1E300",
            "1.7976931348623157e308",
            "99999999999999999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "86401",
            "1e20",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            assert_eq!(
                parse_retry_after(huge, now),
                Some(MAX_SERVER_WAIT),
                "{huge}"
            );
        }
        // Within the ceiling, values are kept.
        assert_eq!(
            parse_retry_after("86400", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_retry_after("2.5e1", now),
            Some(Duration::from_secs(25))
        );
        // A date before the epoch, or far in the past: zero or unparseable, never a panic.
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        let _ = parse_retry_after("Mon, 01 Jan 1900 00:00:00 GMT", now);
        // A `now` at the far end of SystemTime does not overflow either.
        let _ = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", SystemTime::UNIX_EPOCH);
    }
}
