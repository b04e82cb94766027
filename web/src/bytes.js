// Bytes, hex, base64, BigInt and the WebCrypto hashes SRP is made of; JWT claims without a check.

/** UTF-8 bytes of a string. */
export const utf8 = (text) => new TextEncoder().encode(text);

/** Bytes of an even-length hex string. */
export function hexToBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  return bytes;
}

/** Lower-case hex of bytes. */
export const bytesToHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
/** A BigInt from hex; empty means 0. */
export const bigFromHex = (hex) => BigInt("0x" + (hex || "0"));
/** A BigInt from big-endian bytes. */
export const bigFromBytes = (bytes) => bigFromHex(bytesToHex(bytes));

/** Java BigInteger.toByteArray in hex: even length, and a leading 00 when the top bit is set. */
export function padHex(n) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return "89abcdef".includes(hex[0]) ? "00" + hex : hex;
}

/** The bytes of padHex(n). */
export const padBytes = (n) => hexToBytes(padHex(n));

/** The parts one after another. */
export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Standard base64 of bytes (in chunks, for large arrays). */
export function bytesToBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of base64 or base64url, whitespace ignored. */
export function base64ToBytes(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, ""));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Claims of a JWT, or null when it is not one. */
export function decodeJwt(token) {
  try {
    const payload = token.split(".")[1];
    const padded = payload + "=".repeat((4 - (payload.length % 4)) % 4);
    return JSON.parse(new TextDecoder().decode(base64ToBytes(padded)));
  } catch {
    return null;
  }
}

const subtle = () => globalThis.crypto.subtle;

/** SHA-256 over WebCrypto. */
export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

/** HMAC-SHA-256 over WebCrypto. */
export async function hmacSha256(keyBytes, message) {
  const key = await subtle().importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await subtle().sign("HMAC", key, message));
}
