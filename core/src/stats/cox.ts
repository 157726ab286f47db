// Cox proportional-hazards model for right-censored data, computed as R's survival::coxph does
// with ties = "efron": Newton-Raphson on the partial likelihood from beta = 0 with step halving,
// columns that are linear combinations of others left out (R reports them as NA), the likelihood-
// ratio, Wald and score tests, Harrell's concordance as survival::concordance counts it, and the
// proportional-hazards score test of cox.zph (transform "km", per term and global).
//
// The data are one row per subject; every pass over them runs in time order, summing the risk sets
// over the non-zero covariate values of each row (a categorical covariate's 0/1 columns are mostly 0),
// so a pass costs n * k^2 / 2 multiply-adds for k non-zeros a row, plus p^2 per event time.
import upperGamma from '@stdlib/math-base-special-gammainc';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { CoreError } from '../api/errors.ts';
import { cholesky, choleskyInverse, choleskySolve, quadraticFormInverse } from './cholesky.ts';

export interface CoxData {
  /** Follow-up time per subject (>= 0). */
  time: Float64Array;
  /** 1 when the subject's event (churn) was observed at `time`, 0 when censored there. */
  event: Uint8Array;
  /** One column of covariate values per model column, each of length n. */
  columns: Float64Array[];
  /** Name of each column (e.g. "contract: Two year"). */
  names: string[];
  /** The term each column belongs to (a categorical covariate's dummy columns share one); tests of proportional hazards are per term. */
  terms: string[];
}

export interface CoxOptions {
  /** Default 0.95. */
  confidence?: number;
  /** Default 30; R stops at 20, but our tolerance is tighter. */
  maxIterations?: number;
}

export interface CoxCoefficient {
  name: string;
  term: string;
  /** null for a column that is a linear combination of the others (R: NA). */
  coefficient: number | null;
  /**
   * True when the likelihood keeps rising as this coefficient runs off to infinity (a level in which
   * nobody, or everybody, had the event): the estimate is only where the iterations stopped, and its
   * error, interval and test are null. R warns "coefficient may be infinite" on the same test.
   */
  infinite: boolean;
  hazardRatio: number | null;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
  z: number | null;
  pValue: number | null;
}

export interface ChiSquareTest {
  statistic: number;
  df: number;
  pValue: number;
}

export interface CoxFit {
  subjects: number;
  events: number;
  confidence: number;
  coefficients: CoxCoefficient[];
  /** Partial log-likelihood at beta = 0 and at the estimate. */
  logLikelihood: { null: number; model: number };
  likelihoodRatio: ChiSquareTest;
  wald: ChiSquareTest;
  /** Score (log-rank) test at beta = 0. */
  score: ChiSquareTest;
  /** Harrell's C: pairs where the higher risk score had the earlier event, ties in risk counting half. */
  concordance: { value: number; concordant: number; discordant: number; tiedRisk: number };
  /** Proportional-hazards test (scaled Schoenfeld residuals against 1 - KM(t-)), per term and global. */
  proportionalHazards: { terms: (ChiSquareTest & { term: string })[]; global: ChiSquareTest };
  iterations: number;
  converged: boolean;
  /** Covariance matrix of the estimated (non-aliased) coefficients, row-major, in `coefficients` order without the aliased. */
  covariance: number[][];
}

/** R's default convergence test is |1 - old/new loglik| <= 1e-9; ours is tighter so estimates agree to far more digits. */
const RELATIVE_TOLERANCE = 1e-12;
/** R's default eps (coxph.control), used as R uses it in the infinite-coefficient test. */
const R_EPS = 1e-9;

/** P(chi2_df > x), exact in the far tail (regularised upper incomplete gamma). */
export function chiSquareUpper(statistic: number, df: number): number {
  return statistic > 0 ? upperGamma(statistic / 2, df / 2, true, true) : 1;
}

export function fitCox(data: CoxData, options: CoxOptions = {}): CoxFit {
  const confidence = options.confidence ?? 0.95;
  const maxIterations = options.maxIterations ?? 30;
  const n = data.time.length;
  if (data.event.length !== n || data.columns.some((column) => column.length !== n)) throw new CoreError('E_ARGS', 'Cox model: time, event and every covariate need one value per subject');
  if (data.columns.length === 0) throw new CoreError('E_ARGS', 'Cox model: choose at least one covariate');
  let events = 0;
  for (let i = 0; i < n; i++) events += data.event[i]!;
  if (events === 0) throw new CoreError('E_NO_DATA', 'Cox model: no subject has an observed event (churn), so there is nothing to model');

  const order = timeOrder(data.time, data.event);
  const all = SortedData.of(data, order, data.columns.map((_, j) => j));
  // Columns that are constant or combinations of others have a zero pivot in the information at beta = 0
  const first = all.derivatives(new Float64Array(all.p));
  const kept = cholesky(first.information, all.p).singular.flatMap((singular, j) => (singular ? [] : [j]));
  const sorted = kept.length === all.p ? all : SortedData.of(data, order, kept);
  const p = sorted.p;

  let beta = new Float64Array(p);
  let current = kept.length === all.p ? first : sorted.derivatives(beta);
  const nullLogLikelihood = current.logLikelihood;
  const scoreStatistic = quadraticFormOf(current, p);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const step = choleskySolve(cholesky(current.information, p), current.score);
    let candidate = beta.map((value, j) => value + step[j]!);
    let next = sorted.derivatives(candidate);
    // Step halving while the likelihood falls (R does the same); a step can overshoot far from the optimum
    for (let halvings = 0; !(next.logLikelihood >= current.logLikelihood) && halvings < 30; halvings++) {
      candidate = candidate.map((value, j) => (value + beta[j]!) / 2);
      next = sorted.derivatives(candidate);
    }
    const change = Math.abs(1 - current.logLikelihood / next.logLikelihood);
    beta = candidate;
    current = next;
    if (change <= RELATIVE_TOLERANCE) {
      converged = true;
      break;
    }
  }
  if (!beta.every(Number.isFinite)) throw new CoreError('E_CONVERGENCE', 'Cox model: the fit diverged (a covariate may separate churners from the others completely)');

  const covariance = choleskyInverse(cholesky(current.information, p));
  // R's test for infinite coefficients (coxph.fit): the next Newton step, V U, still moves them
  const nextStep = new Float64Array(p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) nextStep[i]! += covariance[i * p + j]! * current.score[j]!;
  const infinite = Array.from(beta, (value, j) => Math.abs(nextStep[j]!) > R_EPS && Math.abs(nextStep[j]!) > Math.sqrt(R_EPS) * Math.abs(value));
  const z = normalQuantile((1 + confidence) / 2, 0, 1);
  const standardErrors = Array.from({ length: p }, (_, j) => Math.sqrt(covariance[j * p + j]!));
  let wald = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) wald += beta[i]! * current.information[i * p + j]! * beta[j]!;
  const coefficients = data.names.map((name, column): CoxCoefficient => {
    const j = kept.indexOf(column);
    const term = data.terms[column]!;
    if (j < 0) return { name, term, coefficient: null, infinite: false, hazardRatio: null, standardError: null, lower: null, upper: null, z: null, pValue: null };
    const coefficient = beta[j]!;
    if (infinite[j]) return { name, term, coefficient, infinite: true, hazardRatio: Math.exp(coefficient), standardError: null, lower: null, upper: null, z: null, pValue: null };
    const se = standardErrors[j]!;
    return {
      name,
      term,
      coefficient,
      infinite: false,
      hazardRatio: Math.exp(coefficient),
      standardError: se,
      lower: Math.exp(coefficient - z * se),
      upper: Math.exp(coefficient + z * se),
      z: coefficient / se,
      pValue: chiSquareUpper((coefficient / se) ** 2, 1),
    };
  });
  const likelihoodRatio = 2 * (current.logLikelihood - nullLogLikelihood);
  return {
    subjects: n,
    events,
    confidence,
    coefficients,
    logLikelihood: { null: nullLogLikelihood, model: current.logLikelihood },
    likelihoodRatio: { statistic: likelihoodRatio, df: p, pValue: chiSquareUpper(likelihoodRatio, p) },
    wald: { statistic: wald, df: p, pValue: chiSquareUpper(wald, p) },
    score: { statistic: scoreStatistic, df: p, pValue: chiSquareUpper(scoreStatistic, p) },
    concordance: concordance(sorted, sorted.riskScores(beta)),
    proportionalHazards: proportionalHazardsTest(sorted, beta, kept.map((column) => data.terms[column]!)),
    iterations,
    converged,
    covariance: Array.from({ length: p }, (_, i) => Array.from(covariance.subarray(i * p, i * p + p))),
  };
}

function quadraticFormOf(derivatives: Derivatives, p: number): number {
  return quadraticFormInverse(derivatives.information, p, derivatives.score);
}

/** Subjects by time descending, censored before events at the same time (they are still at risk then). */
function timeOrder(time: Float64Array, event: Uint8Array): Uint32Array {
  const order = Uint32Array.from({ length: time.length }, (_, i) => i);
  return order.sort((a, b) => time[b]! - time[a]! || event[a]! - event[b]!);
}

interface Derivatives {
  logLikelihood: number;
  score: Float64Array;
  /** Row-major p * p, minus the second derivative. */
  information: Float64Array;
}

/**
 * The model's data in time order (descending): the covariates centred, row-major, and the same
 * uncentred as sparse rows (a category's 0/1 columns are mostly 0), which the risk-set sums read.
 */
class SortedData {
  private constructor(
    readonly n: number,
    readonly p: number,
    readonly time: Float64Array,
    readonly event: Uint8Array,
    /** Row-major n * p, centred on the column means. */
    readonly x: Float64Array,
    /** The column means. */
    readonly means: Float64Array,
    /** Row r's non-zero uncentred values are entries rowStart[r] to rowStart[r + 1] - 1, in column order. */
    readonly rowStart: Uint32Array,
    readonly columnOf: Uint32Array,
    readonly valueOf: Float64Array,
  ) {}

  static of(data: CoxData, order: Uint32Array, columns: number[]): SortedData {
    const n = order.length;
    const p = columns.length;
    const x = new Float64Array(n * p);
    const means = new Float64Array(p);
    columns.forEach((column, j) => {
      const values = data.columns[column]!;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += values[i]!;
      mean /= n;
      means[j] = mean;
      for (let r = 0; r < n; r++) x[r * p + j] = values[order[r]!]! - mean;
    });
    const source = columns.map((column) => data.columns[column]!);
    let nonZeros = 0;
    for (const values of source) for (let i = 0; i < n; i++) if (values[i] !== 0) nonZeros++;
    const rowStart = new Uint32Array(n + 1);
    const columnOf = new Uint32Array(nonZeros);
    const valueOf = new Float64Array(nonZeros);
    let at = 0;
    for (let r = 0; r < n; r++) {
      const subject = order[r]!;
      for (let j = 0; j < p; j++) {
        const value = source[j]![subject]!;
        if (value === 0) continue;
        columnOf[at] = j;
        valueOf[at++] = value;
      }
      rowStart[r + 1] = at;
    }
    return new SortedData(
      n,
      p,
      Float64Array.from(order, (i) => data.time[i]!),
      Uint8Array.from(order, (i) => data.event[i]!),
      x,
      means,
      rowStart,
      columnOf,
      valueOf,
    );
  }

  riskScores(beta: Float64Array): Float64Array {
    const { n, p, x } = this;
    const eta = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += x[r * p + j]! * beta[j]!;
      eta[r] = sum;
    }
    return eta;
  }

  /** Adds row r's weight, weighted values and weighted products (lower triangle) to uncentred sums. */
  private addRow(r: number, weight: number, sums: RiskSums): void {
    const { p, rowStart, columnOf, valueOf } = this;
    sums.weight += weight;
    const end = rowStart[r + 1]!;
    for (let a = rowStart[r]!; a < end; a++) {
      const i = columnOf[a]!;
      const weighted = weight * valueOf[a]!;
      sums.x[i]! += weighted;
      const at = i * p;
      // the inner loop over the row's non-zeros is the cost of a fit (non-zeros^2 / 2 multiply-adds a row)
      for (let b = rowStart[r]!; b <= a; b++) sums.xx[at + columnOf[b]!]! += weighted * valueOf[b]!;
    }
  }

  /** Uncentred sums centred on the column means: sum w (x - m) and the lower triangle of sum w (x - m)(x - m)'. */
  private centre(sums: RiskSums, x: Float64Array, xx: Float64Array): void {
    const { p, means } = this;
    for (let i = 0; i < p; i++) {
      x[i] = sums.x[i]! - sums.weight * means[i]!;
      for (let j = 0; j <= i; j++) {
        xx[i * p + j] = sums.xx[i * p + j]! - sums.x[i]! * means[j]! - means[i]! * sums.x[j]! + sums.weight * means[i]! * means[j]!;
      }
    }
  }

  /**
   * Partial log-likelihood, score and information at `beta` with Efron's ties: among d events at one
   * time, the k-th term (k = 1..d) has the tied events' share of the risk set at k/d.
   * `timeWeight` (per row, the same for rows of one time) adds cox.zph's extra columns g(t) * x:
   * then `score` holds sum g(t)(x - mean) and `information` is the 2p * 2p matrix of R's zph1.
   */
  derivatives(beta: Float64Array, timeWeight?: Float64Array): Derivatives {
    const { n, p, x, time, event } = this;
    const width = timeWeight ? 2 * p : p;
    const eta = this.riskScores(beta);
    const score = new Float64Array(width);
    const information = new Float64Array(width * width);
    // Uncentred sums over everyone later than the current time (plus the censored at it), and over its tied events
    const risk = emptySums(p);
    const dead = emptySums(p);
    // The same centred at an event time
    const riskX = new Float64Array(p);
    const riskXX = new Float64Array(p * p);
    const deadX = new Float64Array(p);
    const deadXX = new Float64Array(p * p);
    let logLikelihood = 0;
    let r = 0;
    while (r < n) {
      const t = time[r]!;
      const g = timeWeight ? timeWeight[r]! : 0;
      let deaths = 0;
      for (; r < n && time[r] === t; r++) {
        const weight = Math.exp(eta[r]!);
        if (!event[r]) {
          this.addRow(r, weight, risk);
          continue;
        }
        deaths++;
        logLikelihood += eta[r]!;
        const row = r * p;
        for (let i = 0; i < p; i++) {
          score[i]! += x[row + i]!;
          if (timeWeight) score[p + i]! += g * x[row + i]!;
        }
        this.addRow(r, weight, dead);
      }
      if (deaths === 0) continue;
      // Efron's d terms have risk sums R + c E, c = k/d, with first moments a + c e and second A + c D:
      // each term's mean (a + c e) / (R + c E) and variance (A + c D) / (R + c E) - mean mean', summed
      // over k through five sums of c^m / (R + c E)^n, so a time costs p^2 however many events tie at it
      let s1 = 0;
      let sc = 0;
      let q1 = 0;
      let qc = 0;
      let qcc = 0;
      for (let k = 1; k <= deaths; k++) {
        const c = k / deaths;
        const total = risk.weight + c * dead.weight;
        logLikelihood -= Math.log(total);
        const inverse = 1 / total;
        s1 += inverse;
        sc += c * inverse;
        q1 += inverse * inverse;
        qc += c * inverse * inverse;
        qcc += c * c * inverse * inverse;
      }
      this.centre(risk, riskX, riskXX);
      this.centre(dead, deadX, deadXX);
      for (let i = 0; i < p; i++) {
        const means = riskX[i]! * s1 + deadX[i]! * sc;
        score[i]! -= means;
        if (timeWeight) score[p + i]! -= g * means;
        for (let j = 0; j <= i; j++) {
          const v =
            riskXX[i * p + j]! * s1 + deadXX[i * p + j]! * sc -
            (riskX[i]! * riskX[j]! * q1 + (riskX[i]! * deadX[j]! + deadX[i]! * riskX[j]!) * qc + deadX[i]! * deadX[j]! * qcc);
          information[i * width + j]! += v;
          if (timeWeight) {
            information[(p + i) * width + j]! += g * v;
            information[(p + i) * width + p + j]! += g * g * v;
          }
        }
      }
      // The tied events are at risk at every earlier time
      risk.weight += dead.weight;
      for (let i = 0; i < p; i++) risk.x[i]! += dead.x[i]!;
      for (let i = 0; i < p * p; i++) risk.xx[i]! += dead.xx[i]!;
      dead.weight = 0;
      dead.x.fill(0);
      dead.xx.fill(0);
    }
    // Only lower triangles were summed: V (top left), g^2 V (bottom right) and g V (bottom left) are symmetric
    const mirror = (row: number, column: number) => (information[column * width + row] = information[row * width + column]!);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < i; j++) {
        mirror(i, j);
        if (timeWeight) {
          mirror(p + i, p + j);
          information[(p + j) * width + i] = information[(p + i) * width + j]!;
        }
      }
    }
    if (timeWeight) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) mirror(p + i, j);
    return { logLikelihood, score, information };
  }
}

/** Uncentred risk-set sums: total weight, weighted values, weighted products (row-major p * p, lower triangle). */
interface RiskSums {
  weight: number;
  x: Float64Array;
  xx: Float64Array;
}

function emptySums(p: number): RiskSums {
  return { weight: 0, x: new Float64Array(p), xx: new Float64Array(p * p) };
}

/**
 * Harrell's C as survival::concordance counts it for a Cox model: over pairs where one subject's
 * event precedes the other's time (a subject censored at the event's time still counts as later),
 * concordant when the earlier event has the higher risk score; ties in score count half, ties in
 * time between two events are not comparable. A Fenwick tree over score ranks makes it n log n.
 */
function concordance(sorted: SortedData, eta: Float64Array): CoxFit['concordance'] {
  const { n, time, event } = sorted;
  const distinct = Float64Array.from(new Set(eta)).sort();
  const rank = Uint32Array.from(eta, (value) => lowerBound(distinct, value));
  const tree = new Float64Array(distinct.length + 1);
  const exact = new Float64Array(distinct.length);
  const add = (r: number) => {
    exact[r]!++;
    for (let i = r + 1; i <= distinct.length; i += i & -i) tree[i]!++;
  };
  const below = (r: number) => {
    let sum = 0;
    for (let i = r; i > 0; i -= i & -i) sum += tree[i]!;
    return sum;
  };
  let concordant = 0;
  let discordant = 0;
  let tiedRisk = 0;
  let inTree = 0;
  let r = 0;
  while (r < n) {
    // Rows of one time: censored first (already at risk for this time's events), then events
    const start = r;
    while (r < n && time[r] === time[start]) r++;
    for (let i = start; i < r; i++) {
      if (event[i]) continue;
      add(rank[i]!);
      inTree++;
    }
    for (let i = start; i < r; i++) {
      if (!event[i]) continue;
      const lower = below(rank[i]!);
      const same = exact[rank[i]!]!;
      concordant += lower;
      tiedRisk += same;
      discordant += inTree - lower - same;
    }
    for (let i = start; i < r; i++) {
      if (!event[i]) continue;
      add(rank[i]!);
      inTree++;
    }
  }
  const comparable = concordant + discordant + tiedRisk;
  return { value: comparable > 0 ? (concordant + tiedRisk / 2) / comparable : Number.NaN, concordant, discordant, tiedRisk };
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * cox.zph's score test: add covariates g(t) * x with g(t) = 1 - KM(t-) centred over the events,
 * and test their coefficients = 0 at (beta-hat, 0). For a term, the score of its g(t) columns against
 * the information block of all p original columns plus its own; globally, all 2p.
 */
function proportionalHazardsTest(sorted: SortedData, beta: Float64Array, columnTerms: string[]): CoxFit['proportionalHazards'] {
  const { n, p, time, event } = sorted;
  // Left-continuous Kaplan-Meier of everyone: S(t-) for each row, walking forward in time
  const leftKm = new Float64Array(n);
  let survival = 1;
  let r = n - 1;
  while (r >= 0) {
    const t = time[r]!;
    let end = r;
    while (end >= 0 && time[end] === t) end--;
    for (let i = end + 1; i <= r; i++) leftKm[i] = survival;
    let deaths = 0;
    for (let i = end + 1; i <= r; i++) deaths += event[i]!;
    // At risk at t: every row from the first (latest time) down to this time's last
    survival *= 1 - deaths / (r + 1);
    r = end;
  }
  let meanAtEvents = 0;
  let events = 0;
  for (let i = 0; i < n; i++) {
    if (!event[i]) continue;
    meanAtEvents += 1 - leftKm[i]!;
    events++;
  }
  meanAtEvents /= events;
  const g = Float64Array.from(leftKm, (s) => 1 - s - meanAtEvents);
  const { score, information } = sorted.derivatives(beta, g);
  const width = 2 * p;
  const test = (extra: number[]): ChiSquareTest => {
    const index = [...Array.from({ length: p }, (_, j) => j), ...extra.map((j) => p + j)];
    const size = index.length;
    const block = new Float64Array(size * size);
    index.forEach((a, i) => index.forEach((b, j) => (block[i * size + j] = information[a * width + b]!)));
    const u = index.map((a) => (a < p ? 0 : score[a]!));
    const statistic = quadraticFormInverse(block, size, u);
    return { statistic, df: extra.length, pValue: chiSquareUpper(statistic, extra.length) };
  };
  const termNames = [...new Set(columnTerms)];
  return {
    terms: termNames.map((term) => ({ term, ...test(columnTerms.flatMap((name, j) => (name === term ? [j] : []))) })),
    global: test(columnTerms.map((_, j) => j)),
  };
}
