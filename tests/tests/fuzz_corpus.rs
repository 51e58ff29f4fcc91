//! Runs every checked-in corpus file of the `cargo fuzz` targets (`fuzz/corpus/TARGET/`)
//! through the same function the fuzzer drives, so CI covers them on stable.

use std::path::PathBuf;

#[test]
fn every_fuzz_corpus_file_passes_its_target() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for target in athena_tests::fuzz::TARGETS {
        let dir = root.join(target);
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("corpus entry").path();
            let data = std::fs::read(&path).expect("corpus file");
            athena_tests::fuzz::run(target, &data);
            n += 1;
        }
        assert!(n >= 3, "{target}: only {n} corpus files");
    }
}

#[test]
fn targets_find_round_trip_bugs() {
    // The harness is not vacuous: a value that parses is printed and parsed back.
    athena_tests::fuzz::run("codecs", b"01/15/1985");
    athena_tests::fuzz::run("codecs", b"12.5");
    let r = std::panic::catch_unwind(|| athena_tests::fuzz::run("no_such_target", b""));
    assert!(r.is_err());
}
