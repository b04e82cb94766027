//! Errors for SRP values that arrive from the wire or from storage.

/// An SRP input was malformed or out of range (docs/cognito-protocol.md §3.5 step 3, §3.6 steps
/// 2-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    /// A hex field was empty, too long, or contained a non-hex character.
    #[error("value is not valid hex")]
    BadHex,
    /// `A mod N == 0` (RFC 5054 §2.5.4: the server must abort).
    #[error("SRP_A mod N is zero")]
    AIsZeroModN,
    /// `A >= N`.
    #[error("SRP_A is out of range")]
    AOutOfRange,
    /// `B mod N == 0` (client side, RFC 5054 §2.5.3).
    #[error("SRP_B mod N is zero")]
    BIsZeroModN,
    /// `B >= N` (client side).
    #[error("SRP_B is out of range")]
    BOutOfRange,
    /// The salt was not usable hex.
    #[error("salt is not valid hex")]
    BadSalt,
    /// The scrambling parameter `u = H(A ‖ B)` was zero (docs/cognito-protocol.md §3.6 step 3).
    #[error("scrambling parameter u is zero")]
    UIsZero,
    /// `SECRET_BLOCK` was not valid base64.
    #[error("secret block is not valid base64")]
    BadSecretBlock,
    /// A stored verifier or ephemeral value had an impossible length.
    #[error("stored SRP value has a bad length")]
    BadLength,
}
