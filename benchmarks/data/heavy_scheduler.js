// A synthetic custom scheduling script with the size and the kind of work of a full memory-
// model scheduler such as FSRS4Anki (~16 KB, a seeded PRNG, per-deck parameter tables,
// exponential/power maths for every button, custom data read and written). Written for the
// benchmark; it is not FSRS and its numbers mean nothing.
//
// Structure, as in the real ones: configuration first, then helpers, then the work.
//
// How to use (as real scripts document it at the top):
//   1. Put parameters for a deck in `parameterSets`; a deck uses the set whose name is the
//      longest prefix of its own name ("Languages" covers "Languages::Spanish::Verbs"
//      unless "Languages::Spanish" has a set of its own). The first set covers every deck
//      that matches none of the others.
//   2. `weights` are the 21 parameters of the memory model; `retention` the share of cards
//      you want to remember when they come due; `longest` and `shortest` bound the interval
//      in days.
//   3. Decks listed in `skippedDecks` are left to the built-in scheduler.
//   4. `spreadIntervals` moves intervals a little, so cards learned together spread out.
// What is kept on the card: the model's stability (s) and difficulty (d), the script's
// version (v) and a random number (r) in the card's custom data, for every button, so the
// next answer continues from where this one left off. Nothing else is changed: learning
// steps, relearning steps and filtered decks that do not reschedule behave as set in the
// deck options. Cards in learning keep their steps; when a card graduates, the interval
// comes from the model. A review card answered Again is left to the relearning steps of
// its preset; the stability it keeps is the model's estimate after forgetting.
//
// Troubleshooting: open the script's log (`repetend script log NAME`) to see what it printed
// and why it failed; `repetend script test` shows what it would do to the cards due now, and
// `repetend script replay` what it would have done to the past weeks.

// ---- Configuration ----------------------------------------------------------------------
const parameterSets = [
  {
    name: "everything else",
    weights: [0.41, 1.18, 3.17, 15.69, 7.19, 0.54, 1.74, 0.01, 1.46, 0.16, 1.02, 2.12,
              0.03, 0.34, 1.31, 0.23, 2.86, 0.49, 0.07, 0.12, 0.19],
    retention: 0.9, longest: 36500, shortest: 1,
  },
  {
    name: "Languages",
    weights: [0.52, 1.33, 2.95, 14.11, 6.98, 0.61, 1.69, 0.02, 1.51, 0.14, 0.98, 2.05,
              0.04, 0.31, 1.42, 0.25, 2.71, 0.52, 0.09, 0.11, 0.21],
    retention: 0.88, longest: 3650, shortest: 1,
  },
  {
    name: "Languages::Spanish",
    weights: [0.47, 1.21, 3.02, 13.84, 7.02, 0.58, 1.71, 0.015, 1.49, 0.15, 1.01, 2.08,
              0.035, 0.33, 1.36, 0.24, 2.79, 0.5, 0.08, 0.115, 0.2],
    retention: 0.92, longest: 3650, shortest: 2,
  },
  {
    name: "Medicine",
    weights: [0.38, 1.09, 3.31, 16.2, 7.31, 0.51, 1.77, 0.009, 1.44, 0.17, 1.04, 2.15,
              0.028, 0.36, 1.27, 0.22, 2.91, 0.47, 0.065, 0.125, 0.18],
    retention: 0.93, longest: 1825, shortest: 1,
  },
  {
    name: "Medicine::Pharmacology",
    weights: [0.36, 1.05, 3.36, 16.5, 7.35, 0.5, 1.78, 0.008, 1.43, 0.175, 1.05, 2.17,
              0.027, 0.37, 1.25, 0.215, 2.95, 0.46, 0.06, 0.13, 0.175],
    retention: 0.94, longest: 1825, shortest: 1,
  },
  {
    name: "History",
    weights: [0.45, 1.25, 3.1, 15.1, 7.1, 0.55, 1.72, 0.012, 1.47, 0.155, 1.0, 2.1,
              0.032, 0.335, 1.33, 0.235, 2.82, 0.495, 0.075, 0.118, 0.195],
    retention: 0.85, longest: 36500, shortest: 1,
  },
  {
    // Parameters tuned for "Geography" and its subdecks (optimised on its own review history).
    name: "Geography",
    weights: [0.978, 0.461, 1.956, 1.168, 8.579, 1.103, 0.183, 1.527, 0.122, 1.307, 0.219,
              0.281, 1.279, 2.482, 0.38, 0.677, 1.886, 2.844, 1.736, 1.196, 2.929],
    retention: 0.81, longest: 3650, shortest: 1,
  },
  {
    // Parameters tuned for "Geography::Capitals" and its subdecks (optimised on its own review history).
    name: "Geography::Capitals",
    weights: [0.876, 0.441, 0.362, 4.943, 13.06, 0.55, 1.749, 1.92, 1.123, 1.648, 0.198,
              0.188, 0.626, 2.044, 1.289, 0.949, 1.761, 1.365, 0.906, 2.385, 2.1],
    retention: 0.84, longest: 1825, shortest: 1,
  },
  {
    // Parameters tuned for "Music::Theory" and its subdecks (optimised on its own review history).
    name: "Music::Theory",
    weights: [0.908, 1.49, 1.037, 7.187, 9.747, 0.229, 1.541, 0.503, 1.033, 2.8, 1.271,
              2.886, 0.242, 1.679, 2.369, 2.457, 1.027, 1.057, 1.495, 2.393, 0.216],
    retention: 0.81, longest: 36500, shortest: 1,
  },
  {
    // Parameters tuned for "Law" and its subdecks (optimised on its own review history).
    name: "Law",
    weights: [1.428, 1.996, 0.191, 11.227, 10.358, 2.979, 2.468, 0.861, 1.164, 2.009, 0.077,
              1.39, 0.512, 0.36, 0.186, 2.307, 0.397, 0.75, 1.179, 2.616, 0.251],
    retention: 0.87, longest: 1825, shortest: 1,
  },
  {
    // Parameters tuned for "Law::Contracts" and its subdecks (optimised on its own review history).
    name: "Law::Contracts",
    weights: [0.841, 0.419, 1.297, 8.808, 11.305, 2.96, 2.051, 1.148, 0.7, 0.258, 0.462,
              1.979, 0.046, 2.495, 0.555, 0.853, 0.446, 1.608, 1.833, 0.963, 0.385],
    retention: 0.93, longest: 1825, shortest: 1,
  },
  {
    // Parameters tuned for "Chemistry" and its subdecks (optimised on its own review history).
    name: "Chemistry",
    weights: [1.968, 2.222, 1.375, 13.937, 15.231, 2.045, 1.682, 1.2, 1.188, 1.45, 1.207,
              0.58, 2.954, 1.327, 0.339, 1.806, 0.316, 1.705, 1.614, 2.847, 1.845],
    retention: 0.81, longest: 3650, shortest: 1,
  },
  {
    // Parameters tuned for "Chemistry::Organic" and its subdecks (optimised on its own review history).
    name: "Chemistry::Organic",
    weights: [1.846, 0.454, 0.764, 5.565, 5.833, 0.377, 2.548, 2.979, 1.403, 1.457, 0.267,
              0.316, 1.034, 0.802, 2.488, 0.493, 0.079, 2.853, 1.589, 0.448, 1.634],
    retention: 0.8, longest: 1825, shortest: 1,
  },
  {
    // Parameters tuned for "Programming" and its subdecks (optimised on its own review history).
    name: "Programming",
    weights: [0.901, 1.932, 0.282, 13.529, 8.299, 2.726, 1.074, 0.676, 1.629, 1.513, 1.913,
              1.844, 2.367, 2.277, 0.593, 0.726, 1.208, 2.412, 0.608, 1.483, 2.196],
    retention: 0.95, longest: 36500, shortest: 1,
  },
  {
    // Parameters tuned for "Programming::Rust" and its subdecks (optimised on its own review history).
    name: "Programming::Rust",
    weights: [1.422, 0.589, 1.819, 5.515, 12.939, 2.172, 1.055, 2.924, 0.251, 0.315, 1.416,
              1.02, 1.453, 2.956, 1.835, 0.016, 2.729, 1.039, 1.933, 2.506, 0.369],
    retention: 0.86, longest: 1825, shortest: 1,
  },
  {
    // Parameters tuned for "Art History" and its subdecks (optimised on its own review history).
    name: "Art History",
    weights: [2.253, 1.439, 0.544, 12.628, 5.327, 2.404, 2.915, 1.194, 1.21, 2.841, 2.177,
              0.518, 0.39, 0.462, 2.716, 2.421, 0.447, 2.481, 2.941, 1.975, 1.058],
    retention: 0.88, longest: 3650, shortest: 1,
  },
  {
    // Parameters tuned for "Mathematics" and its subdecks (optimised on its own review history).
    name: "Mathematics",
    weights: [0.074, 2.4, 2.182, 1.653, 11.994, 0.426, 2.96, 0.592, 2.623, 0.094, 0.646,
              1.508, 2.293, 0.985, 1.638, 2.504, 0.192, 2.222, 2.694, 1.991, 2.447],
    retention: 0.88, longest: 1825, shortest: 1,
  },
  {
    // Parameters tuned for "Mathematics::Calculus" and its subdecks (optimised on its own review history).
    name: "Mathematics::Calculus",
    weights: [0.401, 0.464, 1.537, 13.966, 12.426, 1.83, 2.33, 0.458, 0.433, 1.861, 0.37,
              0.195, 2.05, 1.597, 1.453, 2.332, 2.651, 0.18, 0.582, 0.136, 0.302],
    retention: 0.87, longest: 3650, shortest: 1,
  },
];
const skippedDecks = ["Scratch", "Imported::Unsorted"];
const spreadIntervals = true;
const version = "synthetic-1";

// ---- Helpers ----------------------------------------------------------------------------

function clamp(x, lo, hi) {
  return Math.min(Math.max(x, lo), hi);
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

// A small seeded generator (xorshift128+ on two 32-bit halves), fed from a string hash.
function makeGenerator(seedText) {
  let h1 = 0x9e3779b9, h2 = 0x85ebca6b, h3 = 0xc2b2ae35, h4 = 0x27d4eb2f;
  const text = String(seedText);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (c << 3), 0x5bd1e995) >>> 0;
    h3 = Math.imul(h3 ^ (c << 7), 0x1b873593) >>> 0;
    h4 = Math.imul(h4 ^ (c << 11), 0xcc9e2d51) >>> 0;
  }
  let s0 = (h1 ^ h3) >>> 0 || 1, s1 = (h2 ^ h4) >>> 0 || 2;
  function next() {
    let x = s0, y = s1;
    s0 = y;
    x ^= x << 23; x >>>= 0;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x >>> 0;
    return ((s0 + s1) >>> 0) / 4294967296;
  }
  for (let i = 0; i < 16; i++) next();  // warm up
  return next;
}

function parametersFor(deckName) {
  let best = parameterSets[0];
  let bestLength = -1;
  for (const set of parameterSets) {
    if (deckName === set.name || deckName.startsWith(set.name + "::")) {
      if (set.name.length > bestLength) {
        best = set;
        bestLength = set.name.length;
      }
    }
  }
  return best;
}

function isSkipped(deckName) {
  return skippedDecks.some((d) => deckName === d || deckName.startsWith(d + "::"));
}

// ---- A memory model (made up; shaped like the real ones) --------------------------------

function Model(p) {
  this.w = p.weights;
  this.retention = p.retention;
  this.longest = p.longest;
  this.shortest = p.shortest;
  this.decay = -this.w[20];
  this.factor = Math.pow(0.9, 1 / this.decay) - 1;
}

Model.prototype.retrievability = function (elapsed, stability) {
  return Math.pow(1 + this.factor * elapsed / stability, this.decay);
};

Model.prototype.intervalFor = function (stability) {
  const raw = stability / this.factor * (Math.pow(this.retention, 1 / this.decay) - 1);
  return clamp(Math.round(raw), this.shortest, this.longest);
};

Model.prototype.initialStability = function (rating) {
  return Math.max(this.w[rating - 1], 0.1);
};

Model.prototype.initialDifficulty = function (rating) {
  return clamp(this.w[4] - Math.exp(this.w[5] * (rating - 1)) + 1, 1, 10);
};

Model.prototype.nextDifficulty = function (d, rating) {
  const delta = -this.w[6] * (rating - 3);
  const damped = d + delta * (10 - d) / 9;
  const target = this.initialDifficulty(4);
  return clamp(this.w[7] * target + (1 - this.w[7]) * damped, 1, 10);
};

Model.prototype.recallStability = function (d, s, r, rating) {
  const hardPenalty = rating === 2 ? this.w[15] : 1;
  const easyBonus = rating === 4 ? this.w[16] : 1;
  return s * (1 + Math.exp(this.w[8]) * (11 - d) * Math.pow(s, -this.w[9]) *
    (Math.exp((1 - r) * this.w[10]) - 1) * hardPenalty * easyBonus);
};

Model.prototype.forgetStability = function (d, s, r) {
  const value = this.w[11] * Math.pow(d, -this.w[12]) *
    (Math.pow(s + 1, this.w[13]) - 1) * Math.exp((1 - r) * this.w[14]);
  return Math.min(value, s / Math.exp(this.w[17] * this.w[18]));
};

Model.prototype.shortTermStability = function (s, rating) {
  return s * Math.exp(this.w[17] * (rating - 3 + this.w[18])) * Math.pow(s, -this.w[19]);
};

// Spread an interval over a small window so cards answered together do not stay together.
function spread(interval, elapsed, random) {
  if (!spreadIntervals || interval < 2.5) return Math.round(interval);
  const ranges = [
    {start: 2.5, end: 7.0, factor: 0.15},
    {start: 7.0, end: 20.0, factor: 0.1},
    {start: 20.0, end: Infinity, factor: 0.05},
  ];
  let delta = 1.0;
  for (const range of ranges) {
    delta += range.factor * Math.max(Math.min(interval, range.end) - range.start, 0.0);
  }
  interval = Math.min(Math.round(interval), 36500);
  let lo = Math.max(2, Math.round(interval - delta));
  const hi = Math.min(Math.round(interval + delta), 36500);
  if (interval > elapsed) lo = Math.max(lo, elapsed + 1);
  lo = Math.min(lo, hi);
  return Math.floor(random() * (hi - lo + 1) + lo);
}

// ---- Reading the card -------------------------------------------------------------------

function reviewPart(state) {
  if (!state) return null;
  if (state.normal) {
    const n = state.normal;
    return n.review || (n.relearning && n.relearning.review) || null;
  }
  if (state.filtered && state.filtered.rescheduling) {
    const o = state.filtered.rescheduling.originalState;
    return o.review || (o.relearning && o.relearning.review) || null;
  }
  return null;
}

function isNew(state) {
  return !!(state.normal && state.normal.new) ||
    !!(state.filtered && state.filtered.rescheduling &&
       state.filtered.rescheduling.originalState.new);
}

function memoryFrom(model, data, review) {
  if (Object.hasOwn(data, "s") && Object.hasOwn(data, "d") && data.s > 0) {
    return {s: data.s, d: data.d};
  }
  if (review) {
    // No memory yet: estimate it from the SM-2 fields, as converters do.
    const s = Math.max(review.scheduledDays, 0.5) * 1.1;
    const d = clamp(11 - (review.easeFactor - 1.3) / 0.16, 1, 10);
    return {s: s, d: d};
  }
  return null;
}

function writeReview(state, days) {
  const review = reviewPart(state);
  if (review && !(state.filtered)) review.scheduledDays = days;
}

// ---- The work ---------------------------------------------------------------------------

const deckName = (ctx && ctx.deckName) || "";
if (isSkipped(deckName)) {
  return;
}
const model = new Model(parametersFor(deckName));
const seed = ctx && ctx.seed ? String(ctx.seed) : "0";
const random = makeGenerator(seed + ":" + deckName);
const ratings = {again: 1, hard: 2, good: 3, easy: 4};

const current = states.current;
const review = reviewPart(current);
const memory = memoryFrom(model, customData.good, review);
const elapsed = review ? review.elapsedDays : 0;

for (const name of Object.keys(ratings)) {
  const rating = ratings[name];
  let s, d;
  if (isNew(current) || !memory) {
    s = model.initialStability(rating);
    d = model.initialDifficulty(rating);
  } else if (elapsed === 0) {
    s = model.shortTermStability(memory.s, rating);
    d = model.nextDifficulty(memory.d, rating);
  } else {
    const r = model.retrievability(elapsed, memory.s);
    s = rating === 1 ? model.forgetStability(memory.d, memory.s, r)
                     : model.recallStability(memory.d, memory.s, r, rating);
    d = model.nextDifficulty(memory.d, rating);
  }
  s = clamp(s, 0.01, 36500);
  if (rating > 1) {
    let days = spread(model.intervalFor(s), elapsed, random);
    if (rating === 2) days = Math.max(days, 1);
    writeReview(states[name], days);
  }
  customData[name].s = round2(s);
  customData[name].d = round2(d);
  customData[name].v = version;
  customData[name].r = Math.round(random() * 1e4);
}

// Keep Hard <= Good <= Easy where all three are reviews.
const h = reviewPart(states.hard), g = reviewPart(states.good), e = reviewPart(states.easy);
if (h && g && e && !states.good.filtered) {
  g.scheduledDays = Math.max(g.scheduledDays, h.scheduledDays + 1);
  e.scheduledDays = Math.max(e.scheduledDays, g.scheduledDays + 1);
}
