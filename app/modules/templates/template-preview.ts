// Shared by server and browser: splits template text so placeholders can be highlighted.

export type PreviewPart = { text: string; placeholder: boolean };

const PLACEHOLDER = /\{\{\s*[\w.]+\s*\}\}/g;

/** "Olá {{1}}, seu pedido {{2}}" → text and placeholder parts, in order. */
export function previewParts(text: string): PreviewPart[] {
  const parts: PreviewPart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), placeholder: false });
    parts.push({ text: match[0], placeholder: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), placeholder: false });
  return parts;
}
