import { z } from "zod";

// Shared by server actions and the browser's pre-validation; messages are i18n keys.

/** Sources a person may pick by hand; "provider" (the network refused a send) is only ever set by the system. */
export const OPT_OUT_SOURCES = ["manual", "import", "keyword", "api"] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number] | "provider";

export const contactFormSchema = z
  .object({
    name: z.string().trim().max(120, "validation.tooLong").optional(),
    /** Typed loosely ("(11) 98765-4321"); the server normalizes it to E.164 with the organization's country. */
    phone: z.string().trim().max(40, "validation.tooLong").optional(),
    email: z.string().trim().toLowerCase().max(254, "validation.tooLong").pipe(z.email("validation.email")).optional(),
    /** Custom field inputs by key (`attr.<key>`), validated against the field definitions on the server. */
    attr: z.record(z.string(), z.string().max(1000, "validation.tooLong").optional()).optional(),
  })
  .refine((contact) => Boolean(contact.phone || contact.email), { path: ["phone"], message: "contacts.needPhoneOrEmail" });

export type ContactFormInput = z.infer<typeof contactFormSchema>;

export const contactDetailActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("addTag"), tagId: z.uuid("validation.required") }),
  z.object({ intent: z.literal("removeTag"), tagId: z.uuid() }),
  z.object({
    intent: z.literal("optOut"),
    reason: z.string().trim().max(300, "validation.tooLong").optional(),
    source: z.enum(OPT_OUT_SOURCES).default("manual"),
  }),
  z.object({ intent: z.literal("optIn") }),
]);

/** Deleting and erasing need an explicit tick, so they work as plain forms without a JS confirm(). */
export const confirmSchema = z.object({ confirm: z.literal("yes", { error: "contacts.confirmRequired" }) });

export const BULK_ACTIONS = ["addTag", "removeTag", "optOut", "delete"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const bulkActionSchema = z
  .object({
    intent: z.literal("bulk"),
    action: z.enum(BULK_ACTIONS, { error: "contacts.bulk.chooseAction" }),
    contactIds: z.array(z.uuid()).min(1, "contacts.bulk.noneSelected").max(500),
    tagId: z.uuid().optional(),
    confirm: z.literal("yes").optional(),
  })
  .refine((input) => !(input.action === "addTag" || input.action === "removeTag") || input.tagId, { path: ["tagId"], message: "contacts.bulk.chooseTag" })
  .refine((input) => input.action !== "delete" || input.confirm === "yes", { path: ["confirm"], message: "contacts.confirmRequired" });

export type BulkActionInput = z.infer<typeof bulkActionSchema>;

export const tagColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "contacts.tags.invalidColor").transform((value) => value.toLowerCase());
const tagName = z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(40, "validation.tooLong");

export const tagActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: tagName, color: tagColor.default("#64748b") }),
  z.object({ intent: z.literal("update"), tagId: z.uuid(), name: tagName, color: tagColor }),
  z.object({ intent: z.literal("delete"), tagId: z.uuid() }),
]);

export const segmentNameSchema = z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(80, "validation.tooLong");
