/* The banded alignment DP of aomi18n.alignment, compiled, and the dot products it
 * reads (_band_dots, _adjacent).
 *
 * Same arithmetic, in the same order, as the NumPy code in alignment.py
 * (_bead_costs and the row loop of _dp, one cell at a time; the joins' sums in the
 * order NumPy makes them): the NumPy version stays as the fallback when this module
 * is not built, and the tests check that both give the same links and the same sums,
 * bit for bit.  No NumPy headers are needed: arrays come in through the buffer
 * protocol.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#define MAXBEADS 16

typedef struct {
    double length_weight, sim_weight, skip_cost, merge_cost, merge2_cost, merge3_cost;
    double empty_sim, orphan_cost, orphan_sim, variance, ratio;
} Params;

static double log_erfc(double x) {
    double t = 1.0 / (1.0 + 0.5 * x);
    double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    return log(t) - x * x + poly;
}

static double length_cost(double ls, double lt, const Params *p) {
    double mean = (ls + lt / p->ratio) / 2.0;
    double delta = (lt - ls * p->ratio) / sqrt(p->variance * (mean > 1.0 ? mean : 1.0));
    return -log_erfc(fabs(delta) / sqrt(2.0));
}

/* dot / sqrt(norm2_product); a dot of 0 (units that share nothing: most cells) is 0
   without the square root, as the division would give it (dot products are >= 0). */
static double cosine(double dot, double norm2_product, double empty) {
    if (!(norm2_product > 0)) return empty;
    return dot == 0.0 ? 0.0 : dot / sqrt(norm2_product);
}

static Py_ssize_t clip(Py_ssize_t x, Py_ssize_t lo, Py_ssize_t hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

/* |v[start] + ... + v[start+count-1]|^2, as _summed_norm2. */
static double summed_norm2(const double *norm2, const double *adj, Py_ssize_t cols, Py_ssize_t len,
                           Py_ssize_t start, int count) {
    if (len == 0) return 0.0;
    Py_ssize_t last = len - 1;
    double out = 0.0;
    for (int k = 0; k < count; k++) out += norm2[clip(start + k, 0, last)];
    if (count >= 2) out = out + 2 * adj[cols + clip(start, 0, last)];
    if (count == 3) out = out + 2 * (adj[cols + clip(start + 1, 0, last)] + adj[2 * cols + clip(start, 0, last)]);
    return out;
}

/* Each member unit of a side with several (rows of parts when `source`, else
   columns) against the whole other side: the lowest cosine, down from `weakest`. */
static double weakest_member(double parts[3][3], int a, int b, int source, const double *norm2, Py_ssize_t len,
                             Py_ssize_t last_unit, double other_n2, double empty, double weakest) {
    int members = source ? a : b, others = source ? b : a;
    for (int k = 0; k < members; k++) {
        double own = len ? norm2[clip(last_unit - k, 0, len - 1)] : 0.0, sum = 0.0;
        for (int o = 0; o < others; o++) sum += source ? parts[k][o] : parts[o][k];
        double cs = cosine(sum, own * other_n2, empty);
        if (cs < weakest) weakest = cs;
    }
    return weakest;
}

static PyObject *dp(PyObject *self, PyObject *args) {
    Py_ssize_t n, m, width;
    Py_buffer lo_b, D_b, csl_b, cst_b, ns_b, nt_b, sadj_b, tadj_b, B_b, S_b;
    PyObject *beads_obj;
    Params p;
    if (!PyArg_ParseTuple(args, "nnny*y*y*y*y*y*y*y*O(ddddddddddd)w*w*", &n, &m, &width, &lo_b, &D_b, &csl_b, &cst_b,
                          &ns_b, &nt_b, &sadj_b, &tadj_b, &beads_obj, &p.length_weight, &p.sim_weight,
                          &p.skip_cost, &p.merge_cost, &p.merge2_cost, &p.merge3_cost, &p.empty_sim,
                          &p.orphan_cost, &p.orphan_sim, &p.variance, &p.ratio, &B_b, &S_b))
        return NULL;
    PyObject *result = NULL;
    double *ring = NULL, *sn2 = NULL, *tn2 = NULL, sims[MAXBEADS];
    int na[MAXBEADS], nb[MAXBEADS];
    Py_ssize_t nbeads = PySequence_Size(beads_obj);
    Py_ssize_t ncols = n > 1 ? n : 1, mcols = m > 1 ? m : 1;
    int k01 = -1, k10 = -1;
    if (nbeads < 1 || nbeads > MAXBEADS) {
        PyErr_SetString(PyExc_ValueError, "1 to 16 bead types");
        goto done;
    }
    for (Py_ssize_t k = 0; k < nbeads; k++) {
        PyObject *item = PySequence_GetItem(beads_obj, k);
        if (!item) goto done;
        int ok = PyArg_ParseTuple(item, "ii", &na[k], &nb[k]);
        Py_DECREF(item);
        if (!ok) goto done;
        if (na[k] < 0 || na[k] > 3 || nb[k] < 0 || nb[k] > 3) {
            PyErr_SetString(PyExc_ValueError, "bead sides are 0 to 3 units");
            goto done;
        }
        if (na[k] == 0 && nb[k] == 1) k01 = (int)k;
        if (na[k] == 1 && nb[k] == 0) k10 = (int)k;
    }
    if (k01 < 0 || width < 1) {
        PyErr_SetString(PyExc_ValueError, "the beads need a 0-1 type, the band a width");
        goto done;
    }
    if (lo_b.len < (n + 1) * 8 || D_b.len < (n + 1) * width * 8 || csl_b.len < (n + 1) * 8 || cst_b.len < (m + 1) * 8 ||
        ns_b.len < n * 8 || nt_b.len < m * 8 || sadj_b.len < 3 * ncols * 8 || tadj_b.len < 3 * mcols * 8 ||
        B_b.len < (n + 1) * width || S_b.len < (n + 1) * width * 4) {
        PyErr_SetString(PyExc_ValueError, "an array is shorter than the DP needs");
        goto done;
    }
    const long long *lo = lo_b.buf;
    const double *D = D_b.buf, *cs_ls = csl_b.buf, *cs_lt = cst_b.buf, *ns = ns_b.buf, *nt = nt_b.buf;
    const double *sadj = sadj_b.buf, *tadj = tadj_b.buf;
    signed char *B = B_b.buf;
    float *S = S_b.buf;
    ring = PyMem_Malloc(sizeof(double) * 4 * width);
    /* |v[start] + ... + v[start+k-1]|^2 of each side for k = 1..3, made once:
       sn2[(k - 1) * (n + 1) + start], tn2[(k - 1) * (m + 1) + start]. */
    sn2 = PyMem_Malloc(sizeof(double) * 3 * (n + 1));
    tn2 = PyMem_Malloc(sizeof(double) * 3 * (m + 1));
    if (!ring || !sn2 || !tn2) {
        PyErr_NoMemory();
        goto done;
    }
    for (int k = 1; k <= 3; k++) {
        for (Py_ssize_t start = 0; start <= n; start++)
            sn2[(k - 1) * (n + 1) + start] = summed_norm2(ns, sadj, ncols, n, start, k);
        for (Py_ssize_t start = 0; start <= m; start++)
            tn2[(k - 1) * (m + 1) + start] = summed_norm2(nt, tadj, mcols, m, start, k);
    }
    const double inf = HUGE_VAL;
    const int prunable = p.length_weight >= 0.0;
    const double slack = 1e-7 * p.length_weight;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i <= n; i++) {
        double *row = ring + (i % 4) * width;
        signed char *brow = B + i * width;
        float *srow = S + i * width;
        for (Py_ssize_t c = 0; c < width; c++) {
            Py_ssize_t j = lo[i] + c;
            double best = inf, best_sim = 0.0;
            int kind = -1;
            if (j <= m) {
                /* The 1-0 bead's cost, known at once: a bead whose cost without its
                   length term is already clearly above it cannot be the cell's best, and
                   its length term (a log and square roots) is not computed. */
                double bound = inf;
                if (k10 >= 0 && i >= 1) {
                    Py_ssize_t pc = j - lo[i - 1];
                    if (pc >= 0 && pc < width) bound = ring[((i - 1) % 4) * width + pc] + p.skip_cost;
                }
                for (int bk = 0; bk < nbeads; bk++) {
                    int a = na[bk], b = nb[bk];
                    double v = inf, sim = 0.0;
                    if (i == 0 && bk == k01 && j == 0) {
                        v = 0.0; /* the start */
                    } else if (a >= 1 && a <= i) {
                        Py_ssize_t pc = j - b - lo[i - a];
                        double prev = (pc >= 0 && pc < width) ? ring[((i - a) % 4) * width + pc] : inf;
                        int size = (a == 2 && b == 2) ? 4 : (a > b ? a : b);
                        double extra = size == 1 ? 0.0 : size == 2 ? p.merge_cost : size == 3 ? p.merge3_cost : p.merge2_cost;
                        if (b == 0) {
                            v = prev + p.skip_cost;
                        } else if (j - b >= 0 && prev + extra < best) {
                            /* Every other term of the cost is >= 0 and rounding is monotonic:
                               when prev + extra already reaches the best, this bead cannot win. */
                            double parts[3][3], dot = 0.0;
                            for (int da = 0; da < a; da++)
                                for (int db = 0; db < b; db++) {
                                    Py_ssize_t r = i - da, col = j - db - lo[r];
                                    parts[da][db] = (col >= 0 && col < width) ? D[r * width + col] : 0.0;
                                }
                            for (int da = 0; da < a; da++)
                                for (int db = 0; db < b; db++) dot += parts[da][db];
                            double s_n2 = sn2[(a - 1) * (n + 1) + (i - a)];
                            double t_n2 = tn2[(b - 1) * (m + 1) + (j - b)];
                            sim = cosine(dot, s_n2 * t_n2, p.empty_sim);
                            sim = sim < 0.0 ? 0.0 : (sim > 1.0 ? 1.0 : sim);
                            double sim_cost = p.sim_weight * (1.0 - sim) * (a + b) / 2.0;
                            /* The term left out, the length's, is >= -3e-8 times its
                               weight (the erfc approximation at 0: `slack`); the margin is
                               far above any rounding, so a bead cut here is surely above
                               the cell's best, and a tie with the 1-0 bead (which comes
                               later and loses ties) is never cut. */
                            double limit = best < bound ? best : bound;
                            double cut = limit + 1e-9 * (1.0 + fabs(limit)) + slack;
                            /* The orphan term is >= 0 (with a cost >= 0): a bead cut without
                               it is cut with it (rounding is monotonic), and it is not made. */
                            int cut_early = prunable && p.orphan_cost >= 0.0 && prev + (sim_cost + extra) > cut;
                            double orphan = 0.0;
                            if (!cut_early && a + b > 2 && p.orphan_cost != 0.0) {
                                double weakest = 1.0;
                                if (a > 1) weakest = weakest_member(parts, a, b, 1, ns, n, i - 1, t_n2, p.empty_sim, weakest);
                                if (b > 1) weakest = weakest_member(parts, a, b, 0, nt, m, j - 1, s_n2, p.empty_sim, weakest);
                                double x = 1.0 - weakest / p.orphan_sim;
                                orphan = p.orphan_cost * (x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x));
                            }
                            if (cut_early || (prunable && prev + (sim_cost + extra + orphan) > cut)) {
                                v = inf;
                            } else {
                                double lsrc = cs_ls[i] - cs_ls[i - a];
                                double ltgt = cs_lt[j] - cs_lt[j - b];
                                double cost = p.length_weight * length_cost(lsrc, ltgt, &p) + sim_cost + extra + orphan;
                                v = prev + cost;
                            }
                        }
                    }
                    sims[bk] = sim;
                    if (v < best) {
                        best = v;
                        kind = bk;
                    }
                }
                if (kind >= 0) best_sim = sims[kind];
                if (i == 0 && j == 0) kind = -1;
            }
            row[c] = best; /* INF outside the matrix */
            brow[c] = (signed char)kind;
            srow[c] = (float)best_sim;
        }
        /* 0-1 beads inside the row: C[c] = min(X[c], C[c-1] + skip), as a prefix minimum
           of X - steps, plus steps (only a real gain over X makes a 0-1 bead). */
        double run = inf;
        for (Py_ssize_t c = 0; c < width; c++) {
            double steps = (double)c * p.skip_cost, x = row[c];
            double shifted = x - steps;
            if (c == 0 || shifted < run) run = shifted;
            double value = run + steps;
            if (lo[i] + c > m) {
                row[c] = inf;
                continue;
            }
            double gain = x - value, scale = 1.0 + fabs(value);
            if (gain > 1e-9 * scale) {
                row[c] = value;
                brow[c] = (signed char)k01;
                srow[c] = 0.0f;
            }
        }
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(ring);
    PyMem_Free(sn2);
    PyMem_Free(tn2);
    PyBuffer_Release(&lo_b);
    PyBuffer_Release(&D_b);
    PyBuffer_Release(&csl_b);
    PyBuffer_Release(&cst_b);
    PyBuffer_Release(&ns_b);
    PyBuffer_Release(&nt_b);
    PyBuffer_Release(&sadj_b);
    PyBuffer_Release(&tadj_b);
    PyBuffer_Release(&B_b);
    PyBuffer_Release(&S_b);
    return result;
}

/* Whether a buffer holds `count` items of `size` bytes. */
static int holds(const Py_buffer *b, Py_ssize_t count, Py_ssize_t size) { return b->len >= count * size; }

/* Order of the entries (feature, unit) of a bag, as argsort of feature * (n + 3) + unit
   (keys are unique): a counting sort by feature, stable, then each feature's run put in
   unit order if it is not already (a bag lists its units in order, so it is). */
static Py_ssize_t *by_feature(const long long *unit, const long long *feat, Py_ssize_t len, Py_ssize_t nf) {
    Py_ssize_t *start = PyMem_Calloc((size_t)nf + 1, sizeof(Py_ssize_t));
    Py_ssize_t *order = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(len ? len : 1));
    if (!start || !order) {
        PyMem_Free(start);
        PyMem_Free(order);
        return NULL;
    }
    for (Py_ssize_t k = 0; k < len; k++) start[feat[k] + 1]++;
    for (Py_ssize_t f = 0; f < nf; f++) start[f + 1] += start[f];
    for (Py_ssize_t k = 0; k < len; k++) order[start[feat[k]]++] = k;
    /* start[f] is now the end of feature f's run; insertion sort of a run out of order */
    for (Py_ssize_t f = 0, begin = 0; f < nf; begin = start[f], f++) {
        for (Py_ssize_t x = begin + 1; x < start[f]; x++) {
            Py_ssize_t item = order[x], y = x;
            while (y > begin && unit[order[y - 1]] > unit[item]) {
                order[y] = order[y - 1];
                y--;
            }
            order[y] = item;
        }
    }
    PyMem_Free(start);
    return order;
}

/* _adjacent: dot(v[k], v[k+1]) and dot(v[k], v[k+2]) added to rows 1 and 2 of `out`
   (3 rows of max(n, 1)), summed in the order of the NumPy join (by feature, then unit). */
static PyObject *adjacent(PyObject *self, PyObject *args) {
    Py_buffer u_b, f_b, w_b, out_b;
    Py_ssize_t n, nf;
    if (!PyArg_ParseTuple(args, "y*y*y*nnw*", &u_b, &f_b, &w_b, &n, &nf, &out_b)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t *order = NULL;
    Py_ssize_t len = u_b.len / 8, cols = n > 1 ? n : 1;
    const long long *unit = u_b.buf, *feat = f_b.buf;
    const double *w = w_b.buf;
    double *out = out_b.buf;
    if (n < 0 || nf < 0 || !holds(&f_b, len, 8) || !holds(&w_b, len, 8) || !holds(&out_b, 3 * cols, 8)) {
        PyErr_SetString(PyExc_ValueError, "arrays of the wrong length");
        goto done;
    }
    for (Py_ssize_t k = 0; k < len; k++)
        if (unit[k] < 0 || unit[k] >= n || feat[k] < 0 || feat[k] >= nf) {
            PyErr_SetString(PyExc_ValueError, "a unit or feature out of range");
            goto done;
        }
    if (!(order = by_feature(unit, feat, len, nf))) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t x = 0; x < len; x++) {
        Py_ssize_t k = order[x];
        for (Py_ssize_t y = x + 1; y < len && y <= x + 2; y++) {
            Py_ssize_t q = order[y];
            long long gap = unit[q] - unit[k];
            if (feat[q] != feat[k]) break;
            if (gap == 1 || gap == 2) out[gap * cols + unit[k]] += w[k] * w[q];
        }
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(order);
    PyBuffer_Release(&u_b);
    PyBuffer_Release(&f_b);
    PyBuffer_Release(&w_b);
    PyBuffer_Release(&out_b);
    return result;
}

/* The first index of sorted `keys[0:len]` whose key is >= `key` (searchsorted, left). */
static Py_ssize_t lower_bound(const long long *keys, Py_ssize_t len, long long key) {
    Py_ssize_t a = 0, b = len;
    while (a < b) {
        Py_ssize_t mid = a + (b - a) / 2;
        if (keys[mid] < key) a = mid + 1;
        else b = mid;
    }
    return a;
}

/* _band_dots: dot(src[i], tgt[j]) of every DP cell in the band, added to `out`
   ((n + 1) rows of `width`), with the NumPy code's sums: the source entries' meetings
   with target entries are taken `budget` at a time, each run's sums made apart (in
   entry order) and then added to `out`. */
static PyObject *band_dots(PyObject *self, PyObject *args) {
    Py_buffer su_b, sf_b, sw_b, tu_b, tf_b, tw_b, lo_b, out_b;
    Py_ssize_t n, m, width, budget;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*nnnnw*", &su_b, &sf_b, &sw_b, &tu_b, &tf_b, &tw_b, &lo_b, &n, &m,
                          &width, &budget, &out_b))
        return NULL;
    PyObject *result = NULL;
    long long *keys = NULL;
    Py_ssize_t *left = NULL, *count = NULL;
    double *run = NULL;
    Py_ssize_t ls = su_b.len / 8, lt = tu_b.len / 8;
    const long long *su = su_b.buf, *sf = sf_b.buf, *tu = tu_b.buf, *tf = tf_b.buf, *lo = lo_b.buf;
    const double *sw = sw_b.buf, *tw = tw_b.buf;
    double *out = out_b.buf;
    if (n < 0 || m < 0 || width < 1 || budget < 1 || !holds(&sf_b, ls, 8) || !holds(&sw_b, ls, 8) ||
        !holds(&tf_b, lt, 8) || !holds(&tw_b, lt, 8) || !holds(&lo_b, n + 1, 8) || !holds(&out_b, (n + 1) * width, 8)) {
        PyErr_SetString(PyExc_ValueError, "arrays of the wrong length");
        goto done;
    }
    keys = PyMem_Malloc(sizeof(long long) * (size_t)(lt ? lt : 1));
    left = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(ls ? ls : 1));
    count = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(ls ? ls : 1));
    run = PyMem_Malloc(sizeof(double) * (size_t)((n + 1) * width));
    if (!keys || !left || !count || !run) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t t = 0; t < lt; t++) {
        if (tu[t] < 0 || tu[t] >= m || tf[t] < 0) {
            PyErr_SetString(PyExc_ValueError, "a target unit or feature out of range");
            goto done;
        }
        keys[t] = tf[t] * (m + 1) + tu[t];
        if (t && keys[t] <= keys[t - 1]) {
            PyErr_SetString(PyExc_ValueError, "the target entries are not sorted by (feature, unit)");
            goto done;
        }
    }
    for (Py_ssize_t e = 0; e < ls; e++) {
        if (su[e] < 0 || su[e] >= n || sf[e] < 0) {
            PyErr_SetString(PyExc_ValueError, "a source unit or feature out of range");
            goto done;
        }
        long long first_col = lo[su[e] + 1], base = sf[e] * (m + 1);
        left[e] = lower_bound(keys, lt, base + (first_col - 1 > 0 ? first_col - 1 : 0));
        count[e] = lower_bound(keys, lt, base + first_col + (width - 1)) - left[e];
        if (count[e] < 0) count[e] = 0;
    }
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t start = 0;
    while (start < ls) {
        /* the next run of entries whose meetings fit in the budget (at least one entry) */
        Py_ssize_t stop = start, total = 0;
        while (stop < ls && (stop == start || total + count[stop] <= budget)) total += count[stop++];
        if (total) {
            Py_ssize_t first = su[start] + 1, last = su[start] + 1;
            for (Py_ssize_t e = start; e < stop; e++) {
                if (su[e] + 1 < first) first = su[e] + 1;
                if (su[e] + 1 > last) last = su[e] + 1;
            }
            Py_ssize_t span = (last - first + 1) * width;
            memset(run, 0, sizeof(double) * (size_t)span);
            for (Py_ssize_t e = start; e < stop; e++) {
                Py_ssize_t row = su[e] + 1;
                for (Py_ssize_t t = left[e]; t < left[e] + count[e]; t++) {
                    long long col = tu[t] + 1 - lo[row];
                    if (col >= 0 && col < width) run[(row - first) * width + col] += sw[e] * tw[t];
                }
            }
            for (Py_ssize_t x = 0; x < span; x++) out[first * width + x] += run[x];
        }
        start = stop;
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(keys);
    PyMem_Free(left);
    PyMem_Free(count);
    PyMem_Free(run);
    PyBuffer_Release(&su_b);
    PyBuffer_Release(&sf_b);
    PyBuffer_Release(&sw_b);
    PyBuffer_Release(&tu_b);
    PyBuffer_Release(&tf_b);
    PyBuffer_Release(&tw_b);
    PyBuffer_Release(&lo_b);
    PyBuffer_Release(&out_b);
    return result;
}

static PyMethodDef methods[] = {
    {"dp", dp, METH_VARARGS, "Fill the back-pointer and similarity arrays of the banded alignment DP."},
    {"adjacent", adjacent, METH_VARARGS, "Add the dot products of neighbouring units' bags (as _adjacent)."},
    {"band_dots", band_dots, METH_VARARGS, "Add the dot products of the DP band's cells (as _band_dots)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_dpcore", "The compiled alignment DP.", -1, methods};

PyMODINIT_FUNC PyInit__dpcore(void) { return PyModule_Create(&module); }
