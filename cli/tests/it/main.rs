//! The `athena` binary's integration tests, one binary: each module runs the built command
//! (`CARGO_BIN_EXE_athena`) and checks what it prints and how it exits, or drives the SDK
//! against the sandbox the command uses.

mod common;

mod commands;
mod feed;
mod help;
mod pipe;
mod sdk;
mod serve;
