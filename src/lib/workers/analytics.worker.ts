// Analytics worker: a thin message switch that runs the pure functions of core/analytics off the main thread.
import * as a from '../core/analytics';

/**
 * What the worker can run: each entry takes the function's own arguments. Results must survive structured cloning,
 * so the two models that return functions are unwrapped here: Holt-Winters gives its forecast for a horizon asked
 * in the request, logistic regression gives predictions for rows passed with the request.
 */
const handlers = {
  summarizeTransactions: a.summarizeTransactions,
  countHoldoutTransactions: a.countHoldoutTransactions,
  fitBgNbd: a.fitBgNbd,
  fitGammaGamma: a.fitGammaGamma,
  customerLifetimeValues: (
    bgNbd: a.BgNbdParams,
    gammaGamma: a.GammaGammaParams,
    customers: readonly (a.FrequencyRecencyT & { monetaryValue: number })[],
    options: a.LifetimeValueOptions
  ): number[] => customers.map((c) => a.customerLifetimeValue(bgNbd, gammaGamma, c, options)),
  bgNbdProbabilitiesAlive: (params: a.BgNbdParams, customers: readonly a.FrequencyRecencyT[]): number[] =>
    customers.map((c) => a.bgNbdProbabilityAlive(params, c)),
  rfm: a.rfm,
  kMeans: a.kMeans,
  chooseK: a.chooseK,
  standardize: a.standardize,
  frequentItemsets: a.frequentItemsets,
  associationRules: a.associationRules,
  holtWinters: (series: readonly number[], options: a.HoltWintersOptions, horizon = 0, level?: number) => {
    const { forecast, ...model } = a.holtWinters(series, options);
    return { ...model, forecast: horizon > 0 ? forecast(horizon, level === undefined ? {} : { level }) : null };
  },
  fitLogisticRegression: (rows: readonly Record<string, unknown>[], options: a.LogisticOptions, scoreRows?: readonly Record<string, unknown>[]) => {
    const { predict, ...model } = a.fitLogisticRegression(rows, options);
    return { ...model, scores: scoreRows ? scoreRows.map(predict) : null };
  },
  rocCurve: a.rocCurve,
  rocAuc: a.rocAuc,
  trainTestSplit: a.trainTestSplit,
  orderLinesAsFacts: a.orderLinesAsFacts,
  ordersAsTransactions: a.ordersAsTransactions,
  basketsFromOrders: a.basketsFromOrders,
  monthlyRevenue: a.monthlyRevenue,
  pivot: a.pivot,
  retentionCohorts: a.retentionCohorts,
  customerProfitability: a.customerProfitability,
  whaleCurve: a.whaleCurve,
  ticketRateAnomalies: a.ticketRateAnomalies,
  ticketSpikes: a.ticketSpikes,
  campaignStats: a.campaignStats
};

export type AnalyticsHandlers = typeof handlers;
export type AnalyticsKind = keyof AnalyticsHandlers;
/** A request: `args` are the arguments of the function named by `kind`; `id` pairs the answer with it. */
export type AnalyticsRequest = { [K in AnalyticsKind]: { id: number; kind: K; args: Parameters<AnalyticsHandlers[K]> } }[AnalyticsKind];
export type AnalyticsResult<K extends AnalyticsKind> = ReturnType<AnalyticsHandlers[K]>;
export type AnalyticsResponse = { id: number; ok: true; result: unknown; ms: number } | { id: number; ok: false; error: string };

/** Runs one request; never throws (errors come back as `ok: false`). Exported so the switch is testable in Node. */
export function handleAnalyticsRequest(request: AnalyticsRequest): AnalyticsResponse {
  const { id, kind, args } = request;
  const fn = Object.hasOwn(handlers, kind) ? (handlers[kind] as (...args: unknown[]) => unknown) : undefined;
  if (!fn) return { id, ok: false, error: `Unknown analytics request "${String(kind)}"` };
  try {
    const t0 = performance.now();
    const result = fn(...(Array.isArray(args) ? args : []));
    return { id, ok: true, result, ms: performance.now() - t0 };
  } catch (e) {
    return { id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

// Only inside a worker: importing this module elsewhere (tests) must not touch a global `self`.
if (typeof self !== 'undefined' && typeof (self as { postMessage?: unknown }).postMessage === 'function') {
  self.onmessage = (e: MessageEvent<AnalyticsRequest>) => {
    const response = handleAnalyticsRequest(e.data);
    try {
      self.postMessage(response);
    } catch (err) {
      // A result that cannot be cloned still gets an answer, so the caller's promise settles.
      self.postMessage({ id: response.id, ok: false, error: `Result could not be sent back: ${(err as Error).message}` });
    }
  };
}
