import { z } from "zod";

const timezones = new Set(Intl.supportedValuesOf("timeZone"));

export const organizationSettingsSchema = z.object({
  name: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(120, "validation.tooLong"),
  timezone: z.string({ error: "validation.required" }).refine((zone) => timezones.has(zone) || zone === "UTC", "validation.required"),
  locale: z.enum(["pt-BR", "en"]),
});

export const commonTimezones = ["America/Sao_Paulo", "America/Manaus", "America/Fortaleza", "America/Recife", "America/Noronha", "America/Rio_Branco", "America/Cuiaba", "America/Belem", "Europe/Lisbon", "America/New_York", "America/Mexico_City", "America/Bogota", "America/Argentina/Buenos_Aires", "UTC"];
