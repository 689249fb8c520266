// Five-field cron schedules ("*/5 * * * *", "0 9 * * mon-fri", "@daily"), evaluated in UTC,
// for `cron` triggers. A leading "TZ=UTC " is accepted; other time zones are refused.

type Field = Set<number>;
export interface CronSchedule {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
  domAny: boolean;
  dowAny: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function parseField(text: string, min: number, max: number, names?: string[], offset = 0): Field {
  const out = new Set<number>();
  const value = (v: string): number => {
    const i = names?.indexOf(v.toLowerCase()) ?? -1;
    const n = i >= 0 ? i + offset : Number(v);
    if (!Number.isInteger(n) || n < min || n > max + (max === 6 ? 1 : 0)) throw new Error(`cron: bad value "${v}"`);
    return n;
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron: bad step "${part}"`);
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") [lo, hi] = [min, max];
    else if (range!.includes("-")) {
      const [a, b] = range!.split("-");
      [lo, hi] = [value(a!), value(b!)];
    } else {
      lo = value(range!);
      hi = stepText === undefined ? lo : max;
    }
    if (lo > hi) throw new Error(`cron: bad range "${part}"`);
    for (let n = lo; n <= hi; n += step) out.add(max === 6 && n === 7 ? 0 : n); // 7 is Sunday too
  }
  return out;
}

export function parseCron(expression: string): CronSchedule {
  let expr = expression.trim().replace(/^(CRON_)?TZ=(\S+)\s+/, (_, _p, tz: string) => {
    if (!/^(UTC|Etc\/UTC|GMT)$/i.test(tz)) throw new Error(`cron: time zone ${tz} is not supported (UTC only)`);
    return "";
  });
  expr = MACROS[expr.toLowerCase()] ?? expr;
  const parts = expr.split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron: expected 5 fields in "${expression}"`);
  const [mi, h, dom, mo, dow] = parts as [string, string, string, string, string];
  return {
    minute: parseField(mi, 0, 59),
    hour: parseField(h, 0, 23),
    dom: parseField(dom, 1, 31),
    month: parseField(mo, 1, 12, MONTHS, 1),
    dow: parseField(dow, 0, 6, DAYS),
    domAny: dom === "*" || dom === "?",
    dowAny: dow === "*" || dow === "?",
  };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.dom.has(d.getUTCDate());
  const dow = s.dow.has(d.getUTCDay());
  // Standard cron: when both day fields are restricted, either may match.
  if (!s.domAny && !s.dowAny) return dom || dow;
  return dom && dow;
}

/** The first minute strictly after `after` that matches; bounded to five years of search. */
export function nextCronTime(schedule: CronSchedule | string, after: Date): Date {
  const s = typeof schedule === "string" ? parseCron(schedule) : schedule;
  const d = new Date(after.getTime());
  d.setUTCSeconds(0, 0);
  d.setUTCMinutes(d.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (d.getTime() <= limit) {
    if (!s.month.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(s, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!s.hour.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    } else if (!s.minute.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    } else return d;
  }
  throw new Error(`cron: no time matches "${typeof schedule === "string" ? schedule : "schedule"}"`);
}
