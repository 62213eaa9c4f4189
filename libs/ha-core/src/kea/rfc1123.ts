/**
 * RFC 1123 dates ("Tue, 24 Nov 2026 22:10:44 GMT"), computed from epoch milliseconds by calendar
 * arithmetic so that the domain never touches the runtime's clock or Date object.
 */
const WEEKDAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MS_PER_DAY = 86_400_000;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Howard Hinnant's civil-from-days: day count since 1970-01-01 to (year, month 1-12, day). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function formatRfc1123(epochMs: number): string {
  const days = Math.floor(epochMs / MS_PER_DAY);
  const secondsOfDay = Math.floor((epochMs - days * MS_PER_DAY) / 1000);
  const [year, month, day] = civilFromDays(days);
  const weekday = WEEKDAYS[((days % 7) + 7) % 7];
  const hh = pad2(Math.floor(secondsOfDay / 3600));
  const mm = pad2(Math.floor((secondsOfDay % 3600) / 60));
  const ss = pad2(secondsOfDay % 60);
  return `${weekday}, ${pad2(day)} ${MONTHS[month - 1]} ${year} ${hh}:${mm}:${ss} GMT`;
}

const RFC1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** Epoch milliseconds of an RFC 1123 date, or null when the text is not one. */
export function parseRfc1123(text: string): number | null {
  const match = RFC1123.exec(text);
  if (match === null) return null;
  const [, , dd, mon, yyyy, hh, mi, ss] = match;
  const day = Number(dd);
  const hours = Number(hh);
  const minutes = Number(mi);
  const seconds = Number(ss);
  if (day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return null;
  const days = daysFromCivil(Number(yyyy), MONTHS.indexOf(mon) + 1, day);
  return ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
}
