import { describe, expect, it } from "vitest";
import { explainSendError } from "./error-explanations";

describe("send error explanations", () => {
  it("explains provider codes in the reader's language", () => {
    expect(explainSendError("en", { kind: "whatsapp_cloud", code: "131047" })).toBe("More than 24 hours since the customer's last message: use a template.");
    expect(explainSendError("pt-BR", { kind: "twilio_sms", code: "21610" })).toMatch(/^O destinatário respondeu STOP/);
  });

  it("falls back to the consequence, then to the provider's message", () => {
    expect(explainSendError("en", { kind: "sandbox", code: "x1", consequence: "opted_out" })).toBe("The contact asked not to receive messages (opted out).");
    expect(explainSendError("en", { kind: "twilio_sms", code: "99999", message: "Carrier said no" })).toBe("Carrier said no");
    expect(explainSendError("pt-BR", { kind: "twilio_sms", code: null })).toBe("Não foi possível falar com o provedor.");
  });

  it("a code of one provider does not explain another's", () => {
    expect(explainSendError("en", { kind: "twilio_sms", code: "131047", message: "raw" })).toBe("raw");
  });
});
