import { z } from "zod";
import { providerBaseUrlSchema } from "../meta/config.server";
import type { ConfigField, ValidatedConfig } from "../types";
import { TWILIO_API_HOST } from "./client.server";

export const twilioConfigFields: ConfigField[] = [
  { name: "accountSid", label: { "pt-BR": "Account SID", en: "Account SID" }, secret: false, required: true, placeholder: "AC…" },
  { name: "authToken", label: { "pt-BR": "Auth token", en: "Auth token" }, secret: true, required: true },
  { name: "fromNumber", label: { "pt-BR": "Número de envio (E.164)", en: "From number (E.164)" }, secret: false, required: false, placeholder: "+15017122661" },
  {
    name: "messagingServiceSid",
    label: { "pt-BR": "Ou Messaging Service SID", en: "Or Messaging Service SID" },
    secret: false,
    required: false,
    placeholder: "MG…",
  },
  { name: "baseUrl", label: { "pt-BR": "URL base da API (avançado)", en: "API base URL (advanced)" }, secret: false, required: false, placeholder: TWILIO_API_HOST },
];

const optional = (schema: z.ZodString) => z.preprocess((value) => (typeof value === "string" ? value.trim() || undefined : value), schema.optional());

const twilioConfigSchema = z
  .object({
    accountSid: z.string({ error: "validation.required" }).trim().min(1, "validation.required").regex(/^AC[0-9a-fA-F]{32}$/, "twilio.invalidAccountSid"),
    authToken: z.string({ error: "validation.required" }).trim().min(1, "validation.required").regex(/^[0-9a-zA-Z]{16,64}$/, "twilio.invalidAuthToken"),
    fromNumber: optional(z.string().regex(/^\+[1-9]\d{6,14}$/, "twilio.invalidFromNumber")),
    messagingServiceSid: optional(z.string().regex(/^MG[0-9a-fA-F]{32}$/, "twilio.invalidMessagingServiceSid")),
    baseUrl: providerBaseUrlSchema("twilio.invalidBaseUrl"),
  })
  .refine((config) => config.fromNumber || config.messagingServiceSid, { path: ["fromNumber"], message: "twilio.fromOrService" });

export function validateTwilioConfig(input: Record<string, string>): ValidatedConfig {
  const parsed = twilioConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
  const { authToken, ...config } = parsed.data;
  // Blank optional fields stay as explicit undefined so editing a connection clears them (config is merged).
  return { ok: true, config, secrets: { authToken } };
}
