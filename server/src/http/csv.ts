// The one CSV writer of the admin API's exports: RFC 4180 text, safe to open in a spreadsheet, written a batch at a time.
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

export type CsvValue = string | number | boolean | null | undefined;

/** A column of an export: its header and how a row gives its cell. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/** Rows read per query: enough to be quick, few enough that a large organization is never held in memory at once. */
export const EXPORT_BATCH = 500;

/**
 * One cell. A text that a spreadsheet would read as a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, so that opening an export never runs what a customer
 * typed into a name or comment; a cell with a comma, a quote or a line break is quoted, its quotes
 * doubled (RFC 4180). Numbers and booleans are written as they are; null and undefined are empty.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ended by CRLF as RFC 4180 has it. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Every row `readBatch` hands out, a batch at a time from offset 0 until a batch comes back short.
 * The batches page through the list's own order, which ends with the id, so none is read twice.
 */
export async function* inBatches<T>(readBatch: (page: { limit: number; offset: number }) => Promise<readonly T[]>, first?: readonly T[]): AsyncGenerator<T> {
  let offset = 0;
  let batch = first ?? (await readBatch({ limit: EXPORT_BATCH, offset }));
  for (;;) {
    yield* batch;
    if (batch.length < EXPORT_BATCH) return;
    offset += batch.length;
    batch = await readBatch({ limit: EXPORT_BATCH, offset });
  }
}

/**
 * Answers a CSV download: the header row, then each row as it is read. The first batch is read
 * before anything is sent, so a refusal or a database that cannot serve still gets its error reply;
 * a fault later ends the download short (the status has been sent by then).
 */
export async function sendCsv<T>(
  reply: FastifyReply,
  filename: string,
  columns: readonly CsvColumn<T>[],
  readBatch: (page: { limit: number; offset: number }) => Promise<readonly T[]>,
): Promise<FastifyReply> {
  const first = await readBatch({ limit: EXPORT_BATCH, offset: 0 });
  async function* lines() {
    yield csvLine(columns.map((c) => c.header));
    for await (const row of inBatches(readBatch, first)) yield csvLine(columns.map((c) => c.value(row)));
  }
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(Readable.from(lines()));
}

/** A download's file name: what it holds and the day it was made, such as licenses-2026-12-04.csv. */
export function exportFilename(what: string, now: number): string {
  return `${what}-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
