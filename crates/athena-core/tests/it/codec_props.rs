//! Property tests: writing then parsing is the identity, and no input panics a parser.

use athena_core::codec::lenient::{
    BareOutcome, LenientBool, LenientInt, LenientString, OneOrMany, Single,
};
use athena_core::codec::tz::parse_eastern_feed_timestamp;
use athena_core::codec::{
    AthenaDate, AthenaDateTime, AthenaTime, DateTimeFormat, DepartmentTimeZone, Money,
};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

fn naive_date() -> impl Strategy<Value = NaiveDate> {
    dates_in(0..=9999)
}

/// Dates in years that stay writable after any offset conversion (which can cross a year).
fn inner_date() -> impl Strategy<Value = NaiveDate> {
    dates_in(1..=9998)
}

fn dates_in(years: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = NaiveDate> {
    (years, 1u32..=12, 1u32..=31)
        .prop_filter_map("real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn naive_time() -> impl Strategy<Value = NaiveTime> {
    (
        0u32..24,
        0u32..60,
        0u32..60,
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
    )
        .prop_map(|(h, m, s, n)| NaiveTime::from_hms_nano_opt(h, m, s, n).unwrap())
}

fn format() -> impl Strategy<Value = DateTimeFormat> {
    proptest::sample::select(DateTimeFormat::ALL.to_vec())
}

fn offset() -> impl Strategy<Value = FixedOffset> {
    // Whole minutes, as athena writes them, across the full ±23:59 range.
    (-(23 * 60 + 59)..=(23 * 60 + 59)).prop_map(|min: i32| FixedOffset::east_opt(min * 60).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn date_round_trip(d in naive_date()) {
        let date = AthenaDate::from(d);
        let text = date.to_string();
        prop_assert_eq!(text.len(), 10);
        prop_assert_eq!(text.parse::<AthenaDate>().unwrap(), date);
        let json = serde_json::to_string(&date).unwrap();
        prop_assert_eq!(serde_json::from_str::<AthenaDate>(&json).unwrap(), date);
    }

    #[test]
    fn time_round_trip(h in 0u32..24, m in 0u32..60) {
        let time = AthenaTime::new(h, m).unwrap();
        prop_assert_eq!(time.to_string().parse::<AthenaTime>().unwrap(), time);
        prop_assert_eq!(time.to_hms_string().parse::<AthenaTime>().unwrap(), time);
        // The 12-hour spelling of the same time reads back to it too.
        let (pm, h12) = (h >= 12, if h % 12 == 0 { 12 } else { h % 12 });
        let twelve = format!("{h12}:{m:02} {}", if pm { "PM" } else { "AM" });
        prop_assert_eq!(twelve.parse::<AthenaTime>().unwrap(), time);
    }

    #[test]
    fn datetime_round_trip_every_format(d in inner_date(), t in naive_time(), f in format(), o in offset()) {
        let naive = NaiveDateTime::new(d, t);
        let values = [
            AthenaDateTime::from_naive(naive, f),
            AthenaDateTime::from_fixed(naive.and_local_timezone(o).unwrap(), f),
        ];
        for v in values {
            let text = v.to_string();
            let back: AthenaDateTime = text.parse().unwrap();
            prop_assert_eq!(back, v, "{}", text);
            prop_assert_eq!(back.to_string(), text.clone());
            let json = serde_json::to_string(&v).unwrap();
            prop_assert_eq!(serde_json::from_str::<AthenaDateTime>(&json).unwrap(), v);
            // Every other form also reads back to a value that writes the same text.
            for other in DateTimeFormat::ALL {
                let written = v.format_as(other);
                let reread: AthenaDateTime = written.parse().unwrap();
                prop_assert_eq!(reread.to_string(), written);
            }
        }
    }

    #[test]
    fn offset_values_keep_their_instant(d in inner_date(), t in naive_time(), o in offset()) {
        let fixed = NaiveDateTime::new(d, t).and_local_timezone(o).unwrap();
        for f in [DateTimeFormat::IsoOffset, DateTimeFormat::IsoUtc] {
            let v: AthenaDateTime = AthenaDateTime::from_fixed(fixed, f).to_string().parse().unwrap();
            prop_assert_eq!(v.to_utc_in(chrono_tz::UTC).unwrap(), fixed.with_timezone(&chrono::Utc));
        }
    }

    #[test]
    fn money_round_trip(mantissa in -999_999_999_999_999_999_999_999i128..=999_999_999_999_999_999_999_999i128, scale in 0u32..=9) {
        let v = Money::new(mantissa / 10i128.pow(9 - scale), scale).unwrap();
        let text = v.to_string();
        let back: Money = text.parse().unwrap();
        prop_assert_eq!((back.mantissa(), back.scale()), (v.mantissa(), v.scale()), "{}", text);
        let json = serde_json::to_string(&v).unwrap();
        let back: Money = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn money_add_sub_inverse(a in -10_000_000i64..10_000_000, b in -10_000_000i64..10_000_000) {
        let (x, y) = (Money::from_cents(a), Money::from_cents(b));
        prop_assert_eq!((x + y) - y, x);
        prop_assert_eq!((x + y).to_cents(), Some(a + b));
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
    }

    #[test]
    fn integers_read_from_text_and_numbers(n in any::<u64>()) {
        let from_num: LenientInt<u64> = serde_json::from_str(&n.to_string()).unwrap();
        let from_str: LenientInt<u64> = serde_json::from_str(&format!("\"{n}\"")).unwrap();
        prop_assert_eq!(from_num.0, n);
        prop_assert_eq!(from_str.0, n);
    }

    #[test]
    fn parsers_never_panic(s in any::<String>()) {
        let _ = s.parse::<AthenaDate>();
        let _ = s.parse::<AthenaTime>();
        let _ = s.parse::<AthenaDateTime>();
        let _ = s.parse::<Money>();
        let _ = s.parse::<DepartmentTimeZone>();
        let _ = parse_eastern_feed_timestamp(&s);
        let json = serde_json::to_string(&s).unwrap();
        let _ = serde_json::from_str::<AthenaDate>(&json);
        let _ = serde_json::from_str::<AthenaDateTime>(&json);
        let _ = serde_json::from_str::<Money>(&json);
        let _ = serde_json::from_str::<LenientBool>(&json);
        let _ = serde_json::from_str::<LenientInt<i64>>(&json);
        let _ = serde_json::from_str::<LenientString>(&json);
        let _ = serde_json::from_str::<BareOutcome>(&json);
        // Raw text as JSON too (mostly invalid, sometimes numbers/arrays/objects).
        let _ = serde_json::from_str::<Money>(&s);
        let _ = serde_json::from_str::<OneOrMany<LenientInt<u8>>>(&s);
        let _ = serde_json::from_str::<Single<Money>>(&s);
        let _ = serde_json::from_str::<BareOutcome>(&s);
    }

    #[test]
    fn shaped_inputs_never_panic(s in "[0-9 /:.+\\-TZAPMapmz,eE]{0,40}") {
        let _ = s.parse::<AthenaDate>();
        let _ = s.parse::<AthenaTime>();
        if let Ok(v) = s.parse::<AthenaDateTime>() {
            // Anything accepted writes a form that reads back to itself.
            let text = v.to_string();
            prop_assert_eq!(text.parse::<AthenaDateTime>().unwrap(), v);
            let _ = v.in_zone(chrono_tz::US::Eastern);
        }
        if let Ok(m) = s.parse::<Money>() {
            prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
            let _ = m.to_cents();
        }
        let _ = parse_eastern_feed_timestamp(&s);
    }

    #[test]
    fn errors_never_echo_the_input(s in "[A-Za-z]{6,12}|[0-9]{3,8}/[0-9]{3,8}/[0-9]{3,8}") {
        let messages = [
            s.parse::<AthenaDate>().err().map(|e| e.to_string()),
            s.parse::<AthenaTime>().err().map(|e| e.to_string()),
            s.parse::<AthenaDateTime>().err().map(|e| e.to_string()),
            s.parse::<Money>().err().map(|e| e.to_string()),
            serde_json::from_str::<LenientBool>(&format!("\"{s}\"")).err().map(|e| e.to_string()),
            serde_json::from_str::<LenientInt<u32>>(&format!("\"{s}\"")).err().map(|e| e.to_string()),
        ];
        for msg in messages.into_iter().flatten() {
            prop_assert!(!msg.contains(&s), "{:?} contains {:?}", msg, s);
        }
    }
}
