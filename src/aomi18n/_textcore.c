/* The per-unit text work of aomi18n.features, compiled.
 *
 * Same results, in the same order, as the Python code in features.py, which stays
 * as the fallback when this module is not built (and the tests compare both):
 *
 *   features(text, table, hints, counter, punct)
 *       neutral_features() of a text with no inline code, URL or e-mail address:
 *       its numbers (\d+(?:[.,]\d+)*, separators out, leading zeros out), then its
 *       meaningful punctuation (punct: character -> feature), then the feature of
 *       each word ([^\W\d_]+, looked up in `table`, a dict whose __missing__ makes
 *       new ones; None is no feature), then "h:" + each hint; counted in a new
 *       `counter()` (a Counter) in order of first appearance.
 *   words(text, table)
 *       The set of table[word] for each word ([^\W\d_]+) of text.
 *
 * The character classes are the regex module's for str patterns: \d is a Unicode
 * decimal digit, \w a character for which str.isalnum() holds, or "_".
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define MAXMARKS 16

/* The character classes, with the ASCII answers at once (most text is ASCII; the
   Unicode tables are a call away). */
static inline int is_decimal(Py_UCS4 ch) {
    return ch < 128 ? ch - '0' < 10u : Py_UNICODE_ISDECIMAL(ch);
}

static inline int is_alpha(Py_UCS4 ch) {
    return ch < 128 ? (ch | 32) - 'a' < 26u : Py_UNICODE_ISALPHA(ch);
}

static inline int is_alnum(Py_UCS4 ch) {
    return ch < 128 ? (ch | 32) - 'a' < 26u || ch - '0' < 10u : Py_UNICODE_ISALNUM(ch);
}

static int is_word_char(Py_UCS4 ch) {
    /* [^\W\d_]: a word character that is neither a decimal digit nor "_" */
    if (ch < 128) return (ch | 32) - 'a' < 26u;
    return !Py_UNICODE_ISDECIMAL(ch) && (Py_UNICODE_ISALPHA(ch) || Py_UNICODE_ISDIGIT(ch) || Py_UNICODE_ISNUMERIC(ch));
}

/* table[key], through __missing__ when the key is not there (a new reference). */
static PyObject *lookup(PyObject *table, PyObject *key) {
    PyObject *value = PyDict_GetItemWithError(table, key);
    if (value != NULL) return Py_NewRef(value);
    if (PyErr_Occurred()) return NULL;
    return PyObject_GetItem(table, key);
}

/* counter[key] += 1 (a new key gets 1, after the others). Steals nothing. */
static int count(PyObject *counter, PyObject *key) {
    PyObject *old = PyDict_GetItemWithError(counter, key);
    if (old == NULL) {
        if (PyErr_Occurred()) return -1;
        PyObject *one = PyLong_FromLong(1);
        if (one == NULL) return -1;
        int rc = PyDict_SetItem(counter, key, one);
        Py_DECREF(one);
        return rc;
    }
    long value = PyLong_AsLong(old);
    if (value == -1 && PyErr_Occurred()) return -1;
    PyObject *more = PyLong_FromLong(value + 1);
    if (more == NULL) return -1;
    int rc = PyDict_SetItem(counter, key, more);
    Py_DECREF(more);
    return rc;
}

/* "n:" and the digits of text[start:end] without "." and ",", leading "0"s out ("0" if none left). */
static PyObject *number_feature(int kind, const void *data, Py_ssize_t start, Py_ssize_t end) {
    Py_UCS4 maxchar = 127;
    Py_ssize_t len = 0, first = -1;
    for (Py_ssize_t k = start; k < end; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        if (ch == '.' || ch == ',') continue;
        if (first < 0 && ch == '0') continue;
        if (first < 0) first = k;
        len++;
        if (ch > maxchar) maxchar = ch;
    }
    PyObject *out = PyUnicode_New(2 + (len ? len : 1), maxchar);
    if (out == NULL) return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    PyUnicode_WRITE(okind, odata, 0, 'n');
    PyUnicode_WRITE(okind, odata, 1, ':');
    if (!len) {
        PyUnicode_WRITE(okind, odata, 2, '0');
        return out;
    }
    Py_ssize_t w = 2;
    for (Py_ssize_t k = first; k < end; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        if (ch == '.' || ch == ',') continue;
        PyUnicode_WRITE(okind, odata, w++, ch);
    }
    return out;
}

/* For each word of text ([^\W\d_]+, left to right): use(ctx, table[word]), or
   use(ctx, word) when table is NULL; a word shorter than `shortest` or longer than
   `longest` is not made: use(ctx, NULL). */
static int each_word(PyObject *text, PyObject *table, int (*use)(void *ctx, PyObject *value), void *ctx,
                     Py_ssize_t shortest, Py_ssize_t longest) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n;) {
        if (!is_word_char(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_word_char(PyUnicode_READ(kind, data, j))) j++;
        if (j - i < shortest || j - i > longest) {
            if (use(ctx, NULL) < 0) return -1;
            i = j;
            continue;
        }
        PyObject *word = PyUnicode_Substring(text, i, j);
        if (word == NULL) return -1;
        PyObject *value = table == NULL ? Py_NewRef(word) : lookup(table, word);
        Py_DECREF(word);
        if (value == NULL) return -1;
        int rc = use(ctx, value);
        Py_DECREF(value);
        if (rc < 0) return -1;
        i = j;
    }
    return 0;
}

/* count(), but a word with no feature (None) counts nowhere. */
static int count_feature(void *counter, PyObject *feature) {
    return feature == Py_None ? 0 : count((PyObject *)counter, feature);
}

static int add_to_set(void *set, PyObject *value) { return PySet_Add((PyObject *)set, value); }

static PyObject *features(PyObject *self, PyObject *args) {
    PyObject *text, *table, *hints, *counter_type, *punct;
    if (!PyArg_ParseTuple(args, "UO!OOO!", &text, &PyDict_Type, &table, &hints, &counter_type, &PyDict_Type, &punct))
        return NULL;
    PyObject *counter = PyObject_CallNoArgs(counter_type);
    if (counter == NULL) return NULL;
    if (!PyDict_Check(counter)) {
        PyErr_SetString(PyExc_TypeError, "the counter must be a dict");
        goto fail;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* Numbers: \d+(?:[.,]\d+)*, left to right. */
    for (Py_ssize_t i = 0; i < n;) {
        if (!is_decimal(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_decimal(PyUnicode_READ(kind, data, j))) j++;
        while (j + 1 < n) {
            Py_UCS4 sep = PyUnicode_READ(kind, data, j);
            if ((sep != '.' && sep != ',') || !is_decimal(PyUnicode_READ(kind, data, j + 1))) break;
            j += 2;
            while (j < n && is_decimal(PyUnicode_READ(kind, data, j))) j++;
        }
        PyObject *f = number_feature(kind, data, i, j);
        if (f == NULL || count(counter, f) < 0) {
            Py_XDECREF(f);
            goto fail;
        }
        Py_DECREF(f);
        i = j;
    }
    /* Punctuation that carries meaning: the characters of `punct`, read once. */
    Py_UCS4 marks[MAXMARKS];
    PyObject *mark_features[MAXMARKS];
    int nmarks = 0;
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(punct, &pos, &key, &value)) {
        if (nmarks == MAXMARKS || !PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) != 1) {
            PyErr_SetString(PyExc_ValueError, "punct: at most 16 single characters");
            goto fail;
        }
        marks[nmarks] = PyUnicode_READ_CHAR(key, 0);
        if (Py_UNICODE_ISALNUM(marks[nmarks]) || Py_UNICODE_ISSPACE(marks[nmarks])) {
            PyErr_SetString(PyExc_ValueError, "punct: punctuation only");
            goto fail;
        }
        mark_features[nmarks++] = value; /* borrowed: punct outlives the call */
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (is_alnum(ch) || Py_UNICODE_ISSPACE(ch)) continue; /* the usual characters, at once */
        for (int k = 0; k < nmarks; k++) {
            if (marks[k] == ch) {
                if (count(counter, mark_features[k]) < 0) goto fail;
                break;
            }
        }
    }
    /* Words. */
    if (each_word(text, table, count_feature, counter, 0, PY_SSIZE_T_MAX) < 0) goto fail;
    /* Hints. */
    PyObject *iter = PyObject_GetIter(hints);
    if (iter == NULL) goto fail;
    PyObject *hint;
    while ((hint = PyIter_Next(iter)) != NULL) {
        if (!PyUnicode_Check(hint)) { /* as "h:" + hint would */
            PyErr_Format(PyExc_TypeError, "can only concatenate str (not \"%.200s\") to str", Py_TYPE(hint)->tp_name);
            Py_DECREF(hint);
            Py_DECREF(iter);
            goto fail;
        }
        PyObject *f = PyUnicode_FromFormat("h:%U", hint);
        Py_DECREF(hint);
        if (f == NULL || count(counter, f) < 0) {
            Py_XDECREF(f);
            Py_DECREF(iter);
            goto fail;
        }
        Py_DECREF(f);
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) goto fail;
    return counter;
fail:
    Py_DECREF(counter);
    return NULL;
}

static PyObject *words(PyObject *self, PyObject *args) {
    PyObject *text, *table;
    if (!PyArg_ParseTuple(args, "UO!", &text, &PyDict_Type, &table)) return NULL;
    PyObject *out = PySet_New(NULL);
    if (out == NULL) return NULL;
    if (each_word(text, table, add_to_set, out, 0, PY_SSIZE_T_MAX) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* The words of a text: how many, and how many of them each set holds. */
typedef struct {
    PyObject *sets;
    Py_ssize_t counts[MAXMARKS + 1];
} Tally;

static int tally_word(void *tally, PyObject *word) {
    Tally *t = (Tally *)tally;
    t->counts[MAXMARKS]++;
    if (word == NULL) return 0; /* a length no word of the sets has */
    Py_ssize_t nsets = PyTuple_GET_SIZE(t->sets);
    for (Py_ssize_t k = 0; k < nsets; k++) {
        int found = PySet_Contains(PyTuple_GET_ITEM(t->sets, k), word);
        if (found < 0) return -1;
        t->counts[k] += found;
    }
    return 0;
}

static PyObject *count_words(PyObject *self, PyObject *args) {
    PyObject *text, *sets;
    Py_ssize_t shortest = 0, longest = PY_SSIZE_T_MAX; /* the lengths of the sets' words */
    if (!PyArg_ParseTuple(args, "UO!|nn", &text, &PyTuple_Type, &sets, &shortest, &longest)) return NULL;
    Py_ssize_t nsets = PyTuple_GET_SIZE(sets);
    if (nsets > MAXMARKS) {
        PyErr_SetString(PyExc_ValueError, "at most 16 sets");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < nsets; k++) {
        if (!PyAnySet_Check(PyTuple_GET_ITEM(sets, k))) {
            PyErr_SetString(PyExc_TypeError, "sets of words");
            return NULL;
        }
    }
    Tally tally = {sets, {0}};
    if (each_word(text, NULL, tally_word, &tally, shortest, longest) < 0) return NULL;
    PyObject *hits = PyTuple_New(nsets);
    if (hits == NULL) return NULL;
    for (Py_ssize_t k = 0; k < nsets; k++) {
        PyObject *v = PyLong_FromSsize_t(tally.counts[k]);
        if (v == NULL) {
            Py_DECREF(hits);
            return NULL;
        }
        PyTuple_SET_ITEM(hits, k, v);
    }
    return Py_BuildValue("nN", tally.counts[MAXMARKS], hits);
}

/* [len(" ".join(t.split())) for t in texts]: each text's length once its runs of white
   space are one space and its ends trimmed. */
static PyObject *collapsed_lengths(PyObject *self, PyObject *args) {
    PyObject *texts;
    if (!PyArg_ParseTuple(args, "O", &texts)) return NULL;
    PyObject *seq = PySequence_Fast(texts, "a sequence of texts");
    if (seq == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(count);
    if (out == NULL) goto done;
    for (Py_ssize_t t = 0; t < count; t++) {
        PyObject *text = PySequence_Fast_GET_ITEM(seq, t);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "a sequence of texts");
            Py_CLEAR(out);
            goto done;
        }
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t n = PyUnicode_GET_LENGTH(text), length = 0, words = 0;
        int in_word = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
                in_word = 0;
                continue;
            }
            if (!in_word) words++;
            in_word = 1;
            length++;
        }
        PyObject *v = PyLong_FromSsize_t(length + (words ? words - 1 : 0));
        if (v == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, t, v);
    }
done:
    Py_DECREF(seq);
    return out;
}

/* " ".join(parts) */
static PyObject *spaced(PyObject *parts) {
    PyObject *space = PyUnicode_FromString(" ");
    if (space == NULL) return NULL;
    PyObject *out = PyUnicode_Join(space, parts);
    Py_DECREF(space);
    return out;
}

/* Whether text[start:end] is a word of letters (str.isalpha) whose letters after the
   first are lower case (str.islower of the rest: no capital, at least one cased). */
static int plain_word(int kind, const void *data, Py_ssize_t start, Py_ssize_t end) {
    if (end - start < 2) return 0;
    int cased = 0;
    for (Py_ssize_t k = start; k < end; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        if (!is_alpha(ch)) return 0;
        if (k == start) continue;
        if (ch < 128) {
            if (ch < 'a') return 0; /* an ASCII letter: A-Z is upper case */
            cased = 1;
            continue;
        }
        if (Py_UNICODE_ISUPPER(ch) || Py_UNICODE_ISTITLE(ch)) return 0;
        if (Py_UNICODE_ISLOWER(ch)) cased = 1;
    }
    return cased;
}

/* " ".join(w for w in text.split() if plain(w) or not pattern.search(w)): the words of
   text, but those in which `pattern` finds something; a plain word (see plain_word)
   is kept without a search. */
static PyObject *words_without(PyObject *self, PyObject *args) {
    PyObject *text, *pattern;
    if (!PyArg_ParseTuple(args, "UO", &text, &pattern)) return NULL;
    PyObject *search = PyObject_GetAttrString(pattern, "search");
    if (search == NULL) return NULL;
    PyObject *kept = PyList_New(0), *out = NULL;
    if (kept == NULL) goto done;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n;) {
        if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j))) j++;
        PyObject *word = PyUnicode_Substring(text, i, j);
        if (word == NULL) goto done;
        int keep = plain_word(kind, data, i, j);
        if (!keep) {
            PyObject *found = PyObject_CallOneArg(search, word);
            if (found == NULL) {
                Py_DECREF(word);
                goto done;
            }
            keep = found == Py_None;
            Py_DECREF(found);
        }
        int rc = keep ? PyList_Append(kept, word) : 0;
        Py_DECREF(word);
        if (rc < 0) goto done;
        i = j;
    }
    out = spaced(kept);
done:
    Py_XDECREF(kept);
    Py_DECREF(search);
    return out;
}

/* re.sub(r"\D\.\D", " ", text): each dot between two characters that are no decimal
   digit, the three of them as one space; matches do not overlap, left to right. */
static PyObject *undot(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text)) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *parts = NULL, *out = NULL;
    Py_ssize_t last = 0; /* the end of the last match: the next starts there or after */
    for (Py_ssize_t i = last + 1; i + 1 < n; i++) {
        if (PyUnicode_READ(kind, data, i) != '.' || i - 1 < last ||
            is_decimal(PyUnicode_READ(kind, data, i - 1)) ||
            is_decimal(PyUnicode_READ(kind, data, i + 1)))
            continue;
        if (parts == NULL && (parts = PyList_New(0)) == NULL) return NULL;
        PyObject *before = PyUnicode_Substring(text, last, i - 1);
        if (before == NULL || PyList_Append(parts, before) < 0) {
            Py_XDECREF(before);
            goto done;
        }
        Py_DECREF(before);
        last = i + 2;
        i = last; /* the loop's i++ makes it last + 1: a match needs its first character at last or after */
    }
    if (parts == NULL) return Py_NewRef(text);
    PyObject *tail = PyUnicode_Substring(text, last, n);
    if (tail == NULL || PyList_Append(parts, tail) < 0) {
        Py_XDECREF(tail);
        goto done;
    }
    Py_DECREF(tail);
    out = spaced(parts);
done:
    Py_DECREF(parts);
    return out;
}

static PyMethodDef methods[] = {
    {"features", features, METH_VARARGS, "The language-neutral features of a text without code or links."},
    {"words", words, METH_VARARGS, "The set of the folded words of a text."},
    {"count_words", count_words, METH_VARARGS,
     "The number of words of a text, and how many each set holds (words of lengths in [shortest, longest])."},
    {"collapsed_lengths", collapsed_lengths, METH_VARARGS, "Each text's length with its white space collapsed."},
    {"words_without", words_without, METH_VARARGS, "The words of a text in which a pattern finds nothing."},
    {"undot", undot, METH_VARARGS, "re.sub(r'\\D\\.\\D', ' ', text), as pocount counts words."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_textcore", "The compiled per-unit text features.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__textcore(void) { return PyModule_Create(&module); }
