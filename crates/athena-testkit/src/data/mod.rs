//! The synthetic data generator: deterministic from the seed, cheap, no real person.

pub(crate) mod clinical;
pub(crate) mod patients;
pub(crate) mod preview;
pub(crate) mod rng;
pub(crate) mod schedule;
pub(crate) mod tables;
