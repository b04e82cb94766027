//! Secret-holding types: zeroized on drop, redacted in `Debug` (docs/architecture.md rule 5).

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Bytes that are zeroized on drop and print as `[redacted]` in `Debug`.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Takes ownership of `bytes`; they are wiped when the value is dropped.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Borrows the secret bytes. Keep the borrow short and never log it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of secret bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A UTF-8 string that is zeroized on drop and prints as `[redacted]` in `Debug`.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretString(String);

impl SecretString {
    /// Takes ownership of `s`; it is wiped when the value is dropped.
    pub fn new(s: String) -> Self {
        Self(s)
    }

    /// Borrows the secret text. Keep the borrow short and never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let b = SecretBytes::new(b"hunter2".to_vec());
        let s = SecretString::from("hunter2".to_string());
        assert_eq!(format!("{b:?}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(b.expose(), b"hunter2");
        assert_eq!(s.clone().expose(), "hunter2");
    }
}
