import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { testSecrets } from "../../../tests/support/test-env";
import {
  createSecretBox,
  generateKeyRingEntry,
  getSecretBox,
  parseKeyRing,
  SecretBoxError,
  type SecretBoxErrorCode,
} from "./secret-box.server";

const key1 = `1:${Buffer.alloc(32, 1).toString("base64")}`;
const key2 = `2:${Buffer.alloc(32, 2).toString("base64")}`;
const context = "channel_connections:42:access_token";

function expectSecretBoxError(run: () => unknown, code: SecretBoxErrorCode): SecretBoxError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as SecretBoxError).code).toBe(code);
    return error as SecretBoxError;
  }
  throw new Error(`expected a SecretBoxError with code ${code}`);
}

/** Flips one bit in the middle of one base64url part of a sealed value, keeping the encoding canonical. */
function flipByte(sealed: string, partIndex: 1 | 2 | 3): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[partIndex], "base64url");
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  parts[partIndex] = bytes.toString("base64url");
  return parts.join(".");
}

const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A 16-byte tag's last character carries 4 unused bits; setting one decodes to the same bytes. */
function withUnusedBitSet(tag: string): string {
  const last = BASE64URL_ALPHABET.indexOf(tag.slice(-1));
  const respelled = `${tag.slice(0, -1)}${BASE64URL_ALPHABET[last + 1]}`;
  expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(tag, "base64url"));
  return respelled;
}

describe("parseKeyRing", () => {
  it("takes the first entry as the current key and keeps every entry for decrypting", () => {
    const ring = parseKeyRing(` ${key2} , ${key1} `);
    expect(ring.currentVersion).toBe(2);
    expect([...ring.keys.keys()]).toEqual([2, 1]);
  });

  it("accepts URL-safe base64 and unpadded keys", () => {
    const bytes = Buffer.alloc(32, 0xfb); // encodes with '+'/'/' in standard base64
    expect(parseKeyRing(`3:${bytes.toString("base64url")}`).currentVersion).toBe(3);
  });

  it("parses the test environment's key ring", () => {
    expect(parseKeyRing(testSecrets.ENCRYPTION_KEYS).currentVersion).toBe(2);
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    [`${key2},`, /entry #2 is not of the form/],
    ["2-AAAA", /entry #1 is not of the form/],
    [`0:${Buffer.alloc(32).toString("base64")}`, /entry #1: version must be a positive integer/],
    [`-1:${Buffer.alloc(32).toString("base64")}`, /entry #1 is not of the form/],
    [`99999999999999999999:${Buffer.alloc(32).toString("base64")}`, /version must be a positive integer/],
    [`${key2},2:${Buffer.alloc(32, 9).toString("base64")}`, /entry #2: version 2 appears more than once/],
    [`${key2},1:${Buffer.alloc(16).toString("base64")}`, /entry #2 \(version 1\): key must decode to exactly 32 bytes, got 16/],
    [`1:${Buffer.alloc(33).toString("base64")}`, /exactly 32 bytes, got 33/],
    ["1:not base64!", /entry #1 \(version 1\): key is not valid base64/],
    ["1:", /key is not valid base64/],
  ])("rejects %j", (spec, message) => {
    const error = expectSecretBoxError(() => parseKeyRing(spec), "bad_key_ring");
    expect(error.message).toMatch(message);
  });

  it("never puts key material in error messages", () => {
    const secret = Buffer.alloc(31, 7).toString("base64");
    const error = expectSecretBoxError(() => parseKeyRing(`${key2},5:${secret}`), "bad_key_ring");
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(key2.slice(2));
    const noColon = expectSecretBoxError(() => parseKeyRing(secret), "bad_key_ring");
    expect(noColon.message).not.toContain(secret);
  });

  it("does not print key bytes when the ring is logged", () => {
    const ring = parseKeyRing(key2);
    expect(inspect(ring, { depth: 5 })).not.toContain(key2.slice(2));
    expect(JSON.stringify(ring)).not.toContain(key2.slice(2));
  });
});

describe("createSecretBox", () => {
  const box = createSecretBox(parseKeyRing(`${key2},${key1}`));

  it.each([
    ["ascii", "EAAG-access-token-123"],
    ["unicode", "olá, 世界 🚀 — ñ"],
    ["empty", ""],
    ["long", "x".repeat(100_000)],
  ])("round-trips %s plaintext", (_name, plaintext) => {
    expect(box.decrypt(box.encrypt(plaintext, context), context)).toBe(plaintext);
    expect(box.decrypt(box.encrypt(plaintext))).toBe(plaintext);
  });

  it("produces the compact v<version>.<iv>.<ciphertext>.<tag> format", () => {
    const sealed = box.encrypt("secret", context);
    expect(sealed).toMatch(/^v2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain("secret");
  });

  it("uses a fresh random IV each time", () => {
    const first = box.encrypt("same", context);
    const second = box.encrypt("same", context);
    expect(first).not.toBe(second);
    expect(first.split(".")[1]).not.toBe(second.split(".")[1]);
  });

  describe("rotation", () => {
    const oldBox = createSecretBox(parseKeyRing(key1));
    const newBox = createSecretBox(parseKeyRing(`${key2},${key1}`));

    it("opens data sealed with an older key after a new key is added in front", () => {
      const sealedWithKey1 = oldBox.encrypt("token", context);
      expect(sealedWithKey1.startsWith("v1.")).toBe(true);
      expect(newBox.decrypt(sealedWithKey1, context)).toBe("token");
      expect(newBox.needsRotation(sealedWithKey1)).toBe(true);
      expect(oldBox.needsRotation(sealedWithKey1)).toBe(false);
    });

    it("re-seals under the current key, which the old ring can no longer open", () => {
      const sealedWithKey1 = oldBox.encrypt("token", context);
      const rotated = newBox.rotate(sealedWithKey1, context);
      expect(rotated.startsWith("v2.")).toBe(true);
      expect(newBox.needsRotation(rotated)).toBe(false);
      expect(newBox.decrypt(rotated, context)).toBe("token");
      expectSecretBoxError(() => oldBox.decrypt(rotated, context), "unknown_key_version");
    });

    it("returns a current value unchanged, but still authenticates it", () => {
      const sealed = newBox.encrypt("token", context);
      expect(newBox.rotate(sealed, context)).toBe(sealed);
      expectSecretBoxError(() => newBox.rotate(sealed, "another:row"), "tampered");
      expectSecretBoxError(() => newBox.rotate(oldBox.encrypt("token", context), "another:row"), "tampered");
    });
  });

  describe("tamper detection", () => {
    const sealed = box.encrypt("EAAG-access-token", context);

    it.each([
      ["iv", 1],
      ["ciphertext", 2],
      ["tag", 3],
    ] as const)("refuses a flipped byte in the %s", (_name, partIndex) => {
      expectSecretBoxError(() => box.decrypt(flipByte(sealed, partIndex), context), "tampered");
    });

    it("refuses a value moved to another row (wrong context) or missing its context", () => {
      expectSecretBoxError(() => box.decrypt(sealed, "channel_connections:43:access_token"), "tampered");
      expectSecretBoxError(() => box.decrypt(sealed), "tampered");
      expectSecretBoxError(() => box.decrypt(box.encrypt("x"), context), "tampered");
    });

    it("refuses a version prefix changed to another known key", () => {
      expectSecretBoxError(() => box.decrypt(sealed.replace(/^v2\./, "v1."), context), "tampered");
    });

    it("reports a version prefix with no key as unknown_key_version", () => {
      expectSecretBoxError(() => box.decrypt(sealed.replace(/^v2\./, "v9."), context), "unknown_key_version");
    });

    it("refuses a value from a different key ring", () => {
      const otherBox = createSecretBox(parseKeyRing(`2:${Buffer.alloc(32, 0xaa).toString("base64")}`));
      expectSecretBoxError(() => otherBox.decrypt(sealed, context), "tampered");
    });

    const [prefix, iv, ciphertext, tag] = sealed.split(".");
    it.each([
      ["an empty string", ""],
      ["plain text", "not sealed"],
      ["too few parts", `${prefix}.${iv}.${ciphertext}`],
      ["too many parts", `${sealed}.extra`],
      ["no v prefix", `2.${iv}.${ciphertext}.${tag}`],
      ["version 0", `v0.${iv}.${ciphertext}.${tag}`],
      ["a non-numeric version", `vx.${iv}.${ciphertext}.${tag}`],
      ["a short iv", `${prefix}.${iv.slice(0, 8)}.${ciphertext}.${tag}`],
      ["a truncated tag", `${prefix}.${iv}.${ciphertext}.${tag.slice(0, 16)}`],
      ["an empty tag", `${prefix}.${iv}.${ciphertext}.`],
      ["standard base64 characters", `${prefix}.${iv}.${ciphertext}+/.${tag}`],
      ["padding", `${prefix}.${iv}.${ciphertext}.${tag}==`],
      ["a non-canonical spelling of the same bytes", `${prefix}.${iv}.${ciphertext}.${withUnusedBitSet(tag)}`],
    ])("reports %s as malformed", (_name, value) => {
      expectSecretBoxError(() => box.decrypt(value, context), "malformed");
    });

    it("reports malformed values from needsRotation too", () => {
      expectSecretBoxError(() => box.needsRotation("garbage"), "malformed");
    });
  });
});

describe("getSecretBox", () => {
  it("builds one cached box from ENCRYPTION_KEYS", () => {
    const box = getSecretBox();
    expect(getSecretBox()).toBe(box);
    const sealed = box.encrypt("from env", context);
    expect(sealed.startsWith("v2.")).toBe(true);
    expect(createSecretBox(parseKeyRing(testSecrets.ENCRYPTION_KEYS)).decrypt(sealed, context)).toBe("from env");
  });
});

describe("generateKeyRingEntry", () => {
  it("creates a random 32-byte key the ring accepts", () => {
    const entry = generateKeyRingEntry(3);
    expect(entry).toMatch(/^3:[A-Za-z0-9+/]{43}=$/);
    expect(generateKeyRingEntry(3)).not.toBe(entry);
    const box = createSecretBox(parseKeyRing(`${entry},${key2}`));
    expect(box.decrypt(box.encrypt("hi"))).toBe("hi");
  });

  it("rejects a version that is not a positive integer", () => {
    for (const version of [0, -1, 1.5, Number.NaN]) expectSecretBoxError(() => generateKeyRingEntry(version), "bad_key_ring");
  });
});
