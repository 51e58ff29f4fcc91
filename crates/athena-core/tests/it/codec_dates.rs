//! Table tests for AthenaDate, AthenaTime, AthenaDateTime and the time-zone helpers, with
//! values as athena really sends them (reference §5.2).

use athena_core::codec::tz::{
    EASTERN, eastern_feed_timestamp, local_to_utc, parse_eastern_feed_timestamp, resolve_local,
};
use athena_core::codec::{
    AthenaDate, AthenaDateTime, AthenaTime, DateTimeFormat, DepartmentTimeZone, ParseErrorKind,
};
use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

fn date(y: i32, m: u32, d: u32) -> AthenaDate {
    AthenaDate::new(y, m, d).unwrap()
}

// ------------------------------------------------------------------------------------------
// AthenaDate
// ------------------------------------------------------------------------------------------

#[test]
fn date_accepts_athena_forms() {
    let cases = [
        ("06/22/2016", date(2016, 6, 22), "06/22/2016"),
        ("6/2/2016", date(2016, 6, 2), "06/02/2016"),
        (" 12/31/1999 ", date(1999, 12, 31), "12/31/1999"),
        ("02/29/2020", date(2020, 2, 29), "02/29/2020"),
        ("01/01/0001", date(1, 1, 1), "01/01/0001"),
    ];
    for (input, want, written) in cases {
        let got: AthenaDate = input.parse().unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(got, want, "{input:?}");
        assert_eq!(got.to_string(), written, "{input:?}");
    }
}

#[test]
fn date_rejects_garbage_impossible_dates_and_short_years() {
    let cases = [
        ("", ParseErrorKind::Empty),
        ("   ", ParseErrorKind::Empty),
        ("13/45/1970", ParseErrorKind::OutOfRange),
        ("02/30/2020", ParseErrorKind::OutOfRange),
        ("02/29/2019", ParseErrorKind::OutOfRange),
        ("00/10/2020", ParseErrorKind::OutOfRange),
        ("06/22/16", ParseErrorKind::Malformed),
        ("06/22/02016", ParseErrorKind::Malformed),
        ("2016-06-22", ParseErrorKind::Malformed),
        ("06-22-2016", ParseErrorKind::Malformed),
        ("06/22/2016/1", ParseErrorKind::Malformed),
        ("+6/22/2016", ParseErrorKind::Malformed),
        ("06/ 2/2016", ParseErrorKind::Malformed),
        ("Smith", ParseErrorKind::Malformed),
        ("06/22/2016 10:00", ParseErrorKind::Malformed),
        ("٠٦/٢٢/٢٠١٦", ParseErrorKind::Malformed),
    ];
    for (input, kind) in cases {
        let err = input.parse::<AthenaDate>().expect_err(input);
        assert_eq!(err.kind(), kind, "{input:?}");
        assert_eq!(err.expected(), "a date as MM/DD/YYYY");
    }
}

#[test]
fn date_new_rejects_impossible_and_unwritable() {
    assert!(AthenaDate::new(2021, 2, 29).is_none());
    assert!(AthenaDate::new(10_000, 1, 1).is_none());
    assert!(AthenaDate::new(-1, 1, 1).is_none());
    let n = NaiveDate::from_ymd_opt(2016, 6, 22).unwrap();
    assert_eq!(AthenaDate::from(n).naive(), n);
    assert!(date(2016, 6, 22) < date(2016, 6, 23));
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Patient {
    dob: AthenaDate,
    #[serde(default)]
    lastappointment: Option<AthenaDateTime>,
}

#[test]
fn date_serde_round_trip_with_escaped_slashes() {
    // athena escapes the slashes on the wire.
    let p: Patient = serde_json::from_str(r#"{"dob":"06\/22\/2016"}"#).unwrap();
    assert_eq!(p.dob, date(2016, 6, 22));
    assert_eq!(p.lastappointment, None);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(json, r#"{"dob":"06/22/2016","lastappointment":null}"#);
    assert_eq!(serde_json::from_str::<Patient>(&json).unwrap(), p);
}

#[test]
fn date_serde_rejects_other_json_types_without_the_value() {
    for (json, found) in [
        ("19700101", "a number"),
        ("true", "a boolean"),
        ("null", "null"),
        ("[\"06/22/2016\"]", "an array"),
        ("{\"d\":\"06/22/2016\"}", "an object"),
    ] {
        let err = serde_json::from_str::<AthenaDate>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected a date as MM/DD/YYYY"), "{err}");
        assert!(err.contains(found), "{err}");
        assert!(!err.contains("19700101") && !err.contains("06/22"), "{err}");
    }
}

// ------------------------------------------------------------------------------------------
// AthenaTime
// ------------------------------------------------------------------------------------------

#[test]
fn time_accepts_24h_12h_and_seconds() {
    let cases = [
        ("14:05", "14:05", "14:05:00"),
        ("9:30", "09:30", "09:30:00"),
        ("00:00", "00:00", "00:00:00"),
        ("23:59:59", "23:59", "23:59:59"),
        ("2:05 PM", "14:05", "14:05:00"),
        ("02:05pm", "14:05", "14:05:00"),
        ("12:00 AM", "00:00", "00:00:00"),
        ("12:30 PM", "12:30", "12:30:00"),
        ("11:59:30 pm", "23:59", "23:59:30"),
        ("  7:15 am ", "07:15", "07:15:00"),
    ];
    for (input, hhmm, hms) in cases {
        let t: AthenaTime = input.parse().unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(t.to_string(), hhmm, "{input:?}");
        assert_eq!(t.to_hms_string(), hms, "{input:?}");
    }
}

#[test]
fn time_rejects_bad_values() {
    let cases = [
        ("24:00", ParseErrorKind::OutOfRange),
        ("12:60", ParseErrorKind::OutOfRange),
        ("13:00 PM", ParseErrorKind::OutOfRange),
        ("0:30 AM", ParseErrorKind::OutOfRange),
        ("1230", ParseErrorKind::Malformed),
        ("12:5", ParseErrorKind::Malformed),
        ("123:00", ParseErrorKind::Malformed),
        ("12:00:00:00", ParseErrorKind::Malformed),
        ("noon", ParseErrorKind::Malformed),
        ("PM", ParseErrorKind::Malformed),
        ("", ParseErrorKind::Empty),
    ];
    for (input, kind) in cases {
        let err = input.parse::<AthenaTime>().expect_err(input);
        assert_eq!(err.kind(), kind, "{input:?}");
    }
}

#[test]
fn time_serde() {
    let t: AthenaTime = serde_json::from_str("\"08:00\"").unwrap();
    assert_eq!(t, AthenaTime::new(8, 0).unwrap());
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"08:00\"");
    let err = serde_json::from_str::<AthenaTime>("800")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("found a number") && !err.contains("800"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------
// AthenaDateTime
// ------------------------------------------------------------------------------------------

#[test]
fn datetime_reads_every_athena_form_and_writes_it_back() {
    let cases = [
        (
            "04/26/2020 14:05:12",
            DateTimeFormat::UsSeconds,
            "04/26/2020 14:05:12",
        ),
        (
            "04/26/2020 14:05",
            DateTimeFormat::UsMinutes,
            "04/26/2020 14:05",
        ),
        (
            "01/15/2019 10:30 AM",
            DateTimeFormat::Us12Hour,
            "01/15/2019 10:30 AM",
        ),
        (
            "01/15/2019 10:30:15 PM",
            DateTimeFormat::Us12HourSeconds,
            "01/15/2019 10:30:15 PM",
        ),
        (
            "2021-01-11T17:03:05-05:00",
            DateTimeFormat::IsoOffset,
            "2021-01-11T17:03:05-05:00",
        ),
        (
            "2021-01-11T17:03:05+05:30",
            DateTimeFormat::IsoOffset,
            "2021-01-11T17:03:05+05:30",
        ),
        (
            "2021-01-11T22:03:05Z",
            DateTimeFormat::IsoUtc,
            "2021-01-11T22:03:05Z",
        ),
        (
            "2021-01-11T17:03:05",
            DateTimeFormat::IsoNaive,
            "2021-01-11T17:03:05",
        ),
        // Lenient inputs, canonical outputs.
        (
            "1/5/2019 9:05 am",
            DateTimeFormat::Us12Hour,
            "01/05/2019 09:05 AM",
        ),
        (
            "4/26/2020  7:05:12",
            DateTimeFormat::UsSeconds,
            "04/26/2020 07:05:12",
        ),
        (
            "2021-01-11T17:03:05-0500",
            DateTimeFormat::IsoOffset,
            "2021-01-11T17:03:05-05:00",
        ),
        (
            "2021-01-11T17:03:05-05",
            DateTimeFormat::IsoOffset,
            "2021-01-11T17:03:05-05:00",
        ),
        (
            "2021-01-11 17:03:05z",
            DateTimeFormat::IsoUtc,
            "2021-01-11T17:03:05Z",
        ),
        (
            "2021-01-11T17:03:05.123-05:00",
            DateTimeFormat::IsoOffset,
            "2021-01-11T17:03:05.123-05:00",
        ),
        (
            "2021-01-11T17:03:05.5Z",
            DateTimeFormat::IsoUtc,
            "2021-01-11T17:03:05.500Z",
        ),
        (
            "2021-01-11T17:03:05.123456789",
            DateTimeFormat::IsoNaive,
            "2021-01-11T17:03:05.123456789",
        ),
        (
            " 2021-01-11T17:03:05-05:00 ",
            DateTimeFormat::IsoOffset,
            "2021-01-11T17:03:05-05:00",
        ),
    ];
    for (input, format, written) in cases {
        let v: AthenaDateTime = input.parse().unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(v.format(), format, "{input:?}");
        assert_eq!(v.to_string(), written, "{input:?}");
        let again: AthenaDateTime = written.parse().unwrap();
        assert_eq!(again, v, "{input:?}");
    }
}

#[test]
fn datetime_keeps_offset_and_wall_clock() {
    let v: AthenaDateTime = "2021-01-11T17:03:05-05:00".parse().unwrap();
    assert_eq!(v.offset(), FixedOffset::west_opt(5 * 3600));
    assert_eq!(v.date(), date(2021, 1, 11));
    assert_eq!(v.time().to_hms_string(), "17:03:05");
    let us: AthenaDateTime = "04/26/2020 14:05:12".parse().unwrap();
    assert_eq!(us.offset(), None);
}

#[test]
fn datetime_format_as_every_form() {
    let v: AthenaDateTime = "2021-01-11T17:03:05-05:00".parse().unwrap();
    let want = [
        (DateTimeFormat::UsSeconds, "01/11/2021 17:03:05"),
        (DateTimeFormat::UsMinutes, "01/11/2021 17:03"),
        (DateTimeFormat::Us12Hour, "01/11/2021 05:03 PM"),
        (DateTimeFormat::Us12HourSeconds, "01/11/2021 05:03:05 PM"),
        (DateTimeFormat::IsoOffset, "2021-01-11T17:03:05-05:00"),
        (DateTimeFormat::IsoUtc, "2021-01-11T22:03:05Z"),
        (DateTimeFormat::IsoNaive, "2021-01-11T17:03:05"),
    ];
    for (format, text) in want {
        assert_eq!(v.format_as(format), text, "{format:?}");
    }
    // A practice-local value has no offset to write: the ISO forms fall back to IsoNaive.
    let local: AthenaDateTime = "01/15/2019 12:30:00".parse().unwrap();
    assert_eq!(
        local.format_as(DateTimeFormat::IsoOffset),
        "2019-01-15T12:30:00"
    );
    assert_eq!(
        local.format_as(DateTimeFormat::IsoUtc),
        "2019-01-15T12:30:00"
    );
    assert_eq!(
        local.format_as(DateTimeFormat::Us12Hour),
        "01/15/2019 12:30 PM"
    );
    assert_eq!(
        local.with_format(DateTimeFormat::UsMinutes).to_string(),
        "01/15/2019 12:30"
    );
}

#[test]
fn datetime_rejects_bad_values() {
    let cases = [
        ("", ParseErrorKind::Empty),
        ("04/26/2020", ParseErrorKind::Malformed),
        ("04/26/2020T14:05:12", ParseErrorKind::Malformed),
        ("04/31/2020 14:05:12", ParseErrorKind::OutOfRange),
        ("04/26/2020 25:05:12", ParseErrorKind::OutOfRange),
        ("04/26/20 14:05", ParseErrorKind::Malformed),
        ("2021-01-11", ParseErrorKind::Malformed),
        ("2021-01-11T17:03", ParseErrorKind::Malformed),
        ("2021-13-11T17:03:05Z", ParseErrorKind::OutOfRange),
        ("2021-01-11T17:03:05-25:00", ParseErrorKind::OutOfRange),
        ("2021-01-11T17:03:05 EST", ParseErrorKind::Malformed),
        ("2021-01-11T17:03:05.Z", ParseErrorKind::Malformed),
        ("2021-01-11T17:03:05.1234567890Z", ParseErrorKind::Malformed),
        ("Smith, John", ParseErrorKind::Malformed),
    ];
    for (input, kind) in cases {
        let err = input.parse::<AthenaDateTime>().expect_err(input);
        assert_eq!(err.kind(), kind, "{input:?}");
    }
}

#[test]
fn datetime_serde_round_trip_keeps_each_form() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        lastmodified: AthenaDateTime,
        lastmodifieddatetime: AthenaDateTime,
        dateordered: AthenaDateTime,
        firstappointment: AthenaDateTime,
    }
    let json = r#"{"lastmodified":"04\/26\/2020 14:05:12","lastmodifieddatetime":"2021-01-11T17:03:05-05:00","dateordered":"01\/15\/2019 10:30 AM","firstappointment":"08\/01\/2019 09:15"}"#;
    let row: Row = serde_json::from_str(json).unwrap();
    let out = serde_json::to_string(&row).unwrap();
    assert_eq!(out, json.replace("\\/", "/"));
    assert_eq!(serde_json::from_str::<Row>(&out).unwrap(), row);
}

#[test]
fn datetime_constructors_normalize_to_their_format() {
    let naive = NaiveDate::from_ymd_opt(2024, 3, 1)
        .unwrap()
        .and_hms_milli_opt(8, 9, 10, 500)
        .unwrap();
    let v = AthenaDateTime::from_naive(naive, DateTimeFormat::UsMinutes);
    assert_eq!(v.to_string(), "03/01/2024 08:09");
    assert_eq!(v, v.to_string().parse().unwrap());
    // Asking for an offset form without an offset gives the naive ISO form.
    let v = AthenaDateTime::from_naive(naive, DateTimeFormat::IsoOffset);
    assert_eq!(v.format(), DateTimeFormat::IsoNaive);
    assert_eq!(v.to_string(), "2024-03-01T08:09:10.500");

    let d = AthenaDate::new(2024, 3, 1).unwrap();
    let t = AthenaTime::new(8, 9).unwrap();
    let v = AthenaDateTime::from_date_time(d, t, DateTimeFormat::UsSeconds);
    assert_eq!(v.to_string(), "03/01/2024 08:09:00");
}

// ------------------------------------------------------------------------------------------
// Time zones and DST
// ------------------------------------------------------------------------------------------

#[test]
fn department_time_zone_names() {
    for (name, canonical) in [
        ("US/Eastern", "US/Eastern"),
        ("America/New_York", "America/New_York"),
        ("US/Central", "US/Central"),
        ("US/Mountain", "US/Mountain"),
        ("US/Pacific", "US/Pacific"),
        ("US/Arizona", "US/Arizona"),
        ("US/Alaska", "US/Alaska"),
        ("US/Hawaii", "US/Hawaii"),
        ("America/Puerto_Rico", "America/Puerto_Rico"),
        (" us/eastern ", "US/Eastern"),
    ] {
        let zone: DepartmentTimeZone = name.parse().unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert_eq!(zone.name(), canonical);
        assert_eq!(zone.to_string(), canonical);
    }
    for bad in ["Eastern Standard Time", "US/Atlantis", "", "UTC+5"] {
        let err = bad.parse::<DepartmentTimeZone>().expect_err(bad);
        assert!(matches!(
            err.kind(),
            ParseErrorKind::UnknownTimeZone | ParseErrorKind::Empty
        ));
        if !bad.is_empty() {
            assert!(!err.to_string().contains(bad), "{err}");
        }
    }
    let zone: DepartmentTimeZone = serde_json::from_str(r#""US\/Eastern""#).unwrap();
    assert_eq!(serde_json::to_string(&zone).unwrap(), r#""US/Eastern""#);
}

#[test]
fn appointment_date_and_start_time_in_department_zone() {
    let cases = [
        ("US/Eastern", "07/01/2024", "09:30", "2024-07-01T13:30:00Z"),
        ("US/Eastern", "01/15/2024", "09:30", "2024-01-15T14:30:00Z"),
        ("US/Arizona", "07/01/2024", "09:30", "2024-07-01T16:30:00Z"),
        ("US/Hawaii", "12/31/2024", "23:00", "2025-01-01T09:00:00Z"),
    ];
    for (zone, d, t, want) in cases {
        let zone: DepartmentTimeZone = zone.parse().unwrap();
        let got = zone.to_utc(d.parse().unwrap(), t.parse().unwrap()).unwrap();
        assert_eq!(got.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), want);
    }
}

#[test]
fn dst_gap_is_an_error_and_overlap_is_earliest() {
    // 2024-03-10 02:30 does not exist in US/Eastern (clocks jump 02:00 → 03:00).
    let gap: AthenaDateTime = "03/10/2024 02:30:00".parse().unwrap();
    let err = gap.in_zone(chrono_tz::US::Eastern).unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::NonexistentLocalTime);
    assert!(!err.to_string().contains("02:30"));
    let err = local_to_utc(EASTERN, date(2024, 3, 10), AthenaTime::new(2, 0).unwrap()).unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::NonexistentLocalTime);
    // Either side of the gap is fine.
    let before: AthenaDateTime = "03/10/2024 01:59:59".parse().unwrap();
    assert_eq!(
        before.to_utc_in(EASTERN).unwrap().to_rfc3339(),
        "2024-03-10T06:59:59+00:00"
    );
    let after: AthenaDateTime = "03/10/2024 03:00:00".parse().unwrap();
    assert_eq!(
        after.to_utc_in(EASTERN).unwrap().to_rfc3339(),
        "2024-03-10T07:00:00+00:00"
    );

    // 2024-11-03 01:30 happens twice (EDT then EST): the earliest (EDT, -04:00) is chosen.
    let twice: AthenaDateTime = "11/03/2024 01:30 AM".parse().unwrap();
    let at = twice.in_zone(chrono_tz::US::Eastern).unwrap();
    assert_eq!(at.to_rfc3339(), "2024-11-03T01:30:00-04:00");
    let naive = twice.naive();
    assert_eq!(resolve_local(EASTERN, naive).unwrap(), at);
}

#[test]
fn values_with_offsets_convert_instead_of_reinterpreting() {
    let v: AthenaDateTime = "2021-01-11T17:03:05-05:00".parse().unwrap();
    let pacific = v.in_zone(chrono_tz::US::Pacific).unwrap();
    assert_eq!(pacific.to_rfc3339(), "2021-01-11T14:03:05-08:00");
    // Even in a DST gap of the target zone, an instant is an instant.
    let v: AthenaDateTime = "2024-03-10T07:30:00Z".parse().unwrap();
    assert_eq!(
        v.in_zone(EASTERN).unwrap().to_rfc3339(),
        "2024-03-10T03:30:00-04:00"
    );
}

#[test]
fn from_instant_in_writes_department_wall_clock() {
    let instant = Utc.with_ymd_and_hms(2024, 7, 1, 13, 30, 0).unwrap();
    let central = chrono_tz::US::Central;
    let cases = [
        (DateTimeFormat::UsSeconds, "07/01/2024 08:30:00"),
        (DateTimeFormat::Us12Hour, "07/01/2024 08:30 AM"),
        (DateTimeFormat::IsoOffset, "2024-07-01T08:30:00-05:00"),
        (DateTimeFormat::IsoUtc, "2024-07-01T13:30:00Z"),
        (DateTimeFormat::IsoNaive, "2024-07-01T08:30:00"),
    ];
    for (format, want) in cases {
        let v = AthenaDateTime::from_instant_in(instant, central, format);
        assert_eq!(v.to_string(), want, "{format:?}");
        assert_eq!(v.to_utc_in(central).unwrap(), instant, "{format:?}");
    }
}

#[test]
fn eastern_feed_timestamps() {
    // Summer (EDT, UTC-4) and winter (EST, UTC-5).
    let summer = Utc.with_ymd_and_hms(2024, 7, 1, 16, 0, 0).unwrap();
    assert_eq!(eastern_feed_timestamp(summer), "07/01/2024 12:00:00");
    let winter = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    assert_eq!(eastern_feed_timestamp(winter), "01/01/2024 22:04:05");
    assert_eq!(
        parse_eastern_feed_timestamp("07/01/2024 12:00:00").unwrap(),
        summer
    );
    assert_eq!(
        parse_eastern_feed_timestamp("01/01/2024 22:04:05").unwrap(),
        winter
    );

    // Round trip across both DST transitions, second by second around each.
    for start in [
        Utc.with_ymd_and_hms(2024, 3, 10, 6, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2024, 11, 3, 5, 0, 0).unwrap(),
    ] {
        for step in 0..(3 * 3600 / 15) {
            let t = start + chrono::TimeDelta::seconds(step * 15);
            let text = eastern_feed_timestamp(t);
            let back = parse_eastern_feed_timestamp(&text).unwrap();
            // During the repeated fall-back hour the earlier instant comes back.
            assert!(back == t || back == t - chrono::TimeDelta::hours(1), "{t}");
            assert_eq!(eastern_feed_timestamp(back), text);
        }
    }
    // The repeated hour: 05:30Z and 06:30Z are both "01:30:00" Eastern on 2024-11-03.
    let first = Utc.with_ymd_and_hms(2024, 11, 3, 5, 30, 0).unwrap();
    let second = Utc.with_ymd_and_hms(2024, 11, 3, 6, 30, 0).unwrap();
    assert_eq!(eastern_feed_timestamp(first), "11/03/2024 01:30:00");
    assert_eq!(eastern_feed_timestamp(second), "11/03/2024 01:30:00");
    assert_eq!(
        parse_eastern_feed_timestamp("11/03/2024 01:30:00").unwrap(),
        first
    );

    let err = parse_eastern_feed_timestamp("03/10/2024 02:30:00").unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::NonexistentLocalTime);
    let err = parse_eastern_feed_timestamp("Smith").unwrap_err();
    assert!(!err.to_string().contains("Smith"));
    assert!(err.to_string().contains("US/Eastern"), "{err}");
}

#[test]
fn messages_never_contain_the_input() {
    let inputs = [
        "Smith",
        "13/45/1970",
        "02/30/1970",
        "1970-02-30T10:00:00Z",
        "John Q. Public 555-12-3456",
        "07/04/1976 25:00",
        "07/04/1976 10:61",
        "10:99 PM",
        "1976",
    ];
    for input in inputs {
        let messages = [
            input.parse::<AthenaDate>().err().map(|e| e.to_string()),
            input.parse::<AthenaTime>().err().map(|e| e.to_string()),
            input.parse::<AthenaDateTime>().err().map(|e| e.to_string()),
            input
                .parse::<DepartmentTimeZone>()
                .err()
                .map(|e| e.to_string()),
            serde_json::from_str::<AthenaDate>(&format!("{input:?}"))
                .err()
                .map(|e| e.to_string()),
            serde_json::from_str::<AthenaDateTime>(&format!("{input:?}"))
                .err()
                .map(|e| e.to_string()),
        ];
        for msg in messages.into_iter().flatten() {
            assert!(!msg.contains(input), "{msg:?} contains {input:?}");
            // serde_json appends " at line L column C"; the positions are not the value.
            let msg = msg.split(" at line").next().unwrap_or_default();
            let parts = input.split(['/', ' ', ':', '-']);
            for part in parts.filter(|p| p.len() >= 2 && !["AM", "PM"].contains(p)) {
                assert!(!msg.contains(part), "{msg:?} contains a part of {input:?}");
            }
        }
    }
}
