/**
 * `ECharts`: an ECharts option object, stored as its JSON (`.json`, spec 3: SwanLab stores
 * pyecharts' `dump_options()`; in JavaScript the option object is the native form).
 * JSON.stringify runs here because the object is the user's and may change after log():
 * it is the snapshot, not an encoding step the worker could do.
 */
import { describeValue } from '../validate.js';
import { HANDOVER, Media, checkCaption, checkOptions, mediaError } from './media.js';
import type { TextOptions } from './text.js';

/** An ECharts option object, or a chart instance (anything with `getOption()`). */
export type EChartsInput = ECharts | Record<string, unknown> | { getOption(): unknown };

const utf8 = new TextEncoder();

/**
 * A chart for log(), stored under `media/echarts/` as the option's JSON.
 *
 * ```ts
 * new ECharts({ xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: {}, series: [{ type: 'bar', data: [3, 5] }] });
 * ```
 * Functions in the option (formatters) are not JSON and are left out, as JSON.stringify does.
 * @throws TypeError with code `SWANLAB_INVALID_MEDIA` when the option is not a JSON-able object.
 */
export class ECharts extends Media {
  constructor(option: EChartsInput, options?: TextOptions) {
    const o = checkOptions('echarts', options);
    if (option instanceof ECharts) {
      super(option[HANDOVER](), checkCaption('echarts', o.caption) ?? option.caption);
      return;
    }
    let value: unknown = option;
    if (typeof value === 'object' && value !== null && typeof (value as { getOption?: unknown }).getOption === 'function') {
      value = (value as { getOption(): unknown }).getOption();
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw mediaError('echarts', `the option must be an object (or a chart with getOption()), got ${describeValue(value)}`);
    }
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      throw mediaError('echarts', `the option cannot be written as JSON: ${(err as Error).message}`);
    }
    super({ cls: 'echarts', src: { t: 'file', ext: 'json' }, parts: [utf8.encode(json)] }, checkCaption('echarts', o.caption));
  }
}
