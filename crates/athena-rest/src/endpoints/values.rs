//! Typed values of athena's enumerated request parameters (what a setter accepts where athena
//! documents a fixed set of codes).

use std::fmt;

/// Declares a request-side enum whose `Display` is athena's wire code.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// athena's code for this value, as sent on the wire.
            pub fn code(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

wire_enum! {
    /// A patient's registration `status` (patient search, create, update).
    pub enum PatientStatus {
        /// `active`.
        Active = "active",
        /// `inactive`.
        Inactive = "inactive",
        /// `prospective`: not yet seen.
        Prospective = "prospective",
        /// `deleted` (athena "deletes" a patient by updating this status).
        Deleted = "deleted",
    }
}

wire_enum! {
    /// A problem's `status` when adding it to the chart.
    pub enum ProblemStatus {
        /// `CHRONIC`.
        Chronic = "CHRONIC",
        /// `ACUTE`.
        Acute = "ACUTE",
    }
}

wire_enum! {
    /// `laterality` of a problem or an encounter diagnosis.
    pub enum Laterality {
        /// `LEFT`.
        Left = "LEFT",
        /// `RIGHT`.
        Right = "RIGHT",
        /// `BILATERAL`.
        Bilateral = "BILATERAL",
    }
}

wire_enum! {
    /// `resultstatus` of a lab result document.
    pub enum ResultStatus {
        /// `Final`.
        Final = "Final",
        /// `Partial`.
        Partial = "Partial",
        /// `Pending`.
        Pending = "Pending",
        /// `Preliminary`.
        Preliminary = "Preliminary",
        /// `Corrected`.
        Corrected = "Corrected",
        /// `Cancelled`.
        Cancelled = "Cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_wire_code() {
        assert_eq!(PatientStatus::Active.to_string(), "active");
        assert_eq!(PatientStatus::Deleted.code(), "deleted");
        assert_eq!(ProblemStatus::Chronic.to_string(), "CHRONIC");
        assert_eq!(Laterality::Bilateral.to_string(), "BILATERAL");
        assert_eq!(ResultStatus::Preliminary.to_string(), "Preliminary");
    }
}
