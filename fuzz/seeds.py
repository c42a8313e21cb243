#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from valid (and a few near-valid) requests.

Each seed is one JSON request in the shape bindings/schema.json gives for that export. Run from
the repository root: python3 fuzz/seeds.py (the seeds are committed; rerun after a schema change).
"""
import base64, json, os

def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

claims = {"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "repository": "octo-org/octo-repo",
          "repository_owner": "octo-org", "ref": "refs/heads/main", "event_name": "push",
          "job_workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main",
          "aud": "sts.amazonaws.com", "iss": "https://token.actions.githubusercontent.com",
          "repository_id": "42", "repository_owner_id": "7", "exp": 1900000000, "iat": 1800000000}
jwt = b64({"alg": "RS256", "typ": "JWT", "kid": "k1"}) + "." + b64(claims) + ".c2ln"
ctx = {"host_name": "github.com", "token": "test-token", "timeout_sec": 5, "max_retries": 1}

seeds = {
    "version": [{}, b""],
    "clear_cache": [{}],
    "context": [{}, {"context": ctx}, {"context": {"host_name": "github.example.com"}},
                {"context": {"host_name": "octo.ghe.com"}},
                {"context": {"host_name": "https://github.example.com/", "api_base_uri": "https://x/api/v3"}},
                {"context": {"issuer_uri": "https://token.actions.githubusercontent.com/ent", "max_retry_wait_sec": 1.5}}],
    "claim_keys": [{}, {"completion": True}, {"context": ctx, "enterprise": "ent"}],
    "decode_token": [{"token": jwt}, {"token": "a.b.c"}, {"token": ""}],
    "resolve_subject": [
        {}, {"claims": {"repository": "octo-org/octo-repo", "ref": "refs/heads/main", "event_name": "push"}},
        {"claims": {"repository": "o/r", "environment": "prod", "repository_id": 42, "x": True},
         "include_claim_keys": ["repo", "context", "job_workflow_ref", "repository_owner_id"],
         "use_immutable_subject": True},
        {"branch": "main", "include_claim_keys": ["repo", "ref"]},
        {"tag": "v1.0", "claims": {"repository": "o/r"}},
        {"ref": "refs/pull/3/merge", "pull_request": 3, "claims": {"repository": "o/r"}},
        {"environment": "production", "claims": {"repository": "o/r"}},
        {"token": jwt}, {"token": jwt, "include_claim_keys": ["repo", "context"]},
        {"owner": "octo-org", "repository": "octo-repo", "branch": "main"},
    ],
    "trust_policy": [
        {"provider": "Aws", "subjects": ["repo:o/r:ref:refs/heads/main"], "aws_account_id": "123456789012"},
        {"provider": "azure", "subjects": ["repo:o/r:environment:prod"], "name": "deploy"},
        {"provider": "Gcp", "subjects": ["repo:o/r:*"], "audience": "https://iam.googleapis.com/x"},
        {"provider": "Vault", "subjects": ["repo:o/*"], "issuer": "https://token.actions.githubusercontent.com"},
        {"provider": "Aws", "subjects": [], "context": {"host_name": "octo.ghe.com"}, "enterprise": "ent"},
    ],
    "config_validate": [
        {"document_text": json.dumps({"Owner": "octo-org",
                                      "Organization": {"IncludeClaimKeys": ["repo", "context"], "UseImmutableSubject": False},
                                      "Repositories": {"api": {"Source": "Repository", "IncludeClaimKeys": ["repo", "job_workflow_ref"]},
                                                       "web-*": {"Source": "Organization"}, "w?b": {}, "*": {"UseImmutableSubject": True}}})},
        {"document": {"$schema": "x", "Owner": "o", "Repositories": {"API": {"Source": "Default"}}}},
        {"document_text": "{\"Owner\": \"o\", \"Repositories\": {\"a\": {}, \"A\": {}}}"},
        {"document": {"Owner": "o", "Repositories": {"a": {"IncludeClaimKeys": ["repo_property_team", "nope"]}}}},
    ],
    "fleet_jobs": [
        {"job": 1}, {"job": 18446744073709551615, "wait_ms": 0, "max_items": 3},
        {"job": 2, "include_archived": True, "format": "psd1", "schema_uri": "x"},
        {"job": 3, "format": "json"},
        {"job": 4, "document": {"Owner": "o", "Organization": {"IncludeClaimKeys": ["repo", "context"]},
                                "Repositories": {"*": {"Source": "Default"}}}, "include_archived": True},
        {"job": 5, "document_text": json.dumps({"Owner": "o", "Repositories": {"api": {"IncludeClaimKeys": ["repo"]}}})},
        {"job": 6, "document": {"Owner": "o"}, "document_text": "{}"},
    ],
}
# Every request type's seeds feed the parser target too, with a few for the network exports.
seeds["parse_request"] = [s for k in list(seeds) for s in seeds[k]] + [
    {"context": ctx, "owner": "octo-org", "repository": "octo-repo", "use_default": False,
     "include_claim_keys": ["repo", "context"], "dry_run": True, "allow_unknown_keys": False},
    {"context": ctx, "owner": "octo-org", "name": "team", "dry_run": True},
    {"context": ctx, "enterprise": "ent", "include_enterprise_slug": True, "dry_run": True},
    {"context": ctx, "token": jwt, "audience": "sts.amazonaws.com"},
    {"context": ctx, "options": {"owner": "octo-org", "repositories": ["api-*", "w?b"], "include_archived": True,
                                 "throttle_limit": 4}},
    {"options": {"owner": "o", "throttle_limit": 33}},
    {"no_such_field": 1}, [1, 2], "text",
]

here = os.path.dirname(os.path.abspath(__file__))
for target, items in seeds.items():
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    for i, item in enumerate(items):
        data = item if isinstance(item, bytes) else json.dumps(item).encode()
        with open(os.path.join(folder, f"seed-{i:02}.json"), "wb") as f:
            f.write(data)
