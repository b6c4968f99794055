import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useParams } from "@remix-run/react";
import { ConversationList } from "~/components/inbox/conversation-list";
import { InboxFilters } from "~/components/inbox/inbox-filters";
import { cn } from "~/components/ui/cn";
import { getDb } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { requireOrg } from "~/modules/auth/guards.server";
import { listConnections } from "~/modules/channels/connections.server";
import { listTags } from "~/modules/inbox/contact-panel.server";
import { countUnreadConversations, listConversations } from "~/modules/inbox/conversations.server";
import { filterQuery, parseInboxFilter } from "~/modules/inbox/schemas";

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, user } = await requireOrg(request);
  const db = getDb();
  const params = new URL(request.url).searchParams;
  const filter = parseInboxFilter(params);
  const after = params.get("after");
  const [page, unread, connections, tags] = await Promise.all([
    listConversations(db, org.id, user.id, filter, { after }),
    countUnreadConversations(db, org.id),
    listConnections(db, org.id),
    listTags(db, org.id),
  ]);
  return json({
    ...page,
    filter,
    unread,
    paged: Boolean(after),
    query: filterQuery(filter, { after: after ?? undefined }),
    nextQuery: page.nextCursor ? filterQuery(filter, { after: page.nextCursor }) : null,
    firstQuery: filterQuery(filter),
    channels: connections.map(({ id, name }) => ({ id, name })),
    tags,
    hasChannels: connections.length > 0,
  });
}

export default function InboxLayout() {
  const data = useLoaderData<typeof loader>();
  const { conversationId } = useParams();
  const t = useT();
  return (
    <div className="-mx-4 -my-6 flex min-h-[calc(100vh-3.5rem)] sm:-mx-6 md:min-h-screen lg:-mx-8">
      {/* On phones the list and the conversation are separate screens. */}
      <section aria-label={t("nav.inbox")} className={cn("w-full shrink-0 border-r border-slate-200 bg-white md:w-80 lg:w-96", conversationId && "hidden md:block")}>
        <header className="flex items-center justify-between gap-2 px-3 pt-4">
          <h1 className="text-lg font-semibold">
            {t("nav.inbox")}
            {data.unread > 0 ? (
              <span className="ml-2 rounded-full bg-brand-700 px-2 py-0.5 align-middle text-xs font-semibold text-white" data-testid="inbox-unread-total">
                {data.unread >= 100 ? "99+" : data.unread}
              </span>
            ) : null}
          </h1>
          <Link to="/inbox/canned" className="text-xs font-medium text-brand-700 underline">
            {t("inbox.canned.title")}
          </Link>
        </header>
        <InboxFilters filter={data.filter} channels={data.channels} tags={data.tags} />
        {!data.hasChannels ? (
          <p className="p-4 text-sm text-slate-600">
            {t("inbox.noChannels")}{" "}
            <Link to="/settings/channels" className="font-medium text-brand-700 underline">
              {t("settings.channels")}
            </Link>
          </p>
        ) : null}
        <ConversationList conversations={data.conversations} activeId={conversationId} query={data.query} />
        <nav className="flex justify-between gap-2 p-3 text-sm" aria-label={t("inbox.pages")}>
          {data.paged ? (
            <Link to={`/inbox${data.firstQuery}`} className="font-medium text-brand-700 underline">
              {t("inbox.firstPage")}
            </Link>
          ) : (
            <span />
          )}
          {data.nextQuery ? (
            <Link to={`/inbox${data.nextQuery}`} className="font-medium text-brand-700 underline" data-testid="more-conversations">
              {t("inbox.moreConversations")}
            </Link>
          ) : null}
        </nav>
      </section>
      <div className={cn("min-w-0 flex-1", !conversationId && "hidden md:block")}>
        <Outlet />
      </div>
    </div>
  );
}
