/**
 * adb's RSA authentication, device side. The host signs our 20-byte token with ~/.android/adbkey
 * as if it were a SHA-1 digest (PKCS#1 v1.5); we check it against the keys in adbkey.pub format:
 * base64 of Android's RSAPublicKey struct (len, n0inv, n[len] LE, rr[len] LE, exponent) + comment.
 */
import { createPublicKey, publicDecrypt, constants, randomBytes, type KeyObject } from 'node:crypto';

const SHA1_DIGEST_INFO = Buffer.from('3021300906052b0e03021a05000414', 'hex');
export const TOKEN_SIZE = 20;

/** Parses one adbkey.pub line into a Node public key; throws on anything malformed. */
export function parseAdbPublicKey(text: string): KeyObject {
  const b64 = text.trim().split(/[\s\0]/)[0];
  const struct = Buffer.from(b64, 'base64');
  if (struct.length < 12) throw new Error('adb public key too short');
  const words = struct.readUInt32LE(0);
  const len = words * 4;
  if (words === 0 || words > 1024 || struct.length !== 4 + 4 + len + len + 4) throw new Error('adb public key has a bad length');
  const n = Buffer.from(struct.subarray(8, 8 + len)).reverse();
  const e = struct.readUInt32LE(8 + len + len);
  const eBuf = Buffer.alloc(4);
  eBuf.writeUInt32BE(e);
  const jwk = { kty: 'RSA', n: n.toString('base64url'), e: eBuf.subarray(eBuf.findIndex((b) => b !== 0)).toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

export function newToken(): Buffer {
  return randomBytes(TOKEN_SIZE);
}

/** True when `signature` is the token signed by the private half of `key`. */
export function verifyTokenSignature(key: KeyObject, token: Buffer, signature: Buffer): boolean {
  try {
    const decrypted = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return decrypted.equals(Buffer.concat([SHA1_DIGEST_INFO, token]));
  } catch {
    return false;
  }
}
