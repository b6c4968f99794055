import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { getEnv } from "~/lib/env.server";

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretBoxErrorCode = "malformed" | "unknown_key_version" | "tampered" | "bad_key_ring";

export class SecretBoxError extends Error {
  constructor(
    public readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SecretBoxError";
  }
}

/** Keys are held as KeyObjects so logging a ring never prints key bytes. */
export interface KeyRing {
  readonly currentVersion: number;
  readonly keys: ReadonlyMap<number, KeyObject>;
}

export interface SecretBox {
  /** Seals under the current key. `context` (e.g. "channel_connections:<id>:access_token") must match on decrypt. */
  encrypt(plaintext: string, context?: string): string;
  decrypt(sealed: string, context?: string): string;
  /** True when `sealed` was made with an older key than the current one. Does not authenticate. */
  needsRotation(sealed: string): boolean;
  /** Opens `sealed` (authenticating it) and re-seals it under the current key; returns it unchanged if already current. */
  rotate(sealed: string, context?: string): string;
}

const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Parses `ENCRYPTION_KEYS` (`2:<base64 key>,1:<older key>`); the first entry is the current key. */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec.split(",").map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === "") throw badRing("the key ring is empty");

  const keys = new Map<number, KeyObject>();
  entries.forEach((entry, index) => {
    const label = `entry #${index + 1}`;
    // Never echo the entry itself: it may be key material.
    const match = /^(\d+):(.*)$/.exec(entry);
    if (!match) throw badRing(`${label} is not of the form <version>:<base64 key>`);
    const version = Number(match[1]);
    if (!Number.isSafeInteger(version) || version < 1) throw badRing(`${label}: version must be a positive integer`);
    if (keys.has(version)) throw badRing(`${label}: version ${version} appears more than once`);
    const encoded = match[2];
    if (!BASE64_KEY.test(encoded)) throw badRing(`${label} (version ${version}): key is not valid base64`);
    const key = Buffer.from(encoded, "base64"); // Node's base64 decoder also reads the URL-safe alphabet
    if (key.length !== KEY_BYTES) {
      throw badRing(`${label} (version ${version}): key must decode to exactly ${KEY_BYTES} bytes, got ${key.length}`);
    }
    keys.set(version, createSecretKey(key));
  });

  return Object.freeze({ currentVersion: [...keys.keys()][0], keys });
}

export function createSecretBox(ring: KeyRing): SecretBox {
  const maybeCurrentKey = ring.keys.get(ring.currentVersion);
  if (!maybeCurrentKey) throw badRing(`current version ${ring.currentVersion} has no key`);
  const currentKey: KeyObject = maybeCurrentKey;

  function encrypt(plaintext: string, context = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [`v${ring.currentVersion}`, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
      .join(".");
  }

  function decrypt(sealed: string, context = ""): string {
    const { version, iv, ciphertext, tag } = parseSealed(sealed);
    const key = ring.keys.get(version);
    if (!key) throw new SecretBoxError("unknown_key_version", `no key with version ${version} in the key ring`);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretBoxError("tampered", "sealed value failed authentication (wrong key, wrong context or modified)");
    }
  }

  return {
    encrypt,
    decrypt,
    needsRotation: (sealed) => parseSealed(sealed).version !== ring.currentVersion,
    rotate(sealed, context) {
      const plaintext = decrypt(sealed, context);
      return parseSealed(sealed).version === ring.currentVersion ? sealed : encrypt(plaintext, context);
    },
  };
}

let cachedBox: SecretBox | undefined;

/** The process-wide box built from `ENCRYPTION_KEYS`. */
export function getSecretBox(): SecretBox {
  cachedBox ??= createSecretBox(parseKeyRing(getEnv().ENCRYPTION_KEYS));
  return cachedBox;
}

/** A new `<version>:<base64 key>` entry to put in front of `ENCRYPTION_KEYS`. */
export function generateKeyRingEntry(version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) throw badRing("version must be a positive integer");
  return `${version}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

function parseSealed(sealed: string): { version: number; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const parts = sealed.split(".");
  if (parts.length !== 4) throw malformed("expected v<version>.<iv>.<ciphertext>.<tag>");
  const [prefix, ivPart, ciphertextPart, tagPart] = parts;
  const versionMatch = /^v([1-9]\d*)$/.exec(prefix);
  if (!versionMatch || !Number.isSafeInteger(Number(versionMatch[1]))) throw malformed("bad version prefix");
  const iv = decodePart(ivPart, "iv");
  const ciphertext = decodePart(ciphertextPart, "ciphertext");
  const tag = decodePart(tagPart, "tag");
  if (iv.length !== IV_BYTES) throw malformed(`iv must be ${IV_BYTES} bytes`);
  // GCM would accept a truncated tag; insist on the full 16 bytes.
  if (tag.length !== TAG_BYTES) throw malformed(`tag must be ${TAG_BYTES} bytes`);
  return { version: Number(versionMatch[1]), iv, ciphertext, tag };
}

function decodePart(part: string, name: string): Buffer {
  const bytes = Buffer.from(part, "base64url");
  // Node's decoder is lenient; requiring the canonical encoding gives each sealed value exactly one spelling.
  if (!BASE64URL.test(part) || bytes.toString("base64url") !== part) throw malformed(`${name} is not canonical base64url`);
  return bytes;
}

function malformed(detail: string): SecretBoxError {
  return new SecretBoxError("malformed", `sealed value is malformed: ${detail}`);
}

function badRing(detail: string): SecretBoxError {
  return new SecretBoxError("bad_key_ring", `ENCRYPTION_KEYS: ${detail}`);
}
