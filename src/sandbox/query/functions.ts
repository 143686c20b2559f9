import { KintoneApiError } from "../errors.js";

/** A half-open range of instants [from, to) in epoch milliseconds. */
export type Range = { from: number; to: number };

const DAY = 86_400_000;
const MINUTE = 60_000;
const WEEKDAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

/** The calling user and clock a query is evaluated for. */
export type QueryClock = {
  now: Date;
  /** Minutes east of UTC of the user's time zone (date functions resolve there; NOW() is an instant). */
  offsetMinutes: number;
};

function arity(name: string, args: readonly string[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    throw new KintoneApiError(
      400,
      "GAIA_IL08",
      `The function ${name}() takes ${min === max ? min : `${min} to ${max}`} argument(s).`,
    );
  }
}

function badArgument(name: string, arg: string): KintoneApiError {
  return new KintoneApiError(400, "GAIA_IQ23", `The argument "${arg}" of ${name}() is invalid.`);
}

/** Midnight (in the user's zone) of the given local calendar day, as a UTC instant. */
function localMidnight(year: number, month: number, day: number, clock: QueryClock): number {
  return Date.UTC(year, month, day) - clock.offsetMinutes * MINUTE;
}

/** Today's calendar date in the user's zone. */
function localToday(clock: QueryClock): { year: number; month: number; day: number; weekday: number } {
  const shifted = new Date(clock.now.getTime() + clock.offsetMinutes * MINUTE);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth(),
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
  };
}

function dayRange(year: number, month: number, day: number, clock: QueryClock): Range {
  const from = localMidnight(year, month, day, clock);
  return { from, to: from + DAY };
}

/**
 * Resolves a date/time function (kintone-api.md §4.3) to the range of instants it stands for: a minute for NOW(),
 * a day for TODAY(), a week, month or year for THIS_WEEK() and the like, or one day of them when an argument
 * names it. Throws Kintone's errors for bad arguments (GAIA_IL08 arity, GAIA_IQ23 day, GAIA_IQ25 unit).
 */
export function resolveDateFunction(
  name: string,
  args: readonly string[],
  clock: QueryClock,
): Range | undefined {
  const today = localToday(clock);
  switch (name) {
    case "NOW": {
      arity(name, args, 0, 0);
      const from = Math.floor(clock.now.getTime() / MINUTE) * MINUTE;
      return { from, to: from + MINUTE };
    }
    case "TODAY":
    case "YESTERDAY":
    case "TOMORROW": {
      arity(name, args, 0, 0);
      const shift = name === "TODAY" ? 0 : name === "YESTERDAY" ? -1 : 1;
      return dayRange(today.year, today.month, today.day + shift, clock);
    }
    case "FROM_TODAY": {
      arity(name, args, 2, 2);
      const amount = Number(args[0]);
      if (!Number.isInteger(amount)) throw badArgument(name, String(args[0]));
      const unit = String(args[1]).toUpperCase();
      if (unit === "DAYS") return dayRange(today.year, today.month, today.day + amount, clock);
      if (unit === "WEEKS") return dayRange(today.year, today.month, today.day + amount * 7, clock);
      if (unit === "MONTHS") return dayRange(today.year, today.month + amount, today.day, clock);
      if (unit === "YEARS") return dayRange(today.year + amount, today.month, today.day, clock);
      throw new KintoneApiError(
        400,
        "GAIA_IQ25",
        `The unit "${args[1]}" of FROM_TODAY() is invalid: use DAYS, WEEKS, MONTHS or YEARS.`,
      );
    }
    case "THIS_WEEK":
    case "LAST_WEEK":
    case "NEXT_WEEK": {
      arity(name, args, 0, 1);
      const shift = name === "THIS_WEEK" ? 0 : name === "LAST_WEEK" ? -7 : 7;
      const sunday = today.day - today.weekday + shift;
      if (args.length === 0) {
        const from = localMidnight(today.year, today.month, sunday, clock);
        return { from, to: from + 7 * DAY };
      }
      const weekday = WEEKDAYS.indexOf(String(args[0]).toUpperCase());
      if (weekday < 0) throw badArgument(name, String(args[0]));
      return dayRange(today.year, today.month, sunday + weekday, clock);
    }
    case "THIS_MONTH":
    case "LAST_MONTH":
    case "NEXT_MONTH": {
      arity(name, args, 0, 1);
      const month = today.month + (name === "THIS_MONTH" ? 0 : name === "LAST_MONTH" ? -1 : 1);
      if (args.length === 0) {
        return {
          from: localMidnight(today.year, month, 1, clock),
          to: localMidnight(today.year, month + 1, 1, clock),
        };
      }
      const arg = String(args[0]).toUpperCase();
      const lastDay = new Date(Date.UTC(today.year, month + 1, 0)).getUTCDate();
      const day = arg === "LAST" ? lastDay : Number(arg);
      if (!Number.isInteger(day) || day < 1 || day > 31) throw badArgument(name, String(args[0]));
      return dayRange(today.year, month, Math.min(day, lastDay), clock);
    }
    case "THIS_YEAR":
    case "LAST_YEAR":
    case "NEXT_YEAR": {
      arity(name, args, 0, 0);
      const year = today.year + (name === "THIS_YEAR" ? 0 : name === "LAST_YEAR" ? -1 : 1);
      return { from: localMidnight(year, 0, 1, clock), to: localMidnight(year + 1, 0, 1, clock) };
    }
    default:
      return undefined;
  }
}

/** Checks the arity of the user functions (LOGINUSER(), PRIMARY_ORGANIZATION()). */
export function checkUserFunction(name: string, args: readonly string[]): void {
  arity(name, args, 0, 0);
}
