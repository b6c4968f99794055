import { z } from "zod";

// Shared by server actions and the browser's pre-validation; messages are i18n keys.
const email = z.string({ error: "validation.required" }).trim().toLowerCase().max(254, "validation.tooLong").pipe(z.email("validation.email"));
const password = z.string({ error: "validation.required" }).min(8, "validation.passwordShort").max(128, "validation.passwordLong");
const name = z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(120, "validation.tooLong");

export const signInSchema = z.object({
  email,
  password: z.string({ error: "validation.required" }).max(128, "validation.passwordLong"),
  redirectTo: z.string().optional(),
});

export const signUpSchema = z.object({
  name,
  email,
  password,
  orgName: name.optional(),
  invite: z.string().optional(),
});

export const organizationNameSchema = z.object({ name });

/** Only same-site relative paths: `/inbox`, never `//evil.example` or `https://…`. */
export function safeRedirect(target: unknown, fallback = "/dashboard"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  return target;
}
