import {
  closestCorners,
  DndContext,
  type DragEndEvent,
  type DragOverEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { arrayMove, SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Link, useFetcher } from "@remix-run/react";
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import { Toaster, type ToastMessage } from "../toaster";
import { useHydrated } from "../use-hydrated";
import { formatMoney } from "./format";
import { type CardLead, LeadCard, type Money } from "./lead-card";
import { boardAnnouncements } from "./board-announcements";

export type Column = { id: string; name: string; color: string; count: number; totalCents: number; cards: CardLead[]; limit: number };
type Layout = Record<string, string[]>;
type Move = { key: string; leadId: string; toStageId: string; afterLeadId?: string; beforeLeadId?: string };

type Props = {
  columns: Column[];
  money: Money;
  canWrite: boolean;
  /** The board URL with its filters: where "move to" forms come back, and the base of "show more" links. */
  returnTo: string;
  newLeadHref: (stageId: string) => string;
  showMoreHref: (stageId: string, cards: number) => string;
};

const layoutOf = (columns: Column[]): Layout => Object.fromEntries(columns.map((column) => [column.id, column.cards.map((card) => card.id)]));

/**
 * The Kanban board. Server-rendered columns with a "move to" form on every card; once hydrated,
 * writers can also drag cards (pointer or keyboard). A drop moves the card at once and submits the
 * move; if the server refuses, the board returns to the server's order and shows an error.
 */
export function Board({ columns, money, canWrite, returnTo, newLeadHref, showMoreHref }: Props) {
  const t = useT();
  const hydrated = useHydrated();
  const draggable = hydrated && canWrite;
  const [layout, setLayout] = useState<Layout>(() => layoutOf(columns));
  const [activeId, setActiveId] = useState<string | null>(null);
  const [moves, setMoves] = useState<Move[]>([]);
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const beforeDrag = useRef<Layout | null>(null);

  // Follow the server (after moves, and when other people change the board) unless a drag or a move is in flight.
  const columnsRef = useRef(columns);
  columnsRef.current = columns;
  useEffect(() => {
    if (activeId === null && moves.length === 0) setLayout(layoutOf(columns));
  }, [columns, activeId, moves.length]);

  const cards = useMemo(() => new Map(columns.flatMap((column) => column.cards.map((card) => [card.id, card] as const))), [columns]);
  const stageNames = useMemo(() => new Map(columns.map((column) => [column.id, column.name])), [columns]);
  const stageOptions = useMemo(() => columns.map((column) => ({ id: column.id, name: column.name })), [columns]);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const containerOf = useCallback((id: string) => (id in layoutRef.current ? id : Object.keys(layoutRef.current).find((stageId) => layoutRef.current[stageId]!.includes(id))), []);

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));

  function onDragStart({ active }: DragStartEvent) {
    beforeDrag.current = layoutRef.current;
    setActiveId(String(active.id));
  }

  // Crossing into another column moves the card there right away, so the column can make room.
  function onDragOver({ active, over }: DragOverEvent) {
    if (!over) return;
    const from = containerOf(String(active.id));
    const to = containerOf(String(over.id));
    if (!from || !to || from === to) return;
    setLayout((current) => {
      const target = current[to]!.filter((id) => id !== active.id);
      const overIndex = target.indexOf(String(over.id));
      const below = active.rect.current.translated && active.rect.current.translated.top > over.rect.top + over.rect.height / 2;
      const index = overIndex < 0 ? target.length : overIndex + (below ? 1 : 0);
      return { ...current, [from]: current[from]!.filter((id) => id !== active.id), [to]: [...target.slice(0, index), String(active.id), ...target.slice(index)] };
    });
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    const leadId = String(active.id);
    setActiveId(null);
    const start = beforeDrag.current;
    beforeDrag.current = null;
    const stageId = containerOf(leadId);
    if (!over || !stageId || !start) {
      if (start) setLayout(start);
      return;
    }
    let list = layoutRef.current[stageId]!;
    const overIndex = list.indexOf(String(over.id));
    const activeIndex = list.indexOf(leadId);
    if (overIndex >= 0 && overIndex !== activeIndex) list = arrayMove(list, activeIndex, overIndex);
    const next = { ...layoutRef.current, [stageId]: list };
    setLayout(next);
    const index = list.indexOf(leadId);
    const afterLeadId = list[index - 1];
    const beforeLeadId = list[index + 1];
    const startStage = Object.keys(start).find((id) => start[id]!.includes(leadId));
    const startList = startStage ? start[startStage]! : [];
    const startIndex = startList.indexOf(leadId);
    const unchanged = startStage === stageId && startList[startIndex - 1] === afterLeadId && startList[startIndex + 1] === beforeLeadId;
    if (unchanged) return;
    setMoves((current) => [...current, { key: `${leadId}-${Date.now()}`, leadId, toStageId: stageId, afterLeadId, beforeLeadId }]);
  }

  function onDragCancel() {
    setActiveId(null);
    if (beforeDrag.current) setLayout(beforeDrag.current);
    beforeDrag.current = null;
  }

  const settle = useCallback(
    (key: string, ok: boolean) => {
      setMoves((current) => current.filter((move) => move.key !== key));
      if (!ok) {
        setLayout(layoutOf(columnsRef.current));
        setToast({ kind: "error", message: t("pipelines.move.failed") });
      }
    },
    [t],
  );

  // Where the card would land: over a card, that card's place; over an empty part of a column, its end.
  const announcements = boardAnnouncements(t, {
    title: (id) => cards.get(String(id))?.title ?? "",
    place: (activeId, overId) => {
      const target = String(overId ?? activeId);
      const stageId = containerOf(target);
      if (!stageId) return null;
      const list = layoutRef.current[stageId]!;
      const total = list.length + (list.includes(String(activeId)) ? 0 : 1);
      const index = target === stageId ? total : list.indexOf(target) + 1;
      return { stage: stageNames.get(stageId) ?? "", index, total };
    },
  });

  // Counts and totals follow cards moved optimistically, before the server confirms.
  const shown = columns.map((column) => {
    const ids = layout[column.id] ?? [];
    const serverIds = new Set(column.cards.map((card) => card.id));
    const added = ids.filter((id) => !serverIds.has(id)).map((id) => cards.get(id)!);
    const removed = column.cards.filter((card) => !ids.includes(card.id));
    const sum = (list: CardLead[]) => list.reduce((total, card) => total + (card?.valueCents ?? 0), 0);
    return {
      column,
      cards: ids.map((id) => cards.get(id)).filter((card): card is CardLead => Boolean(card)),
      count: column.count + added.length - removed.length,
      totalCents: column.totalCents + sum(added) - sum(removed),
    };
  });
  const active = activeId ? cards.get(activeId) : undefined;

  return (
    <DndContext
      id="pipeline-board"
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={onDragCancel}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t("pipelines.dnd.instructions") } }}
    >
      <div className="-mx-4 flex gap-4 overflow-x-auto px-4 pb-4 sm:-mx-6 sm:px-6" data-testid="board">
        {shown.map(({ column, cards: columnCards, count, totalCents }) => (
          <section key={column.id} aria-labelledby={`stage-${column.id}`} className="flex w-72 shrink-0 flex-col rounded-lg bg-slate-100 p-2" data-testid="stage-column" data-stage-id={column.id}>
            <header className="mb-2 px-1">
              <div className="flex items-center justify-between gap-2">
                <h2 id={`stage-${column.id}`} className="flex min-w-0 items-center gap-2 text-sm font-semibold text-slate-800">
                  <span aria-hidden="true" className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ backgroundColor: column.color }} />
                  <span className="truncate">{column.name}</span>
                </h2>
                <span className="rounded-full bg-white px-2 text-xs font-medium text-slate-700 ring-1 ring-slate-200" data-testid="stage-count" aria-label={t("pipelines.board.count", { count })}>
                  {count}
                </span>
              </div>
              <p className="mt-0.5 text-xs tabular-nums text-slate-600" data-testid="stage-total">
                {formatMoney(totalCents, money.currency, money.locale)}
              </p>
            </header>
            <SortableContext id={column.id} items={layout[column.id] ?? []} strategy={verticalListSortingStrategy}>
              <ColumnList stageId={column.id}>
                {columnCards.map((card) => (
                  <SortableLeadCard
                    key={card.id}
                    lead={card}
                    stageId={column.id}
                    money={money}
                    draggable={draggable}
                    move={canWrite ? { stages: stageOptions, returnTo } : null}
                  />
                ))}
              </ColumnList>
            </SortableContext>
            {column.count > column.cards.length ? (
              <Link to={showMoreHref(column.id, column.limit + 25)} preventScrollReset className="mt-2 px-1 text-xs font-medium text-brand-700 hover:underline">
                {t("pipelines.board.showMore", { count: column.count - column.cards.length })}
              </Link>
            ) : null}
            {canWrite ? (
              <Link to={newLeadHref(column.id)} className="mt-2 rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-white hover:text-slate-900">
                + {t("pipelines.lead.new")}
              </Link>
            ) : null}
          </section>
        ))}
      </div>
      <DragOverlay>{active ? <ul><LeadCard lead={active} money={money} stageId="" move={null} overlay /></ul> : null}</DragOverlay>
      {moves.map((move) => (
        <MoveSubmission key={move.key} move={move} onSettled={settle} />
      ))}
      <Toaster toast={toast} />
    </DndContext>
  );
}

function ColumnList({ stageId, children }: { stageId: string; children: ReactNode }) {
  const { setNodeRef } = useDroppable({ id: stageId });
  return (
    <ol ref={setNodeRef} className="flex min-h-16 flex-1 flex-col gap-2">
      {children}
    </ol>
  );
}

function SortableLeadCard({ lead, stageId, money, draggable, move }: { lead: CardLead; stageId: string; money: Money; draggable: boolean; move: { stages: Array<{ id: string; name: string }>; returnTo: string } | null }) {
  const t = useT();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: lead.id, disabled: !draggable });
  const handle = draggable ? (
    <button
      type="button"
      ref={setActivatorNodeRef}
      {...attributes}
      {...listeners}
      aria-label={t("pipelines.dnd.handle", { title: lead.title })}
      data-testid="drag-handle"
      className="-ml-1 mt-0.5 cursor-grab touch-none rounded px-1 text-slate-400 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 active:cursor-grabbing"
    >
      <svg aria-hidden="true" viewBox="0 0 10 16" className="h-4 w-2.5" fill="currentColor">
        {[2, 8, 14].flatMap((y) => [<circle key={`a${y}`} cx="2.5" cy={y} r="1.3" />, <circle key={`b${y}`} cx="7.5" cy={y} r="1.3" />])}
      </svg>
    </button>
  ) : undefined;
  return (
    <LeadCard
      lead={lead}
      stageId={stageId}
      money={money}
      move={move}
      handle={handle}
      nodeRef={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      dragging={isDragging}
    />
  );
}

type MoveResponse = { ok: boolean };

/** One in-flight move with its own fetcher, so quick successive drags never cancel each other. */
function MoveSubmission({ move, onSettled }: { move: Move; onSettled: (key: string, ok: boolean) => void }) {
  const fetcher = useFetcher<MoveResponse>();
  const submitted = useRef(false);
  useEffect(() => {
    if (submitted.current) return;
    submitted.current = true;
    const form: Record<string, string> = { js: "1", toStageId: move.toStageId };
    if (move.afterLeadId) form.afterLeadId = move.afterLeadId;
    if (move.beforeLeadId) form.beforeLeadId = move.beforeLeadId;
    fetcher.submit(form, { method: "post", action: `/leads/${move.leadId}/move` });
  }, [fetcher, move]);
  useEffect(() => {
    if (submitted.current && fetcher.state === "idle" && fetcher.data) onSettled(move.key, fetcher.data.ok === true);
  }, [fetcher.state, fetcher.data, move.key, onSettled]);
  return null;
}
