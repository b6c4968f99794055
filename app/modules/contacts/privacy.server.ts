import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { exitOnOptOut } from "../cadences/enrollments.server";

// LGPD (Lei Geral de Proteção de Dados): a person may ask for everything we hold about them, or to be forgotten.

/** Everything the organization holds about one contact, as a JSON-ready object; undefined when not the org's. */
export async function exportContactData(db: Database, orgId: string, contactId: string, actor: AuditEntry["actor"]) {
  const contact = await db.selectFrom("contacts").selectAll().where("org_id", "=", orgId).where("id", "=", contactId).executeTakeFirst();
  if (!contact) return undefined;
  const [organization, fields, tags, leads, events, audit] = await Promise.all([
    db.selectFrom("organizations").select(["id", "name"]).where("id", "=", orgId).executeTakeFirstOrThrow(),
    db.selectFrom("custom_fields").select(["key", "label", "type"]).where("org_id", "=", orgId).orderBy("position").execute(),
    db
      .selectFrom("contact_tags")
      .innerJoin("tags", "tags.id", "contact_tags.tag_id")
      .select(["tags.name", "tags.color", "contact_tags.created_at as taggedAt"])
      .where("contact_tags.org_id", "=", orgId)
      .where("contact_tags.contact_id", "=", contactId)
      .orderBy("tags.name")
      .execute(),
    db
      .selectFrom("leads")
      .innerJoin("pipelines", "pipelines.id", "leads.pipeline_id")
      .innerJoin("stages", "stages.id", "leads.stage_id")
      .select(["leads.id", "leads.title", "pipelines.name as pipeline", "stages.name as stage", "leads.status", "leads.value_cents as valueCents", "leads.notes", "leads.created_at as createdAt", "leads.closed_at as closedAt"])
      .where("leads.org_id", "=", orgId)
      .where("leads.contact_id", "=", contactId)
      .orderBy("leads.created_at")
      .execute(),
    db
      .selectFrom("lead_events")
      .innerJoin("leads", "leads.id", "lead_events.lead_id")
      .leftJoin("stages as from_stage", "from_stage.id", "lead_events.from_stage_id")
      .leftJoin("stages as to_stage", "to_stage.id", "lead_events.to_stage_id")
      .select([
        "lead_events.lead_id",
        "lead_events.type",
        "from_stage.name as fromStage",
        "to_stage.name as toStage",
        "lead_events.actor_type as actorType",
        "lead_events.reason",
        "lead_events.created_at as createdAt",
      ])
      .where("lead_events.org_id", "=", orgId)
      .where("leads.contact_id", "=", contactId)
      .orderBy("lead_events.created_at")
      .orderBy("lead_events.id")
      .execute(),
    db
      .selectFrom("audit_log")
      .select(["action", "actor_type as actorType", "metadata", "created_at as createdAt"])
      .where("org_id", "=", orgId)
      .where("target_type", "=", "contact")
      .where("target_id", "=", contactId)
      .orderBy("created_at")
      .orderBy("id")
      .execute(),
  ]);
  const attributes = (contact.attributes ?? {}) as Record<string, unknown>;
  await recordAudit(db, { orgId, actor, action: "contact.exported", target: { type: "contact", id: contactId } });
  return {
    exportedAt: new Date().toISOString(),
    organization,
    contact: {
      id: contact.id,
      name: contact.name,
      phone: contact.phone,
      email: contact.email,
      optedOut: contact.opted_out,
      optedOutAt: contact.opted_out_at,
      optOutReason: contact.opt_out_reason,
      optOutSource: contact.opt_out_source,
      erasedAt: contact.erased_at,
      createdAt: contact.created_at,
      updatedAt: contact.updated_at,
    },
    customFields: fields.filter((field) => field.key in attributes).map((field) => ({ ...field, value: attributes[field.key] })),
    attributes,
    tags,
    leads: leads.map((lead) => ({ ...lead, events: events.filter((event) => event.lead_id === lead.id).map(({ lead_id: _leadId, ...event }) => event) })),
    auditLog: audit,
  };
}

export type ContactDataExport = NonNullable<Awaited<ReturnType<typeof exportContactData>>>;

/**
 * Anonymizes the contact in place: personal data and tags go, the row (and its id) stays so counts,
 * campaign history and lead history remain consistent. The contact stays opted out for good.
 */
export async function eraseContact(db: Database, orgId: string, contactId: string, actor: AuditEntry["actor"]): Promise<"erased" | "already_erased" | "not_found"> {
  return inTransaction(db, async (trx) => {
    const contact = await trx.selectFrom("contacts").select(["id", "erased_at", "opt_out_source"]).where("org_id", "=", orgId).where("id", "=", contactId).forUpdate().executeTakeFirst();
    if (!contact) return "not_found";
    if (contact.erased_at) return "already_erased";
    const now = new Date();
    await trx
      .updateTable("contacts")
      .set((eb) => ({
        name: "",
        phone: null,
        email: null,
        attributes: JSON.stringify({}),
        opted_out: true,
        opted_out_at: eb.fn.coalesce("opted_out_at", eb.val(now)),
        opt_out_reason: null,
        opt_out_source: contact.opt_out_source ?? "manual",
        erased_at: now,
        updated_at: now,
      }))
      .where("id", "=", contactId)
      .execute();
    // An erased person is opted out for good: no cadence step may reach them again.
    await exitOnOptOut(trx, orgId, [contactId]);
    const removedTags = await trx.deleteFrom("contact_tags").where("org_id", "=", orgId).where("contact_id", "=", contactId).executeTakeFirst();
    // Channel identities (e.g. WhatsApp LIDs) identify the person too.
    const removedIdentities = await trx.deleteFrom("contact_identities").where("org_id", "=", orgId).where("contact_id", "=", contactId).executeTakeFirst();
    await recordAudit(trx, {
      orgId,
      actor,
      action: "contact.erased",
      target: { type: "contact", id: contactId },
      metadata: { removedTags: Number(removedTags.numDeletedRows), removedIdentities: Number(removedIdentities.numDeletedRows) },
    });
    return "erased";
  });
}
