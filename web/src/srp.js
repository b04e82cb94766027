// The client half of Cognito's SRP-6a (docs/cognito-protocol.md §3): BigInt and WebCrypto only.

import { base64ToBytes, bigFromBytes, bigFromHex, bytesToBase64, concatBytes, hmacSha256, padBytes, sha256, utf8 } from "./bytes.js";
import { AuthError } from "./errors.js";

const N_HEX =
  "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a0879" +
  "8e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0" +
  "bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c" +
  "55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f17" +
  "46c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf69558" +
  "17183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb8" +
  "50458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee" +
  "6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa" +
  "074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";
/** The 3072-bit MODP prime of RFC 3526 (group 15), docs/cognito-protocol.md §3. */
export const N = BigInt("0x" + N_HEX);
/** The generator. */
export const G = 2n;
const A_BYTES = 128;

/** base^exponent mod modulus, square and multiply. */
export function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

const hashToBig = async (bytes) => bigFromBytes(await sha256(bytes));

/** k = H(padHex(N) ‖ padHex(g)). */
export const computeK = () => hashToBig(concatBytes(padBytes(N), padBytes(G)));

/** x = H(padHex(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password)). */
export async function computeX(poolName, userId, password, saltHex) {
  const inner = await sha256(utf8(`${poolName}${userId}:${password}`));
  return hashToBig(concatBytes(padBytes(bigFromHex(saltHex)), inner));
}

/** u = H(padHex(A) ‖ padHex(B)). */
export const computeU = (A, B) => hashToBig(concatBytes(padBytes(A), padBytes(B)));

/** S = (B − k·g^x)^(a + u·x) mod N. */
export function computeS({ a, B, k, x, u }) {
  return modPow(B - k * modPow(G, x, N), a + u * x, N);
}

/** The spec's one-block HKDF: 16 bytes of HMAC(HMAC(padHex(u), padHex(S)), info ‖ 0x01). */
export async function deriveKey(u, S) {
  const prk = await hmacSha256(padBytes(u), padBytes(S));
  const okm = await hmacSha256(prk, concatBytes(utf8("Caldera Derived Key"), Uint8Array.of(1)));
  return okm.slice(0, 16);
}

/** PASSWORD_CLAIM_SIGNATURE: HMAC(key, poolName ‖ userId ‖ secretBlock ‖ timestamp), base64. */
export async function claimSignature({ key, poolName, userId, secretBlock, timestamp }) {
  const message = concatBytes(
    utf8(poolName),
    utf8(userId),
    base64ToBytes(secretBlock),
    utf8(timestamp),
  );
  return bytesToBase64(await hmacSha256(key, message));
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n) => String(n).padStart(2, "0");

/** `EEE MMM d HH:mm:ss UTC yyyy`: the day is deliberately not padded (Cognito rejects it). */
export function formatTimestamp(date) {
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** A fresh ephemeral pair; `aBytes` only for known-answer tests. */
export function srpStart(aBytes = globalThis.crypto.getRandomValues(new Uint8Array(A_BYTES))) {
  const a = bigFromBytes(aBytes);
  return { a, A: modPow(G, a, N) };
}

/** The ChallengeResponses answering PASSWORD_VERIFIER. */
export async function answerPasswordVerifier({ a, A, poolName, password, params, now = new Date() }) {
  const B = bigFromHex(params.SRP_B);
  if (B % N === 0n) throw new AuthError("InvalidParameterException", "Invalid server B value");
  const u = await computeU(A, B);
  if (u === 0n) throw new AuthError("InvalidParameterException", "Invalid SRP u value");
  const userId = params.USER_ID_FOR_SRP;
  const [k, x] = await Promise.all([computeK(), computeX(poolName, userId, password, params.SALT)]);
  const key = await deriveKey(u, computeS({ a, B, k, x, u }));
  const timestamp = formatTimestamp(now);
  const secretBlock = params.SECRET_BLOCK;
  return {
    USERNAME: userId,
    PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
    PASSWORD_CLAIM_SIGNATURE: await claimSignature({ key, poolName, userId, secretBlock, timestamp }),
    TIMESTAMP: timestamp,
  };
}
