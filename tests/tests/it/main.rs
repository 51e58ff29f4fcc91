//! athena-rs's cross-crate integration and conformance tests, in one binary: one module per
//! concern. Tests that observe `tracing` install their subscriber for their own thread only
//! (a current-thread runtime under `tracing::subscriber::set_default`), so they run side by
//! side with the others without seeing their events.

mod fault_matrix;
mod fuzz_corpus;
mod load;
mod phi_leaks;
mod security;
