//! `Retry-After` parsing (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.

use std::time::{Duration, SystemTime};

/// Parses a `Retry-After` value received at `now`.
///
/// Accepts delay-seconds (`120`, also a fractional `1.5` some gateways send) and the three
/// HTTP-date forms (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850, asctime). A date
/// in the past means "now" (zero). Anything else is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    // Clamped to a day: `1e300` or a 30-digit count must not panic (here or in `now + wait`).
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(
            v.parse::<u64>().unwrap_or(u64::MAX).min(86_400),
        ));
    }
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
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
    let secs = parsed.timestamp();
    if secs < 0 {
        return None;
    }
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64))
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
        for bad in ["", "soon", "-5", "NaN", "Mon, 99 Foo 2020"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
