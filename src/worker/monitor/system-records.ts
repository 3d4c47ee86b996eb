/**
 * The monitor's records in the run file: SYSTEM ColumnRecords as SwanLab's probe builds them
 * (class and section SYSTEM, LINE chart, the series name as column and metric name, one colour
 * for light and dark) and ScalarRecords through the hot scalar encoder.
 */
import { ChartType, ColumnClass, ColumnType, SectionType, columnRecord, encodeKeyField } from '../../format/index.js';
import type { RunFile } from '../run-file.js';
import { SYSTEM_KEY_PREFIX, type SystemMetric, type SystemSink } from './monitor.js';

/** A {@link SystemSink} writing into `file`. */
export function runFileSink(file: RunFile): SystemSink {
  const keyFields = new Map<string, Uint8Array>();
  return {
    column(metric: SystemMetric, chartIndex: string, color: string, timeMs: number): void {
      // Only the bounds that exist: an absent bound must stay absent (explicit presence), not become 0.
      const yRange = metric.yMin === undefined && metric.yMax === undefined
        ? undefined
        : { ...(metric.yMin !== undefined ? { min: metric.yMin } : {}), ...(metric.yMax !== undefined ? { max: metric.yMax } : {}) };
      file.append(
        columnRecord(
          file.nextNum(),
          {
            key: SYSTEM_KEY_PREFIX + metric.key,
            columnClass: ColumnClass.SYSTEM,
            columnType: ColumnType.SCALAR,
            columnName: metric.name,
            sectionType: SectionType.SYSTEM,
            ...(yRange ? { yRange } : {}),
            chartIndex,
            chartName: metric.chart,
            chartType: ChartType.LINE,
            metricName: metric.name,
            metricColors: { light: color, dark: color },
          },
          timeMs,
        ),
      );
    },
    scalar(key: string, step: number, timeMs: number, value: number): void {
      let field = keyFields.get(key);
      if (field === undefined) keyFields.set(key, (field = encodeKeyField(key)));
      file.appendScalar(field, step, timeMs, value);
    },
    flush(): void {
      file.flush();
    },
  };
}
