//! athena-testkit's integration tests, one binary: each module tests one part of the sandbox
//! through raw HTTP (reqwest), as any client of athena would see it.

mod common;

mod auth;
mod extras;
mod faults;
mod feeds;
mod fhir;
mod fixtures;
mod like_athena;
mod rest;
mod scale;
mod seed_digest;
