import { type CronItem, parseCronItems } from "graphile-worker";

// Recurring work. A list rather than graphile-worker's crontab file, whose syntax cannot name `entity.action` tasks.
const cronItems: CronItem[] = [
  { task: "sessions.prune", match: "7 * * * *", identifier: "sessions.prune", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "campaign.sweep", match: "* * * * *", identifier: "campaign.sweep", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "cadence.sweep", match: "* * * * *", identifier: "cadence.sweep", options: { backfillPeriod: 0, maxAttempts: 1 } },
];

export const parsedCronItems = parseCronItems(cronItems);
