/* The JSON form of an analysis: see analysis_json.h and docs/analysis.schema.json. */
#include "analysis_json.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decision.h"
#include "idkey.h"
#include "jsonw_int.h"
#include "xalloc.h"

/* A string quoted once by a thread that writes it often, found by its address. */
typedef struct {
    const char *s;
    uint32_t at, len; /* its quoted form in Scratch.quoted */
} Quote;

#define QUOTE_BITS 14 /* a plan's closed paths share some thousands of strings */

/* A text buffer reused from item to item, so that writing one allocates nothing, and the
 * strings a thread quoted. */
typedef struct {
    char *buf; /* owned */
    size_t len, cap;
    Quote *quotes; /* 2^QUOTE_BITS of them, by address; owned, NULL until needed */
    JsonW quoted;  /* their quoted forms */
} Scratch;

static void scratch_done(Scratch *sc)
{
    free(sc->buf);
    free(sc->quotes);
    free(sc->quoted.buf);
}

/* The quoted form of s (as jsonw_string writes it; s stays as it is while the thread writes),
 * made once per thread. Valid until the next call. */
static const char *quoted_once(Scratch *sc, const char *s, size_t *len)
{
    if (!s) {
        *len = 4;
        return "null";
    }
    if (!sc->quotes) {
        sc->quotes = xcalloc((size_t)1 << QUOTE_BITS, sizeof *sc->quotes);
        jsonw_init_buf(&sc->quoted, false);
    }
    Quote *q = &sc->quotes[((uintptr_t)s * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - QUOTE_BITS)];
    if (q->s != s) {
        if (sc->quoted.len > (1u << 24)) { /* strings all different: start again */
            memset(sc->quotes, 0, ((size_t)1 << QUOTE_BITS) * sizeof *sc->quotes);
            sc->quoted.len = 0;
        }
        q->s = s;
        q->at = (uint32_t)sc->quoted.len;
        jsonw_string(&sc->quoted, s);
        q->len = (uint32_t)(sc->quoted.len - q->at);
    }
    *len = q->len;
    return sc->quoted.buf + q->at;
}

static void scratch_add(Scratch *sc, const char *s)
{
    size_t n = strlen(s);
    xgrow((void **)&sc->buf, &sc->cap, sc->len + n + 1, 1);
    memcpy(sc->buf + sc->len, s, n + 1);
    sc->len += n;
}

/* Writes the identifier of state into sc (emptied first) and returns it. */
static const char *state_id(Scratch *sc, const Analysis *a, uint32_t state)
{
    size_t owner = state_owner(a, state);
    Level level = state_level(a, state);
    const char *lv = level == LEVEL_ADMIN ? ":admin" : ":user";
    sc->len = 0;
    if (state_is_host(a, state)) {
        scratch_add(sc, "host:");
        scratch_add(sc, a->scenario->hosts[owner].id);
        scratch_add(sc, lv);
    } else if (level == LEVEL_VM) {
        scratch_add(sc, "vm:");
        scratch_add(sc, a->scenario->workloads[owner].id);
    } else {
        scratch_add(sc, "workload:");
        scratch_add(sc, a->scenario->workloads[owner].id);
        scratch_add(sc, lv);
    }
    return sc->buf;
}

char *analysis_state_id(const Analysis *a, uint32_t state)
{
    Scratch sc = {0};
    state_id(&sc, a, state);
    return sc.buf;
}

/* Ids written as JSON strings once, for the many times they are written (a 150k fleet names
 * its hosts 2.5 million times), and kept together in memory, unlike the items they name. */
typedef struct {
    char *text; /* the ids one after another, each quoted and escaped; owned */
    size_t *at; /* id i is text[at[i]] up to text[at[i + 1]]; owned */
    size_t n;
} Quoted;

static void quoted_init(Quoted *q, const Analysis *a, size_t n,
                        const char *(*id)(const void *, size_t))
{
    JsonW w;
    jsonw_init_buf(&w, false);
    q->at = xcalloc(n + 1, sizeof *q->at);
    for (size_t i = 0; i < n; i++) {
        q->at[i] = w.len;
        jsonw_string(&w, id(a, i));
    }
    q->at[n] = w.len;
    q->n = n;
    q->text = jsonw_finish(&w);
}

static void quoted_done(Quoted *q)
{
    free(q->text);
    free(q->at);
}

/* A string literal as it is, with nothing before it (put straight into a line being
 * written). */
#define PUT_LIT(w, lit) jsonw_put((w), (lit), sizeof(lit) - 1)

/* Id i as it is, with nothing before it (put straight into a line being written). */
static inline void put_quoted(JsonW *w, const Quoted *q, size_t i)
{
    assert(i < q->n);
    jsonw_put(w, q->text + q->at[i], q->at[i + 1] - q->at[i]);
}

static inline void write_quoted(JsonW *w, const Quoted *q, size_t i)
{
    assert(i < q->n);
    jsonw_fast_raw(w, q->text + q->at[i], q->at[i + 1] - q->at[i]);
}

static const char *host_id(const void *ctx, size_t i)
{
    const Analysis *a = ctx;
    return a->scenario->hosts[i].id;
}
static const char *tenant_id(const void *ctx, size_t i)
{
    const Analysis *a = ctx;
    return a->scenario->tenants[i].id;
}
static const char *workload_id(const void *ctx, size_t i)
{
    const Analysis *a = ctx;
    return a->scenario->workloads[i].id;
}
static const char *technique_id(const void *ctx, size_t i)
{
    const Analysis *a = ctx;
    return a->catalog->techniques[i].id;
}
/* The names of enumerations, quoted once too (some findings' texts are long). */
static const char *boundary_at_name(const void *ctx, size_t i)
{
    (void)ctx;
    return boundary_name((BoundaryKind)i);
}
static const char *servicing_at_name(const void *ctx, size_t i)
{
    (void)ctx;
    return servicing_name((Servicing)i);
}
static const char *severity_at_name(const void *ctx, size_t i)
{
    (void)ctx;
    return severity_name((Severity)i);
}
static const char *finding_id_at(const void *ctx, size_t i)
{
    (void)ctx;
    return finding_kind_id((FindingKind)i);
}
static const char *finding_title_at(const void *ctx, size_t i)
{
    (void)ctx;
    return finding_title((FindingKind)i);
}
static const char *finding_source_at(const void *ctx, size_t i)
{
    (void)ctx;
    return finding_source((FindingKind)i);
}

/* The indices 0..n-1 ordered by id, as strcmp orders the ids. Owned. */
static size_t *id_order(const Analysis *a, size_t n, const char *(*id)(const void *, size_t))
{
    size_t *order = xcalloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    id_sort(order, n, id, a);
    return order;
}

#define CHUNK       2048 /* elements of a large array formatted at once on a thread */
#define FIX_CHUNK   128  /* fixes, which list the paths they close (4 KB each at 150k) */
#define MAX_THREADS 4

/* What the writers of one report share; read-only once made. */
typedef struct {
    const Report *r;
    const Analysis *a;
    const DecisionBook *decisions; /* to show beside each item; NULL: none to show */
    Quoted workloads, hosts, tenants, techniques;
    Quoted boundary_names, servicing_names, severities, finding_ids, finding_titles,
        finding_sources;
    size_t *workload_order, *host_order, *tenant_order; /* indices by id; owned */
    size_t threads;                                     /* formatting the large arrays */
} Out;

static void *order_workloads(void *arg)
{
    Out *o = arg;
    o->workload_order = id_order(o->a, o->a->scenario->n_workloads, workload_id);
    return NULL;
}

static void out_init(Out *o, const Report *r)
{
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    o->r = r;
    o->a = a;
    /* the workloads' order by id on a thread of its own, while the ids are quoted here (each
     * about 10 ms at 150k workloads) */
    pthread_t orderer;
    bool ordering = pthread_create(&orderer, NULL, order_workloads, o) == 0;
    /* with no decision at all, no item needs its subject worked out */
    o->decisions = r->decisions && r->decisions->list.n ? r->decisions : NULL;
    quoted_init(&o->workloads, a, s->n_workloads, workload_id);
    quoted_init(&o->hosts, a, s->n_hosts, host_id);
    quoted_init(&o->tenants, a, s->n_tenants, tenant_id);
    quoted_init(&o->techniques, a, a->catalog->n, technique_id);
    quoted_init(&o->boundary_names, a, BOUNDARY_COUNT, boundary_at_name);
    quoted_init(&o->servicing_names, a, SERVICING_COUNT, servicing_at_name);
    quoted_init(&o->severities, a, SEVERITY_HIGH + 1, severity_at_name);
    quoted_init(&o->finding_ids, a, FINDING_KIND_COUNT, finding_id_at);
    quoted_init(&o->finding_titles, a, FINDING_KIND_COUNT, finding_title_at);
    quoted_init(&o->finding_sources, a, FINDING_KIND_COUNT, finding_source_at);
    if (ordering)
        pthread_join(orderer, NULL);
    else
        order_workloads(o);
    o->host_order = id_order(a, s->n_hosts, host_id);
    o->tenant_order = id_order(a, s->n_tenants, tenant_id);
    long cpus = r->threads ? (long)r->threads : sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
}

static void out_done(Out *o)
{
    quoted_done(&o->workloads);
    quoted_done(&o->hosts);
    quoted_done(&o->tenants);
    quoted_done(&o->techniques);
    quoted_done(&o->boundary_names);
    quoted_done(&o->servicing_names);
    quoted_done(&o->severities);
    quoted_done(&o->finding_ids);
    quoted_done(&o->finding_titles);
    quoted_done(&o->finding_sources);
    free(o->workload_order);
    free(o->host_order);
    free(o->tenant_order);
}

/* One of the document's large arrays: element i is written by write. */
typedef struct {
    const char *key;
    size_t n;
    void (*write)(JsonW *w, const Out *o, size_t i, Scratch *sc);
    /* optional, called before element i is written: starts loading what the elements a few
     * places on will read (the items are scattered in memory, and waiting for each in turn
     * was most of the writing time) */
    void (*ahead)(const Out *o, size_t i, size_t n);
    size_t chunk; /* elements formatted at once on a thread */
} Items;

/* Elements lo to hi - 1 of it make chunk j. */
static void chunk_range(const Items *it, size_t j, size_t *lo, size_t *hi)
{
    *lo = j * it->chunk;
    *hi = *lo + it->chunk < it->n ? *lo + it->chunk : it->n;
}

static size_t n_chunks(const Items *it)
{
    return (it->n + it->chunk - 1) / it->chunk;
}

/* Writes elements lo to hi - 1 of it. */
static void write_range(JsonW *w, const Out *o, const Items *it, size_t lo, size_t hi, Scratch *sc)
{
    for (size_t i = lo; i < hi; i++) {
        if (it->ahead) it->ahead(o, i, it->n);
        it->write(w, o, i, sc);
    }
}

/* Large arrays are formatted in chunks of CHUNK elements on threads, each chunk into a part
 * (jsonw.h) held in one of the slots, and appended in order by the calling thread, which
 * writes them out meanwhile. The output is the same as on one thread. */
typedef struct {
    JsonW part;
    bool ready; /* formatted, not appended yet */
} Slot;

typedef struct {
    const Out *o;
    const Items *it;
    size_t n_chunks;
    Slot *slots; /* chunk j goes to slot j % n_slots */
    size_t n_slots;
    pthread_mutex_t lock;        /* guards what follows */
    pthread_cond_t formatted;    /* a chunk is ready: the appending thread waits for it */
    pthread_cond_t appended_one; /* a slot is free: threads waiting for one */
    size_t next;                 /* the next chunk to format */
    size_t appended;             /* the chunks appended so far */
} Chunks;

static void *format_chunks(void *arg)
{
    Chunks *c = arg;
    Scratch sc = {0};
    pthread_mutex_lock(&c->lock);
    while (c->next < c->n_chunks) {
        size_t j = c->next++;
        while (j >= c->appended + c->n_slots) /* its slot still holds an earlier chunk */
            pthread_cond_wait(&c->appended_one, &c->lock);
        pthread_mutex_unlock(&c->lock);
        Slot *slot = &c->slots[j % c->n_slots];
        size_t lo, hi;
        chunk_range(c->it, j, &lo, &hi);
        write_range(&slot->part, c->o, c->it, lo, hi, &sc);
        pthread_mutex_lock(&c->lock);
        slot->ready = true;
        pthread_cond_signal(&c->formatted);
    }
    pthread_mutex_unlock(&c->lock);
    scratch_done(&sc);
    return NULL;
}

/* Writes the elements of it on threads; false (nothing written) when no thread starts. */
static bool write_chunks(JsonW *w, const Out *o, const Items *it, size_t threads)
{
    Chunks c = {.o = o, .it = it, .n_chunks = n_chunks(it), .n_slots = 2 * threads};
    c.slots = xcalloc(c.n_slots, sizeof *c.slots);
    for (size_t i = 0; i < c.n_slots; i++)
        jsonw_part_init(&c.slots[i].part, w);
    pthread_mutex_init(&c.lock, NULL);
    pthread_cond_init(&c.formatted, NULL);
    pthread_cond_init(&c.appended_one, NULL);
    pthread_t tid[MAX_THREADS];
    size_t started = 0;
    while (started < threads && pthread_create(&tid[started], NULL, format_chunks, &c) == 0)
        started++;
    for (size_t j = 0; started && j < c.n_chunks; j++) {
        Slot *slot = &c.slots[j % c.n_slots];
        pthread_mutex_lock(&c.lock);
        while (!slot->ready)
            pthread_cond_wait(&c.formatted, &c.lock);
        pthread_mutex_unlock(&c.lock);
        jsonw_part_append(w, &slot->part); /* the slot is this thread's until appended moves */
        pthread_mutex_lock(&c.lock);
        slot->ready = false;
        c.appended = j + 1;
        pthread_cond_broadcast(&c.appended_one);
        pthread_mutex_unlock(&c.lock);
    }
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&c.formatted);
    pthread_cond_destroy(&c.appended_one);
    pthread_mutex_destroy(&c.lock);
    for (size_t i = 0; i < c.n_slots; i++)
        jsonw_part_done(&c.slots[i].part);
    free(c.slots);
    return started > 0;
}

/* Into a regular file, each thread writes the chunks it formats itself, at their place in
 * the file: a chunk's place is known once the chunks before it are formatted, so threads wait
 * only for that, and the copies into the file are spread over the threads. */
typedef struct {
    const Out *o;
    const Items *it;
    const JsonW *w;
    size_t n_chunks;
    pthread_mutex_t lock;  /* guards what follows */
    pthread_cond_t placed; /* a chunk's place is known: the thread after it waits for it */
    size_t next;           /* the next chunk to format */
    size_t n_placed;       /* the chunks whose place is known, in order */
    long long end;         /* where the next chunk goes */
    bool follows;          /* elements come before it */
    bool failed;           /* a chunk could not be written */
} Places;

static void *place_chunks(void *arg)
{
    Places *c = arg;
    Scratch sc = {0};
    JsonW part;
    jsonw_part_init(&part, c->w);
    pthread_mutex_lock(&c->lock);
    while (!c->failed && c->next < c->n_chunks) {
        size_t j = c->next++;
        pthread_mutex_unlock(&c->lock);
        size_t lo, hi;
        chunk_range(c->it, j, &lo, &hi);
        jsonw_part_restart(&part);
        write_range(&part, c->o, c->it, lo, hi, &sc);
        pthread_mutex_lock(&c->lock);
        while (c->n_placed != j)
            pthread_cond_wait(&c->placed, &c->lock);
        bool follows = c->follows;
        long long at = c->end;
        size_t n = jsonw_part_bytes(&part, follows);
        c->end += (long long)n;
        c->follows |= n > 0;
        c->n_placed++;
        pthread_cond_broadcast(&c->placed);
        pthread_mutex_unlock(&c->lock);
        bool ok = jsonw_part_write_at(c->w, &part, follows, at);
        pthread_mutex_lock(&c->lock);
        c->failed |= !ok;
    }
    pthread_mutex_unlock(&c->lock);
    jsonw_part_done(&part);
    scratch_done(&sc);
    return NULL;
}

/* Writes the elements of it into w's file at their places, on this thread and others; false
 * (w where it was) when w's output cannot be written at places, no thread starts or a write
 * fails. */
static bool write_places(JsonW *w, const Out *o, const Items *it, size_t threads)
{
    long long start = jsonw_parts_begin(w);
    if (start < 0) return false;
    Places c = {.o = o,
                .it = it,
                .w = w,
                .n_chunks = n_chunks(it),
                .follows = !w->first[w->depth],
                .end = start};
    pthread_mutex_init(&c.lock, NULL);
    pthread_cond_init(&c.placed, NULL);
    pthread_t tid[MAX_THREADS];
    size_t started = 0;
    while (started + 1 < threads && pthread_create(&tid[started], NULL, place_chunks, &c) == 0)
        started++;
    if (started) place_chunks(&c);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&c.placed);
    pthread_mutex_destroy(&c.lock);
    bool ok = started && !c.failed;
    return jsonw_parts_end(w, ok ? c.end : start, ok && c.end > start) && ok;
}

static void write_items(JsonW *w, const Out *o, const Items *it)
{
    jsonw_key(w, it->key);
    jsonw_array(w);
    if (o->threads < 2 || n_chunks(it) < 2 ||
        !(write_places(w, o, it, o->threads) || write_chunks(w, o, it, o->threads))) {
        Scratch sc = {0};
        write_range(w, o, it, 0, it->n, &sc);
        scratch_done(&sc);
    }
    jsonw_end(w);
}

/* Decision i of b as an object (docs/analysis.schema.json, definitions.decision). */
static void write_decision(JsonW *w, const DecisionBook *b, size_t i)
{
    const Decision *d = &b->list.items[i];
    jsonw_object_inline(w);
    jsonw_kint(w, "id", d->id);
    jsonw_kstring(w, "subject", d->subject);
    jsonw_kstring(w, "kind", decision_kind_name(d->kind));
    jsonw_kstring(w, "text", d->text);
    jsonw_kstring(w, "owner", d->owner);
    jsonw_kstring(w, "review_date", d->review_date);
    jsonw_kstring(w, "due_date", d->due_date);
    jsonw_kstring(w, "author", d->author);
    jsonw_kstring(w, "created", d->created);
    jsonw_key(w, "replaces");
    if (d->replaces)
        jsonw_int(w, d->replaces);
    else
        jsonw_null(w);
    jsonw_kbool(w, "current", b->state[i].current);
    jsonw_kstring(w, "status", decision_status_id(b->state[i].status));
    jsonw_kbool(w, "in_force", decision_book_in_force(b, i));
    jsonw_kbool(w, "expired", decision_book_expired(b, i));
    jsonw_kbool(w, "overdue", decision_book_overdue(b, i));
    jsonw_end(w);
}

/* "decision": the current decision on subject (owned: freed here), when there is one. */
static void write_item_decision(JsonW *w, const DecisionBook *b, char *subject)
{
    size_t i = decision_book_find(b, subject);
    free(subject);
    if (i == SIZE_MAX) return;
    jsonw_key(w, "decision");
    write_decision(w, b, i);
}

/* Writes the ids of the flagged entries, in the order given (by id). */
static void write_flagged(JsonW *w, const char *key, const bool *flags, size_t n,
                          const size_t *order, const Quoted *ids)
{
    jsonw_key(w, key);
    jsonw_array_inline(w);
    for (size_t i = 0; i < n; i++)
        if (flags[order[i]]) write_quoted(w, ids, order[i]);
    jsonw_end(w);
}

static void write_summary(JsonW *w, const Out *o)
{
    const Analysis *a = o->a;
    const Scenario *s = a->scenario;
    size_t failing = 0;
    for (size_t i = 0; i < a->n_boundaries; i++)
        failing += a->boundaries[i].fails;
    jsonw_key(w, "summary");
    jsonw_object(w);
    write_flagged(w, "hosts_compromised", a->host_compromised, s->n_hosts, o->host_order,
                  &o->hosts);
    write_flagged(w, "tenants_exposed", a->tenant_exposed, s->n_tenants, o->tenant_order,
                  &o->tenants);
    write_flagged(w, "starts", a->is_start, s->n_workloads, o->workload_order, &o->workloads);
    jsonw_kint(w, "boundaries_failing", (long long)failing);
    jsonw_kint(w, "boundaries_holding", (long long)(a->n_boundaries - failing));
    jsonw_end(w);
}

/* Boundaries by workload id, then kind (isolation before host-volume): element i is the
 * (i % 2)th of the workload (i / 2)th by id. */
static const BoundaryResult *boundary_at(const Out *o, size_t i)
{
    return analysis_boundary(o->a, o->workload_order[i / 2],
                             i % 2 ? BOUNDARY_HOST_VOLUME : BOUNDARY_ISOLATION);
}

static void boundary_ahead(const Out *o, size_t i, size_t n)
{
    /* in three steps, each reading what the one before loaded */
    if (i + 16 < n) __builtin_prefetch(boundary_at(o, i + 16));
    if (i + 8 < n) __builtin_prefetch(boundary_at(o, i + 8)->why_not);
    if (i + 4 < n) {
        const BoundaryResult *b = boundary_at(o, i + 4);
        for (size_t k = 0; k < b->n_why_not; k++)
            __builtin_prefetch(b->why_not[k].reason);
    }
}

/* Puts ids[0] .. ids[n - 1] (indices into q), each but the first after ", ". */
static void put_quoted_ids(JsonW *w, const Quoted *q, const size_t *ids, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (k) PUT_LIT(w, ", ");
        put_quoted(w, q, ids[k]);
    }
}

/* Boundary i: its 300,000 lines at 150k are written straight into w's buffer, inside the
 * object, as the calls for its keys and values would write them. */
static void write_boundary(JsonW *w, const Out *o, size_t i, Scratch *sc)
{
    const Analysis *a = o->a;
    const BoundaryResult *b = boundary_at(o, i);
    jsonw_fast_object_inline(w);
    assert(w->pretty);
    PUT_LIT(w, "\"workload\": ");
    put_quoted(w, &o->workloads, b->workload);
    PUT_LIT(w, ", \"tenant\": ");
    put_quoted(w, &o->tenants, a->tenant_of[b->workload]);
    PUT_LIT(w, ", \"host\": ");
    put_quoted(w, &o->hosts, a->host_of[b->workload]);
    PUT_LIT(w, ", \"kind\": ");
    put_quoted(w, &o->boundary_names, b->kind);
    if (b->fails)
        PUT_LIT(w, ", \"verdict\": \"fails\", \"techniques\": [");
    else
        PUT_LIT(w, ", \"verdict\": \"holds\", \"techniques\": [");
    for (size_t k = 0; k < b->n_techniques; k++) {
        if (k) PUT_LIT(w, ", ");
        put_quoted(w, &o->techniques, b->techniques[k]);
    }
    PUT_LIT(w, "], \"servicing\": ");
    if (b->fails)
        put_quoted(w, &o->servicing_names, b->servicing);
    else
        PUT_LIT(w, "null");
    if (b->attacked)
        PUT_LIT(w, ", \"attacked\": true");
    else
        PUT_LIT(w, ", \"attacked\": false");
    w->first[w->depth] = false;
    if (o->decisions) write_item_decision(w, o->decisions, subject_of_boundary(a, b));
    PUT_LIT(w, ", \"why_not\": [");
    for (size_t k = 0; k < b->n_why_not; k++) {
        if (k) PUT_LIT(w, ", ");
        PUT_LIT(w, "{\"technique\": ");
        put_quoted(w, &o->techniques, b->why_not[k].technique);
        PUT_LIT(w, ", \"missing\": ");
        size_t n;
        const char *q = quoted_once(sc, b->why_not[k].reason, &n); /* interned */
        jsonw_put(w, q, n);
        PUT_LIT(w, "}");
    }
    PUT_LIT(w, "]");
    jsonw_fast_end(w);
}

static void exposure_ahead(const Out *o, size_t i, size_t n)
{
    if (i + 16 < n) __builtin_prefetch(o->a->exposure[i + 16].hosts);
}

/* Exposure item i: its 723,683 lines at 150k are written straight into w's buffer, inside
 * the object, as the calls for its keys and values would write them. */
static void write_exposure(JsonW *w, const Out *o, size_t i, Scratch *sc)
{
    (void)sc;
    const Exposure *e = &o->a->exposure[i];
    jsonw_fast_object_inline(w);
    assert(w->pretty);
    PUT_LIT(w, "\"from\": ");
    put_quoted(w, &o->tenants, e->from);
    PUT_LIT(w, ", \"to\": ");
    put_quoted(w, &o->tenants, e->to);
    PUT_LIT(w, ", \"hosts\": [");
    put_quoted_ids(w, &o->hosts, e->hosts, e->n_hosts);
    PUT_LIT(w, "]");
    w->first[w->depth] = false;
    jsonw_fast_end(w);
}

static void write_path(JsonW *w, const Out *o, size_t i, Scratch *sc)
{
    const Analysis *a = o->a;
    const Scenario *s = a->scenario;
    const Path *p = &a->paths[i];
    jsonw_fast_object_inline(w);
    jsonw_fast_key_lit(w, "from");
    write_quoted(w, &o->workloads, p->start);
    sc->len = 0;
    scratch_add(sc, p->kind == TARGET_HOST ? "host:" : "tenant:");
    scratch_add(sc, p->kind == TARGET_HOST ? s->hosts[p->target].id : s->tenants[p->target].id);
    jsonw_fast_key_lit(w, "to");
    jsonw_string(w, sc->buf);
    jsonw_fast_key_lit(w, "effort");
    jsonw_int(w, p->effort);
    if (o->decisions) write_item_decision(w, o->decisions, subject_of_path(a, p));
    jsonw_fast_key_lit(w, "steps");
    jsonw_fast_array(w);
    for (size_t k = 0; k < p->n_steps; k++) {
        const Edge *e = &a->edges[p->steps[k]];
        jsonw_fast_object(w);
        jsonw_fast_key_lit(w, "technique");
        write_quoted(w, &o->techniques, e->technique);
        jsonw_fast_key_lit(w, "boundary");
        write_quoted(w, &o->boundary_names, e->crosses);
        jsonw_fast_key_lit(w, "servicing");
        if (e->servicing != SERVICING_NONE)
            write_quoted(w, &o->servicing_names, e->servicing);
        else
            jsonw_fast_null(w);
        jsonw_fast_key_lit(w, "effort");
        jsonw_int(w, e->effort);
        jsonw_fast_key_lit(w, "from");
        jsonw_string(w, state_id(sc, a, e->from));
        jsonw_fast_key_lit(w, "to");
        jsonw_string(w, state_id(sc, a, e->to));
        if (e->mount >= 0)
            jsonw_kstring(w, "mount",
                          s->workloads[state_owner(a, e->from)].mounts[e->mount].host_path);
        jsonw_fast_end(w);
    }
    jsonw_fast_end(w);
    jsonw_fast_end(w);
}

static size_t paths_shown(const Report *r)
{
    size_t n = r->analysis->n_paths;
    return r->max_paths && r->max_paths < n ? r->max_paths : n;
}

/* The assumptions an importer made, per workload that has any, by workload id: element i is
 * the workload ith by id, or nothing when it has none. */
static void write_assumed(JsonW *w, const Out *o, size_t i, Scratch *sc)
{
    (void)sc;
    size_t x = o->workload_order[i];
    const Workload *wl = &o->a->scenario->workloads[x];
    if (!wl->notes.n) return;
    jsonw_fast_object_inline(w);
    jsonw_fast_key_lit(w, "workload");
    write_quoted(w, &o->workloads, x);
    jsonw_fast_key_lit(w, "notes");
    jsonw_fast_array(w);
    for (size_t k = 0; k < wl->notes.n; k++)
        jsonw_string(w, wl->notes.items[k]);
    jsonw_fast_end(w);
    jsonw_fast_end(w);
}

static void finding_ahead(const Out *o, size_t i, size_t n)
{
    if (i + 8 < n) {
        const Finding *x = &o->r->findings->items[i + 8];
        __builtin_prefetch(x->workloads);
        __builtin_prefetch(x->tenants);
        __builtin_prefetch(x->detail);
    }
}

/* Finding i: written straight into w's buffer, inside its object, as the writer's calls would
 * write it (see write_boundary). */
static void write_finding(JsonW *w, const Out *o, size_t i, Scratch *sc)
{
    (void)sc;
    const Finding *x = &o->r->findings->items[i];
    jsonw_fast_object_inline(w);
    assert(w->pretty);
    PUT_LIT(w, "\"id\": ");
    put_quoted(w, &o->finding_ids, x->kind);
    PUT_LIT(w, ", \"title\": ");
    put_quoted(w, &o->finding_titles, x->kind);
    PUT_LIT(w, ", \"severity\": ");
    put_quoted(w, &o->severities, x->severity);
    PUT_LIT(w, ", \"detail\": ");
    if (x->detail) {
        PUT_LIT(w, "\"");
        jsonw_escape(w, x->detail);
        PUT_LIT(w, "\"");
    } else {
        PUT_LIT(w, "null");
    }
    PUT_LIT(w, ", \"workloads\": [");
    put_quoted_ids(w, &o->workloads, x->workloads, x->n_workloads);
    PUT_LIT(w, "], \"hosts\": [");
    put_quoted(w, &o->hosts, x->host);
    PUT_LIT(w, "], \"tenants\": [");
    put_quoted_ids(w, &o->tenants, x->tenants, x->n_tenants);
    PUT_LIT(w, "], \"source\": ");
    put_quoted(w, &o->finding_sources, x->kind);
    w->first[w->depth] = false;
    if (o->decisions) write_item_decision(w, o->decisions, subject_of_finding(o->a, x));
    jsonw_fast_end(w);
}

static void write_pathkeys(JsonW *w, const PathKey *keys, size_t n)
{
    jsonw_array(w);
    for (size_t i = 0; i < n; i++) {
        jsonw_object_inline(w);
        jsonw_kstring(w, "from", keys[i].from);
        jsonw_kstring(w, "to", keys[i].to);
        jsonw_end(w);
    }
    jsonw_end(w);
}

/* Fix i of the plan: one line, with the paths it closes (2.4 million of them at 150k
 * workloads, so the fixes are written in chunks on threads like the other large arrays). */
static void write_fix(JsonW *w, const Out *o, size_t i, Scratch *sc)
{
    const Scenario *s = o->a->scenario;
    const FixItem *it = &o->r->plan->items[i];
    const Change *c = &it->change;
    jsonw_fast_object_inline(w);
    jsonw_fast_key_lit(w, "change");
    jsonw_string(w, change_kind_name(c->kind));
    switch (c->kind) {
    case CHANGE_SSH_OFF:
        jsonw_fast_key_lit(w, "host");
        write_quoted(w, &o->hosts, c->target);
        break;
    case CHANGE_TENANT_DEDICATED:
        jsonw_fast_key_lit(w, "tenant");
        write_quoted(w, &o->tenants, c->target);
        if (c->host != CHANGE_ALL_HOSTS) {
            jsonw_fast_key_lit(w, "host");
            write_quoted(w, &o->hosts, c->host);
        }
        break;
    default:
        jsonw_fast_key_lit(w, "workload");
        write_quoted(w, &o->workloads, c->target);
        if (c->kind == CHANGE_MOUNT_READ_ONLY || c->kind == CHANGE_MOUNT_REMOVE) {
            jsonw_fast_key_lit(w, "mount");
            jsonw_string(w, s->workloads[c->target].mounts[c->mount].host_path);
        }
        break;
    }
    char *d = change_describe(s, c);
    jsonw_fast_key_lit(w, "description");
    jsonw_string(w, d);
    free(d);
    jsonw_kint(w, "closes", (long long)it->n_closes);
    if (o->decisions) write_item_decision(w, o->decisions, subject_of_change(s, c));
    jsonw_fast_key_lit(w, "paths");
    jsonw_fast_array(w);
    /* 2.4 million closed paths at 150k, all alike: written straight into w's buffer as the
     * calls for an inline object would write them, `{"from": F, "to": T}`, ", " between */
    assert(w->pretty && w->inline_[w->depth]);
    for (size_t k = 0; k < it->n_closes; k++) {
        size_t n;
        const char *q = quoted_once(sc, it->closes[k].from, &n);
        char *p = jsonw_room(w, n + 11);
        size_t at = 0;
        if (k) {
            p[at++] = ',';
            p[at++] = ' ';
        }
        memcpy(p + at, "{\"from\": ", 9);
        memcpy(p + at + 9, q, n);
        w->len += at + 9 + n;
        q = quoted_once(sc, it->closes[k].to, &n); /* (may move the first's buffer) */
        p = jsonw_room(w, n + 9);
        memcpy(p, ", \"to\": ", 8);
        memcpy(p + 8, q, n);
        p[8 + n] = '}';
        w->len += 9 + n;
    }
    if (it->n_closes) w->first[w->depth] = false;
    jsonw_fast_end(w);
    jsonw_fast_end(w);
}

static void write_plan(JsonW *w, const Out *o, const FixPlan *p)
{
    jsonw_key(w, "fix_plan");
    jsonw_object(w);
    jsonw_kstring(w, "method", p->skipped ? "skipped" : p->exact ? "exact" : "greedy");
    jsonw_kint(w, "candidates", (long long)p->n_candidates);
    jsonw_kint(w, "paths_before", (long long)p->paths_before);
    jsonw_end(w);
    write_items(w, o, &(Items){"fixes", p->n_items, write_fix, NULL, FIX_CHUNK});
    jsonw_key(w, "unclosable");
    write_pathkeys(w, p->unclosable, p->n_unclosable);
}

/* The document up to the findings, which reads neither r->findings nor r->plan. */
static void write_head(JsonW *w, const Out *o)
{
    const Report *r = o->r;
    const Analysis *a = r->analysis;
    const Scenario *s = a->scenario;
    jsonw_object(w);
    jsonw_kstring(w, "scenario", s->name);
    jsonw_key(w, "assumptions");
    jsonw_object_inline(w);
    for (int i = 0; i < ASSUME_COUNT; i++)
        jsonw_kbool(w, assumption_name((Assumption)i), s->assume[i]);
    jsonw_end(w);
    write_summary(w, o);
    assert(a->n_boundaries == 2 * s->n_workloads);
    write_items(w, o,
                &(Items){"boundaries", a->n_boundaries, write_boundary, boundary_ahead, CHUNK});
    write_items(w, o, &(Items){"exposure", a->n_exposure, write_exposure, exposure_ahead, CHUNK});
    write_items(w, o, &(Items){"paths", paths_shown(r), write_path, NULL, CHUNK});
    jsonw_kint(w, "paths_total", (long long)a->paths_total);
    write_items(w, o, &(Items){"assumed", s->n_workloads, write_assumed, NULL, CHUNK});
}

/* The rest: the findings, the fix plan and the decisions. */
static void write_tail(JsonW *w, const Out *o)
{
    const Report *r = o->r;
    if (r->findings)
        write_items(w, o,
                    &(Items){"findings", r->findings->n, write_finding, finding_ahead, CHUNK});
    if (r->plan) write_plan(w, o, r->plan);
    if (r->decisions) {
        jsonw_key(w, "decisions");
        jsonw_array(w);
        for (size_t i = 0; i < r->decisions->list.n; i++)
            write_decision(w, r->decisions, i);
        jsonw_end(w);
    }
    jsonw_end(w);
}

struct JsonDoc {
    JsonW w;
    Out o;
};

JsonDoc *analysis_json_begin(const Report *r, FILE *out)
{
    JsonDoc *d = xcalloc(1, sizeof *d);
    jsonw_init_file(&d->w, out, true);
    out_init(&d->o, r);
    write_head(&d->w, &d->o);
    return d;
}

void analysis_json_end(JsonDoc *d)
{
    write_tail(&d->w, &d->o);
    jsonw_finish(&d->w);
    out_done(&d->o);
    free(d);
}

void analysis_json_abandon(JsonDoc *d)
{
    if (!d) return;
    free(d->w.buf);
    out_done(&d->o);
    free(d);
}

void analysis_write_json(const Report *r, FILE *out)
{
    analysis_json_end(analysis_json_begin(r, out));
}

char *analysis_to_json(const Report *r)
{
    JsonW w;
    jsonw_init_buf(&w, true);
    Out o;
    out_init(&o, r);
    write_head(&w, &o);
    write_tail(&w, &o);
    out_done(&o);
    return jsonw_finish(&w);
}
