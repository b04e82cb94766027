//! The targets' input formats, plain text so that seeds can be read and written by hand.

use crate::TestKey;

/// A token from a fuzz input: `r<token>` is a token as sent; `s<header JSON>\n<payload JSON>`
/// is signed here with the test key (so mutations of the JSON reach past the signature check).
/// Anything else is a token as sent. `None` when the input is not UTF-8.
pub fn token(data: &[u8], key: &TestKey) -> Option<String> {
    match data.split_first() {
        Some((b's', rest)) => {
            let (header, payload) = match rest.iter().position(|&b| b == b'\n') {
                Some(at) => (&rest[..at], &rest[at + 1..]),
                None => (rest, &[][..]),
            };
            Some(key.sign(header, payload))
        }
        Some((b'r', rest)) => std::str::from_utf8(rest).ok().map(str::to_owned),
        _ => std::str::from_utf8(data).ok().map(str::to_owned),
    }
}

/// The first `n` lines of `text` (without their `\n`; missing ones are empty) and the rest.
pub fn lines<const N: usize>(text: &[u8]) -> ([&[u8]; N], &[u8]) {
    let mut out = [&[][..]; N];
    let mut rest = text;
    for line in &mut out {
        match rest.iter().position(|&b| b == b'\n') {
            Some(at) => {
                *line = &rest[..at];
                rest = &rest[at + 1..];
            }
            None => {
                *line = rest;
                rest = &[];
            }
        }
    }
    (out, rest)
}
