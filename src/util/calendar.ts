/**
 * Calendar checks shared by the body converter and the $filter translator: Date.parse and Date.UTC accept values no
 * calendar has (2024-02-30 rolls into March; years 0–99 become 1900–1999), and such a value must be refused, not
 * silently moved to another day.
 */

/** Whether YYYY-MM-DD (at the start of `text`) names a real day. */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether an ISO date-time has a real day, a time within 00:00–23:59:59 and an offset within ±23:59. */
export function isCalendarDateTime(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(
    text,
  );
  if (match === null || !isCalendarDate(match[1] as string)) return false;
  const within = (value: string | undefined, max: number) => value === undefined || Number(value) <= max;
  return (
    within(match[2], 23) &&
    within(match[3], 59) &&
    within(match[4], 59) &&
    within(match[6], 23) &&
    within(match[7], 59)
  );
}
