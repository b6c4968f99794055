import { z } from "zod";

// Shared by server and browser: the AI settings form.
const MODEL = /^[A-Za-z0-9._:/-]{1,100}$/;

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || undefined);

export const aiSettingsSchema = z.object({
  baseUrl: optionalText.pipe(z.url({ protocol: /^https?$/, error: "ai.settings.invalidUrl" }).optional()),
  apiKey: optionalText.pipe(z.string().max(500).optional()),
  removeApiKey: z.literal("on").optional(),
  chatModel: z.string({ error: "validation.required" }).trim().regex(MODEL, "ai.settings.invalidModel"),
  embeddingModel: z.string({ error: "validation.required" }).trim().regex(MODEL, "ai.settings.invalidModel"),
  // Dollars as typed (25, 25.50 or 25,50); stored as micro-dollars.
  monthlyBudget: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,7}([.,]\d{1,2})?$/, "ai.settings.invalidBudget")
      .transform((value) => Math.round(Number(value.replace(",", ".")) * 1_000_000))
      .optional(),
  ),
});

export type AiSettingsForm = z.infer<typeof aiSettingsSchema>;

export function formatBudget(micros: number | null): string {
  return micros === null ? "" : (micros / 1_000_000).toFixed(2);
}
