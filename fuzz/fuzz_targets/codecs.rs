//! Fuzz target `codecs`: see `athena_tests::fuzz::codecs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    athena_tests::fuzz::run("codecs", data);
});
