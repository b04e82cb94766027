// A software passkey for tests that need a registered one without a browser: a P-256 key that
// answers StartWebAuthnRegistration's options as a platform authenticator would (attestation
// "none", user present and verified; WebAuthn Level 2 §6.1, §6.5.4), registered through the
// Cognito API with the user's access token.

import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { cognito } from "./support.mjs";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const sha256 = (data) => createHash("sha256").update(data).digest();

/** A CBOR head (RFC 8949 §3). */
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  const out = Buffer.alloc(3);
  out[0] = (major << 5) | 25;
  out.writeUInt16BE(n, 1);
  return out;
}
const cborInt = (n) => (n >= 0 ? head(0, n) : head(1, -1 - n));
const cborBytes = (b) => Buffer.concat([head(2, b.length), b]);
const cborText = (s) => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s)]);

/**
 * Registers a new software passkey for `email` (password `password`) of the app of `clientId`,
 * claiming `origin`; its credential id (base64url).
 */
export async function registerSoftPasskey(email, password, { clientId, origin }) {
  const signedIn = await cognito("InitiateAuth", { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: password } });
  const accessToken = signedIn.AuthenticationResult?.AccessToken;
  if (!accessToken) throw new Error(`no tokens for ${email}: ${JSON.stringify(signedIn)}`);
  const { CredentialCreationOptions: options } = await cognito("StartWebAuthnRegistration", { AccessToken: accessToken });
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const coseKey = Buffer.concat([
    head(5, 5),
    cborInt(1), cborInt(2),
    cborInt(3), cborInt(-7),
    cborInt(-1), cborInt(1),
    cborInt(-2), cborBytes(Buffer.from(jwk.x, "base64url")),
    cborInt(-3), cborBytes(Buffer.from(jwk.y, "base64url")),
  ]);
  const credentialId = randomBytes(32);
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(credentialId.length);
  const authData = Buffer.concat([sha256(options.rp.id), Buffer.from([0x45]), Buffer.alloc(4), Buffer.alloc(16), idLength, credentialId, coseKey]);
  const attestation = Buffer.concat([head(5, 3), cborText("fmt"), cborText("none"), cborText("attStmt"), head(5, 0), cborText("authData"), cborBytes(authData)]);
  const clientData = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin, crossOrigin: false });
  const id = b64url(credentialId);
  await cognito("CompleteWebAuthnRegistration", {
    AccessToken: accessToken,
    Credential: {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(Buffer.from(clientData)), attestationObject: b64url(attestation), transports: ["internal"] },
    },
  });
  return id;
}
