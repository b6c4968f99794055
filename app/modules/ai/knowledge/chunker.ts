/**
 * Cuts a document's text into overlapping chunks for retrieval. Paragraphs stay whole when they
 * fit; longer ones are cut at sentence ends (then at words). Each chunk carries the nearest
 * markdown heading above it, and the next chunk repeats the previous chunk's last sentence(s) so
 * an answer split across a boundary is still found whole. Sizes are in characters: about four per
 * token for pt-BR and English, so the default target is roughly 200 tokens.
 */
export type Chunk = { position: number; heading: string | null; content: string };
export type ChunkOptions = { targetChars?: number; maxChars?: number; overlapChars?: number };

const DEFAULTS = { targetChars: 800, maxChars: 1200, overlapChars: 160 };

export function chunkText(text: string, options: ChunkOptions = {}): Chunk[] {
  const { targetChars, maxChars, overlapChars } = { ...DEFAULTS, ...options };
  const chunks: Chunk[] = [];
  let heading: string | null = null;
  let current: string[] = [];
  let currentHeading: string | null = null;
  let currentLength = 0;

  const flush = () => {
    const content = current.join("\n\n").trim();
    if (content) chunks.push({ position: chunks.length, heading: currentHeading, content });
    // Carry the tail into the next chunk, unless the next one starts a new section.
    const tail = takeTail(current.join(" "), overlapChars);
    current = tail ? [tail] : [];
    currentLength = tail.length;
  };

  for (const block of splitBlocks(text)) {
    const headingMatch = /^#{1,6}\s+(.+)$/.exec(block);
    if (headingMatch) {
      if (current.length) flush();
      current = [];
      currentLength = 0;
      heading = headingMatch[1].trim();
      currentHeading = heading;
      continue;
    }
    for (const piece of block.length > maxChars ? splitLong(block, targetChars) : [block]) {
      if (currentLength > 0 && currentLength + piece.length > targetChars) flush();
      if (current.length === 0 || (current.length === 1 && currentLength <= overlapChars)) currentHeading = heading;
      current.push(piece);
      currentLength += piece.length + 2;
    }
  }
  const rest = current.join("\n\n").trim();
  // The trailing overlap alone repeats what the previous chunk already holds.
  const onlyOverlap = chunks.length > 0 && current.length === 1 && chunks[chunks.length - 1].content.endsWith(rest);
  if (rest && !onlyOverlap) chunks.push({ position: chunks.length, heading: currentHeading, content: rest });
  return chunks;
}

/** Paragraphs (blank-line separated, inner line breaks folded) and markdown headings, each a block. */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const end = () => {
    if (paragraph.length) blocks.push(paragraph.join(" "));
    paragraph = [];
  };
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.replace(/[ \t]+/g, " ").trim();
    if (!line) end();
    else if (/^#{1,6}\s/.test(line)) {
      end();
      blocks.push(line);
    } else paragraph.push(line);
  }
  end();
  return blocks;
}

export function splitSentences(text: string): string[] {
  return text.match(/[^.!?…]+(?:[.!?…]+["')\]]*|$)\s*/g)?.map((sentence) => sentence.trim()).filter(Boolean) ?? [text];
}

function splitLong(block: string, targetChars: number): string[] {
  const pieces: string[] = [];
  let piece = "";
  for (const sentence of splitSentences(block)) {
    for (const part of sentence.length > targetChars ? splitWords(sentence, targetChars) : [sentence]) {
      if (piece && piece.length + part.length + 1 > targetChars) {
        pieces.push(piece);
        piece = "";
      }
      piece = piece ? `${piece} ${part}` : part;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

function splitWords(sentence: string, targetChars: number): string[] {
  const parts: string[] = [];
  let part = "";
  for (const word of sentence.split(/\s+/)) {
    if (part && part.length + word.length + 1 > targetChars) {
      parts.push(part);
      part = "";
    }
    part = part ? `${part} ${word}` : word.slice(0, targetChars);
  }
  if (part) parts.push(part);
  return parts;
}

/** The last whole sentences of `text` that fit in `maxChars` (none when even one does not). */
function takeTail(text: string, maxChars: number): string {
  const sentences = splitSentences(text.trim());
  let tail = "";
  for (let i = sentences.length - 1; i >= 0; i--) {
    const next = tail ? `${sentences[i]} ${tail}` : sentences[i];
    if (next.length > maxChars) break;
    tail = next;
  }
  // Never carry the whole chunk: that would repeat it.
  return tail.length >= text.trim().length ? "" : tail;
}
