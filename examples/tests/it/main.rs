//! The examples' integration tests, in one binary: each example is built once (with the cargo
//! running this test) and run as a subprocess against its own local sandbox.

mod common;
mod phi_in_logs;
mod run_examples;
