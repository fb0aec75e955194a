// Numbers and times as a person reads them. Times are UTC on the wire and local on the page.

const dash = '–';

export function formatRtt(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return dash;
  }

  if (ms < 1) {
    return `${ms.toFixed(3)} ms`;
  }

  if (ms < 10) {
    return `${ms.toFixed(2)} ms`;
  }

  if (ms < 1000) {
    return `${ms.toFixed(1)} ms`;
  }

  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatPercent(percent: number | null | undefined, digits = 1): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) {
    return dash;
  }

  // 99.96 % shown as "100.0 %" would hide an outage: never round up to 100 or down to 0.
  let text = percent.toFixed(digits);
  if (percent < 100 && Number(text) >= 100) {
    text = (100 - 10 ** -digits).toFixed(digits);
  } else if (percent > 0 && Number(text) <= 0) {
    text = (10 ** -digits).toFixed(digits);
  }

  return `${text} %`;
}

/** A unit a measured value comes in: an RTT in milliseconds, or a percentage (of rounds lost). */
export type Unit = 'ms' | 'percent';

export function formatIn(unit: Unit, value: number | null | undefined): string {
  switch (unit) {
    case 'ms':
      return formatRtt(value);
    case 'percent':
      return formatPercent(value);
    default: {
      // A new unit is a type error here until it has a format.
      const unhandled: never = unit;
      return String(unhandled);
    }
  }
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": the two largest units that matter. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return dash;
  }

  const s = Math.floor(seconds);
  if (s < 60) {
    return `${s} s`;
  }

  const minutes = Math.floor(s / 60);
  if (minutes < 60) {
    const rest = s % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }

  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }

  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}

/** How long ago, for "updated 3 s ago" and a probe's last-seen time. */
export function formatAgo(then: Date | number | null | undefined, now: Date | number): string {
  if (then === null || then === undefined) {
    return 'never';
  }

  const thenMs = typeof then === 'number' ? then : then.getTime();
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(thenMs)) {
    return 'never';
  }

  // A little clock skew between the API host and this browser must not read "in 2 s".
  const seconds = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }

  return `${formatDuration(seconds)} ago`;
}

export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) {
    return null;
  }

  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatDateTime(iso: string | Date | null | undefined): string {
  const date = iso instanceof Date ? iso : parseTime(iso);
  return date ? dateTime.format(date) : dash;
}

export function formatNumber(value: unknown, digits = 2): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toFixed(digits))) : dash;
}
