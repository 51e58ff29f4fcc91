//! athena-testkit (being built).
