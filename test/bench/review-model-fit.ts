/**
 * Fitting the calibrated review (see functions/templates/core/field-correctness.ts): an L2
 * logistic regression over the fields' features, and the page threshold from the target rate of
 * wrong pages among those filed without review.
 *
 * The regression is written here rather than taken from a package (ml-logistic-regression is
 * the one on offer): that one fits by gradient descent with a learning rate and a step count to
 * tune and no L2 on the weights alone, while the problem is tiny (a few dozen features, a few
 * thousand fields), so Newton's method (iteratively reweighted least squares) converges in a
 * dozen exact steps, needs no tuning, and gives the same coefficients for the same data.
 */
import { sigmoid } from '../../functions/templates/core/field-correctness.ts';

export interface Sample {
  features: number[];
  /** 1 when the field was read exactly. */
  label: 0 | 1;
}

/**
 * Minimises the log loss plus l2/2 × |w|² (the bias, feature 0, is not penalised). The penalty
 * keeps the weights of rare features (a normaliser seen on a few fields) near 0 instead of
 * letting them separate those fields perfectly.
 */
export function fitLogistic(samples: Sample[], l2: number): number[] {
  const width = samples[0]?.features.length ?? 0;
  let weights = new Array<number>(width).fill(0);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const gradient = weights.map((weight, j) => (j === 0 ? 0 : l2 * weight));
    const hessian = Array.from({ length: width }, (_, i) =>
      Array.from({ length: width }, (_, j) => (i === j ? (i === 0 ? 1e-9 : l2) : 0)),
    );
    for (const { features, label } of samples) {
      const p = sigmoid(dot(features, weights));
      const w = p * (1 - p);
      for (let i = 0; i < width; i += 1) {
        const xi = features[i] ?? 0;
        if (xi === 0) continue;
        gradient[i] = (gradient[i] ?? 0) + (p - label) * xi;
        const row = hessian[i]!;
        for (let j = 0; j < width; j += 1) row[j] = (row[j] ?? 0) + w * xi * (features[j] ?? 0);
      }
    }
    const step = solve(hessian, gradient);
    weights = weights.map((weight, j) => weight - (step[j] ?? 0));
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return weights;
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Gaussian elimination with partial pivoting; the matrix is symmetric positive definite. */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] ?? 0]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const lead = a[col]![col]!;
    for (let row = col + 1; row < n; row += 1) {
      const factor = a[row]![col]! / lead;
      if (factor === 0) continue;
      for (let k = col; k <= n; k += 1) a[row]![k] = a[row]![k]! - factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k += 1) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

export function logLoss(samples: Sample[], weights: number[]): number {
  let loss = 0;
  for (const { features, label } of samples) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(dot(features, weights))));
    loss -= label === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return loss / Math.max(1, samples.length);
}

/** The one-sided 95 % upper bound on a rate after `wrong` of `n` (Clopper–Pearson). */
export function upperBound95(wrong: number, n: number): number {
  if (n === 0) return 1;
  if (wrong >= n) return 1;
  let low = wrong / n;
  let high = 1;
  for (let i = 0; i < 60; i += 1) {
    const mid = (low + high) / 2;
    if (binomialCdf(wrong, n, mid) > 0.05) low = mid;
    else high = mid;
  }
  return high;
}

function binomialCdf(k: number, n: number, p: number): number {
  let term = Math.pow(1 - p, n);
  let sum = term;
  for (let i = 1; i <= k; i += 1) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return sum;
}

export interface ScoredPage {
  /** The page's score from a model that did not see it (out of fold). */
  score: number;
  allRight: boolean;
}

export interface ThresholdChoice {
  /** Null when no threshold meets the target: nothing is filed without review. */
  threshold: number | null;
  filed: number;
  wrongAmongFiled: number;
  /** Mean of 1 − score over the pages filed: the wrong rate the model itself expects. */
  predictedWrongRate: number;
  upperBound95: number;
}

/**
 * The lowest page threshold (the most pages filed) at which no page filed without review is
 * wrong AND the model's own expected wrong rate among them, the mean of 1 − score, is within
 * the target. Both only tighten as the threshold rises, so the lowest one that meets them is
 * the choice. A calibration set of a few hundred pages cannot show 0.5 % by counting alone (0
 * wrong of n bounds the rate at 3/n at 95 %, so n ≥ 600), hence the calibrated scores carry
 * the target and the count guards it; the 95 % bound is reported beside them. With no such
 * threshold, null: nothing is filed without review.
 */
export function chooseThreshold(pages: ScoredPage[], target: number): ThresholdChoice {
  const sorted = [...pages].sort((a, b) => b.score - a.score);
  let best: ThresholdChoice = { threshold: null, filed: 0, wrongAmongFiled: 0, predictedWrongRate: 0, upperBound95: 1 };
  let wrong = 0;
  let expectedWrong = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const page = sorted[i]!;
    if (!page.allRight) wrong += 1;
    expectedWrong += 1 - page.score;
    // Pages with the same score are filed together: decide at the last of them.
    if (sorted[i + 1]?.score === page.score) continue;
    if (page.score <= 0) break;
    const filed = i + 1;
    const predictedWrongRate = expectedWrong / filed;
    if (wrong === 0 && predictedWrongRate <= target)
      best = {
        threshold: page.score,
        filed,
        wrongAmongFiled: 0,
        predictedWrongRate,
        upperBound95: upperBound95(0, filed),
      };
  }
  return best;
}

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRight: number;
}

/** Finer near 1, where the threshold lies. */
export const reliabilityEdges = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

export function reliabilityCurve(points: { predicted: number; right: boolean }[]): ReliabilityBin[] {
  return reliabilityEdges.slice(0, -1).map((from, i) => {
    const to = reliabilityEdges[i + 1]!;
    const last = i === reliabilityEdges.length - 2;
    const inBin = points.filter((point) => point.predicted >= from && (point.predicted < to || last));
    return {
      from,
      to,
      count: inBin.length,
      meanPredicted: inBin.reduce((sum, point) => sum + point.predicted, 0) / Math.max(1, inBin.length),
      observedRight: inBin.filter((point) => point.right).length / Math.max(1, inBin.length),
    };
  });
}
