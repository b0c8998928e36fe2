// RFM scoring: recency, frequency and monetary quintile scores per customer and a named marketing segment.

/** What RFM needs of a customer: the calibration summary built by `summarizeTransactions`. */
export type RfmInput = {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
};

export type RfmSegment =
  | 'champions'
  | 'loyal'
  | 'potential loyalists'
  | 'new customers'
  | 'promising'
  | 'need attention'
  | 'about to sleep'
  | 'at risk'
  | "can't lose them"
  | 'hibernating'
  | 'lost';

export type RfmScore = {
  customerId: string;
  /** 1–5; 5 = bought most recently (smallest T − recency). */
  recencyScore: number;
  /** 1–5; 5 = most repeat purchases. */
  frequencyScore: number;
  /** 1–5; 5 = highest average repeat spend. */
  monetaryScore: number;
  /** round((F + M) / 2), halves rounded up: the second axis of the segment grid. */
  fmScore: number;
  /** "RFM" digits, e.g. "545". */
  code: string;
  segment: RfmSegment;
};

/** Rows: recency score 1..5; columns: FM score 1..5. */
export type RfmSegmentTable = readonly (readonly RfmSegment[])[];

/**
 * The default R × FM segment grid: the widely used 11-segment RFM scheme (Putler, "RFM Analysis For
 * Successful Customer Segmentation"), whose published R and FM ranges overlap, resolved into exactly one
 * segment per cell so every customer gets one name:
 *
 * | R \ FM | 1              | 2                   | 3              | 4               | 5               |
 * |--------|----------------|---------------------|----------------|-----------------|-----------------|
 * | 5      | new customers  | potential loyalists | loyal          | champions       | champions       |
 * | 4      | promising      | potential loyalists | loyal          | champions       | champions       |
 * | 3      | about to sleep | need attention      | need attention | loyal           | loyal           |
 * | 2      | hibernating    | hibernating         | at risk        | at risk         | can't lose them |
 * | 1      | lost           | lost                | at risk        | can't lose them | can't lose them |
 */
export const RFM_SEGMENT_TABLE: RfmSegmentTable = [
  ['lost', 'lost', 'at risk', "can't lose them", "can't lose them"],
  ['hibernating', 'hibernating', 'at risk', 'at risk', "can't lose them"],
  ['about to sleep', 'need attention', 'need attention', 'loyal', 'loyal'],
  ['promising', 'potential loyalists', 'loyal', 'champions', 'champions'],
  ['new customers', 'potential loyalists', 'loyal', 'champions', 'champions']
];

export type RfmOptions = {
  /** Replaces {@link RFM_SEGMENT_TABLE}; row i is recency score i+1, column j is FM score j+1. */
  segmentTable?: RfmSegmentTable;
};

/**
 * Scores 1..bins by position in the sorted values, with ties sharing a score:
 * score = 1 + ⌊bins · (number of values strictly below) / n⌋.
 *
 * Equal values must get equal scores (60 % of a typical customer base has frequency 0), which the common
 * "rank with ties broken by row order, then cut in quintiles" does not guarantee. Counting only the values
 * strictly below puts a tied block in the lowest bin it reaches, so the worst value always scores 1 and,
 * when values are distinct, each score holds a fifth of the customers (quintiles).
 */
export function rankScores(values: ArrayLike<number>, bins = 5): Uint8Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const scores = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // Lower bound: index of the first element >= v = count strictly below.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    scores[i] = 1 + Math.floor((bins * lo) / n);
  }
  return scores;
}

/** Segment of an (R, FM) score pair in `table` (default {@link RFM_SEGMENT_TABLE}). */
export function rfmSegment(recencyScore: number, fmScore: number, table: RfmSegmentTable = RFM_SEGMENT_TABLE): RfmSegment {
  return table[recencyScore - 1][fmScore - 1];
}

/** Scores of every customer as typed arrays, index-aligned with the input (no per-customer objects). */
export type RfmScoreArrays = {
  recencyScore: Uint8Array;
  frequencyScore: Uint8Array;
  monetaryScore: Uint8Array;
  fmScore: Uint8Array;
};

/**
 * The R, F, M and FM scores of {@link rfm} as typed arrays: the allocation-free path for large customer
 * bases and for feeding k-means (e.g. 100,000 customers).
 */
export function rfmScoreArrays(summaries: readonly Omit<RfmInput, 'customerId'>[]): RfmScoreArrays {
  const n = summaries.length;
  const negDaysSince = new Float64Array(n);
  const freq = new Float64Array(n);
  const money = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = summaries[i];
    // Negated so that "larger is better" holds for all three scores.
    negDaysSince[i] = -(s.T - s.recency);
    freq[i] = s.frequency;
    money[i] = s.monetaryValue;
  }
  const frequencyScore = rankScores(freq);
  const monetaryScore = rankScores(money);
  const fmScore = new Uint8Array(n);
  // round((F + M)/2) with halves up, in integers.
  for (let i = 0; i < n; i++) fmScore[i] = (frequencyScore[i] + monetaryScore[i] + 1) >> 1;
  return { recencyScore: rankScores(negDaysSince), frequencyScore, monetaryScore, fmScore };
}

/**
 * RFM analysis (Hughes 1994, "Strategic Database Marketing"): each customer gets recency, frequency and
 * monetary quintile scores 1–5 relative to the whole customer base (see {@link rankScores}), recency being
 * time since the last purchase, T − t_x, with the most recent scoring 5; then a segment from the recency
 * score and FM = round((F + M)/2) through the grid {@link RFM_SEGMENT_TABLE}. Output is in input order.
 */
export function rfm(summaries: readonly RfmInput[], options: RfmOptions = {}): RfmScore[] {
  const table = options.segmentTable ?? RFM_SEGMENT_TABLE;
  const { recencyScore: R, frequencyScore: F, monetaryScore: M, fmScore: FM } = rfmScoreArrays(summaries);
  const out: RfmScore[] = new Array(summaries.length);
  for (let i = 0; i < summaries.length; i++) {
    out[i] = {
      customerId: summaries[i].customerId,
      recencyScore: R[i],
      frequencyScore: F[i],
      monetaryScore: M[i],
      fmScore: FM[i],
      code: String(R[i] * 100 + F[i] * 10 + M[i]),
      segment: table[R[i] - 1][FM[i] - 1]
    };
  }
  return out;
}
