import { z } from "zod";

// Where each CSV column goes. Shared by the mapping form (route) and the job.

export const BUILT_IN_TARGETS = ["ignore", "name", "firstName", "lastName", "phone", "email", "tags"] as const;
export type BuiltInTarget = (typeof BUILT_IN_TARGETS)[number];
/** `custom:<key>` is an existing custom field; `newField` creates a text field named after the header. */
export type ColumnTarget = BuiltInTarget | `custom:${string}` | "newField";
export type ImportMapping = { columns: ColumnTarget[] };
export type OnExisting = "update" | "skip";

/** Targets a file may use once; several columns may feed tags, and ignore is the default. */
const SINGLE_USE = new Set<string>(["name", "firstName", "lastName", "phone", "email"]);

const SYNONYMS: Record<Exclude<BuiltInTarget, "ignore">, string[]> = {
  phone: ["telefone", "fone", "tel", "celular", "cel", "whatsapp", "whats", "zap", "phone", "mobile", "cellphone", "numero", "telefonecelular", "phonenumber"],
  email: ["email", "mail", "emailaddress", "correio", "correioeletronico"],
  name: ["nome", "name", "nomecompleto", "fullname", "cliente", "contato", "contact"],
  firstName: ["primeironome", "firstname", "prenome", "givenname"],
  lastName: ["sobrenome", "ultimonome", "lastname", "surname", "familyname"],
  tags: ["tags", "tag", "etiquetas", "etiqueta", "labels", "label", "marcadores"],
};

/** "E-mail", "Telefone Celular", "Nº WhatsApp" → "email", "telefonecelular", "nwhatsapp". */
export function normalizeHeader(header: string): string {
  return header
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

function builtInFor(normalized: string): BuiltInTarget | undefined {
  for (const [target, words] of Object.entries(SYNONYMS) as Array<[BuiltInTarget, string[]]>) {
    if (words.includes(normalized)) return target;
  }
  // "Telefone 1", "Celular (WhatsApp)", "E-mail comercial"
  if (/^(telefone|celular|whatsapp|phone|fone)/.test(normalized)) return "phone";
  if (/^(email|mail)/.test(normalized)) return "email";
  return undefined;
}

/** A first guess for each column; a target that allows one column goes to the first that matches. */
export function guessTargets(headers: readonly string[], customFields: ReadonlyArray<{ key: string; label: string }>): ColumnTarget[] {
  const used = new Set<string>();
  return headers.map((header) => {
    const normalized = normalizeHeader(header);
    const field = customFields.find((candidate) => normalizeHeader(candidate.key) === normalized || normalizeHeader(candidate.label) === normalized);
    const guess: ColumnTarget | undefined = builtInFor(normalized) ?? (field ? `custom:${field.key}` : undefined);
    if (!guess || (used.has(guess) && (SINGLE_USE.has(guess) || guess.startsWith("custom:")))) return "ignore";
    used.add(guess);
    return guess;
  });
}

export const mappingFormSchema = (headers: readonly string[], customFieldKeys: readonly string[]) => {
  const allowed = new Set<string>([...BUILT_IN_TARGETS, "newField", ...customFieldKeys.map((key) => `custom:${key}`)]);
  const target = z
    .string()
    .refine((value) => allowed.has(value), "imports.mapping.invalidTarget")
    .transform((value) => value as ColumnTarget);
  return z
    .object({
      columns: z.array(target).length(headers.length),
      onExisting: z.enum(["update", "skip"], { error: "validation.required" }),
      tagIds: z.array(z.uuid({ error: "imports.mapping.invalidTag" })).max(50),
      newTag: z.string().trim().max(50, "validation.tooLong").optional().transform((value) => value || undefined),
    })
    .superRefine((input, context) => {
      if (!input.columns.includes("phone")) context.addIssue({ code: "custom", path: ["columns"], message: "imports.mapping.phoneRequired" });
      const seen = new Set<string>();
      input.columns.forEach((column, index) => {
        if ((SINGLE_USE.has(column) || column.startsWith("custom:")) && seen.has(column)) {
          context.addIssue({ code: "custom", path: ["columns", index], message: "imports.mapping.usedTwice" });
        }
        seen.add(column);
      });
    });
};

/** The form posts one select per column (`column0`, `column1`, …), checkboxes `tagId`, radio `onExisting`. */
export function readMappingForm(form: FormData, headers: readonly string[]) {
  return {
    columns: headers.map((_, index) => String(form.get(`column${index}`) ?? "ignore")),
    onExisting: String(form.get("onExisting") ?? ""),
    tagIds: form.getAll("tagId").map(String),
    newTag: String(form.get("newTag") ?? ""),
  };
}
