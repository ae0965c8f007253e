/**
 * Ed25519 signatures of sign-off reports (node:crypto). The private key comes from `--key FILE` or
 * RIO_SIGNOFF_KEY (a PEM, or the path of one); `rio-farm signoff keygen` makes a pair.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RioError } from '../errors.ts';

export interface KeyPairFiles { privatePath: string; publicPath: string }

/**
 * Writes a new key pair: PATH (PKCS#8 PEM, mode 0600) and PATH.pub (SPKI PEM), making PATH's folder (a fresh
 * clone has no `.rio-farm/`). Refuses to overwrite; a folder it cannot write is BAD_ARGUMENT naming the file.
 */
export function generateSigningKey(path: string): KeyPairFiles {
  if (existsSync(path)) throw new RioError('BAD_ARGUMENT', `${path} exists; not overwriting a signing key`, { file: path });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(`${path}.pub`, publicKey.export({ type: 'spki', format: 'pem' }));
  } catch (err) {
    throw new RioError('BAD_ARGUMENT', `cannot write the signing key: ${(err as Error).message}`, { file: path });
  }
  return { privatePath: path, publicPath: `${path}.pub` };
}

/** The signing key from --key or RIO_SIGNOFF_KEY; BAD_ARGUMENT when neither gives an Ed25519 private key. */
export function loadSigningKey(file?: string, env = process.env.RIO_SIGNOFF_KEY): KeyObject {
  const source = file ?? env;
  if (!source) throw new RioError('BAD_ARGUMENT', 'no signing key: pass --key FILE or set RIO_SIGNOFF_KEY (make one with `rio-farm signoff keygen FILE`)', { option: '--key' });
  let pem = source;
  if (!source.includes('-----BEGIN')) {
    try { pem = readFileSync(source, 'utf8'); } catch (err) {
      throw new RioError('BAD_ARGUMENT', `cannot read signing key: ${(err as Error).message}`, { option: '--key' });
    }
  }
  let key: KeyObject;
  try { key = createPrivateKey(pem); } catch (err) {
    throw new RioError('BAD_ARGUMENT', `not a private key: ${(err as Error).message}`, { option: '--key' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new RioError('BAD_ARGUMENT', `signing key must be Ed25519, got ${key.asymmetricKeyType}`, { option: '--key' });
  return key;
}

export const publicKeyPem = (key: KeyObject) => String(createPublicKey(key).export({ type: 'spki', format: 'pem' }));

export function signText(key: KeyObject, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
}

/** True when `signature` is publicKey's Ed25519 signature of text. */
export function checkSignature(publicPem: string, text: string, signature: string): boolean {
  try { return verify(null, Buffer.from(text, 'utf8'), createPublicKey(publicPem), Buffer.from(signature, 'base64')); } catch { return false; }
}
