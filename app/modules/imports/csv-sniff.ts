// What kind of CSV an upload is, learned from its bytes as they stream by (nothing is buffered but
// the first HEAD_BYTES).

export type CsvEncoding = "utf-8" | "windows-1252";
export const CSV_DELIMITERS = [",", ";", "\t"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export type CsvProfile = {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** Non-blank lines after the header, counted outside quotes: an estimate for the progress bar until the job counts exactly. */
  approxRows: number;
  /** The first bytes of the file, enough for the header and a preview. */
  head: Uint8Array;
  binary: boolean;
};

export const HEAD_BYTES = 64 * 1024;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export function createCsvSniffer() {
  // A strict decoder in streaming mode rejects any byte sequence that is not UTF-8, even one split across pieces.
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let validUtf8 = true;
  let head = new Uint8Array(0);
  let inQuotes = false;
  let lineHasContent = false;
  let lines = 0;

  function countLines(bytes: Uint8Array) {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === QUOTE) {
        inQuotes = !inQuotes;
        lineHasContent = true;
      } else if (byte === LF && !inQuotes) {
        if (lineHasContent) lines++;
        lineHasContent = false;
      } else if (byte !== CR) {
        lineHasContent = true;
      }
    }
  }

  return {
    feed(bytes: Uint8Array) {
      if (head.length < HEAD_BYTES) {
        const take = bytes.subarray(0, HEAD_BYTES - head.length);
        const grown = new Uint8Array(head.length + take.length);
        grown.set(head);
        grown.set(take, head.length);
        head = grown;
      }
      if (validUtf8) {
        try {
          utf8.decode(bytes, { stream: true });
        } catch {
          validUtf8 = false;
        }
      }
      countLines(bytes);
    },

    finish(): CsvProfile {
      if (validUtf8) {
        try {
          utf8.decode(); // a multi-byte sequence cut off at the very end is not UTF-8 either
        } catch {
          validUtf8 = false;
        }
      }
      const total = lines + (lineHasContent ? 1 : 0);
      const encoding: CsvEncoding = validUtf8 ? "utf-8" : "windows-1252";
      return {
        encoding,
        delimiter: detectDelimiter(decodeCsv(head, encoding)),
        approxRows: Math.max(0, total - 1),
        head,
        binary: looksBinary(head),
      };
    },
  };
}

/** Decodes with the BOM removed; in windows-1252 every byte is a character, so this never fails. */
export function decodeCsv(bytes: Uint8Array, encoding: CsvEncoding): string {
  return new TextDecoder(encoding).decode(bytes, { stream: true });
}

/** The candidate seen most often on the header line, outside quotes; a comma when there is none. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CSV_DELIMITERS.map((delimiter) => [delimiter, 0]));
  let inQuotes = false;
  for (const char of text) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === "\n" || char === "\r")) break;
    else if (!inQuotes && counts.has(char as CsvDelimiter)) counts.set(char as CsvDelimiter, counts.get(char as CsvDelimiter)! + 1);
  }
  let best: CsvDelimiter = ",";
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** Spreadsheets (.xlsx is a zip) and UTF-16 text have NUL bytes; CSV never does. */
function looksBinary(head: Uint8Array): boolean {
  return head.includes(0);
}
