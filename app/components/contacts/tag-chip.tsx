import type { ReactNode } from "react";
import { cn } from "../ui/cn";

export type TagChipTag = { name: string; color: string };

/** Dark text on light colors, white on dark ones (WCAG relative luminance). */
export function readableTextColor(hex: string): string {
  const channels = [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((value) => (value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? "#0f172a" : "#ffffff";
}

export function TagChip({ tag, children, className }: { tag: TagChipTag; children?: ReactNode; className?: string }) {
  const color = /^#[0-9a-f]{6}$/i.test(tag.color) ? tag.color : "#64748b";
  return (
    <span
      className={cn("inline-flex max-w-full items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium", className)}
      style={{ backgroundColor: color, color: readableTextColor(color) }}
      data-testid="tag-chip"
    >
      <span className="truncate">{tag.name}</span>
      {children}
    </span>
  );
}
