import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getEnv } from "~/lib/env.server";
import type { ConfigField, ConnectionContext, ValidatedConfig } from "../types";

export const DEFAULT_GRAPH_VERSION = "v21.0";
export const DEFAULT_GRAPH_BASE_URL = "https://graph.facebook.com";

export const metaConfigFields: ConfigField[] = [
  { name: "phoneNumberId", label: { "pt-BR": "ID do número de telefone", en: "Phone number ID" }, secret: false, required: true, placeholder: "106540352242922" },
  { name: "wabaId", label: { "pt-BR": "ID da conta do WhatsApp Business (WABA)", en: "WhatsApp Business Account ID (WABA)" }, secret: false, required: true, placeholder: "102290129340398" },
  { name: "accessToken", label: { "pt-BR": "Token de acesso", en: "Access token" }, secret: true, required: true },
  { name: "appSecret", label: { "pt-BR": "Chave secreta do app", en: "App secret" }, secret: true, required: true },
  {
    name: "verifyToken",
    label: { "pt-BR": "Token de verificação do webhook (gerado se ficar em branco)", en: "Webhook verify token (generated if left blank)" },
    secret: true,
    required: false,
  },
  { name: "graphVersion", label: { "pt-BR": "Versão da Graph API", en: "Graph API version" }, secret: false, required: false, placeholder: DEFAULT_GRAPH_VERSION },
  { name: "baseUrl", label: { "pt-BR": "URL base da Graph API (avançado)", en: "Graph API base URL (advanced)" }, secret: false, required: false, placeholder: DEFAULT_GRAPH_BASE_URL },
];

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value);
const required = (pattern: RegExp, message: string) => z.string({ error: "validation.required" }).trim().min(1, "validation.required").regex(pattern, message);

/** A per-connection base URL exists for fakes and proxies; in production it must be https so a token never travels in clear. */
export function providerBaseUrlSchema(message: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .url({ error: message })
      .refine((value) => /^https:\/\//.test(value) || (getEnv().NODE_ENV !== "production" && /^http:\/\//.test(value)), message)
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
  );
}

const metaConfigSchema = z.object({
  phoneNumberId: required(/^\d{5,30}$/, "meta.invalidId"),
  wabaId: required(/^\d{5,30}$/, "meta.invalidId"),
  accessToken: required(/^\S{20,1024}$/, "meta.invalidToken"),
  appSecret: required(/^[A-Za-z0-9_-]{8,128}$/, "meta.invalidAppSecret"),
  verifyToken: z.preprocess(blankToUndefined, z.string().regex(/^[\x21-\x7e]{8,128}$/, "meta.invalidVerifyToken").optional()),
  graphVersion: z.preprocess(blankToUndefined, z.string().regex(/^v\d{1,2}\.\d$/, "meta.invalidVersion").optional()),
  baseUrl: providerBaseUrlSchema("meta.invalidBaseUrl"),
});

export function validateMetaConfig(input: Record<string, string>): ValidatedConfig {
  const parsed = metaConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
  const { phoneNumberId, wabaId, accessToken, appSecret, verifyToken, graphVersion, baseUrl } = parsed.data;
  return {
    ok: true,
    // An explicit undefined clears a base URL left blank when the connection is edited (config is merged).
    config: { phoneNumberId, wabaId, graphVersion: graphVersion ?? DEFAULT_GRAPH_VERSION, baseUrl },
    secrets: { accessToken, appSecret, verifyToken: verifyToken ?? randomBytes(24).toString("base64url") },
  };
}

export type GraphSettings = { baseUrl: string; version: string; accessToken: string; phoneNumberId: string; wabaId: string };

/** Where and as whom to call the Graph API for this connection: its own override, else META_GRAPH_BASE_URL, else Meta. */
export function graphSettings(connection: ConnectionContext): GraphSettings {
  const config = connection.config;
  const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
  return {
    baseUrl: (text(config.baseUrl) ?? getEnv().META_GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, ""),
    version: text(config.graphVersion) ?? DEFAULT_GRAPH_VERSION,
    accessToken: connection.secrets.accessToken ?? "",
    phoneNumberId: text(config.phoneNumberId) ?? "",
    wabaId: text(config.wabaId) ?? "",
  };
}
