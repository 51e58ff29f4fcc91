//! Fuzz target `rest_envelope`: see `athena_tests::fuzz::rest_envelope`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    athena_tests::fuzz::run("rest_envelope", data);
});
