import { describe, expect, it } from "vitest";
import { createCsvSniffer, detectDelimiter } from "./csv-sniff";

function sniff(bytes: Uint8Array, pieceSize = 7) {
  const sniffer = createCsvSniffer();
  for (let offset = 0; offset < bytes.length; offset += pieceSize) sniffer.feed(bytes.subarray(offset, offset + pieceSize));
  return sniffer.finish();
}

const latin1 = (text: string) => Uint8Array.from([...text].map((char) => char.charCodeAt(0)));
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("encoding", () => {
  it("reads UTF-8, with or without a BOM, even when a character is split between pieces", () => {
    const text = "nome;telefone\nJoão Conceição;11987654321\n";
    expect(sniff(utf8(text), 1).encoding).toBe("utf-8");
    expect(sniff(utf8(`\ufeff${text}`), 3).encoding).toBe("utf-8");
  });

  it("falls back to Windows-1252 when the bytes are not UTF-8 (Excel's Latin-1 CSV)", () => {
    const profile = sniff(latin1("nome;telefone\nJoão;11987654321\nAçúcar €;1\n"));
    expect(profile.encoding).toBe("windows-1252");
    expect(new TextDecoder(profile.encoding).decode(profile.head)).toContain("João");
  });

  it("treats a multi-byte sequence cut off at the very end as not UTF-8", () => {
    expect(sniff(Uint8Array.from([...utf8("a,b\n1,"), 0xc3])).encoding).toBe("windows-1252");
  });

  it("flags binary files (xlsx, UTF-16) by their NUL bytes", () => {
    expect(sniff(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])).binary).toBe(true);
    expect(sniff(utf8("a,b\n1,2\n")).binary).toBe(false);
  });
});

describe("delimiter", () => {
  it.each([
    ["nome,telefone,email", ","],
    ["nome;telefone;email", ";"],
    ["nome\ttelefone\temail", "\t"],
    ['"Nome, completo";"Telefone, celular";email', ";"],
    ['"a;b;c",d,e', ","],
    ["nome", ","],
  ])("%j → %j", (header, expected) => {
    expect(detectDelimiter(`${header}\r\nx;y,z\tw;;;;;`)).toBe(expected);
  });

  it("looks at the header line only, not at data below it", () => {
    expect(detectDelimiter("a,b\n1;2;3;4;5")).toBe(",");
  });
});

describe("row estimate", () => {
  it("counts non-blank lines after the header, ignoring newlines inside quotes and CRLF", () => {
    const text = 'nome;obs\r\nAna;"linha 1\r\nlinha 2"\r\n\r\nBia;ok\r\nCaio;"x""y"';
    expect(sniff(utf8(text), 2).approxRows).toBe(3);
  });

  it("is zero for a header-only file", () => {
    expect(sniff(utf8("nome,telefone\n")).approxRows).toBe(0);
  });
});
