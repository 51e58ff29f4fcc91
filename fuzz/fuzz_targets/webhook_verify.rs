//! Fuzz target `webhook_verify`: see `athena_tests::fuzz::webhook_verify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    athena_tests::fuzz::run("webhook_verify", data);
});
