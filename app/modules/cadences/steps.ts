import { z } from "zod";

// Shared by server and browser: what each kind of cadence step holds. Error messages are i18n keys.

export const STEP_KINDS = ["wait", "send", "tag_add", "tag_remove", "move_stage"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const WAIT_UNITS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;
export type WaitUnit = keyof typeof WAIT_UNITS;
export const MAX_WAIT_SECONDS = 365 * 86_400;

export const waitConfigSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("duration"), seconds: z.number().int().min(1).max(MAX_WAIT_SECONDS) }),
  z.object({ mode: z.literal("business_hours") }),
]);
export const sendConfigSchema = z.object({ connectionId: z.uuid(), text: z.string().trim().min(1).max(4000) });
export const tagConfigSchema = z.object({ tagId: z.uuid() });
export const stageConfigSchema = z.object({ stageId: z.uuid() });

export type CadenceStep =
  | { kind: "wait"; config: z.infer<typeof waitConfigSchema> }
  | { kind: "send"; config: z.infer<typeof sendConfigSchema> }
  | { kind: "tag_add" | "tag_remove"; config: z.infer<typeof tagConfigSchema> }
  | { kind: "move_stage"; config: z.infer<typeof stageConfigSchema> };

/** A stored step as the engine and pages read it; a row that no longer parses reads as null. */
export function parseStep(kind: string, config: unknown): CadenceStep | null {
  switch (kind) {
    case "wait": {
      const parsed = waitConfigSchema.safeParse(config);
      return parsed.success ? { kind, config: parsed.data } : null;
    }
    case "send": {
      const parsed = sendConfigSchema.safeParse(config);
      return parsed.success ? { kind, config: parsed.data } : null;
    }
    case "tag_add":
    case "tag_remove": {
      const parsed = tagConfigSchema.safeParse(config);
      return parsed.success ? { kind, config: parsed.data } : null;
    }
    case "move_stage": {
      const parsed = stageConfigSchema.safeParse(config);
      return parsed.success ? { kind, config: parsed.data } : null;
    }
    default:
      return null;
  }
}

/** The wait as amount + unit for the form: the largest unit that divides it. */
export function waitAmount(seconds: number): { amount: number; unit: WaitUnit } {
  for (const unit of ["days", "hours", "minutes"] as const) {
    if (seconds % WAIT_UNITS[unit] === 0) return { amount: seconds / WAIT_UNITS[unit], unit };
  }
  return { amount: seconds, unit: "seconds" };
}

const formText = (max: number) => z.string().trim().min(1, "validation.required").max(max, "validation.tooLong");

/** The step form (add or edit), one schema for every kind: only the kind's own fields are read. */
export const stepFormSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("wait"),
    mode: z.enum(["duration", "business_hours"]),
    amount: z.coerce.number({ error: "cadences.step.invalidAmount" }).int("cadences.step.invalidAmount").min(1, "cadences.step.invalidAmount").optional(),
    unit: z.enum(["seconds", "minutes", "hours", "days"]).optional(),
  }),
  z.object({ kind: z.literal("send"), connectionId: z.uuid("cadences.step.connectionRequired"), text: formText(4000) }),
  z.object({ kind: z.literal("tag_add"), tagId: z.uuid("cadences.step.tagRequired") }),
  z.object({ kind: z.literal("tag_remove"), tagId: z.uuid("cadences.step.tagRequired") }),
  z.object({ kind: z.literal("move_stage"), stageId: z.uuid("cadences.step.stageRequired") }),
]);
export type StepForm = z.infer<typeof stepFormSchema>;

export type StepFormResult = { ok: true; step: CadenceStep } | { ok: false; errors: Record<string, string[]> };

export function stepFromForm(form: StepForm): StepFormResult {
  switch (form.kind) {
    case "wait": {
      if (form.mode === "business_hours") return { ok: true, step: { kind: "wait", config: { mode: "business_hours" } } };
      if (!form.amount || !form.unit) return { ok: false, errors: { amount: ["cadences.step.invalidAmount"] } };
      const seconds = form.amount * WAIT_UNITS[form.unit];
      if (seconds > MAX_WAIT_SECONDS) return { ok: false, errors: { amount: ["cadences.step.waitTooLong"] } };
      return { ok: true, step: { kind: "wait", config: { mode: "duration", seconds } } };
    }
    case "send":
      return { ok: true, step: { kind: "send", config: { connectionId: form.connectionId, text: form.text } } };
    case "tag_add":
    case "tag_remove":
      return { ok: true, step: { kind: form.kind, config: { tagId: form.tagId } } };
    case "move_stage":
      return { ok: true, step: { kind: "move_stage", config: { stageId: form.stageId } } };
  }
}
