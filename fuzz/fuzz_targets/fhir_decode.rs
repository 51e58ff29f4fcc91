//! Fuzz target `fhir_decode`: see `athena_tests::fuzz::fhir_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    athena_tests::fuzz::run("fhir_decode", data);
});
