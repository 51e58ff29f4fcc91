//! NDJSON decoding: bytes (plain or gzip, in chunks of any size) to numbered lines to
//! resources; errors name the line, never the value.

use std::io::Write as _;

use futures::{Stream, StreamExt};

use crate::error::{FhirError, Repr, Result};
use crate::r4::Resource;

/// Decodes an NDJSON byte stream (plain or gzip) into resources, one line at a time.
pub fn ndjson<S, B, E>(bytes: S) -> impl Stream<Item = Result<Resource>> + Send + 'static
where
    S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
    B: AsRef<[u8]>,
    E: std::error::Error + Send + Sync + 'static,
{
    let state = LineState {
        input: Box::pin(bytes),
        lines: Lines::default(),
        done: false,
    };
    futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some((n, line)) = st.lines.next_line() {
                let item = serde_json::from_slice::<Resource>(&line)
                    .map_err(|e| FhirError::decode_line(n, e));
                return Some((item, st));
            }
            if st.done {
                return None;
            }
            match st.input.next().await {
                Some(Ok(chunk)) => {
                    if let Err(e) = st.lines.push(chunk.as_ref()) {
                        st.done = true;
                        return Some((Err(e), st));
                    }
                }
                Some(Err(e)) => {
                    st.done = true;
                    return Some((Err(FhirError::transport(e)), st));
                }
                None => {
                    st.done = true;
                    if let Err(e) = st.lines.finish() {
                        return Some((Err(e), st));
                    }
                }
            }
        }
    })
}

impl FhirError {
    /// A failed byte stream ([`crate::FhirErrorKind::Transport`]); the cause is its source.
    pub(crate) fn transport(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        FhirError::from(Repr::Transport).with_source(e)
    }
}

struct LineState<S> {
    input: std::pin::Pin<Box<S>>,
    lines: Lines,
    done: bool,
}

/// Splits bytes into lines, gunzipping first when the body starts with the gzip magic.
#[derive(Default)]
pub(super) struct Lines {
    /// Undecided until the first two bytes are seen.
    mode: Option<Mode>,
    head: Vec<u8>,
    buf: Vec<u8>,
    /// Start of the unread part of `buf`.
    pos: usize,
    /// Lines consumed so far (blank ones included).
    pub(super) line: u64,
    /// Lines up to this number are consumed without being returned (already handed out by an
    /// earlier attempt of the same download).
    pub(super) skip: u64,
    pub(super) ended: bool,
}

enum Mode {
    Plain,
    Gzip(Box<flate2::write::MultiGzDecoder<Vec<u8>>>),
}

impl Lines {
    /// Lines that skip the first `skip` (handed out by an earlier attempt of the same download).
    pub(super) fn skipping(skip: u64) -> Self {
        Lines {
            skip,
            ..Lines::default()
        }
    }

    pub(super) fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if self.mode.is_none() {
            self.head.extend_from_slice(chunk);
            if self.head.len() < 2 {
                return Ok(());
            }
            let gz = self.head[0] == 0x1f && self.head[1] == 0x8b;
            self.mode = Some(if gz {
                Mode::Gzip(Box::new(flate2::write::MultiGzDecoder::new(Vec::new())))
            } else {
                Mode::Plain
            });
            let head = std::mem::take(&mut self.head);
            return self.feed(&head);
        }
        self.feed(chunk)
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.compact();
        match self.mode.as_mut() {
            Some(Mode::Gzip(d)) => {
                d.write_all(chunk)?;
                self.buf.append(d.get_mut());
            }
            _ => self.buf.extend_from_slice(chunk),
        }
        Ok(())
    }

    pub(super) fn finish(&mut self) -> Result<()> {
        if self.mode.is_none() {
            self.mode = Some(Mode::Plain);
            let head = std::mem::take(&mut self.head);
            self.buf.extend_from_slice(&head);
        }
        if let Some(Mode::Gzip(d)) = self.mode.as_mut() {
            d.try_finish()?;
            self.buf.append(d.get_mut());
        }
        self.ended = true;
        Ok(())
    }

    /// Drops consumed bytes so the buffer holds at most one partial line plus a chunk.
    fn compact(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// The next line that is not blank, with its 1-based number in the file.
    pub(super) fn next_line(&mut self) -> Option<(u64, Vec<u8>)> {
        loop {
            let rest = &self.buf[self.pos..];
            let (line, consumed) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], i + 1),
                None if self.ended && !rest.is_empty() => (rest, rest.len()),
                None => return None,
            };
            if self.line < self.skip {
                self.pos += consumed;
                self.line += 1;
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            // Only JSON whitespace is blank: a line of anything else is reported, not skipped.
            let blank = line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
            let out = (!blank).then(|| line.to_vec());
            self.pos += consumed;
            self.line += 1;
            if let Some(l) = out {
                return Some((self.line, l));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(chunks: &[&[u8]]) -> Vec<String> {
        let mut l = Lines::default();
        let mut out = Vec::new();
        for c in chunks {
            l.push(c).expect("push");
            while let Some((_, x)) = l.next_line() {
                out.push(String::from_utf8(x).expect("utf8"));
            }
        }
        l.finish().expect("finish");
        while let Some((_, x)) = l.next_line() {
            out.push(String::from_utf8(x).expect("utf8"));
        }
        out
    }

    #[test]
    fn splits_lines_across_chunks_and_skips_blanks() {
        assert_eq!(
            lines_of(&[b"{\"a\"", b":1}\n\n{\"b\":2}\r\n", b"{\"c\":3}"]),
            ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]
        );
        assert_eq!(lines_of(&[b"{", b"}"]), ["{}"]);
        assert!(lines_of(&[b""]).is_empty());
    }

    #[test]
    fn skips_the_lines_an_earlier_attempt_handed_out() {
        let mut l = Lines {
            skip: 3,
            ..Lines::default()
        };
        for c in [
            &b"{\"a\":1}\n\n{\"b\""[..],
            b":2}\n{\"c\":3}\n{\"d\"",
            b":4}",
        ] {
            l.push(c).expect("push");
        }
        l.finish().expect("finish");
        // Lines 1–3 (one of them blank) are skipped; numbering stays the file's.
        assert_eq!(l.next_line(), Some((4, b"{\"c\":3}".to_vec())));
        assert_eq!(l.next_line(), Some((5, b"{\"d\":4}".to_vec())));
        assert_eq!(l.next_line(), None);
    }

    #[tokio::test]
    async fn ndjson_errors_name_the_line_never_the_value() {
        // Found by the `bulk_ndjson` fuzz target: errors quoted the value and did not say
        // which line failed; a form-feed line was skipped as blank.
        let body: &[u8] = b"{\"resourceType\":\"Patient\",\"id\":\"1\"}\n\n\x0c\n{\"resourceType\":\"Patient\",\"active\":\"555-0100-1234\"}\n";
        let input = futures::stream::iter([Ok::<_, std::io::Error>(body)]);
        let items: Vec<_> = ndjson(input).collect().await;
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok());
        for (item, line) in items[1..].iter().zip([3, 4]) {
            let e = item.as_ref().expect_err("not a resource");
            let text = format!("{e} {e:?}");
            assert!(text.contains(&format!("NDJSON line {line}:")), "{text}");
            assert!(!text.contains("555-0100"), "{text}");
        }
    }

    #[test]
    fn gunzips_by_magic_even_in_tiny_chunks() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"{\"x\":1}\n{\"y\":2}\n").expect("write");
        let gz = enc.finish().expect("finish");
        let chunks: Vec<&[u8]> = gz.chunks(1).collect();
        assert_eq!(lines_of(&chunks), ["{\"x\":1}", "{\"y\":2}"]);
    }
}
