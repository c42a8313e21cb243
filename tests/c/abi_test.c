/* C ABI test: a C program compiled against the committed header (bindings/github_oidc.h)
 * calls the native library, using only what the header says. Run by ./build.ps1 -Test with the fake server's base URL:
 *     abi_test http://127.0.0.1:PORT
 * Prints one line per check and exits non-zero when any check fails.
 *     abi_test --loop N
 * calls offline exports N times in all (valid and invalid requests, no server) and checks every
 * status: the memory step of ./build.ps1 -Test runs both modes under valgrind. */
#include "github_oidc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        {ghoidc_trust_policy, "{\"provider\":\"Azure\",\"subjects\":[\"repo:o/r:ref:refs/heads/main\"]}", GhoidcStatus_Ok},
        {ghoidc_trust_policy, "{\"provider\":\"Nope\",\"subjects\":[]}", GhoidcStatus_InvalidArgument},
        {ghoidc_context, "{\"context\":{\"host_name\":\"octo.ghe.com\"}}", GhoidcStatus_Ok},
        {ghoidc_context, "{\"context\":", GhoidcStatus_InvalidArgument},
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

    /* A buffer smaller than the answer receives a prefix and the copied length. */
    call(ghoidc_version, "{}");
    uint8_t small[4];
    GhoidcSliceMut small_buffer = {small, sizeof small};
    check(ghoidc_result_copy(small_buffer) == sizeof small && ghoidc_result_len() > sizeof small,
          "ghoidc_result_copy never writes past the caller's buffer");

    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
