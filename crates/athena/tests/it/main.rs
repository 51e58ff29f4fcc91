//! The `athena` facade's integration tests: one binary, one module per concern.

mod prelude;
#[cfg(feature = "sandbox")]
mod sandbox;
