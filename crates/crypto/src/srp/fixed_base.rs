//! Fixed-base exponentiation with a precomputed window table (HAC §14.6.3, "fixed-base
//! windowing"), constant time in the exponent's value.
//!
//! For exponent nibbles `e_i` (4-bit windows), `g^e = Π_i T[i][e_i]` with
//! `T[i][j] = g^(j·16^i)`. Each lookup reads all 16 entries of a row and keeps one by masking,
//! so memory access does not depend on the secret. A 256-bit exponent costs 64 Montgomery
//! multiplications instead of ~256 squarings and ~70 multiplications.

use crypto_bigint::{Limb, Word};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use super::group::{Int, LIMBS, Monty};

/// Window width in bits.
const WINDOW: usize = 4;
/// Entries per row.
const ROW: usize = 1 << WINDOW;

/// Precomputed powers of one base for exponents up to a fixed byte length.
pub(crate) struct FixedBaseTable {
    /// `rows[i][j]` = `base^(j·16^i)` in Montgomery form (raw limbs).
    rows: Vec<[Int; ROW]>,
    /// The Montgomery one, used to start the product.
    one: Monty,
}

impl FixedBaseTable {
    /// Builds the table for exponents of up to `exp_bytes` bytes (two rows per byte).
    pub(crate) fn new(base: &Monty, exp_bytes: usize) -> Self {
        let one = Monty::one(base.params());
        let mut rows = Vec::with_capacity(exp_bytes * 2);
        let mut row_base = *base; // base^(16^i)
        for _ in 0..exp_bytes * 2 {
            let mut row = [*one.as_montgomery(); ROW];
            let mut acc = one;
            for entry in row.iter_mut().skip(1) {
                acc = acc.mul(&row_base);
                *entry = *acc.as_montgomery();
            }
            rows.push(row);
            // base^(16^(i+1)) = (base^(15·16^i)) · base^(16^i)
            row_base = acc.mul(&row_base);
        }
        Self { rows, one }
    }

    /// `base^e` for a big-endian exponent of at most the table's length. Timing depends only
    /// on the table size, not on `e`.
    pub(crate) fn pow(&self, e: &[u8]) -> Monty {
        debug_assert!(e.len() * 2 <= self.rows.len());
        let mut acc = self.one;
        let mut nibbles = e.iter().rev().flat_map(|b| [b & 0x0f, b >> 4]);
        for row in &self.rows {
            let nibble = nibbles.next().unwrap_or(0);
            let entry = Monty::from_montgomery(select(row, nibble), acc.params());
            acc = acc.mul(&entry);
        }
        acc
    }
}

/// Constant-time `row[index]`: every entry is read and masked.
fn select(row: &[Int; ROW], index: u8) -> Int {
    let mut out = [Limb::ZERO; LIMBS];
    for (j, entry) in row.iter().enumerate() {
        let hit = (j as u8).ct_eq(&index);
        let mask = Word::conditional_select(&0, &Word::MAX, hit);
        for (o, l) in out.iter_mut().zip(entry.as_limbs()) {
            o.0 |= l.0 & mask;
        }
    }
    Int::new(out)
}
