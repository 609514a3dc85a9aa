import { z } from 'zod';

/*
 * Runs an InfluxQL statement on InfluxDB's /query, as Grafana's data source does, and judges the
 * answer. InfluxDB answers a query on a measurement or field that does not exist with an empty
 * result, not an error, so "no error" proves nothing: a panel is right only when every column
 * it selects has a value somewhere.
 */

const Series = z.object({
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(z.unknown())).optional(),
});
export type InfluxSeries = z.infer<typeof Series>;

const Answer = z.object({
  error: z.string().optional(),
  results: z
    .array(
      z.object({
        statement_id: z.number().optional(),
        error: z.string().optional(),
        series: z.array(Series).optional(),
      }),
    )
    .optional(),
});
export type InfluxAnswer = z.infer<typeof Answer>;

/** One statement on `/query`, times in ms; the answer parsed, whatever its HTTP status. */
export async function queryInflux(
  url: string,
  database: string,
  statement: string,
): Promise<InfluxAnswer> {
  const params = new URLSearchParams({ db: database, epoch: 'ms', q: statement });
  const response = await fetch(`${url}/query?${params.toString()}`);
  return Answer.parse(await response.json());
}

/** The series of a one-statement answer (none when it failed or found nothing). */
export function seriesOf(answer: InfluxAnswer): InfluxSeries[] {
  return answer.results?.[0]?.series ?? [];
}

/**
 * Why an answer would leave a panel empty, or `[]` when it would not: an error, no series, or a
 * selected column (a field, an alias) without a single non-null value in any series.
 */
export function emptinessProblems(answer: InfluxAnswer): string[] {
  const error = answer.error ?? answer.results?.[0]?.error;
  if (error !== undefined) return [`InfluxDB error: ${error}`];
  const series = seriesOf(answer);
  if (series.length === 0) return ['no series: a measurement, field or tag value is not written'];
  const columns = new Set(series.flatMap((s) => s.columns).filter((c) => c !== 'time'));
  const problems: string[] = [];
  for (const column of columns) {
    const hasValue = series.some((s) => {
      const index = s.columns.indexOf(column);
      return index !== -1 && (s.values ?? []).some((row) => row[index] !== null);
    });
    if (!hasValue) problems.push(`column "${column}" is null in every row of every series`);
  }
  return problems;
}
