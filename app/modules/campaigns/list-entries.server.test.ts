import { describe, expect, it } from "vitest";
import { decodeListFile, parseListText } from "./list-entries.server";

describe("parseListText", () => {
  it("finds the phone in any column, normalizes it, keeps a name, skips headers and blanks", () => {
    const text = ["nome;telefone", "Maria;(11) 98765-4321", "", "+55 21 99876-5432", "Número errado;+55 11 1234"].join("\r\n");
    expect(parseListText(text, "BR")).toEqual({
      entries: [
        { rowNumber: 1, phone: "+5511987654321", name: "Maria", valid: true },
        { rowNumber: 2, phone: "+5521998765432", name: null, valid: true },
        { rowNumber: 3, phone: "+55 11 1234", name: "Número errado", valid: false },
      ],
      truncated: false,
    });
  });

  it("reads quoted CSV cells and pasted numbers without any delimiter", () => {
    expect(parseListText('"Zé, o dono",5511912345678\n"Ana",11 98765-4321', "BR").entries.map((entry) => [entry.phone, entry.name])).toEqual([
      ["+5511912345678", "Zé, o dono"],
      ["+5511987654321", "Ana"],
    ]);
    expect(parseListText("11987654321\n21998765432\n", "BR").entries.map((entry) => entry.phone)).toEqual(["+5511987654321", "+5521998765432"]);
  });
});

describe("decodeListFile", () => {
  it("reads Excel's Windows-1252 CSV with accents and refuses a spreadsheet", () => {
    const latin1 = Uint8Array.from([...Buffer.from("Jos"), 0xe9, ...Buffer.from(";11987654321\n")]);
    expect(parseListText(decodeListFile(latin1)!, "BR").entries).toEqual([{ rowNumber: 1, phone: "+5511987654321", name: "José", valid: true }]);
    expect(decodeListFile(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]))).toBeNull();
  });
});
