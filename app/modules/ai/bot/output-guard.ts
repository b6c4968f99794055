import { normalizeText } from "./handoff-rules";

// The last line of defence against prompt injection: whatever the model was talked into, a reply
// that repeats the persona's instructions (or our fixed rules) is never sent.

const WINDOW = 8;

function shingles(text: string): Set<string> {
  const words = normalizeText(text).split(" ").filter(Boolean);
  const out = new Set<string>();
  for (let index = 0; index + WINDOW <= words.length; index += 1) out.add(words.slice(index, index + WINDOW).join(" "));
  return out;
}

/**
 * True when the reply shares a run of eight words with any of the secret texts, or contains one
 * of them whole (short prompts). Paraphrases get past it; verbatim leaks, the common case, do not.
 */
export function leaksSecrets(reply: string, secrets: string[]): boolean {
  const normalizedReply = ` ${normalizeText(reply)} `;
  const replyShingles = shingles(reply);
  for (const secret of secrets) {
    const normalizedSecret = normalizeText(secret);
    if (!normalizedSecret) continue;
    if (normalizedSecret.split(" ").length >= 4 && normalizedReply.includes(` ${normalizedSecret} `)) return true;
    for (const shingle of shingles(secret)) if (replyShingles.has(shingle)) return true;
  }
  return false;
}
