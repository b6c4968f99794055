import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AssistPanel } from "~/components/ai/assist-panel";
import { ContactPanel } from "~/components/inbox/contact-panel";
import { ConversationToolbar } from "~/components/inbox/conversation-toolbar";
import { MessageList } from "~/components/inbox/message-list";
import { ReplyBox } from "~/components/inbox/reply-box";
import { countSmsSegments } from "~/modules/channels/twilio/sms-segments";
import { TemplatePicker } from "~/components/inbox/template-picker";
import { Button } from "~/components/ui/button";
import { Alert } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, useT } from "~/lib/i18n";
import { MEDIA_LIMITS } from "~/lib/storage/media-limits";
import { runAssist } from "~/modules/ai/bot/assist.server";
import { conversationPersonaChoice, setConversationPersona } from "~/modules/ai/bot/persona-assignment.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { loadContactPanel } from "~/modules/inbox/contact-panel.server";
import { listAssignableMembers, markConversationRead } from "~/modules/inbox/conversation-actions.server";
import { findConversation, isServiceWindowOpen } from "~/modules/inbox/conversations.server";
import { findCannedResponse, listCannedResponses } from "~/modules/inbox/canned-responses.server";
import { runConversationAction } from "~/modules/inbox/conversation-commands.server";
import { toMessageViews } from "~/modules/inbox/message-view.server";
import { listMessages } from "~/modules/inbox/messages.server";
import { filterQuery, parseInboxFilter } from "~/modules/inbox/schemas";
import { findApprovedTemplate, listApprovedTemplates } from "~/modules/inbox/templates.server";
import { permissions } from "~/modules/orgs/roles";

const ATTACHMENT_TYPES = Object.values(MEDIA_LIMITS)
  .flatMap((limit) => limit.mimeTypes)
  .join(",");

/** The list's filters and page, kept in every link and redirect of this screen. */
function listQuery(url: URL) {
  return filterQuery(parseInboxFilter(url.searchParams), { after: url.searchParams.get("after") ?? undefined });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, user, role } = await requireOrg(request);
  const db = getDb();
  const conversation = await findConversation(db, org.id, params.conversationId ?? "");
  if (!conversation) notFound("Conversation not found");
  const url = new URL(request.url);
  const canWrite = permissions.write(role);
  const cannedId = url.searchParams.get("canned");
  const templateId = url.searchParams.get("template");
  const canned = cannedId ? await findCannedResponse(db, org.id, cannedId) : null;
  if (cannedId && !canned) notFound("Canned response not found");
  const isCloud = conversation.channel.kind === "whatsapp_cloud";
  const selectedTemplate = templateId && isCloud ? await findApprovedTemplate(db, org.id, conversation.channel.id, templateId) : null;
  if (templateId && !selectedTemplate) notFound("Template not found");

  if (canWrite && conversation.unreadCount > 0) await markConversationRead(db, org.id, conversation.id);
  const before = url.searchParams.get("before");
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const [page, members, cannedResponses, panel, templates] = await Promise.all([
    listMessages(db, org.id, conversation.id, { before }),
    canWrite ? listAssignableMembers(db, org.id) : Promise.resolve([]),
    canWrite ? listCannedResponses(db, org.id) : Promise.resolve([]),
    loadContactPanel(db, org.id, conversation.contact.id),
    canWrite && isCloud ? listApprovedTemplates(db, org.id, conversation.channel.id) : [],
  ]);
  const query = listQuery(url);
  const personaChoice = canWrite ? await conversationPersonaChoice(db, org.id, conversation.id) : null;
  const base = `/inbox/${conversation.id}`;
  const withParam = (key: string, value: string) => `${base}${query ? `${query}&` : "?"}${key}=${encodeURIComponent(value)}`;
  return json({
    conversation,
    messages: await toMessageViews(page.messages, conversation.channel.kind, locale),
    olderCursor: page.olderCursor,
    olderHref: page.olderCursor ? withParam("before", page.olderCursor) : null,
    newestHref: before ? `${base}${query}` : null,
    query,
    canWrite,
    me: user.id,
    members,
    canned: cannedResponses,
    prefill: canned?.body ?? "",
    panel,
    currency: org.currency,
    isCloud,
    windowOpen: isServiceWindowOpen(conversation),
    templates: templates.map(({ id, name, language, category }) => ({ id, name, language, category })),
    selectedTemplate,
    attachmentTypes: ATTACHMENT_TYPES,
    personaChoice,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const conversation = await findConversation(db, org.id, params.conversationId ?? "");
  if (!conversation) notFound("Conversation not found");
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const form = await request.formData();
  const intent = form.get("intent");
  // The AI buttons answer with the page itself (suggestion in the reply box, summary shown): no redirect.
  if (intent === "suggest" || intent === "summarize") {
    return json({ assist: await runAssist(db, { orgId: org.id, conversationId: conversation.id, locale, kind: intent }) });
  }
  if (intent === "persona") {
    const personaId = String(form.get("personaId") ?? "");
    const chosen = personaId === "inherit" ? null : personaId;
    if (!(await setConversationPersona(db, { orgId: org.id, conversationId: conversation.id, personaId: chosen }))) notFound("Persona not found");
    return redirect(`/inbox/${conversation.id}${listQuery(new URL(request.url))}`);
  }
  const outcome = await runConversationAction(db, { org, user, conversation, locale, form });
  if (outcome.status === "not_found") notFound(outcome.message);
  if (outcome.status === "invalid") return json({ errors: outcome.errors }, { status: 400 });
  return redirect(`/inbox/${conversation.id}${listQuery(new URL(request.url))}`);
}

export default function ConversationPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const { conversation } = data;
  const errors = actionData && "errors" in actionData ? actionData.errors : undefined;
  const assist = actionData && "assist" in actionData ? actionData.assist : null;
  const title = conversation.contact.name || conversation.contact.phone || t("inbox.unknownContact");
  return (
    <div className="flex h-[calc(100dvh-3.5rem)] md:h-screen">
      <section className="flex min-w-0 flex-1 flex-col" aria-label={title}>
        <header className="space-y-2 border-b border-slate-200 bg-white px-3 py-2">
          <div className="flex items-center gap-2">
            <Link to={`/inbox${data.query}`} className="text-sm font-medium text-brand-700 md:hidden" aria-label={t("inbox.backToList")}>
              ←
            </Link>
            <h2 className="min-w-0 flex-1 truncate font-semibold" data-testid="conversation-title">
              {title}
            </h2>
            <span className="shrink-0 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700" data-testid="conversation-status">
              {t(`inbox.conversationStatus.${conversation.status}` as MessageKey)}
            </span>
          </div>
          <p className="text-xs text-slate-500">
            {conversation.channel.name}
            {conversation.assignee ? ` · ${t("inbox.assignedTo", { name: conversation.assignee.name })}` : ` · ${t("inbox.unassigned")}`}
          </p>
          {data.canWrite ? (
            <ConversationToolbar
              status={conversation.status}
              botActive={conversation.botActive}
              assigneeId={conversation.assignee?.id ?? null}
              me={data.me}
              members={data.members}
              assignError={errors?.assign}
            />
          ) : null}
          <details className="lg:hidden">
            <summary className="cursor-pointer text-xs font-medium text-brand-700">{t("inbox.contactDetails")}</summary>
            <ContactPanel contact={conversation.contact} channel={conversation.channel} tags={data.panel.tags} leads={data.panel.leads} currency={data.currency} />
          </details>
        </header>
        <MessageList
          key={conversation.id}
          messages={data.messages}
          olderCursor={data.olderCursor}
          olderHref={data.olderHref}
          newestHref={data.newestHref}
          olderUrl={`/inbox/${conversation.id}/messages`}
          canRetry={data.canWrite}
        />
        {data.canWrite ? (
          <>
            {conversation.contact.optedOut ? (
              <div className="px-3 pt-2">
                <Alert kind="error">{t("inbox.optedOutWarning")}</Alert>
              </div>
            ) : null}
            {data.isCloud && !data.windowOpen ? (
              <div className="px-3 pt-2">
                <Alert kind="info">{t("inbox.windowClosed")}</Alert>
              </div>
            ) : null}
            {data.isCloud ? <TemplatePicker templates={data.templates} selected={data.selectedTemplate} windowOpen={data.windowOpen} errors={errors?.template} /> : null}
            {data.canned.length > 0 ? (
              <Form method="get" className="flex flex-wrap items-center gap-2 border-t border-slate-200 bg-white px-3 pt-2 text-sm">
                <label htmlFor="canned-choice" className="text-xs text-slate-600">
                  {t("inbox.canned.insert")}
                </label>
                <select id="canned-choice" name="canned" className="min-w-0 flex-1 rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300">
                  {data.canned.map((item) => (
                    <option key={item.id} value={item.id}>
                      /{item.shortcut}
                    </option>
                  ))}
                </select>
                <Button type="submit" size="sm" variant="ghost">
                  {t("inbox.canned.use")}
                </Button>
              </Form>
            ) : null}
            <AssistPanel assist={assist} personaChoice={data.personaChoice} />
            <ReplyBox
              prefill={assist?.ok && assist.kind === "suggest" ? assist.text : data.prefill}
              canned={data.canned}
              errors={errors?.body}
              attachments={{ enabled: true, accept: data.attachmentTypes }}
              countSegments={data.conversation.channel.kind === "twilio_sms" ? countSmsSegments : undefined}
            />
          </>
        ) : (
          <p className="border-t border-slate-200 bg-white p-3 text-sm text-slate-600">{t("inbox.viewerCannotReply")}</p>
        )}
      </section>
      <aside className="hidden w-72 shrink-0 overflow-y-auto border-l border-slate-200 bg-white lg:block" aria-label={t("inbox.contactDetails")}>
        <ContactPanel contact={conversation.contact} channel={conversation.channel} tags={data.panel.tags} leads={data.panel.leads} currency={data.currency} />
      </aside>
    </div>
  );
}
