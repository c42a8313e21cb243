/* C ABI test: a C program compiled against the committed header (bindings/github_oidc.h)
 * calls the native library. Run by ./build.ps1 -Test with the fake server's base URL:
 *     abi_test http://127.0.0.1:PORT
 * Prints one line per check and exits non-zero when any check fails. */
#include "github_oidc.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;
static char answer[65536];

/* Calls `fn` with a JSON request and copies the answer into `answer`. */
static GhoStatus call(GhoStatus (*fn)(FFISlice_u8), const char *json) {
    FFISlice_u8 request = {(const uint8_t *)json, strlen(json)};
    GhoStatus status = fn(request);
    uint64_t len = ghoidc_result_len();
    if (len >= sizeof answer) len = sizeof answer - 1;
    FFISliceMut_u8 buffer = {(uint8_t *)answer, len};
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

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: abi_test BASE_URL\n");
        return 2;
    }
    const char *base = argv[1];
    char request[2048];

    check(ghoidc_api_guard() != 0, "ghoidc_api_guard returns the API hash");

    check(call(ghoidc_version, "{}") == GhoStatus_Ok && strstr(answer, "\"version\"") != NULL,
          "ghoidc_version answers a version");

    check(call(ghoidc_context, "{\"context\":{\"host_name\":\"github.example.com\"}}") == GhoStatus_Ok &&
              strstr(answer, "https://github.example.com/api/v3") != NULL &&
              strstr(answer, "https://github.example.com/_services/token") != NULL,
          "ghoidc_context derives GHES endpoints");

    check(call(ghoidc_context, "{\"context\":") == GhoStatus_InvalidArgument, "invalid JSON is InvalidArgument");

    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"issuer_uri\":\"%s\",\"token\":\"test-admin-token\"},"
             "\"owner\":\"octo-org\",\"repository\":\"octo-repo\"}",
             base, base);
    check(call(ghoidc_get_repo_subject_claim, request) == GhoStatus_Ok && strstr(answer, "\"use_default\":true") != NULL,
          "ghoidc_get_repo_subject_claim reads the repository template");

    snprintf(request, sizeof request,
             "{\"context\":{\"api_base_uri\":\"%s\",\"token\":\"test-admin-token\"},\"owner\":\"no-such-org\"}", base);
    check(call(ghoidc_get_org_subject_claim, request) == GhoStatus_NotFound && strstr(answer, "\"NotFound\"") != NULL,
          "a missing organization is NotFound");

    snprintf(request, sizeof request, "{\"context\":{\"api_base_uri\":\"%s\"},\"owner\":\"octo-org\"}", base);
    check(call(ghoidc_get_org_subject_claim, request) == GhoStatus_InvalidArgument && strstr(answer, "GH_TOKEN") != NULL,
          "a missing token fails before any request and says how to provide one");

    snprintf(request, sizeof request, "{\"context\":{\"issuer_uri\":\"%s\"}}", base);
    check(call(ghoidc_discover, request) == GhoStatus_Ok && strstr(answer, "claims_supported") != NULL,
          "ghoidc_discover reads the discovery document");

    /* A buffer smaller than the answer receives a prefix and the copied length. */
    call(ghoidc_version, "{}");
    uint8_t small[4];
    FFISliceMut_u8 small_buffer = {small, sizeof small};
    check(ghoidc_result_copy(small_buffer) == sizeof small && ghoidc_result_len() > sizeof small,
          "ghoidc_result_copy never writes past the caller's buffer");

    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
