import { parse } from "csv-parse/sync";
import { extractText as extractPdfText, getDocumentProxy } from "unpdf";

export type DocumentFormat = "txt" | "md" | "csv" | "pdf" | "html";

export const UPLOAD_EXTENSIONS = [".txt", ".md", ".markdown", ".csv", ".pdf"] as const;

export class ExtractError extends Error {
  constructor(
    public readonly code: "unsupported_format" | "unreadable" | "empty",
    message: string,
  ) {
    super(message);
    this.name = "ExtractError";
  }
}

/** The format from a file name first (browsers send odd types for .md and .csv), then the MIME type. */
export function detectFormat(filename: string | null, mime: string | null): DocumentFormat | null {
  const extension = filename?.toLowerCase().match(/\.[a-z0-9]+$/)?.[0];
  if (extension === ".txt") return "txt";
  if (extension === ".md" || extension === ".markdown") return "md";
  if (extension === ".csv") return "csv";
  if (extension === ".pdf") return "pdf";
  if (extension === ".html" || extension === ".htm") return "html";
  const type = mime?.split(";")[0].trim().toLowerCase();
  if (type === "text/plain") return "txt";
  if (type === "text/markdown" || type === "text/x-markdown") return "md";
  if (type === "text/csv" || type === "application/csv") return "csv";
  if (type === "application/pdf") return "pdf";
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  return null;
}

export const MIME_BY_FORMAT: Record<DocumentFormat, string> = {
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  pdf: "application/pdf",
  html: "text/html",
};

/** Plain text (markdown headings kept, so chunks know their section) from a document's bytes. */
export async function extractText(bytes: Uint8Array, format: DocumentFormat): Promise<{ text: string; title: string | null }> {
  let result: { text: string; title: string | null };
  try {
    result = await extractByFormat(bytes, format);
  } catch (error) {
    if (error instanceof ExtractError) throw error;
    throw new ExtractError("unreadable", `could not read the ${format.toUpperCase()} file: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!result.text.trim()) throw new ExtractError("empty", "the document has no text (a scanned PDF needs OCR first)");
  return result;
}

async function extractByFormat(bytes: Uint8Array, format: DocumentFormat): Promise<{ text: string; title: string | null }> {
  switch (format) {
    case "txt":
    case "md":
      return { text: decodeUtf8(bytes), title: null };
    case "csv":
      return { text: csvToText(decodeUtf8(bytes)), title: null };
    case "html":
      return htmlToText(decodeUtf8(bytes));
    case "pdf": {
      // unpdf hands the buffer to pdf.js, which detaches it: give it a copy.
      const pdf = await getDocumentProxy(new Uint8Array(bytes));
      const { text } = await extractPdfText(pdf, { mergePages: false });
      return { text: text.map((page) => page.trim()).join("\n\n"), title: null };
    }
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
}

/** Each row becomes one paragraph of "Header: value" pairs, so a row is retrieved whole. */
function csvToText(csv: string): string {
  const firstLine = csv.split("\n", 1)[0];
  const delimiter = [",", ";", "\t"].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0];
  const rows = parse(csv, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  if (rows.length === 0) return "";
  const [header, ...body] = rows;
  if (body.length === 0) return header.join(", ");
  return body
    .map((row) =>
      row
        .map((value, index) => (value ? `${header[index] || `#${index + 1}`}: ${value}` : ""))
        .filter(Boolean)
        .join("; "),
    )
    .filter(Boolean)
    .map((line) => (/[.!?]$/.test(line) ? line : `${line}.`))
    .join("\n\n");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Readable text from a web page: scripts, styles and navigation dropped, headings as markdown. */
export function htmlToText(html: string): { text: string; title: string | null } {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const body = html
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(script|style|noscript|template|svg|nav|footer|header|form)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<head\b[\s\S]*?<\/head>/i, " ")
    .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi, (_, level: string, inner: string) => `\n\n${"#".repeat(Number(level))} ${inner.replace(/<[^>]+>/g, " ")}\n\n`)
    .replace(/<li\b[^>]*>/gi, "\n\n- ")
    .replace(/<(br|hr)\b[^>]*>/gi, "\n")
    .replace(/<\/(p|div|section|article|li|ul|ol|table|tr|blockquote|pre|dd|dt)>/gi, "\n\n")
    .replace(/<[^>]+>/g, " ");
  return { text: decodeEntities(body).replace(/[ \t]+/g, " ").replace(/\n[ \t]+/g, "\n").replace(/\n{3,}/g, "\n\n").trim(), title: title ? decodeEntities(title).trim() || null : null };
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] === "#") {
      const code = entity[1].toLowerCase() === "x" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : " ";
    }
    return ENTITIES[entity.toLowerCase()] ?? match;
  });
}
