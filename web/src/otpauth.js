// An authenticator app's key as the user meets it: the otpauth:// URI its QR code holds, the
// key in groups of four for typing, and the QR code itself, drawn by the server (POST /qr).

/**
 * The Key URI of a TOTP secret: `otpauth://totp/<issuer>:<account>?secret=…&issuer=…`. Neither
 * the issuer nor the account may hold a colon (it separates them), so an issuer's are dropped.
 */
export function otpauthUri({ issuer, account, secret }) {
  const name = String(issuer ?? "").replaceAll(":", "").trim();
  const key = String(secret).replace(/[\s=]/g, "").toUpperCase();
  const label = name ? `${encodeURIComponent(name)}:${encodeURIComponent(account)}` : encodeURIComponent(account);
  const query = `secret=${key}${name ? `&issuer=${encodeURIComponent(name)}` : ""}`;
  return `otpauth://totp/${label}?${query}`;
}

/** The key in groups of four ("JBSW Y3DP EHPK 3PXP"), the way people read and type it. */
export function groupSecret(secret) {
  const key = String(secret).replace(/[\s=]/g, "").toUpperCase();
  return key.match(/.{1,4}/g)?.join(" ") ?? "";
}

/**
 * The QR code of `uri` as a data: URL of the server's SVG, or null when it could not be drawn
 * (the key is still there as text). The URI travels in the body: a URL would keep the secret in
 * logs and history.
 */
export async function fetchQr(qrUrl, uri, fetchFn = globalThis.fetch) {
  try {
    const response = await fetchFn(qrUrl, {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: uri }),
    });
    if (!response.ok) return null;
    return `data:image/svg+xml,${encodeURIComponent(await response.text())}`;
  } catch {
    return null;
  }
}
