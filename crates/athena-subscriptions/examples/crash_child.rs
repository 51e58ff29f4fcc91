//! Child process of the crash test (`tests/crash.rs`): polls with a file checkpoint store
//! and appends each delivered idempotency key to a file (fsync) before acknowledging.
fn main() {}
