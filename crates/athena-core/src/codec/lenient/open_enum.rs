//! `open_enum!`: an enum over athena's codes that keeps codes it does not know.

/// Defines an open enum over athena's codes: known variants plus `Other(String)`, decoded
/// (case-insensitively, trimmed) from the code text and written back unchanged.
///
/// It implements `Debug`, `Clone`, `PartialEq`, `Eq`, `Hash`, `code()`, `FromStr`
/// (infallible), `Display`, serde, and [`FieldValue`](crate::codec::lenient::FieldValue), so
/// it can be a field of a `#[derive(Model)]` struct (a blank code is `None` there; a
/// non-text value is kept raw with a warning). A macro rather than a derive because the
/// variants and their codes are the whole definition.
///
/// ```
/// athena_core::open_enum! {
///     /// A light.
///     pub enum Light {
///         /// Go.
///         Green = "G",
///         /// Stop.
///         Red = "R",
///     }
/// }
/// assert_eq!("g".parse::<Light>(), Ok(Light::Green));
/// assert_eq!("X".parse::<Light>(), Ok(Light::Other("X".into())));
/// assert_eq!(Light::Red.to_string(), "R");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code this SDK does not know yet, kept verbatim.
            Other(String),
        }

        impl $name {
            /// athena's code for this value.
            pub fn code(&self) -> &str {
                match self {
                    $( $name::$variant => $code, )*
                    $name::Other(s) => s,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(match s.trim() {
                    $( c if c.eq_ignore_ascii_case($code) => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                use $crate::__private::serde::de::Error as _;
                use $crate::codec::lenient::{Decoded, FieldValue};
                match <String as FieldValue>::decode(d)? {
                    Decoded::Value(text) => Ok(text
                        .parse()
                        .unwrap_or_else(|e: ::std::convert::Infallible| match e {})),
                    Decoded::Absent => Ok($name::Other(String::new())),
                    Decoded::Raw(_) => Err(D::Error::custom(concat!(
                        "wrong JSON type; expected a code (",
                        stringify!($name),
                        ")"
                    ))),
                }
            }
        }

        impl $crate::codec::lenient::FieldValue for $name {
            const EXPECTED: &'static str = concat!("a code (", stringify!($name), ")");
            fn decode<'de, D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<$crate::codec::lenient::Decoded<Self>, D::Error> {
                use $crate::codec::lenient::{Decoded, FieldValue};
                Ok(match <String as FieldValue>::decode(d)? {
                    Decoded::Value(s) if !s.trim().is_empty() => Decoded::Value(
                        s.parse()
                            .unwrap_or_else(|e: ::std::convert::Infallible| match e {}),
                    ),
                    Decoded::Value(_) | Decoded::Absent => Decoded::Absent,
                    Decoded::Raw(raw) => Decoded::Raw(raw),
                })
            }
        }
    };
}
