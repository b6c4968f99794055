import { z } from "zod";
import { businessHoursSchema } from "./business-hours";

// Shared by server and browser: the cadence pages' forms. Error messages are i18n keys.

const name = z.string().trim().min(1, "validation.required").max(120, "validation.tooLong");
const optionalId = z.preprocess((value) => (value === "" ? undefined : value), z.uuid().optional());
const checkbox = z.preprocess((value) => value === "on" || value === "true", z.boolean());
const position = z.coerce.number().int().min(0);

export const createCadenceSchema = z.object({ name });

export const cadencePageActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("status"), status: z.enum(["active", "paused", "archived"]) }),
  z.object({ intent: z.literal("enroll"), contactId: z.uuid("cadences.enroll.contactRequired") }),
  z.object({ intent: z.literal("enrollSegment"), segmentId: z.uuid("cadences.enroll.segmentRequired") }),
  z.object({ intent: z.literal("exit"), enrollmentId: z.uuid() }),
]);

export const settingsFormSchema = z.object({
  name,
  triggerTagId: optionalId,
  triggerStageId: optionalId,
  exitOnReply: checkbox,
  exitOnLeadClosed: checkbox,
  hours: businessHoursSchema,
});

export const stepsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("settings") }),
  z.object({ intent: z.literal("addStep") }),
  z.object({ intent: z.literal("updateStep"), position }),
  z.object({ intent: z.literal("deleteStep"), position }),
  z.object({ intent: z.literal("moveStep"), position, direction: z.enum(["up", "down"]) }),
]);

/** Reads the settings form (days arrive as repeated checkboxes). */
export function settingsFromForm(formData: FormData) {
  const text = (key: string) => (typeof formData.get(key) === "string" ? String(formData.get(key)) : undefined);
  return settingsFormSchema.safeParse({
    name: text("name"),
    triggerTagId: text("triggerTagId"),
    triggerStageId: text("triggerStageId"),
    exitOnReply: text("exitOnReply"),
    exitOnLeadClosed: text("exitOnLeadClosed"),
    hours: { days: formData.getAll("days").map(Number), start: text("start"), end: text("end") },
  });
}

/** zod issues as `{ field: [i18n keys] }`, keyed by the last path segment ("hours.end" → "end"). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path.at(-1) ?? "form");
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}
