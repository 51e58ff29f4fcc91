//! Fuzz target `bulk_ndjson`: see `athena_tests::fuzz::bulk_ndjson`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    athena_tests::fuzz::run("bulk_ndjson", data);
});
