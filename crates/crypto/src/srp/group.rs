//! The SRP group: RFC 3526 §4 3072-bit MODP prime (group 15), `g = 2`, and Cognito's
//! `k = H(padHex(N) ‖ padHex(g))` (docs/cognito-protocol.md §3.1, §3.3), built once per process.

use std::sync::OnceLock;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};

use super::encoding::pad_bytes;
use super::fixed_base::FixedBaseTable;
use crate::hash::sha256;

/// Width of `N` in bytes.
pub(crate) const BYTES: usize = 384;

/// Integers modulo `N`.
pub(crate) type Int = U3072;

/// Limb count of [`Int`].
pub(crate) const LIMBS: usize = U3072::LIMBS;

/// A residue modulo `N` in (constant-time) Montgomery form.
pub(crate) type Monty = FixedMontyForm<LIMBS>;

/// RFC 3526 §4, 3072-bit MODP group prime `N`.
const N_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

/// `N` as an odd integer (checked at compile time).
const N_ODD: Odd<Int> = Odd::<Int>::from_be_hex(N_HEX);

/// Bits of the server's secret exponents (`b`, `x`): covered by the small fixed-base table.
pub(crate) const SHORT_EXP_BYTES: usize = 32;

/// Bytes of the client's `a` as identity-js draws it: covered by the wide fixed-base table.
pub(crate) const WIDE_EXP_BYTES: usize = 128;

/// Precomputed group constants.
pub(crate) struct Group {
    /// Montgomery parameters for `N`.
    pub(crate) params: FixedMontyParams<LIMBS>,
    /// `N` itself.
    pub(crate) n: Int,
    /// `k` in Montgomery form.
    pub(crate) k: Monty,
    /// `k` as 32 big-endian bytes (checked by the known-answer test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) k_bytes: [u8; 32],
    /// Powers of `g` for exponents up to [`SHORT_EXP_BYTES`].
    g_short: FixedBaseTable,
}

static GROUP: OnceLock<Group> = OnceLock::new();
static G_WIDE: OnceLock<FixedBaseTable> = OnceLock::new();

/// The process-wide group constants (pure values derived from RFC 3526; built on first use).
pub(crate) fn group() -> &'static Group {
    GROUP.get_or_init(Group::build)
}

impl Group {
    fn build() -> Self {
        let params = FixedMontyParams::new_vartime(N_ODD);
        let n = *N_ODD.as_ref();
        let n_bytes = n.to_be_bytes();
        let mut kin = pad_bytes(n_bytes.as_ref());
        kin.extend_from_slice(&pad_bytes(&[2]));
        let k_bytes = sha256(&kin);
        let mut k_fixed = [0u8; BYTES];
        k_fixed[BYTES - 32..].copy_from_slice(&k_bytes);
        let k = Monty::new(&Int::from_be_slice(&k_fixed), &params);
        let g_short = FixedBaseTable::new(&g_monty(&params), SHORT_EXP_BYTES);
        Self {
            params,
            n,
            k,
            k_bytes,
            g_short,
        }
    }

    /// An integer already known to be below `N`, in Montgomery form.
    pub(crate) fn monty(&self, n: &Int) -> Monty {
        Monty::new(n, &self.params)
    }

    /// `g^e mod N` for a secret exponent given as big-endian bytes. Time depends only on
    /// `e.len()`, never on the value (fixed-base tables for up to 1024 bits).
    pub(crate) fn pow_g(&self, e: &[u8]) -> Monty {
        if e.len() <= SHORT_EXP_BYTES {
            self.g_short.pow(e)
        } else if e.len() <= WIDE_EXP_BYTES {
            G_WIDE
                .get_or_init(|| FixedBaseTable::new(&g_monty(&self.params), WIDE_EXP_BYTES))
                .pow(e)
        } else {
            pow_secret(&g_monty(&self.params), e)
        }
    }
}

fn g_monty(params: &FixedMontyParams<LIMBS>) -> Monty {
    Monty::new(&Int::from_u8(2), params)
}

/// `base^e` in constant time for a secret exponent of at most 512 bytes (big-endian).
/// Only `e.len()` influences timing. Longer exponents are reduced modulo `2^4096`.
pub(crate) fn pow_secret(base: &Monty, e: &[u8]) -> Monty {
    use crypto_bigint::U4096;
    use zeroize::Zeroize;
    let e = if e.len() > 512 {
        &e[e.len() - 512..]
    } else {
        e
    };
    let mut fixed = [0u8; 512];
    fixed[512 - e.len()..].copy_from_slice(e);
    let exp = U4096::from_be_slice(&fixed);
    let bits = u32::try_from(e.len() * 8).unwrap_or(4096);
    let out = base.pow_bounded_exp(&exp, bits);
    fixed.zeroize();
    out
}
