// ROC curve and area under it (AUC) for scoring a binary classifier.

/** A class label: true / 1 is positive, false / 0 is negative. */
export type BinaryLabel = boolean | number;

/** One point of a ROC curve: rates when every score ≥ threshold is called positive. */
export type RocPoint = { fpr: number; tpr: number; threshold: number };

function isPositive(label: BinaryLabel): boolean {
  if (label === true || label === 1) return true;
  if (label === false || label === 0) return false;
  throw new RangeError(`labels must be booleans or 0/1, got ${String(label)}`);
}

/** Total order on non-NaN numbers that, unlike subtraction, also handles ±Infinity. */
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkInput(scores: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): Uint8Array {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  const pos = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
    pos[i] = isPositive(labels[i]) ? 1 : 0;
  }
  return pos;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative,
 * ties counting one half.
 *
 * Algorithm: the Mann–Whitney U statistic from mid-ranks (Hanley & McNeil 1982, "The meaning and use of
 * the area under a ROC curve", Radiology 143:29–36): AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊ n₋), where R₊ is the
 * sum of the positives' ranks among all scores and tied scores share their average rank. O(n log n);
 * equals the trapezoidal area under {@link rocCurve}. NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): number {
  const pos = checkInput(scores, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compare(scores[a], scores[b]));
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    // Ranks i+1 … j+1 are tied: each gets their mean.
    const midRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (pos[order[k]]) {
        nPos++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * ROC curve: (false-positive rate, true-positive rate) for every distinct score used as the threshold
 * "positive if score ≥ threshold", from (0, 0) at threshold +∞ to (1, 1) at the lowest score.
 *
 * Algorithm: sort by score descending and sweep, emitting one point per distinct score so that tied
 * scores move the curve diagonally (Fawcett 2006, "An introduction to ROC analysis", Pattern
 * Recognition Letters 27:861–874, Algorithm 2). Throws when either class is empty.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<BinaryLabel>): RocPoint[] {
  const pos = checkInput(scores, labels);
  const n = scores.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += pos[i];
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('rocCurve needs at least one positive and one negative');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compare(scores[b], scores[a]));
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; ) {
    const threshold = scores[order[i]];
    while (i < n && scores[order[i]] === threshold) {
      if (pos[order[i]]) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: fp / nNeg, tpr: tp / nPos, threshold });
  }
  return points;
}
