import { describe, expect, it } from "vitest";
import { countSmsSegments } from "./sms-segments";

describe("countSmsSegments", () => {
  it("counts GSM-7 at 160 for one segment and 153 per segment after that", () => {
    expect(countSmsSegments("")).toMatchObject({ segments: 0, units: 0 });
    expect(countSmsSegments("Hello")).toMatchObject({ encoding: "GSM-7", segments: 1, units: 5, remaining: 155 });
    expect(countSmsSegments("a".repeat(160))).toMatchObject({ encoding: "GSM-7", segments: 1, remaining: 0 });
    expect(countSmsSegments("a".repeat(161))).toMatchObject({ segments: 2, perSegment: 153 });
    expect(countSmsSegments("a".repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSmsSegments("a".repeat(307))).toMatchObject({ segments: 3 });
  });

  it("counts extension characters as two septets and never splits one across segments", () => {
    expect(countSmsSegments("€")).toMatchObject({ encoding: "GSM-7", units: 2 });
    expect(countSmsSegments("{}[]~^|\\€")).toMatchObject({ encoding: "GSM-7", units: 18 });
    expect(countSmsSegments("a".repeat(159) + "€")).toMatchObject({ segments: 2, units: 161 });
    // 152 septets then "€": it does not fit in the one septet left, so it opens segment 2.
    const text = "a".repeat(152) + "€" + "a".repeat(151);
    expect(countSmsSegments(text)).toMatchObject({ units: 305, segments: 2, remaining: 0 });
    expect(countSmsSegments(text + "a")).toMatchObject({ segments: 3 });
  });

  it("keeps GSM-7 for the accented letters of its table", () => {
    expect(countSmsSegments("àéèùìòÇÑñÄäÖöÜüßÉ¿¡£¥§")).toMatchObject({ encoding: "GSM-7", unicodeCharacters: [] });
  });

  it("switches to UCS-2 for accents and emoji outside GSM-7, at 70 then 67 per segment", () => {
    const portuguese = countSmsSegments("Olá, sua promoção chegou");
    expect(portuguese).toMatchObject({ encoding: "UCS-2", segments: 1, units: 24, remaining: 46 });
    expect(portuguese.unicodeCharacters).toEqual(["á", "ç", "ã"]);
    expect(countSmsSegments("ç".repeat(70))).toMatchObject({ encoding: "UCS-2", segments: 1 });
    expect(countSmsSegments("ç".repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    expect(countSmsSegments("ç".repeat(134))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSmsSegments("ç".repeat(135))).toMatchObject({ segments: 3 });
  });

  it("counts an emoji as two UTF-16 units and never splits a surrogate pair", () => {
    expect(countSmsSegments("😀")).toMatchObject({ encoding: "UCS-2", units: 2, segments: 1, unicodeCharacters: ["😀"] });
    expect(countSmsSegments("😀".repeat(35))).toMatchObject({ units: 70, segments: 1 });
    // 66 units then an emoji: the pair does not fit in the one unit left, so it goes whole to segment 2.
    expect(countSmsSegments("ç".repeat(66) + "😀" + "ç".repeat(10))).toMatchObject({ units: 78, segments: 2, remaining: 67 - 12 });
    expect(countSmsSegments("ç".repeat(69) + "😀")).toMatchObject({ units: 71, segments: 2, remaining: 67 - 4 });
  });
});
