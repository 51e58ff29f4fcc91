//! `Money`: an exact decimal amount that keeps its written scale.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ParseError, ParseErrorKind, Scalar, ScalarSeed, de_error, wrong_type};
use serde::de::DeserializeSeed;

const EXPECTED: &str = "an amount of money as a decimal number or decimal string";

/// An exact decimal amount of money (`"-25.15"`, `"189"`, `0`, `12.5`).
///
/// Stored as an integer mantissa and a decimal scale (`25.10` is `2510` at scale 2) so no
/// float rounding ever happens, and the scale is kept: `"25.10"` is written back `25.10`.
///
/// - Parsing accepts an optional sign, digits with an optional fraction (`.5`, `5.` too), an
///   optional exponent (`1.5e2`), and surrounding whitespace. At most
///   [`MAX_SCALE`](Self::MAX_SCALE) decimal places and an absolute value below
///   10<sup>15</sup> are accepted, so arithmetic on parsed amounts cannot overflow in practice.
/// - Serde reads a JSON string or number and writes a string. Numbers are read from their
///   text: integers exactly; **non-integers arrive from serde_json as `f64`**, which is then
///   written with Rust's shortest round-trip formatting, so `25.10` sent as a bare JSON number
///   reads as `25.1` (same value, scale lost) and a number with more than ~15 significant
///   digits may already have been rounded by serde_json. If the workspace enables serde_json's
///   `arbitrary_precision` feature, numbers arrive as their exact text and this caveat goes
///   away; this type handles both.
/// - Equality, ordering and hashing are by **value** (`25.10 == 25.1`); `Display` keeps the
///   scale.
///
/// ```
/// use athena_core::codec::Money;
///
/// let balance: Money = "-25.15".parse()?;
/// let charge: Money = "189".parse()?;
/// assert_eq!((charge + balance).to_string(), "163.85");
/// assert_eq!(balance.to_cents(), Some(-2515));
/// # Ok::<(), athena_core::codec::ParseError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Money {
    mantissa: i128,
    scale: u32,
}

/// 10^15: parsed amounts must be below this in absolute value.
const MAX_ABS_UNITS: i128 = 1_000_000_000_000_000;

impl Money {
    /// The largest number of decimal places a `Money` can have.
    pub const MAX_SCALE: u32 = 9;

    /// Zero, written `0`.
    pub const ZERO: Money = Money {
        mantissa: 0,
        scale: 0,
    };

    /// `mantissa × 10^-scale`, or `None` if `scale` exceeds [`MAX_SCALE`](Self::MAX_SCALE).
    pub const fn new(mantissa: i128, scale: u32) -> Option<Self> {
        if scale > Self::MAX_SCALE {
            None
        } else {
            Some(Self { mantissa, scale })
        }
    }

    /// A whole number of cents, written with two decimals (`-2515` → `-25.15`).
    pub const fn from_cents(cents: i64) -> Self {
        Self {
            mantissa: cents as i128,
            scale: 2,
        }
    }

    /// The integer mantissa (`2510` for `25.10`).
    pub const fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// The number of decimal places as written (`2` for `25.10`).
    pub const fn scale(&self) -> u32 {
        self.scale
    }

    /// Whether the amount is zero.
    pub const fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The amount in whole cents, rounding any sub-cent part half away from zero;
    /// `None` if it does not fit an `i64`.
    pub fn to_cents(&self) -> Option<i64> {
        let cents = if self.scale <= 2 {
            self.mantissa.checked_mul(10i128.pow(2 - self.scale))?
        } else {
            let divisor = 10i128.pow(self.scale - 2);
            let (q, r) = (self.mantissa / divisor, self.mantissa % divisor);
            if r.unsigned_abs() * 2 >= divisor.unsigned_abs() {
                q + self.mantissa.signum()
            } else {
                q
            }
        };
        i64::try_from(cents).ok()
    }

    /// The same value written with `scale` decimal places, or `None` if that would drop
    /// non-zero digits, overflow, or exceed [`MAX_SCALE`](Self::MAX_SCALE).
    pub fn with_scale(&self, scale: u32) -> Option<Self> {
        if scale > Self::MAX_SCALE {
            return None;
        }
        if scale >= self.scale {
            let mantissa = self.mantissa.checked_mul(10i128.pow(scale - self.scale))?;
            Some(Self { mantissa, scale })
        } else {
            let divisor = 10i128.pow(self.scale - scale);
            (self.mantissa % divisor == 0).then(|| Self {
                mantissa: self.mantissa / divisor,
                scale,
            })
        }
    }

    /// `self + other` at the larger of the two scales, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let scale = self.scale.max(other.scale);
        let a = self.with_scale(scale)?;
        let b = other.with_scale(scale)?;
        Some(Self {
            mantissa: a.mantissa.checked_add(b.mantissa)?,
            scale,
        })
    }

    /// `self - other` at the larger of the two scales, or `None` on overflow.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(other.checked_neg()?)
    }

    /// `-self`, or `None` on overflow.
    pub fn checked_neg(self) -> Option<Self> {
        Some(Self {
            mantissa: self.mantissa.checked_neg()?,
            scale: self.scale,
        })
    }

    /// The value with trailing fractional zeros removed, for value comparison and hashing.
    fn normalized(&self) -> (i128, u32) {
        let (mut m, mut s) = (self.mantissa, self.scale);
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        (m, s)
    }

    fn parse(input: &str) -> Result<Self, ParseError> {
        let malformed = ParseError::new(ParseErrorKind::Malformed, EXPECTED);
        let overflow = ParseError::new(ParseErrorKind::Overflow, EXPECTED);
        let s = input.trim();
        if s.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, EXPECTED));
        }
        let (negative, s) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (number, exponent) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(malformed);
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(malformed);
        }
        let exponent: i64 = match exponent {
            None => 0,
            Some(e) => {
                let (sign, digits) = match e.as_bytes().first() {
                    Some(b'-') => (-1, &e[1..]),
                    Some(b'+') => (1, &e[1..]),
                    _ => (1, e),
                };
                // A short exponent is plenty; a long one can only overflow.
                sign * i64::from(super::digits(digits, 1, 4).ok_or(malformed)?)
            }
        };

        // Accumulate the digits, skipping leading zeros so they cannot overflow anything.
        let mut mantissa: i128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or(overflow)?;
        }
        // Value = mantissa × 10^(exponent - frac_len).
        let frac_len = i64::try_from(frac_part.len()).map_err(|_| overflow)?;
        let mut scale = frac_len - exponent;
        while scale < 0 {
            mantissa = mantissa.checked_mul(10).ok_or(overflow)?;
            scale += 1;
        }
        // Trailing zeros beyond MAX_SCALE carry no value; drop them before giving up.
        while scale > i64::from(Self::MAX_SCALE) && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        let scale = u32::try_from(scale)
            .ok()
            .filter(|s| *s <= Self::MAX_SCALE)
            .ok_or(overflow)?;
        let limit = MAX_ABS_UNITS
            .checked_mul(10i128.pow(scale))
            .ok_or(overflow)?;
        if mantissa >= limit {
            return Err(overflow);
        }
        Ok(Self {
            mantissa: if negative { -mantissa } else { mantissa },
            scale,
        })
    }

    fn from_scalar(scalar: Scalar<'_>) -> Result<Self, ParseError> {
        match scalar {
            Scalar::Str(s) => Self::parse(&s),
            Scalar::NumberText(s) => Self::parse(&s),
            Scalar::Int(i) => Self::parse(&i.to_string()),
            Scalar::Float(f) if f.is_finite() => Self::parse(&f.to_string()),
            Scalar::Float(_) => Err(ParseError::new(ParseErrorKind::Malformed, EXPECTED)),
            Scalar::Null | Scalar::Bool(_) => {
                Err(ParseError::new(ParseErrorKind::WrongType, EXPECTED))
            }
        }
    }
}

impl Default for Money {
    fn default() -> Self {
        Self::ZERO
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

impl FromStr for Money {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl PartialEq for Money {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Money {}

impl Hash for Money {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Money {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        // Rescaling can only overflow when that side's magnitude exceeds anything the other
        // can hold, in which case its sign decides.
        match (self.with_scale(scale), other.with_scale(scale)) {
            (Some(a), Some(b)) => a.mantissa.cmp(&b.mantissa),
            (None, _) => self.mantissa.signum().cmp(&0),
            (_, None) => 0.cmp(&other.mantissa.signum()),
        }
    }
}

impl std::ops::Add for Money {
    type Output = Money;

    /// # Panics
    ///
    /// On overflow of the 128-bit mantissa, like integer `+` (unreachable for amounts parsed
    /// from athena, which are below 10<sup>15</sup>); use [`Money::checked_add`] otherwise.
    fn add(self, other: Money) -> Money {
        self.checked_add(other).expect("Money addition overflowed")
    }
}

impl std::ops::Sub for Money {
    type Output = Money;

    /// # Panics
    ///
    /// On overflow of the 128-bit mantissa; use [`Money::checked_sub`] otherwise.
    fn sub(self, other: Money) -> Money {
        self.checked_sub(other)
            .expect("Money subtraction overflowed")
    }
}

impl std::ops::Neg for Money {
    type Output = Money;

    /// # Panics
    ///
    /// Only for a mantissa of `i128::MIN`, which parsing never produces.
    fn neg(self) -> Money {
        self.checked_neg().expect("Money negation overflowed")
    }
}

impl std::iter::Sum for Money {
    /// # Panics
    ///
    /// On overflow, as for `+`.
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let scalar = ScalarSeed { expected: EXPECTED }.deserialize(deserializer)?;
        let found = scalar.type_name();
        Money::from_scalar(scalar).map_err(|e| match e.kind() {
            ParseErrorKind::WrongType => wrong_type(EXPECTED, found),
            _ => de_error(e),
        })
    }
}
