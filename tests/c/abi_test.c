/* C ABI test: a C program compiled against the committed header (bindings/github_oidc.h)
 * calls the native library, using only what the header says. Run by ./build.ps1 -Test with the fake server's base URL:
 *     abi_test http://127.0.0.1:PORT
 * Prints one line per check and exits non-zero when any check fails. Besides the exports, it
 * talks to the fake's control API (POST /_fake/orgs, PUT /_fake/latency, GET /_fake/concurrency,
 * POST /_fake/tokens, POST|DELETE /_fake/faults) over a plain socket to generate an organization
 * for the fleet jobs and to make it echo a token (POSIX only: the C ABI test does not run on
 * Windows).
 *     abi_test --loop N
 * calls offline exports N times in all (valid and invalid requests, no server) and checks every
 * status: the memory step of ./build.ps1 -Test runs both modes under valgrind. */
#define _POSIX_C_SOURCE 200809L

#include "github_oidc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;
static char answer[65536];

/* Calls `fn` with a JSON request and copies the answer into `answer`. */
static GhoidcStatus call(GhoidcStatus (*fn)(GhoidcSlice), const char *json) {
    GhoidcSlice request = {(const uint8_t *)json, strlen(json)};
    GhoidcStatus status = fn(request);
    uint64_t len = ghoidc_result_len();
    if (len >= sizeof answer) len = sizeof answer - 1;
    GhoidcSliceMut buffer = {(uint8_t *)answer, len};
    uint64_t copied = ghoidc_result_copy(buffer);
    answer[copied] = '\0';
    return status;
}

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) {
        printf("     answer: %s\n", answer);
        failures++;
    }
}

/* One request to the fake server's control API (http://127.0.0.1:PORT only): answers the HTTP
 * status (0 when the request failed) and copies the body into `body` (NUL-terminated). */
static int fake_control(const char *base, const char *method, const char *path, const char *json, char *body,
                        size_t body_size) {
    char host[64];
    int port = 0;
    if (sscanf(base, "http://%63[^:/]:%d", host, &port) != 2) return 0;
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return 0;
    }
    char head[512];
    size_t json_len = json ? strlen(json) : 0;
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            method, path, host, port, json_len);
    int ok = write(fd, head, (size_t)head_len) == head_len && (json_len == 0 || write(fd, json, json_len) == (ssize_t)json_len);
    static char response[65536];
    size_t got = 0;
    ssize_t n;
    while (ok && got < sizeof response - 1 && (n = read(fd, response + got, sizeof response - 1 - got)) > 0) got += (size_t)n;
    close(fd);
    response[got] = '\0';
    int status = 0;
    if (!ok || sscanf(response, "HTTP/1.%*d %d", &status) != 1) return 0;
    const char *start = strstr(response, "\r\n\r\n");
    if (body && body_size) snprintf(body, body_size, "%s", start ? start + 4 : "");
    return status;
}

/* The number after `"key":` in `text` (0 when absent). */
static unsigned long long number_after(const char *text, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(text, pattern);
    return at ? strtoull(at + strlen(pattern), NULL, 10) : 0;
}

/* How many times `needle` occurs in `text`. */
static int occurrences(const char *text, const char *needle) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* A token whose header and claims decode (the signature is not checked by decode_token). */
#define LOOP_TOKEN                                                                                 \
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIiwicmVwb3NpdG9yeSI6Im8vciIsImV4cCI6MX0.c2ln"

#define WARM_UP 1000

/* The resident set size of this process in KB (Linux: VmRSS in /proc/self/status), -1 elsewhere. */
static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = atol(line + 6);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* Offline calls in a loop, for the memory checker: N calls in all over a fixed set of valid and
 * invalid requests, each with the status it must get. */
static int run_loop(long n) {
    /* A token-shaped value for ghoidc_redact, built at run time (no token-shaped literal in the source). */
    char token[41];
    memcpy(token, "gh", 2);
    memcpy(token + 2, "p_", 2);
    for (int i = 4; i < 40; i++) token[i] = (char)('A' + i % 26);
    token[40] = '\0';
    char redact_request[512];
    snprintf(redact_request, sizeof redact_request,
             "{\"texts\":[\"Authorization: Bearer %s\",\"GET https://api.github.com/x?access_token=abc failed\","
             "\"the s3cret-value leaked\",\"\"],\"secrets\":[\"s3cret-value\"]}",
             token);
    struct {
        GhoidcStatus (*fn)(GhoidcSlice);
        const char *json;
        GhoidcStatus expected;
    } calls[] = {
        {ghoidc_version, "{}", GhoidcStatus_Ok},
        {ghoidc_version, "{\"x\":1}", GhoidcStatus_InvalidArgument},
        {ghoidc_decode_token, "{\"token\":\"" LOOP_TOKEN "\"}", GhoidcStatus_Ok},
        {ghoidc_decode_token, "{\"token\":\"not-a-token\"}", GhoidcStatus_InvalidArgument},
        {ghoidc_resolve_subject, "{\"claims\":{\"repository\":\"o/r\",\"ref\":\"refs/heads/main\"}}", GhoidcStatus_Ok},
        {ghoidc_resolve_subject, "{\"branch\":\"main\",\"claims\":{\"repository\":\"o/r\"},\"include_claim_keys\":[\"repo\",\"ref\"]}",
         GhoidcStatus_Ok},
        {ghoidc_resolve_subject, "{\"owner\":\"o\"}", GhoidcStatus_InvalidArgument},
        {ghoidc_actions_token, "{}", GhoidcStatus_InvalidArgument},
        {ghoidc_trust_policy, "{\"provider\":\"Azure\",\"subjects\":[\"repo:o/r:ref:refs/heads/main\"]}", GhoidcStatus_Ok},
        {ghoidc_trust_policy, "{\"provider\":\"Nope\",\"subjects\":[]}", GhoidcStatus_InvalidArgument},
        {ghoidc_context, "{\"context\":{\"host_name\":\"octo.ghe.com\"}}", GhoidcStatus_Ok},
        {ghoidc_context, "{\"context\":", GhoidcStatus_InvalidArgument},
        /* ghoidc_redact: token shapes, a query secret and an exact secret; an empty list; a wrong type. */
        {ghoidc_redact, redact_request, GhoidcStatus_Ok},
        {ghoidc_redact, "{\"texts\":[]}", GhoidcStatus_Ok},
        {ghoidc_redact, "{\"texts\":\"one\"}", GhoidcStatus_InvalidArgument},
        {ghoidc_redact, "{\"texts\":[\"a\"],\"secrets\":[1]}", GhoidcStatus_InvalidArgument},
        /* ghoidc_config_validate: a document as text and as an object; invalid ones of each kind. */
        {ghoidc_config_validate,
         "{\"document_text\":\"{\\\"Owner\\\":\\\"octo-org\\\",\\\"Organization\\\":{\\\"IncludeClaimKeys\\\":[\\\"repo\\\","
         "\\\"context\\\"]},\\\"Repositories\\\":{\\\"api\\\":{\\\"Source\\\":\\\"Repository\\\",\\\"IncludeClaimKeys\\\":"
         "[\\\"repo\\\",\\\"job_workflow_ref\\\"]},\\\"web-*\\\":{\\\"Source\\\":\\\"Organization\\\"},\\\"*\\\":{"
         "\\\"UseImmutableSubject\\\":true}}}\"}",
         GhoidcStatus_Ok},
        {ghoidc_config_validate,
         "{\"document\":{\"$schema\":\"x\",\"Owner\":\"o\",\"Repositories\":{\"API\":{\"Source\":\"Default\"},"
         "\"w?b\":{\"IncludeClaimKeys\":[\"repo\",\"context\"]}}}}",
         GhoidcStatus_Ok},
        {ghoidc_config_validate, "{\"document_text\":\"{\\\"Owner\\\":\\\"o\\\",\\\"Repositories\\\":{\\\"a\\\":{},\\\"A\\\":{}}}\"}",
         GhoidcStatus_InvalidArgument},
        {ghoidc_config_validate, "{\"document_text\":\"{\\\"Owner\\\":\"}", GhoidcStatus_InvalidArgument},
        {ghoidc_config_validate, "{\"document\":{\"Owner\":\"o\",\"Repositories\":{\"a\":{\"IncludeClaimKeys\":[\"no such\"]}}}}",
         GhoidcStatus_InvalidArgument},
        {ghoidc_config_validate, "{\"document\":{\"Owner\":\"o\"},\"document_text\":\"{}\"}", GhoidcStatus_InvalidArgument},
        {ghoidc_config_validate, "{}", GhoidcStatus_InvalidArgument},
        /* ghoidc_config_export / _compare need a finished job (the server part runs one): here
         * unknown jobs, a document that does not validate, no document. */
        {ghoidc_config_export, "{\"job\":0}", GhoidcStatus_InvalidArgument},
        {ghoidc_config_export, "{\"job\":987654321,\"format\":\"psd1\",\"include_archived\":true}", GhoidcStatus_InvalidArgument},
        {ghoidc_config_compare, "{\"job\":0,\"document\":{\"Owner\":\"o\"}}", GhoidcStatus_InvalidArgument},
        {ghoidc_config_compare, "{\"job\":0,\"document\":{\"Owner\":\"not a login\"}}", GhoidcStatus_InvalidArgument},
        {ghoidc_config_compare, "{\"job\":0}", GhoidcStatus_InvalidArgument},
        /* ghoidc_fleet_start refused before any request (a token is given, so GH_TOKEN is never
         * read); ghoidc_fleet_next / _close of an unknown job. */
        {ghoidc_fleet_start,
         "{\"context\":{\"api_base_uri\":\"http://127.0.0.1:1\",\"token\":\"t\"},\"options\":{\"owner\":\"o\",\"throttle_limit\":0}}",
         GhoidcStatus_InvalidArgument},
        {ghoidc_fleet_start, "{\"context\":{\"api_base_uri\":\"http://127.0.0.1:1\",\"token\":\"t\"},\"options\":{\"owner\":\"no/such\"}}",
         GhoidcStatus_InvalidArgument},
        {ghoidc_fleet_start, "{\"context\":{\"api_base_uri\":\"http://127.0.0.1:1\",\"token\":\"t\"},\"options\":{}}",
         GhoidcStatus_InvalidArgument},
        {ghoidc_fleet_next, "{\"job\":987654321,\"wait_ms\":0}", GhoidcStatus_InvalidArgument},
        {ghoidc_fleet_next, "{\"job\":-1}", GhoidcStatus_InvalidArgument},
        {ghoidc_fleet_close, "{\"job\":987654321}", GhoidcStatus_InvalidArgument},
    };
    /* Nine calls in ten are the cheapest export (ghoidc_version, valid then invalid), the tenth
     * goes round the other requests: N calls stay quick under valgrind. */
    size_t count = sizeof calls / sizeof calls[0];
    size_t other = 2;
    long wrong = 0;
    long warm_kb = 0;
    /* WARM_UP calls first (not counted), so the RSS growth measures the N calls alone. */
    for (long i = -WARM_UP; i < n; i++) {
        if (i == 0) warm_kb = rss_kb();
        size_t k = (size_t)(i + WARM_UP) % 2;
        if ((i + WARM_UP) % 10 == 9) {
            k = other;
            other = other + 1 < count ? other + 1 : 2;
        }
        if (call(calls[k].fn, calls[k].json) != calls[k].expected) {
            if (wrong++ < 5) printf("FAIL call %zu (%s): answer: %s\n", k, calls[k].json, answer);
        }
    }
    if (n <= 0) warm_kb = rss_kb();
    long end_kb = rss_kb();
    printf("%ld call(s), %ld with an unexpected status\n", n, wrong);
    printf("rss: %ld KB after %d warm-up calls, %ld KB after %ld more, growth %ld KB\n", warm_kb, WARM_UP, end_kb, n,
           end_kb - warm_kb);
    return wrong == 0 ? 0 : 1;
}

/* Starts a fleet job: answers its id (0 when the start failed). */
static unsigned long long fleet_start(const char *base, const char *options) {
    char request[1024];
    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"token\":\"test-admin-token\"},\"options\":%s}", base, options);
    if (call(ghoidc_fleet_start, request) != GhoidcStatus_Ok) return 0;
    return number_after(answer, "job");
}

/* Calls ghoidc_fleet_next until done (at most `rounds` calls); adds the items to *states and
 * *failures. Answers the status of the last call (Ok when the run completed). */
static GhoidcStatus fleet_drain(unsigned long long job, int rounds, int *states, int *failures, int *done) {
    char request[128];
    GhoidcStatus status = GhoidcStatus_Ok;
    *done = 0;
    for (int i = 0; i < rounds && !*done; i++) {
        snprintf(request, sizeof request, "{\"job\":%llu,\"wait_ms\":500,\"max_items\":7}", job);
        status = call(ghoidc_fleet_next, request);
        if (status != GhoidcStatus_Ok) break;
        *states += occurrences(answer, "\"state\":");
        *failures += occurrences(answer, "\"failure\":");
        *done = strstr(answer, "\"done\":true") != NULL;
    }
    return status;
}

/* A fleet job over an organization the fake generates (POST /_fake/orgs): the whole run in small
 * batches, the desired-state exports on its inventory, close; a job closed while it runs; a job
 * whose listing fails. */
static void run_generated_fleet(const char *base) {
    char body[4096];
    char request[2048];
    /* 60 repositories: every 5th with its own template (indexes 4, 9, ... 59: 12), every 7th opted
     * in to the organization's template unless it has its own (6, 13, 20, 27, 41, 48, 55: 7; 34
     * has its own), every 10th archived (9, 19, ... 59: 6, skipped by default). */
    int status = fake_control(base, "POST", "/_fake/orgs",
                              "{\"org\":\"memcheck-org\",\"count\":60,\"seed\":7,\"own_template_every\":5,"
                              "\"opted_in_every\":7,\"archived_every\":10,\"template\":[\"repo\",\"context\"]}",
                              body, sizeof body);
    check(status == 201 && number_after(body, "count") == 60, "POST /_fake/orgs generates memcheck-org (60 repositories)");

    unsigned long long job = fleet_start(base, "{\"owner\":\"memcheck-org\",\"throttle_limit\":4,\"include_archived\":true}");
    check(job != 0, "ghoidc_fleet_start starts a job over memcheck-org, archived repositories included");
    int states = 0, failures = 0, done = 0;
    GhoidcStatus last = fleet_drain(job, 200, &states, &failures, &done);
    check(last == GhoidcStatus_Ok && done && states == 60 && failures == 0 && number_after(answer, "total") == 60 &&
              number_after(answer, "completed") == 60,
          "ghoidc_fleet_next hands out the 60 repositories in batches of at most 7, then done");
    snprintf(request, sizeof request, "{\"job\":%llu,\"wait_ms\":0}", job);
    check(call(ghoidc_fleet_next, request) == GhoidcStatus_Ok && strstr(answer, "\"items\":[]") != NULL &&
              strstr(answer, "\"done\":true") != NULL,
          "ghoidc_fleet_next after done answers no item and done");

    /* Export: the organization template and every unarchived repository off GitHub's default
     * (own template: 6 of the 12 are unarchived, every archived index is also a 5th; opted in: 7). */
    snprintf(request, sizeof request, "{\"job\":%llu}", job);
    check(call(ghoidc_config_export, request) == GhoidcStatus_Ok && number_after(answer, "repositories") == 13 &&
              strstr(answer, "\"Owner\":\"memcheck-org\"") != NULL,
          "ghoidc_config_export writes the organization and its 13 customised unarchived repositories");
    snprintf(request, sizeof request, "{\"job\":%llu,\"format\":\"psd1\",\"include_archived\":true}", job);
    check(call(ghoidc_config_export, request) == GhoidcStatus_Ok && number_after(answer, "repositories") == 19 &&
              strstr(answer, "@{") != NULL,
          "ghoidc_config_export as psd1 with the archived repositories");
    snprintf(request, sizeof request, "{\"job\":%llu,\"format\":\"yaml\"}", job);
    check(call(ghoidc_config_export, request) == GhoidcStatus_InvalidArgument && strstr(answer, "yaml") != NULL,
          "ghoidc_config_export refuses an unknown format");

    /* Compare: a document that says what is there needs no write; one that changes the
     * organization's keys needs one write, the organization's. */
    snprintf(request, sizeof request,
             "{\"job\":%llu,\"document\":{\"Owner\":\"memcheck-org\",\"Organization\":{\"IncludeClaimKeys\":[\"repo\",\"context\"]}}}",
             job);
    check(call(ghoidc_config_compare, request) == GhoidcStatus_Ok && strstr(answer, "\"differences\":[]") != NULL &&
              strstr(answer, "\"writes\":[]") != NULL,
          "ghoidc_config_compare: a document matching the organization needs no write");
    snprintf(request, sizeof request,
             "{\"job\":%llu,\"document_text\":\"{\\\"Owner\\\":\\\"memcheck-org\\\",\\\"Organization\\\":{"
             "\\\"IncludeClaimKeys\\\":[\\\"repo\\\",\\\"context\\\",\\\"job_workflow_ref\\\"]}}\"}",
             job);
    check(call(ghoidc_config_compare, request) == GhoidcStatus_Ok && strstr(answer, "\"writes\":[{") != NULL &&
              occurrences(answer, "job_workflow_ref") >= 2,
          "ghoidc_config_compare: new organization keys are one difference and its write");
    snprintf(request, sizeof request,
             "{\"job\":%llu,\"document\":{\"Owner\":\"memcheck-org\",\"Repositories\":{\"*\":{\"Source\":\"Default\"}}}}", job);
    check(call(ghoidc_config_compare, request) == GhoidcStatus_Ok && occurrences(answer, "\"properties\":[\"Source\"]") == 13,
          "ghoidc_config_compare: every repository back to the default is one write per customised unarchived repository");
    snprintf(request, sizeof request,
             "{\"job\":%llu,\"include_archived\":true,\"document\":{\"Owner\":\"memcheck-org\",\"Repositories\":{\"*\":{\"Source\":\"Default\"}}}}",
             job);
    check(call(ghoidc_config_compare, request) == GhoidcStatus_Ok && occurrences(answer, "\"properties\":[\"Source\"]") == 19,
          "ghoidc_config_compare with the archived repositories: 19 writes");

    check(call(ghoidc_fleet_close, request) == GhoidcStatus_InvalidArgument, "ghoidc_fleet_close refuses a request with unknown fields");
    snprintf(request, sizeof request, "{\"job\":%llu}", job);
    check(call(ghoidc_fleet_close, request) == GhoidcStatus_Ok, "ghoidc_fleet_close frees the finished job");
    check(call(ghoidc_config_export, request) == GhoidcStatus_InvalidArgument && strstr(answer, "no job") != NULL,
          "ghoidc_config_export of a closed job is refused");
    snprintf(request, sizeof request, "{\"job\":%llu,\"document\":{\"Owner\":\"memcheck-org\"}}", job);
    check(call(ghoidc_config_compare, request) == GhoidcStatus_InvalidArgument && strstr(answer, "no job") != NULL,
          "ghoidc_config_compare of a closed job is refused");

    /* A job closed while it runs: every repository read waits 100 ms, one in flight at a time. */
    status = fake_control(base, "PUT", "/_fake/latency", "{\"ms\":100,\"path_prefix\":\"/repos/\"}", body, sizeof body);
    check(status == 204, "PUT /_fake/latency slows repository reads");
    job = fleet_start(base, "{\"owner\":\"memcheck-org\",\"throttle_limit\":1}");
    check(job != 0, "ghoidc_fleet_start starts a slow job");
    snprintf(request, sizeof request, "{\"job\":%llu,\"wait_ms\":1000,\"max_items\":1}", job);
    check(call(ghoidc_fleet_next, request) == GhoidcStatus_Ok && strstr(answer, "\"done\":false") != NULL,
          "ghoidc_fleet_next of a running job answers done false");
    snprintf(request, sizeof request, "{\"job\":%llu}", job);
    check(call(ghoidc_config_export, request) == GhoidcStatus_InvalidArgument, "ghoidc_config_export of a running job is refused");
    check(call(ghoidc_fleet_close, request) == GhoidcStatus_Ok, "ghoidc_fleet_close cancels a job in flight");
    check(call(ghoidc_fleet_next, request) == GhoidcStatus_InvalidArgument, "a cancelled job is unknown");
    /* No request starts after the close: the fake's request count stays still. */
    sleep_ms(300);
    fake_control(base, "GET", "/_fake/concurrency", NULL, body, sizeof body);
    unsigned long long total = number_after(body, "total");
    sleep_ms(600);
    fake_control(base, "GET", "/_fake/concurrency", NULL, body, sizeof body);
    check(total > 0 && number_after(body, "total") == total, "no request is sent after ghoidc_fleet_close");
    fake_control(base, "PUT", "/_fake/latency", "{\"ms\":0}", body, sizeof body);

    /* A run that fails as a whole (no such organization): its error, then close. */
    job = fleet_start(base, "{\"owner\":\"no-such-org\"}");
    states = failures = done = 0;
    last = fleet_drain(job, 20, &states, &failures, &done);
    check(job != 0 && last == GhoidcStatus_NotFound && states == 0, "ghoidc_fleet_next answers the error of a run whose listing failed");
    snprintf(request, sizeof request, "{\"job\":%llu,\"document\":{\"Owner\":\"no-such-org\"}}", job);
    check(call(ghoidc_config_compare, request) == GhoidcStatus_InvalidArgument, "ghoidc_config_compare of a failed job is refused");
    snprintf(request, sizeof request, "{\"job\":%llu}", job);
    check(call(ghoidc_fleet_close, request) == GhoidcStatus_Ok, "ghoidc_fleet_close frees a failed job");
}

/* A fleet job whose token no shape rule knows (a legacy 40-hex token, a GHES token of its own
 * format, both built at run time): the fake echoes the Authorization header in a repository's
 * error ({{header:authorization}}), and no answer of ghoidc_fleet_next, ghoidc_config_export or
 * ghoidc_config_compare holds the token, though none of their requests carries it, while the
 * failure says [REDACTED]. */
static void run_fleet_redaction(const char *base) {
    char hex[41], custom[32], body[4096], request[2048], what[256];
    for (int i = 0; i < 40; i++) hex[i] = "0123456789abcdef"[(i * 7 + 3) % 16];
    hex[40] = '\0';
    snprintf(custom, sizeof custom, "corp%s%s", "~Zq9x7svc", ":mK2Lp!4");
    const char *tokens[] = {hex, custom};
    const char *names[] = {"a legacy 40-hex token", "a custom GHES token"};
    for (int t = 0; t < 2; t++) {
        const char *token = tokens[t];
        snprintf(request, sizeof request, "{\"token\":\"%s\",\"permission\":\"write\"}", token);
        int status = fake_control(base, "POST", "/_fake/tokens", request, body, sizeof body);
        snprintf(what, sizeof what, "POST /_fake/tokens accepts %s", names[t]);
        check(status == 204, what);
        status = fake_control(base, "POST", "/_fake/faults",
                              "[{\"status\":422,\"path_prefix\":\"/repos/octo-org/octo-repo/\",\"times\":50,"
                              "\"body\":\"{\\\"message\\\": \\\"Validation Failed for {{header:authorization}}\\\"}\"}]",
                              body, sizeof body);
        check(status == 204, "POST /_fake/faults echoes the Authorization header in octo-repo's error");
        snprintf(request, sizeof request,
                 "{\"context\":{\"api_base_uri\":\"%s\",\"token\":\"%s\",\"max_retries\":0},\"options\":{\"owner\":\"octo-org\"}}",
                 base, token);
        unsigned long long job = call(ghoidc_fleet_start, request) == GhoidcStatus_Ok ? number_after(answer, "job") : 0;
        snprintf(what, sizeof what, "ghoidc_fleet_start with %s", names[t]);
        check(job != 0 && strstr(answer, token) == NULL, what);
        int done = 0, leaked = 0, redacted = 0, failed = 0;
        for (int i = 0; i < 100 && !done; i++) {
            snprintf(request, sizeof request, "{\"job\":%llu,\"wait_ms\":500}", job);
            if (call(ghoidc_fleet_next, request) != GhoidcStatus_Ok) break;
            leaked += strstr(answer, token) != NULL;
            redacted += occurrences(answer, "Validation Failed for Bearer [REDACTED]");
            failed += occurrences(answer, "\"failure\":");
            done = strstr(answer, "\"done\":true") != NULL;
        }
        snprintf(what, sizeof what, "ghoidc_fleet_next: octo-repo's failure says [REDACTED], never %s", names[t]);
        check(done && !leaked && failed == 1 && redacted >= 1, what);
        snprintf(request, sizeof request, "{\"job\":%llu}", job);
        call(ghoidc_config_export, request);
        snprintf(what, sizeof what, "ghoidc_config_export never answers %s", names[t]);
        check(strstr(answer, token) == NULL, what);
        snprintf(request, sizeof request,
                 "{\"job\":%llu,\"document\":{\"Owner\":\"octo-org\",\"Repositories\":{\"octo-repo\":{\"Source\":\"Default\"}}}}", job);
        call(ghoidc_config_compare, request);
        snprintf(what, sizeof what, "ghoidc_config_compare never answers %s", names[t]);
        check(strstr(answer, token) == NULL, what);
        snprintf(request, sizeof request, "{\"job\":%llu}", job);
        check(call(ghoidc_fleet_close, request) == GhoidcStatus_Ok, "ghoidc_fleet_close frees the job");
        fake_control(base, "DELETE", "/_fake/faults", NULL, body, sizeof body);
    }
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--loop") == 0) return run_loop(atol(argv[2]));
    if (argc < 2) {
        fprintf(stderr, "usage: abi_test BASE_URL | abi_test --loop N\n");
        return 2;
    }
    const char *base = argv[1];
    char request[2048];

    check(ghoidc_api_guard() == GHOIDC_API_HASH, "ghoidc_api_guard returns the header's GHOIDC_API_HASH");

    /* NULL with length 0 is the empty request {}. */
    GhoidcSlice empty = {NULL, 0};
    check(ghoidc_version(empty) == GhoidcStatus_Ok, "a NULL request of length 0 is {}");

    /* Every operation refuses what its request type does not know, and names it. */
    struct { const char *name; GhoidcStatus (*fn)(GhoidcSlice); } ops[] = {
        {"ghoidc_version", ghoidc_version},
        {"ghoidc_context", ghoidc_context},
        {"ghoidc_discover", ghoidc_discover},
        {"ghoidc_claim_keys", ghoidc_claim_keys},
        {"ghoidc_get_subject_claim", ghoidc_get_subject_claim},
        {"ghoidc_set_subject_claim", ghoidc_set_subject_claim},
        {"ghoidc_list_property_claims", ghoidc_list_property_claims},
        {"ghoidc_add_property_claim", ghoidc_add_property_claim},
        {"ghoidc_remove_property_claim", ghoidc_remove_property_claim},
        {"ghoidc_set_enterprise_issuer", ghoidc_set_enterprise_issuer},
        {"ghoidc_resolve_subject", ghoidc_resolve_subject},
        {"ghoidc_decode_token", ghoidc_decode_token},
        {"ghoidc_verify_token", ghoidc_verify_token},
        {"ghoidc_actions_token", ghoidc_actions_token},
        {"ghoidc_trust_policy", ghoidc_trust_policy},
        {"ghoidc_test_trust_policy", ghoidc_test_trust_policy},
        {"ghoidc_config_validate", ghoidc_config_validate},
        {"ghoidc_config_export", ghoidc_config_export},
        {"ghoidc_config_compare", ghoidc_config_compare},
        {"ghoidc_clear_cache", ghoidc_clear_cache},
        {"ghoidc_fleet_start", ghoidc_fleet_start},
        {"ghoidc_fleet_next", ghoidc_fleet_next},
        {"ghoidc_fleet_close", ghoidc_fleet_close},
        {"ghoidc_redact", ghoidc_redact},
    };
    char what[256];
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        snprintf(what, sizeof what, "%s: an unknown field is InvalidArgument naming it", ops[i].name);
        check(call(ops[i].fn, "{\"no_such_field\":1}") == GhoidcStatus_InvalidArgument &&
                  strstr(answer, "no_such_field") != NULL && strstr(answer, "\"InvalidArgument\"") != NULL,
              what);
        snprintf(what, sizeof what, "%s: a body that is not an object is InvalidArgument", ops[i].name);
        check(call(ops[i].fn, "[1,2]") == GhoidcStatus_InvalidArgument, what);
        /* Also where every field is optional (serde would take [] for {}). */
        const char *not_objects[] = {"[]", "0", "\"{}\"", "null", "true"};
        for (size_t j = 0; j < sizeof not_objects / sizeof not_objects[0]; j++) {
            snprintf(what, sizeof what, "%s: %s is InvalidArgument (not a JSON object)", ops[i].name, not_objects[j]);
            check(call(ops[i].fn, not_objects[j]) == GhoidcStatus_InvalidArgument &&
                      strstr(answer, "must be a JSON object") != NULL,
                  what);
        }
    }
    check(call(ghoidc_context, "{\"context\":{\"host_nam\":\"github.com\"}}") == GhoidcStatus_InvalidArgument &&
              strstr(answer, "context.host_nam") != NULL,
          "an unknown field inside context is named with its path");
    check(call(ghoidc_claim_keys, "{\"completion\":\"yes\"}") == GhoidcStatus_InvalidArgument &&
              strstr(answer, "completion") != NULL,
          "a field of the wrong type is InvalidArgument naming it");

    check(call(ghoidc_version, "{}") == GhoidcStatus_Ok && strstr(answer, "\"version\"") != NULL,
          "ghoidc_version answers a version");

    check(call(ghoidc_config_validate,
               "{\"document_text\":\"{\\\"Owner\\\":\\\"octo-org\\\",\\\"Repositories\\\":{\\\"api\\\":{\\\"Source\\\":\\\"Organization\\\"}}}\"}") ==
                  GhoidcStatus_Ok &&
              strstr(answer, "\"entries\":[\"api\"]") != NULL,
          "ghoidc_config_validate accepts a desired-state document as text");
    check(call(ghoidc_config_validate, "{\"document\":{\"Owner\":\"o\",\"Repositories\":{\"api\":{\"Sourc\":1}}}}") ==
                  GhoidcStatus_InvalidArgument &&
              strstr(answer, "Repositories.api.Sourc") != NULL,
          "ghoidc_config_validate names the path of an unknown field in a document object");

    check(call(ghoidc_context, "{\"context\":{\"host_name\":\"github.example.com\"}}") == GhoidcStatus_Ok &&
              strstr(answer, "https://github.example.com/api/v3") != NULL &&
              strstr(answer, "https://github.example.com/_services/token") != NULL,
          "ghoidc_context derives GHES endpoints");

    check(call(ghoidc_context, "{\"context\":") == GhoidcStatus_InvalidArgument, "invalid JSON is InvalidArgument");

    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"issuer_uri\":\"%s\",\"token\":\"test-admin-token\"},"
             "\"owner\":\"octo-org\",\"repository\":\"octo-repo\"}",
             base, base);
    check(call(ghoidc_get_subject_claim, request) == GhoidcStatus_Ok && strstr(answer, "\"use_default\":true") != NULL,
          "ghoidc_get_subject_claim reads the repository template");

    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"token\":\"test-admin-token\"},\"owner\":\"no-such-org\"}", base);
    check(call(ghoidc_get_subject_claim, request) == GhoidcStatus_NotFound && strstr(answer, "\"NotFound\"") != NULL,
          "a missing organization is NotFound");

    snprintf(request, sizeof request, "{\"context\":{\"api_base_uri\":\"%s\"},\"owner\":\"octo-org\"}", base);
    check(call(ghoidc_get_subject_claim, request) == GhoidcStatus_InvalidArgument && strstr(answer, "GH_TOKEN") != NULL,
          "a missing token fails before any request and says how to provide one");

    snprintf(request, sizeof request, "{\"context\":{\"issuer_uri\":\"%s\"}}", base);
    check(call(ghoidc_discover, request) == GhoidcStatus_Ok && strstr(answer, "claims_supported") != NULL,
          "ghoidc_discover reads the discovery document");

    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"issuer_uri\":\"%s\",\"token\":\"test-admin-token\"},"
             "\"owner\":\"octo-org\",\"repository\":\"octo-repo\",\"use_default\":false,"
             "\"include_claim_keys\":[\"repo\",\"context\",\"job_workflow_ref\"],\"dry_run\":true}",
             base, base);
    check(call(ghoidc_set_subject_claim, request) == GhoidcStatus_Ok && strstr(answer, "\"applied\":false") != NULL &&
              strstr(answer, "\"method\":\"PUT\"") != NULL && strstr(answer, "job_workflow_ref") != NULL,
          "a dry run answers the exact request without applying it");

    check(call(ghoidc_fleet_next, "{\"job\":987654321}") == GhoidcStatus_InvalidArgument && strstr(answer, "987654321") != NULL,
          "ghoidc_fleet_next of an unknown job is InvalidArgument naming it");
    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"token\":\"test-admin-token\"},"
             "\"options\":{\"owner\":\"octo-org\",\"throttle_limit\":33}}",
             base);
    check(call(ghoidc_fleet_start, request) == GhoidcStatus_InvalidArgument && strstr(answer, "1 to 32") != NULL,
          "ghoidc_fleet_start refuses a throttle limit above 32");
    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"token\":\"test-admin-token\"},\"options\":{\"owner\":\"octo-org\"}}",
             base);
    check(call(ghoidc_fleet_start, request) == GhoidcStatus_Ok && strstr(answer, "\"job\"") != NULL,
          "ghoidc_fleet_start answers a job id");
    {
        char job[64];
        const char *at = strstr(answer, "\"job\":");
        unsigned long long id = at ? strtoull(at + 6, NULL, 10) : 0;
        int done = 0, states = 0;
        for (int i = 0; i < 100 && !done; i++) {
            snprintf(job, sizeof job, "{\"job\":%llu,\"wait_ms\":200}", id);
            if (call(ghoidc_fleet_next, job) != GhoidcStatus_Ok) break;
            for (const char *p = answer; (p = strstr(p, "\"state\":")) != NULL; p++) states++;
            done = strstr(answer, "\"done\":true") != NULL;
        }
        check(done && states == 2, "ghoidc_fleet_next hands out both repositories of octo-org, then done");
        snprintf(job, sizeof job, "{\"job\":%llu}", id);
        check(call(ghoidc_fleet_close, job) == GhoidcStatus_Ok, "ghoidc_fleet_close frees the job");
        check(call(ghoidc_fleet_close, job) == GhoidcStatus_InvalidArgument, "a closed job is unknown");
    }

    run_generated_fleet(base);
    run_fleet_redaction(base);

    /* ghoidc_redact removes a token shape and an exact secret (the token is built at run time). */
    {
        char token[41];
        memcpy(token, "gh", 2);
        memcpy(token + 2, "s_", 2);
        for (int i = 4; i < 40; i++) token[i] = (char)('a' + i % 26);
        token[40] = '\0';
        snprintf(request, sizeof request, "{\"texts\":[\"Bearer %s\",\"key=hunter22 here\"],\"secrets\":[\"hunter22\"]}", token);
        check(call(ghoidc_redact, request) == GhoidcStatus_Ok && strstr(answer, token) == NULL &&
                  strstr(answer, "hunter22") == NULL && occurrences(answer, "[REDACTED]") == 2,
              "ghoidc_redact removes a token shape and an exact secret");
    }

    /* A buffer smaller than the answer receives a prefix and the copied length. */
    call(ghoidc_version, "{}");
    uint8_t small[4];
    GhoidcSliceMut small_buffer = {small, sizeof small};
    check(ghoidc_result_copy(small_buffer) == sizeof small && ghoidc_result_len() > sizeof small,
          "ghoidc_result_copy never writes past the caller's buffer");

    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
